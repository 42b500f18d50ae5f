//! Erasing a person, driven by the data map (P1): what happens to each
//! column is read from the map, never listed here.

use crate::datamap::{TableMap, tables};
use crate::{Conn, Result, on_conn};
use koine_domain::privacy::Erasure;
use uuid::Uuid;

/// One statement of an erasure, for one subject column of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `DELETE FROM table WHERE column = subject`.
    Delete {
        table: &'static str,
        column: &'static str,
        held: Option<&'static str>,
    },
    /// `UPDATE table SET … WHERE column = subject`: the subject column gets a
    /// pseudonym (or NULL), and the table's `Null` columns are cleared.
    Update {
        table: &'static str,
        column: &'static str,
        pseudonymise: bool,
        clear: Vec<&'static str>,
        held: Option<&'static str>,
    },
}

// Rows a hold keeps (`held`, the map's SQL) are left whole, but the
// subject column gets the pseudonym: the rows no longer name the person,
// and `release_held` finishes their erasure once the hold ends.

fn nulled_columns(t: &TableMap, except: &str) -> Vec<&'static str> {
    t.columns
        .iter()
        .filter(|c| c.erasure == Erasure::Null && c.column != except && !c.mention)
        .map(|c| c.column)
        .collect()
}

/// The steps, children before parents (the map lists parents first), so
/// foreign keys never see a missing row. Columns retained under a legal
/// obligation produce no step: they stay until their retention ends.
pub fn plan() -> Vec<Step> {
    let mut steps = Vec::new();
    for t in tables().rev() {
        // Rows mentioning the person stay with their owner; the mention goes.
        for column in t.mentions() {
            steps.push(Step::Update {
                table: t.table,
                column,
                pseudonymise: false,
                clear: Vec::new(),
                held: None,
            });
        }
        let held = t.held.map(|h| h.while_sql);
        for &s in t.subjects {
            let Some(col) = t.column(s) else { continue };
            match col.erasure {
                Erasure::DeleteRow => steps.push(Step::Delete {
                    table: t.table,
                    column: s,
                    held,
                }),
                Erasure::Pseudonymise | Erasure::Null => steps.push(Step::Update {
                    table: t.table,
                    column: s,
                    pseudonymise: col.erasure == Erasure::Pseudonymise,
                    clear: nulled_columns(t, s),
                    held,
                }),
                Erasure::RetainLegal | Erasure::WithRow => {}
            }
        }
    }
    steps
}

/// Rows touched per table.
pub type Report = Vec<(&'static str, u64)>;

/// Applies the plan for `subject`; `pseudonym` replaces the subject's id
/// where the map says to pseudonymise (one per erasure, so records stay
/// grouped without pointing at anyone). Rows a hold keeps are recorded as
/// an unfinished erasure under the pseudonym. Run it inside a transaction.
pub async fn erase(mut conn: Conn<'_>, subject: Uuid, pseudonym: Uuid, now: i64) -> Result<Report> {
    let mut report = Report::new();
    let mut kept = 0;
    for step in plan() {
        let (table, n) = match step {
            Step::Delete { table, column, held } => {
                let sql = sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE {column} = $1{}", unless(held)));
                let n = on_conn!(conn.reborrow(), c => sqlx::query(sql).bind(subject)
                    .execute(&mut *c).await.map(|r| r.rows_affected()))?;
                let k = keep_held(conn.reborrow(), table, column, held, subject, pseudonym).await?;
                kept += k;
                (table, n + k)
            }
            Step::Update {
                table,
                column,
                pseudonymise,
                clear,
                held,
            } => {
                let mut sets = vec![if pseudonymise {
                    format!("{column} = $2")
                } else {
                    format!("{column} = NULL")
                }];
                sets.extend(clear.iter().map(|c| format!("{c} = NULL")));
                let sql = sqlx::AssertSqlSafe(format!(
                    "UPDATE {table} SET {} WHERE {column} = $1{}",
                    sets.join(", "),
                    unless(held)
                ));
                let n = if pseudonymise {
                    on_conn!(conn.reborrow(), c => sqlx::query(sql).bind(subject).bind(pseudonym)
                        .execute(&mut *c).await.map(|r| r.rows_affected()))?
                } else {
                    on_conn!(conn.reborrow(), c => sqlx::query(sql).bind(subject)
                        .execute(&mut *c).await.map(|r| r.rows_affected()))?
                };
                let k = keep_held(conn.reborrow(), table, column, held, subject, pseudonym).await?;
                kept += k;
                (table, n + k)
            }
        };
        report.push((table, n));
    }
    if kept > 0 {
        on_conn!(conn, c => sqlx::query("INSERT INTO held_erasures (pseudonym, created_at) VALUES ($1, $2)")
            .bind(pseudonym).bind(now).execute(&mut *c).await.map(|_| ()))?;
    }
    Ok(report)
}

/// ` AND NOT (hold)`, for a step on a table with a hold.
fn unless(held: Option<&str>) -> String {
    held.map(|h| format!(" AND NOT ({h})")).unwrap_or_default()
}

/// The rows a hold keeps: whole, under the pseudonym.
async fn keep_held(
    conn: Conn<'_>,
    table: &str,
    column: &str,
    held: Option<&str>,
    subject: Uuid,
    pseudonym: Uuid,
) -> Result<u64> {
    if held.is_none() {
        return Ok(0);
    }
    let sql = sqlx::AssertSqlSafe(format!("UPDATE {table} SET {column} = $2 WHERE {column} = $1"));
    Ok(on_conn!(conn, c => sqlx::query(sql).bind(subject).bind(pseudonym)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?)
}

/// Finishes the erasures a hold left unfinished where it has ended: each
/// kept row, under the pseudonym of an unfinished erasure, that no hold
/// covers any more is deleted or cleared as the map says; an erasure with
/// nothing left kept is finished (its key destroyed). Rows touched per
/// table.
pub async fn release_held(mut conn: Conn<'_>) -> Result<Report> {
    let mut report = Report::new();
    let mut still_kept = Vec::new();
    for step in plan() {
        let (table, sql, kept) = match step {
            Step::Delete {
                table,
                column,
                held: Some(held),
            } => (
                table,
                format!("DELETE FROM {table} WHERE {column} IN (SELECT pseudonym FROM held_erasures) AND NOT ({held})"),
                format!("SELECT 1 FROM {table} WHERE {table}.{column} = held_erasures.pseudonym"),
            ),
            Step::Update {
                table,
                column,
                clear,
                held: Some(held),
                ..
            } if !clear.is_empty() => {
                let sets: Vec<String> = clear.iter().map(|c| format!("{c} = NULL")).collect();
                let kept: Vec<String> = clear.iter().map(|c| format!("{c} IS NOT NULL")).collect();
                let kept = kept.join(" OR ");
                (
                    table,
                    format!(
                        "UPDATE {table} SET {} WHERE {column} IN (SELECT pseudonym FROM held_erasures) \
                         AND ({kept}) AND NOT ({held})",
                        sets.join(", ")
                    ),
                    format!("SELECT 1 FROM {table} WHERE {table}.{column} = held_erasures.pseudonym AND ({kept})"),
                )
            }
            _ => continue,
        };
        let sql = sqlx::AssertSqlSafe(sql);
        let n = on_conn!(conn.reborrow(), c => sqlx::query(sql).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        report.push((table, n));
        still_kept.push(format!("NOT EXISTS ({kept})"));
    }
    if !still_kept.is_empty() {
        let sql = sqlx::AssertSqlSafe(format!("DELETE FROM held_erasures WHERE {}", still_kept.join(" AND ")));
        let n = on_conn!(conn, c => sqlx::query(sql).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        report.push(("held_erasures", n));
    }
    Ok(report)
}

/// The pseudonyms of the erasures open reports left unfinished.
pub async fn held_pseudonyms(conn: Conn<'_>) -> Result<Vec<Uuid>> {
    Ok(
        on_conn!(conn, c => sqlx::query_scalar("SELECT pseudonym FROM held_erasures")
        .fetch_all(&mut *c).await)?,
    )
}

/// How many rows of each table are about `subject`, per the map's subject
/// columns (the same links erasure follows), for the access report.
pub async fn footprint(mut conn: Conn<'_>, subject: Uuid) -> Result<Vec<(&'static str, i64)>> {
    let mut out = Vec::new();
    for t in tables() {
        let cond = t
            .subjects
            .iter()
            .map(|s| format!("{s} = $1"))
            .collect::<Vec<_>>()
            .join(" OR ");
        if cond.is_empty() {
            continue;
        }
        let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {} WHERE {cond}", t.table));
        let n: i64 = on_conn!(conn.reborrow(), c => sqlx::query_scalar(sql).bind(subject).fetch_one(&mut *c).await)?;
        out.push((t.table, n));
    }
    Ok(out)
}

/// How many rows of each table name `subject` in each subject column: the
/// links erasure follows, one by one, so what it will do to a person's rows
/// can be told before it happens.
pub async fn footprint_by_column(
    mut conn: Conn<'_>,
    subject: Uuid,
) -> Result<Vec<(&'static TableMap, &'static str, i64)>> {
    let mut out = Vec::new();
    for t in tables() {
        for s in t.subjects {
            let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {} WHERE {s} = $1", t.table));
            let n: i64 =
                on_conn!(conn.reborrow(), c => sqlx::query_scalar(sql).bind(subject).fetch_one(&mut *c).await)?;
            if n > 0 {
                out.push((t, *s, n));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_go_last_and_audit_records_are_pseudonymised() {
        let steps = plan();
        assert_eq!(
            steps.last(),
            Some(&Step::Delete {
                table: "accounts",
                column: "id",
                held: None,
            })
        );
        assert!(steps.contains(&Step::Update {
            table: "audit_events",
            column: "subject_id",
            pseudonymise: true,
            clear: vec!["reason"],
            held: None,
        }));
        assert!(
            !steps.iter().any(|s| matches!(
                s,
                Step::Delete {
                    table: "audit_events",
                    ..
                } | Step::Update {
                    table: "audit_events",
                    column: "actor_id",
                    ..
                }
            )),
            "staff actions are retained under a legal obligation"
        );
        for table in ["notifications", "outbox"] {
            assert!(steps.contains(&Step::Update {
                table,
                column: "about_id",
                pseudonymise: false,
                clear: vec![],
                held: None,
            }));
        }
        assert!(steps.contains(&Step::Update {
            table: "privacy_requests",
            column: "account_id",
            pseudonymise: false,
            clear: vec!["details", "correction_field", "correction_enc"],
            held: None,
        }));
        // An erased member's reported messages and files wait for the report.
        assert!(steps.iter().any(|s| matches!(
            s,
            Step::Update {
                table: "messages",
                column: "sender_id",
                pseudonymise: true,
                held: Some(_),
                ..
            }
        )));
        assert!(steps.iter().any(|s| matches!(
            s,
            Step::Delete {
                table: "message_attachments",
                column: "sender_id",
                held: Some(_)
            }
        )));
        // Billing records outlive their people, pseudonymised.
        for (table, column) in [
            ("lessons", "learner_id"),
            ("lessons", "teacher_id"),
            ("payments", "account_id"),
        ] {
            assert!(
                steps.iter().any(
                    |s| matches!(s, Step::Update { table: t, column: c, pseudonymise: true, .. }
                        if *t == table && *c == column)
                ),
                "{table}.{column} is pseudonymised"
            );
        }
        // Everything else about a person goes with them; tables about no
        // account (pseudonymous visitors) have nothing to erase.
        let kept = |t: &TableMap| {
            t.subjects.iter().any(|s| {
                t.column(s)
                    .is_some_and(|c| matches!(c.erasure, Erasure::Pseudonymise | Erasure::Null | Erasure::RetainLegal))
            })
        };
        for t in tables().filter(|t| !t.subjects.is_empty() && !kept(t)) {
            assert!(
                steps
                    .iter()
                    .any(|s| matches!(s, Step::Delete { table, .. } if *table == t.table)),
                "{} rows are deleted with their subject",
                t.table
            );
        }
    }
}
