//! Koine's integration suite: one binary, every test against a real server
//! on SQLite and on PostgreSQL (`name::sqlite`, `name::postgres`).

mod accounts;
mod api;
mod browser;
mod ops;
mod privacy;
mod profiles;
mod security;
mod smtp;
mod staff;
