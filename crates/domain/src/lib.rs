//! Koine's pure domain: validated value types and the rules that need no I/O.
//!
//! Everything here parses untrusted input into typed values (`parse`) or decides
//! something from plain data; nothing touches the network, disk or clock.
#![forbid(unsafe_code)]

pub mod age;
pub mod consent;
pub mod contact;
pub mod disclosure;
pub mod ids;
pub mod password;
pub mod privacy;
pub mod profile;
pub mod requests;
pub mod search;
pub mod slots;
pub mod staff;
pub mod teaching;
pub mod uploads;
pub mod validation;

pub use validation::{Invalid, Valid};
