//! Teaching: applications with verified identity, the teacher's
//! homepage, offerings, availability and slots, and the teacher search.

pub mod applications;
pub mod availability;
pub mod homepage;
pub mod offerings;
pub mod search;
