//! Repositories: one module per table family, SQL written once for both backends.

pub mod accounts;
pub mod audit;
pub mod availability;
pub mod bans;
pub mod breaches;
pub mod calendar;
pub mod classroom;
pub mod codes;
pub mod consent;
pub mod conversations;
pub mod coupons;
pub mod disclosures;
pub mod exports;
pub mod guardians;
pub mod holds;
pub mod idempotency;
pub mod jobs;
pub mod keys;
pub mod ledger;
pub mod lessons;
pub mod notifications;
pub mod objects;
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
pub mod throttles;

/// A nullable column holding a name of a closed set, read into
/// `Option<T>` with `#[sqlx(try_from = "OptionalName")]` (a plain
/// `String` column reads with `try_from = "String"`).
#[derive(sqlx::Type)]
#[sqlx(transparent)]
pub struct OptionalName(Option<String>);

impl<T: TryFrom<String, Error = koine_domain::UnknownName>> TryFrom<OptionalName> for Option<T> {
    type Error = koine_domain::UnknownName;

    fn try_from(n: OptionalName) -> Result<Self, Self::Error> {
        n.0.map(T::try_from).transpose()
    }
}

/// `($1, $2), ($3, $4)` for `rows` rows of `columns` values: one
/// multi-row INSERT instead of a statement per row.
pub(crate) fn value_rows(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let marks: Vec<String> = (1..=columns).map(|c| format!("${}", r * columns + c)).collect();
            format!("({})", marks.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `$first, …` for `n` values: an `IN (…)` list.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

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

#[cfg(test)]
mod tests {
    #[test]
    fn value_rows_number_every_value() {
        assert_eq!(super::value_rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::value_rows(1, 1), "($1)");
    }

    #[test]
    fn placeholders_start_where_asked() {
        assert_eq!(super::placeholders(1, 3), "$1, $2, $3");
        assert_eq!(super::placeholders(2, 1), "$2");
    }
}
