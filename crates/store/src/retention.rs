//! Retention sweeps, planned from the data map (P1): each table's rows go
//! when the retention rule of the column naming their subject ends.

use crate::datamap::tables;
use crate::{Conn, Result, erasure, on_conn};
use koine_domain::privacy::{Retention, RetentionSettings};
use uuid::Uuid;

const DAY_US: i64 = 86_400_000_000;

/// One kind of expired data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sweep {
    /// Rows whose instant in `column` is more than `age_us` ago (0: past).
    /// `subjects` name the people a row is about; an active legal hold on
    /// any of them keeps the row.
    Rows {
        table: &'static str,
        column: &'static str,
        subjects: &'static [&'static str],
        age_us: i64,
    },
    /// A column kept for less time than its row (a full IP address beside
    /// its network): set to NULL once `instant` is more than `age_us` ago.
    Clear {
        table: &'static str,
        column: &'static str,
        instant: &'static str,
        subjects: &'static [&'static str],
        age_us: i64,
    },
    /// Accounts with no confirmed identifier, older than `age_us`; each is
    /// erased like a deletion.
    Unconfirmed { table: &'static str, age_us: i64 },
    /// Ledger entries older than `age_us`, folded into opening balances
    /// (the rows of `table`, a ledger table, are what is counted).
    CarryForward { table: &'static str, age_us: i64 },
}

impl Sweep {
    pub fn table(&self) -> &'static str {
        match self {
            Self::Rows { table, .. }
            | Self::Clear { table, .. }
            | Self::Unconfirmed { table, .. }
            | Self::CarryForward { table, .. } => table,
        }
    }
}

/// The instant column and age after which a rule ends; `None` for rules
/// with no end of their own.
fn deadline(r: Retention) -> Option<(&'static str, i64)> {
    match r {
        // `plan` reads a configured period before asking.
        Retention::DaysAfterSet { days, column, .. } => Some((column, i64::from(days) * DAY_US)),
        Retention::UntilInstant { column } => Some((column, 0)),
        Retention::DaysAfter { days, column } => Some((column, i64::from(days) * DAY_US)),
        // Calendar years vary; 366 days keeps at least the required period.
        Retention::YearsAfter { years, column } | Retention::CarriedForward { years, column } => {
            Some((column, i64::from(years) * 366 * DAY_US))
        }
        // The parent's rule covers it; the database cascades the delete.
        Retention::AccountLifetime | Retention::System | Retention::WithParent { .. } => None,
    }
}

/// The sweeps the map asks for, with the retention periods set in
/// configuration in place of the map's defaults.
pub fn plan(settings: &RetentionSettings) -> Vec<Sweep> {
    let mut sweeps = Vec::new();
    for t in tables().rev() {
        if let Some(days) = t.unconfirmed_erased_after_days {
            sweeps.push(Sweep::Unconfirmed {
                table: t.table,
                age_us: i64::from(days) * DAY_US,
            });
        }
        let Some(rule) = t.row_retention() else { continue };
        if let Retention::CarriedForward { .. } = rule {
            // One fold covers every ledger table; it is planned once, on
            // the postings, which hold the money.
            if t.table == "ledger_postings"
                && let Some((_, age_us)) = deadline(rule)
            {
                sweeps.push(Sweep::CarryForward { table: t.table, age_us });
            }
            continue;
        }
        if let Some((column, age_us)) = deadline(rule.under(settings)) {
            sweeps.push(Sweep::Rows {
                table: t.table,
                column,
                subjects: t.subjects,
                age_us,
            });
        }
        for c in t.columns.iter().filter(|c| c.retention != rule) {
            if let Some((instant, age_us)) = deadline(c.retention.under(settings)) {
                sweeps.push(Sweep::Clear {
                    table: t.table,
                    column: c.column,
                    instant,
                    subjects: t.subjects,
                    age_us,
                });
            }
        }
    }
    sweeps
}

/// Excludes rows about anyone under an active legal hold.
fn not_held(table: &str, subjects: &[&str]) -> String {
    if subjects.is_empty() {
        return "1 = 1".into();
    }
    subjects
        .iter()
        .map(|s| {
            format!("NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.account_id = {table}.{s} AND h.lifted_at IS NULL)")
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

const UNCONFIRMED: &str =
    "email_verified_at IS NULL AND phone_verified_at IS NULL AND staff_role IS NULL AND created_at <= $1";

/// Accounts with neither email nor phone confirmed, created before `cutoff`,
/// and not under a legal hold.
pub async fn unconfirmed_ids(conn: Conn<'_>, cutoff: i64) -> Result<Vec<Uuid>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id FROM accounts WHERE {UNCONFIRMED} AND {}",
        not_held("accounts", &["id"])
    ));
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, Uuid>(sql)
        .bind(cutoff).fetch_all(&mut *c).await)?)
}

/// Erases one account if, with its row locked, it is still unconfirmed and
/// unheld (it may have been confirmed since it was listed). Run it in its own
/// transaction; returns whether it was erased.
pub async fn erase_if_unconfirmed(mut conn: Conn<'_>, id: Uuid, cutoff: i64, now: i64) -> Result<bool> {
    crate::repo::accounts::lock(conn.reborrow(), id).await?;
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM accounts WHERE id = $2 AND {UNCONFIRMED} AND {}",
        not_held("accounts", &["id"])
    ));
    let still: i64 =
        on_conn!(conn.reborrow(), c => sqlx::query_scalar(sql).bind(cutoff).bind(id).fetch_one(&mut *c).await)?;
    if still == 0 {
        return Ok(false);
    }
    erasure::erase(conn, id, Uuid::now_v7(), now).await?;
    Ok(true)
}

/// What a row sweep touches at `now`: its table, and the condition (with
/// `$1` the cutoff it is bound to). `None` for unconfirmed accounts.
fn scope(sweep: &Sweep, now: i64) -> Option<(&'static str, String, i64)> {
    match *sweep {
        Sweep::Rows {
            table,
            column,
            subjects,
            age_us,
        } => Some((
            table,
            format!("{column} <= $1 AND {}", not_held(table, subjects)),
            now - age_us,
        )),
        Sweep::Clear {
            table,
            column,
            instant,
            subjects,
            age_us,
        } => Some((
            table,
            format!(
                "{instant} <= $1 AND {column} IS NOT NULL AND {}",
                not_held(table, subjects)
            ),
            now - age_us,
        )),
        Sweep::Unconfirmed { .. } | Sweep::CarryForward { .. } => None,
    }
}

/// How many rows (or accounts, or values) `sweep` would remove at `now`.
pub async fn count(conn: Conn<'_>, sweep: &Sweep, now: i64) -> Result<u64> {
    match *sweep {
        Sweep::Unconfirmed { age_us, .. } => return Ok(unconfirmed_ids(conn, now - age_us).await?.len() as u64),
        Sweep::CarryForward { age_us, .. } => return crate::repo::ledger::expired_postings(conn, now - age_us).await,
        _ => {}
    }
    let Some((table, cond, cutoff)) = scope(sweep, now) else {
        return Ok(0);
    };
    let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table} WHERE {cond}"));
    let n: i64 = on_conn!(conn, c => sqlx::query_scalar(sql).bind(cutoff).fetch_one(&mut *c).await)?;
    Ok(n as u64)
}

/// Removes the expired rows (or clears the expired values) `sweep` covers
/// at `now`; returns how many. Run it inside a transaction. (Unconfirmed
/// accounts go one by one instead: see `erase_if_unconfirmed`.)
pub async fn run(conn: Conn<'_>, sweep: &Sweep, now: i64) -> Result<u64> {
    if let Sweep::CarryForward { age_us, .. } = *sweep {
        return crate::repo::ledger::carry_forward(conn, now - age_us, now).await;
    }
    let Some((table, cond, cutoff)) = scope(sweep, now) else {
        return Ok(0);
    };
    let sql = match *sweep {
        Sweep::Clear { column, .. } => format!("UPDATE {table} SET {column} = NULL WHERE {cond}"),
        _ => format!("DELETE FROM {table} WHERE {cond}"),
    };
    let sql = sqlx::AssertSqlSafe(sql);
    Ok(on_conn!(conn, c => sqlx::query(sql).bind(cutoff).execute(&mut *c).await.map(|r| r.rows_affected()))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_follows_the_map() {
        let p = plan(&RetentionSettings::default());
        let rows = |table: &str, column: &str, age_us: i64| {
            p.iter().any(|s| {
                matches!(s, Sweep::Rows { table: t, column: c, age_us: a, .. } if *t == table && *c == column && *a == age_us)
            })
        };
        assert!(rows("sessions", "expires_at", 0));
        assert!(rows("one_time_codes", "expires_at", 0));
        assert!(rows("outbox", "created_at", 30 * DAY_US));
        assert!(rows("audit_events", "created_at", 3 * 366 * DAY_US));
        assert!(rows("legal_holds", "lifted_at", 3 * 366 * DAY_US));
        assert!(rows("visitor_consent_events", "created_at", 395 * DAY_US));
        assert!(
            p.iter().any(
                |s| matches!(s, Sweep::Rows { table: "audit_events", subjects, .. } if subjects.contains(&"actor_id"))
            ),
            "a hold on a staff member keeps the records of their actions"
        );
        for table in ["sessions", "security_events"] {
            assert!(
                p.contains(&Sweep::Clear {
                    table,
                    column: "ip",
                    instant: "created_at",
                    subjects: &["account_id"],
                    age_us: 7 * DAY_US
                }),
                "full IP addresses in {table} are cleared after 7 days"
            );
        }
        assert!(rows("security_events", "created_at", 90 * DAY_US));
        // A conversation goes three years after its last message, its
        // messages and members with it (the database cascades).
        assert!(rows("conversations", "last_activity_at", 3 * 365 * DAY_US));
        assert!(!p.iter().any(|s| matches!(
            s,
            Sweep::Rows {
                table: "messages" | "conversation_members" | "message_attachments",
                ..
            }
        )));
        // …or as long as the operator set, and only that.
        let mut set = RetentionSettings::default();
        set.set(koine_domain::privacy::RetentionSetting::Conversations, 30);
        let configured = plan(&set);
        assert!(configured.iter().any(|s| matches!(
            s,
            Sweep::Rows { table: "conversations", age_us, .. } if *age_us == 30 * DAY_US
        )));
        assert!(
            !configured.iter().any(|s| matches!(
                s,
                Sweep::Clear {
                    table: "conversations",
                    ..
                }
            )),
            "its columns follow the row"
        );
        assert_eq!(configured.len(), p.len());
        assert!(rows("message_reports", "closed_at", 2 * 365 * DAY_US));
        assert!(p.contains(&Sweep::Clear {
            table: "message_reports",
            column: "evidence",
            instant: "closed_at",
            subjects: &["reporter_id", "reported_id"],
            age_us: 90 * DAY_US
        }));
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
        // Billing records go ten years on; the ledger is folded, not cut.
        assert!(rows("payments", "created_at", 10 * 366 * DAY_US));
        assert!(rows("lessons", "closed_at", 10 * 366 * DAY_US));
        assert!(p.contains(&Sweep::CarryForward {
            table: "ledger_postings",
            age_us: 10 * 366 * DAY_US
        }));
        assert!(
            !p.iter().any(|s| matches!(
                s,
                Sweep::Rows {
                    table: "ledger_postings" | "ledger_entries",
                    ..
                }
            )),
            "ledger rows are never simply deleted"
        );
    }
}
