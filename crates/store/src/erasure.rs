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
    Delete { table: &'static str, column: &'static str },
    /// `UPDATE table SET … WHERE column = subject`: the subject column gets a
    /// pseudonym (or NULL), and the table's `Null` columns are cleared.
    Update {
        table: &'static str,
        column: &'static str,
        pseudonymise: bool,
        clear: Vec<&'static str>,
    },
}

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
            });
        }
        for &s in t.subjects {
            let Some(col) = t.column(s) else { continue };
            match col.erasure {
                Erasure::DeleteRow => steps.push(Step::Delete {
                    table: t.table,
                    column: s,
                }),
                Erasure::Pseudonymise | Erasure::Null => steps.push(Step::Update {
                    table: t.table,
                    column: s,
                    pseudonymise: col.erasure == Erasure::Pseudonymise,
                    clear: nulled_columns(t, s),
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
/// grouped without pointing at anyone). Run it inside a transaction.
pub async fn erase(mut conn: Conn<'_>, subject: Uuid, pseudonym: Uuid) -> Result<Report> {
    let mut report = Report::new();
    for step in plan() {
        let (table, n) = match step {
            Step::Delete { table, column } => {
                let sql = sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE {column} = $1"));
                let n = on_conn!(conn.reborrow(), c => sqlx::query(sql).bind(subject)
                    .execute(&mut *c).await.map(|r| r.rows_affected()))?;
                (table, n)
            }
            Step::Update {
                table,
                column,
                pseudonymise,
                clear,
            } => {
                let mut sets = vec![if pseudonymise {
                    format!("{column} = $2")
                } else {
                    format!("{column} = NULL")
                }];
                sets.extend(clear.iter().map(|c| format!("{c} = NULL")));
                let sql = sqlx::AssertSqlSafe(format!("UPDATE {table} SET {} WHERE {column} = $1", sets.join(", ")));
                let n = if pseudonymise {
                    on_conn!(conn.reborrow(), c => sqlx::query(sql).bind(subject).bind(pseudonym)
                        .execute(&mut *c).await.map(|r| r.rows_affected()))?
                } else {
                    on_conn!(conn.reborrow(), c => sqlx::query(sql).bind(subject)
                        .execute(&mut *c).await.map(|r| r.rows_affected()))?
                };
                (table, n)
            }
        };
        report.push((table, n));
    }
    Ok(report)
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
                column: "id"
            })
        );
        assert!(steps.contains(&Step::Update {
            table: "audit_events",
            column: "subject_id",
            pseudonymise: true,
            clear: vec!["reason"],
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
            }));
        }
        assert!(steps.contains(&Step::Update {
            table: "privacy_requests",
            column: "account_id",
            pseudonymise: false,
            clear: vec!["details", "correction_field", "correction_enc"],
        }));
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
