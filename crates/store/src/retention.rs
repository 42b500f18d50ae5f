//! Retention sweeps, planned from the data map (P1): each table's rows go
//! when the retention rule of the column naming their subject ends.

use crate::datamap::DATA_MAP;
use crate::{Conn, Result, erasure, on_conn};
use koine_domain::privacy::Retention;
use uuid::Uuid;

const DAY_US: i64 = 86_400_000_000;

/// One kind of expired data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sweep {
    /// Rows whose instant in `column` is more than `age_us` ago (0: past).
    /// `subject` names the person, whose active legal hold keeps the rows.
    Rows {
        table: &'static str,
        column: &'static str,
        subject: &'static str,
        age_us: i64,
    },
    /// Accounts with no confirmed identifier, older than `age_us`; each is
    /// erased like a deletion.
    Unconfirmed { table: &'static str, age_us: i64 },
}

impl Sweep {
    pub fn table(&self) -> &'static str {
        match self {
            Self::Rows { table, .. } | Self::Unconfirmed { table, .. } => table,
        }
    }
}

pub fn plan() -> Vec<Sweep> {
    let mut sweeps = Vec::new();
    for t in DATA_MAP.iter().rev() {
        if let Some(days) = t.unconfirmed_erased_after_days {
            sweeps.push(Sweep::Unconfirmed {
                table: t.table,
                age_us: i64::from(days) * DAY_US,
            });
        }
        let Some(subject) = t.subjects.first().and_then(|s| t.column(s)) else {
            continue;
        };
        let rule = match subject.retention {
            Retention::UntilInstant { column } => Some((column, 0)),
            Retention::DaysAfter { days, column } => Some((column, i64::from(days) * DAY_US)),
            // Calendar years vary; 366 days keeps at least the required period.
            Retention::YearsAfter { years, column } => Some((column, i64::from(years) * 366 * DAY_US)),
            Retention::AccountLifetime | Retention::System => None,
        };
        if let Some((column, age_us)) = rule {
            sweeps.push(Sweep::Rows {
                table: t.table,
                column,
                subject: subject.column,
                age_us,
            });
        }
    }
    sweeps
}

/// Excludes people under an active legal hold; `subject` is a qualified column.
fn not_held(subject: &str) -> String {
    format!("NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.account_id = {subject} AND h.lifted_at IS NULL)")
}

/// Accounts with neither email nor phone confirmed, created before `cutoff`.
async fn unconfirmed_ids(conn: Conn<'_>, cutoff: i64) -> Result<Vec<Uuid>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id FROM accounts WHERE email_verified_at IS NULL AND phone_verified_at IS NULL \
         AND staff_role IS NULL AND created_at <= $1 AND {}",
        not_held("accounts.id")
    ));
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, Uuid>(sql)
        .bind(cutoff).fetch_all(&mut *c).await)?)
}

/// How many rows (or accounts) `sweep` would remove at `now`.
pub async fn count(conn: Conn<'_>, sweep: &Sweep, now: i64) -> Result<u64> {
    match *sweep {
        Sweep::Rows {
            table,
            column,
            subject,
            age_us,
        } => {
            let held = not_held(&format!("{table}.{subject}"));
            let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table} WHERE {column} <= $1 AND {held}"));
            let n: i64 = on_conn!(conn, c => sqlx::query_scalar(sql).bind(now - age_us).fetch_one(&mut *c).await)?;
            Ok(n as u64)
        }
        Sweep::Unconfirmed { age_us, .. } => Ok(unconfirmed_ids(conn, now - age_us).await?.len() as u64),
    }
}

/// Removes what `sweep` covers at `now`; returns how many rows (or accounts).
/// Run it inside a transaction.
pub async fn run(mut conn: Conn<'_>, sweep: &Sweep, now: i64) -> Result<u64> {
    match *sweep {
        Sweep::Rows {
            table,
            column,
            subject,
            age_us,
        } => {
            let held = not_held(&format!("{table}.{subject}"));
            let sql = sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE {column} <= $1 AND {held}"));
            Ok(
                on_conn!(conn, c => sqlx::query(sql).bind(now - age_us).execute(&mut *c).await.map(|r| r.rows_affected()))?,
            )
        }
        Sweep::Unconfirmed { age_us, .. } => {
            let ids = unconfirmed_ids(conn.reborrow(), now - age_us).await?;
            for id in &ids {
                erasure::erase(conn.reborrow(), *id, Uuid::now_v7()).await?;
            }
            Ok(ids.len() as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_follows_the_map() {
        let p = plan();
        let rows = |table, column, subject, age_us| Sweep::Rows {
            table,
            column,
            subject,
            age_us,
        };
        assert!(p.contains(&rows("sessions", "expires_at", "account_id", 0)));
        assert!(p.contains(&rows("one_time_codes", "expires_at", "account_id", 0)));
        assert!(p.contains(&rows("outbox", "created_at", "account_id", 30 * DAY_US)));
        assert!(p.contains(&rows("audit_events", "created_at", "subject_id", 3 * 366 * DAY_US)));
        assert!(p.contains(&rows("legal_holds", "lifted_at", "account_id", 3 * 366 * DAY_US)));
        assert!(p.contains(&Sweep::Unconfirmed {
            table: "accounts",
            age_us: 7 * DAY_US
        }));
        assert!(!p.iter().any(|s| matches!(
            s,
            Sweep::Rows {
                table: "profiles" | "accounts",
                ..
            }
        )));
    }
}
