//! Reading everything the data map links to a person, for the export
//! (GDPR Art. 20). Like erasure, it follows the map's subject columns and
//! lists no tables of its own.

use crate::datamap::{self, ColumnMap, TableMap};
use crate::{Conn, Result};
use sqlx::{Column, Row, TypeInfo, ValueRef};
use uuid::Uuid;

/// One stored value, decoded the same way on both backends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
    Bytes(Vec<u8>),
    Uuid(Uuid),
}

/// The exported rows of one table: the map's exportable columns, in map order.
#[derive(Debug, Clone)]
pub struct TableRows {
    pub table: &'static TableMap,
    pub columns: Vec<&'static ColumnMap>,
    pub rows: Vec<Vec<Cell>>,
}

/// Identifier columns: SQLite stores UUIDs as 16-byte blobs, so a reader
/// needs to know which blobs are identifiers.
fn is_identifier(column: &str) -> bool {
    column == "id" || column.ends_with("_id") || column.ends_with("_by")
}

fn exported(t: &'static TableMap) -> Vec<&'static ColumnMap> {
    t.columns.iter().filter(|c| c.export).collect()
}

/// `a = $1 OR b = $1`: a row of `t` is about the subject in `$1`, or
/// (for a shared table) belongs to a group they are a member of.
fn about(t: &TableMap) -> String {
    t.subjects
        .iter()
        .map(|s| format!("{s} = $1"))
        .chain(t.shared.map(|sh| {
            format!(
                "{g} IN (SELECT {g} FROM {m} WHERE {a} = $1)",
                g = sh.group,
                m = sh.members,
                a = sh.member
            )
        }))
        .collect::<Vec<_>>()
        .join(" OR ")
}

fn select_for(t: &TableMap, columns: &[&ColumnMap]) -> String {
    let list = columns.iter().map(|c| c.column).collect::<Vec<_>>().join(", ");
    let cond = about(t);
    // Ordered by the first column (the row id, time-ordered UUIDv7 where
    // there is one) so an export reads in a stable order.
    format!("SELECT {list} FROM {} WHERE {cond} ORDER BY 1", t.table)
}

fn sqlite_cell(row: &sqlx::sqlite::SqliteRow, i: usize, name: &str) -> Result<Cell> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Cell::Null);
    }
    let info = raw.type_info();
    Ok(match info.name() {
        "INTEGER" => Cell::Int(row.try_get(i)?),
        "TEXT" => Cell::Text(row.try_get(i)?),
        _ => {
            let bytes: Vec<u8> = row.try_get(i)?;
            match Uuid::from_slice(&bytes) {
                Ok(u) if is_identifier(name) => Cell::Uuid(u),
                _ => Cell::Bytes(bytes),
            }
        }
    })
}

fn postgres_cell(row: &sqlx::postgres::PgRow, i: usize) -> Result<Cell> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Cell::Null);
    }
    let info = raw.type_info();
    Ok(match info.name() {
        "UUID" => Cell::Uuid(row.try_get(i)?),
        "INT8" => Cell::Int(row.try_get(i)?),
        "INT4" => Cell::Int(row.try_get::<i32, _>(i)?.into()),
        "INT2" => Cell::Int(row.try_get::<i16, _>(i)?.into()),
        "BOOL" => Cell::Bool(row.try_get(i)?),
        "BYTEA" => Cell::Bytes(row.try_get(i)?),
        _ => Cell::Text(row.try_get(i)?),
    })
}

/// Tables the export covers: every table with a subject column.
pub fn tables() -> impl Iterator<Item = &'static TableMap> {
    datamap::tables().filter(|t| !t.subjects.is_empty())
}

/// `SELECT 0 WHERE EXISTS (…) UNION ALL SELECT 1 WHERE EXISTS (…) …`:
/// the positions in `tables()` of the tables holding a row about `$1`.
fn presence_sql() -> String {
    tables()
        .enumerate()
        .map(|(i, t)| {
            format!(
                "SELECT CAST({i} AS BIGINT) WHERE EXISTS (SELECT 1 FROM {} WHERE {})",
                t.table,
                about(t)
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// Which tables hold anything about `subject`, in one statement: most
/// people appear in few of them, and each statement costs a round trip.
pub async fn tables_about(conn: Conn<'_>, subject: Uuid) -> Result<Vec<&'static TableMap>> {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(presence_sql);
    let sql = sqlx::AssertSqlSafe(SQL.as_str());
    let found: Vec<i64> = crate::on_conn!(conn, c => sqlx::query_scalar(sql).bind(subject).fetch_all(&mut *c).await)?;
    let all: Vec<_> = tables().collect();
    Ok(found
        .into_iter()
        .filter_map(|i| usize::try_from(i).ok().and_then(|i| all.get(i).copied()))
        .collect())
}

/// Every exportable row of `t` about `subject`.
pub async fn rows_about(conn: Conn<'_>, t: &'static TableMap, subject: Uuid) -> Result<TableRows> {
    let columns = exported(t);
    let sql = sqlx::AssertSqlSafe(select_for(t, &columns));
    let rows = match conn {
        Conn::Sqlite(c) => {
            let fetched = sqlx::query(sql).bind(subject).fetch_all(&mut *c).await?;
            fetched
                .iter()
                .map(|r| {
                    (0..r.columns().len())
                        .map(|i| sqlite_cell(r, i, r.column(i).name()))
                        .collect::<Result<Vec<_>>>()
                })
                .collect::<Result<Vec<_>>>()?
        }
        Conn::Postgres(c) => {
            let fetched = sqlx::query(sql).bind(subject).fetch_all(&mut *c).await?;
            fetched
                .iter()
                .map(|r| {
                    (0..r.columns().len())
                        .map(|i| postgres_cell(r, i))
                        .collect::<Result<Vec<_>>>()
                })
                .collect::<Result<Vec<_>>>()?
        }
    };
    Ok(TableRows {
        table: t,
        columns,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_asks_about_every_exported_table_in_order() {
        let sql = presence_sql();
        let terms: Vec<&str> = sql.split(" UNION ALL ").collect();
        assert_eq!(terms.len(), tables().count());
        for (i, (term, t)) in terms.iter().zip(tables()).enumerate() {
            assert!(term.starts_with(&format!("SELECT CAST({i} AS BIGINT)")), "{term}");
            assert!(
                term.contains(&format!(" FROM {} WHERE {})", t.table, about(t))),
                "{term}"
            );
        }
    }

    #[test]
    fn secrets_are_never_selected() {
        for t in datamap::tables() {
            let sql = select_for(t, &exported(t));
            for c in t.columns.iter().filter(|c| !c.export) {
                assert!(
                    !sql.contains(&format!(" {},", c.column)) && !sql.contains(&format!(" {} FROM", c.column)),
                    "{}.{} is secret but selected: {sql}",
                    t.table,
                    c.column
                );
            }
        }
    }
}
