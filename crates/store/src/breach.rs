//! Who a breach affects, by a query over the data map: every account with
//! data in a column of an affected category.

use crate::datamap::tables;
use crate::{Conn, Result, on_conn};
use uuid::Uuid;

/// The statements finding the people with data in `categories`: per table,
/// its first subject column where any column of those categories is set.
pub fn queries(categories: &[&str]) -> Vec<String> {
    tables()
        .filter_map(|t| {
            let subject = t.subjects.first()?;
            let set: Vec<String> = t
                .columns
                .iter()
                .filter(|c| categories.contains(&c.category))
                .map(|c| format!("{} IS NOT NULL", c.column))
                .collect();
            (!set.is_empty()).then(|| {
                format!(
                    "SELECT DISTINCT {subject} FROM {} WHERE {subject} IS NOT NULL AND ({})",
                    t.table,
                    set.join(" OR ")
                )
            })
        })
        .collect()
}

/// Accounts (that still exist) with data in any of `categories`.
pub async fn affected(mut conn: Conn<'_>, categories: &[&str]) -> Result<Vec<Uuid>> {
    let mut ids = std::collections::BTreeSet::new();
    for q in queries(categories) {
        let sql = sqlx::AssertSqlSafe(format!("SELECT a.id FROM accounts a WHERE a.id IN ({q})"));
        let found: Vec<Uuid> = on_conn!(conn.reborrow(), c => sqlx::query_scalar(sql).fetch_all(&mut *c).await)?;
        ids.extend(found);
    }
    Ok(ids.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_follow_the_map() {
        let q = queries(&["user.contact.phone_number"]);
        assert!(
            q.iter()
                .any(|s| s.starts_with("SELECT DISTINCT id FROM accounts") && s.contains("phone_enc IS NOT NULL"))
        );
        assert!(
            q.iter()
                .any(|s| s.contains("FROM one_time_codes") && s.contains("new_phone_enc IS NOT NULL"))
        );
        assert!(queries(&["no.such.category"]).is_empty());
    }
}
