//! Reading everything the data map links to a person, for the export
//! (GDPR Art. 20). Like erasure, it follows the map's subject columns and
//! lists no tables of its own.

use crate::datamap::{ColumnMap, DATA_MAP, TableMap};
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

fn select_for(t: &TableMap, columns: &[&ColumnMap]) -> String {
    let list = columns.iter().map(|c| c.column).collect::<Vec<_>>().join(", ");
    let cond = t
        .subjects
        .iter()
        .map(|s| format!("{s} = $1"))
        .collect::<Vec<_>>()
        .join(" OR ");
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
    DATA_MAP.iter().filter(|t| !t.subjects.is_empty())
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
    fn secrets_are_never_selected() {
        for t in DATA_MAP {
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
