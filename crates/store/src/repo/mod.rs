//! Repositories: one module per table family, SQL written once for both backends.

pub mod accounts;
pub mod audit;
pub mod availability;
pub mod bans;
pub mod breaches;
pub mod codes;
pub mod consent;
pub mod disclosures;
pub mod exports;
pub mod guardians;
pub mod holds;
pub mod keys;
pub mod offerings;
pub mod outbox;
pub mod policies;
pub mod profiles;
pub mod requests;
pub mod restrictions;
pub mod security_events;
pub mod sessions;
pub mod teaching;

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub fn like_pattern(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for ch in needle.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}
