//! Introspection of the live schema, for the data-map coverage test and the
//! SQLite/PostgreSQL parity test.

use crate::{Db, Result};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// A column as both backends can describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Storage class common to both backends: `integer`, `text` or `blob`.
    pub class: String,
    pub nullable: bool,
}

/// table → column → description.
pub type Schema = BTreeMap<String, BTreeMap<String, Column>>;

fn class_of(declared: &str) -> String {
    match declared.to_ascii_lowercase().as_str() {
        "bigint" | "integer" | "smallint" | "boolean" => "integer".into(),
        "uuid" | "bytea" | "blob" => "blob".into(),
        "text" | "character varying" => "text".into(),
        other => other.into(),
    }
}

pub async fn read(db: &Db) -> Result<Schema> {
    let mut pooled = db.acquire().await?;
    let rows: Vec<(String, String, String, bool)> = match pooled.conn() {
        crate::Conn::Sqlite(c) => sqlx::query(
            "SELECT m.name, p.name, p.type, p.\"notnull\" FROM sqlite_master m \
             JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
        )
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), !r.get::<bool, _>(3)))
        .collect(),
        crate::Conn::Postgres(c) => sqlx::query(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%'",
        )
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get::<String, _>(3) == "YES"))
        .collect(),
    };
    let mut schema = Schema::new();
    for (table, column, declared, nullable) in rows {
        schema.entry(table).or_default().insert(
            column,
            Column {
                class: class_of(&declared),
                nullable,
            },
        );
    }
    Ok(schema)
}

/// (table, column) pairs that lead some index (primary keys included): a
/// lookup by such a column need not scan its table.
pub async fn index_leads(db: &Db) -> Result<BTreeSet<(String, String)>> {
    catalogue_pairs(
        db,
        "SELECT m.name, ii.name FROM sqlite_master m \
         JOIN pragma_index_list(m.name) il \
         JOIN pragma_index_info(il.name) ii \
         WHERE m.type = 'table' AND ii.seqno = 0 AND il.partial = 0",
        // indkey[0] is the first column of each index (int2vector is 0-based).
        "SELECT t.relname::text, a.attname::text FROM pg_index i \
         JOIN pg_class t ON t.oid = i.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] \
         WHERE n.nspname = current_schema() AND i.indpred IS NULL",
    )
    .await
}

/// Every foreign key as (referencing table, referenced table).
pub async fn foreign_keys(db: &Db) -> Result<BTreeSet<(String, String)>> {
    catalogue_pairs(
        db,
        "SELECT m.name, f.\"table\" FROM sqlite_master m \
         JOIN pragma_foreign_key_list(m.name) f \
         WHERE m.type = 'table'",
        "SELECT t.relname::text, r.relname::text FROM pg_constraint k \
         JOIN pg_class t ON t.oid = k.conrelid \
         JOIN pg_class r ON r.oid = k.confrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE k.contype = 'f' AND n.nspname = current_schema()",
    )
    .await
}

/// Pairs of names from each backend's own catalogue (their catalogues
/// share no SQL).
async fn catalogue_pairs(db: &Db, sqlite: &'static str, postgres: &'static str) -> Result<BTreeSet<(String, String)>> {
    let mut pooled = db.acquire().await?;
    let rows: Vec<(String, String)> = match pooled.conn() {
        crate::Conn::Sqlite(c) => sqlx::query_as(sqlite).fetch_all(&mut *c).await?,
        crate::Conn::Postgres(c) => sqlx::query_as(postgres).fetch_all(&mut *c).await?,
    };
    Ok(rows.into_iter().collect())
}
