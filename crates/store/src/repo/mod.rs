//! Repositories: one module per table family, SQL written once for both backends.

pub mod accounts;
pub mod audit;
pub mod availability;
pub mod bans;
pub mod breaches;
pub mod calendar;
pub mod codes;
pub mod consent;
pub mod coupons;
pub mod disclosures;
pub mod exports;
pub mod guardians;
pub mod holds;
pub mod idempotency;
pub mod keys;
pub mod ledger;
pub mod lessons;
pub mod notifications;
pub mod offerings;
pub mod outbox;
pub mod packages;
pub mod payments;
pub mod payouts;
pub mod policies;
pub mod profiles;
pub mod requests;
pub mod restrictions;
pub mod reviews;
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
