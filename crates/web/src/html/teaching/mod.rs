//! Teaching: applying to teach and its review by staff (`applications`),
//! and a teacher's management of their homepage, lessons and hours
//! (`manage`).

use crate::AppState;
use axum::Router;
use koine_services::Error;

mod applications;
mod manage;

pub fn routes() -> Router<AppState> {
    applications::routes().merge(manage::routes())
}

/// The index in a numbered field's name (`lang_2` → 2), below `max`.
fn numbered(name: &str, prefix: &str, max: usize) -> Option<usize> {
    name.strip_prefix(prefix)
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n < max)
}

/// A refused parse's or call's field errors, all of them.
fn invalid_fields(e: Error) -> Vec<koine_domain::Invalid> {
    match e {
        Error::Invalid(e) => vec![e],
        Error::InvalidFields(errors) => errors,
        _ => Vec::new(),
    }
}
