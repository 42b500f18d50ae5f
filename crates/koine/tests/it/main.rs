//! Koine's integration suite: one binary, every test against a real server
//! on SQLite and on PostgreSQL (`name::sqlite`, `name::postgres`).

mod accounts;
mod api;
mod bad_input;
mod bans;
mod breaches;
mod browser;
mod call;
mod classroom;
mod consent;
mod contention;
mod conversations;
mod cookies;
mod corrections;
mod erasure;
mod export;
mod holds;
mod lessons;
mod minors;
mod money;
mod ops;
mod overload;
mod policy;
mod privacy;
mod profiles;
mod readme;
mod requests;
mod residue;
mod retention;
mod rights;
mod search;
mod security;
mod smtp;
mod staff;
mod teaching;
mod unicode;
