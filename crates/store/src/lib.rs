//! Storage for Koine: one `Db` over embedded SQLite or PostgreSQL running the
//! same SQL, per-backend migrations, repositories, and the data map (P1).
#![forbid(unsafe_code)]

pub mod breach;
pub mod datamap;
mod db;
pub mod erasure;
mod error;
pub mod export;
pub mod repo;
pub mod retention;
pub mod schema;

pub use db::{Backend, Conn, Db, Durability, PoolOptions, Tx};
pub use error::{Error, Result};
