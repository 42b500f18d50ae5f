//! The one error type for rejected input.
//!
//! `code` is a stable, machine-readable reason; the web edge turns it into a
//! localized message (`error-<code>` in the Fluent files) and a problem+json body.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {code}")]
pub struct Invalid {
    pub field: &'static str,
    pub code: &'static str,
}

impl Invalid {
    pub const fn new(field: &'static str, code: &'static str) -> Self {
        Self { field, code }
    }
}

pub type Valid<T> = Result<T, Invalid>;

/// Trims and bounds free text; `None` for an empty value.
pub fn optional_text(field: &'static str, raw: &str, max_chars: usize) -> Valid<Option<String>> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max_chars {
        return Err(Invalid::new(field, "too-long"));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(Invalid::new(field, "control-characters"));
    }
    Ok(Some(text.to_owned()))
}
