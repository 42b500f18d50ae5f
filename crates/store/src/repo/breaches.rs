//! Breach records and the notices members received.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BreachRow {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    /// Data-map categories, comma-separated.
    pub categories: String,
    pub discovered_at: i64,
    pub recorded_by: Uuid,
    pub recorded_at: i64,
    pub reported_at: Option<i64>,
    pub authority_reference: Option<String>,
    pub notified_at: Option<i64>,
    pub affected_count: Option<i64>,
}

const COLUMNS: &str = "id, title, description, categories, discovered_at, recorded_by, recorded_at, reported_at, \
     authority_reference, notified_at, affected_count";

pub async fn insert(conn: Conn<'_>, b: &BreachRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO breaches (id, title, description, categories, discovered_at, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(b.id).bind(&b.title).bind(&b.description).bind(&b.categories).bind(b.discovered_at)
        .bind(b.recorded_by).bind(b.recorded_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(conn: Conn<'_>, id: Uuid) -> Result<Option<BreachRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM breaches WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as(sql).bind(id).fetch_optional(&mut *c).await)?)
}

/// Newest discovery first.
pub async fn list(conn: Conn<'_>) -> Result<Vec<BreachRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM breaches ORDER BY discovered_at DESC LIMIT 200"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as(sql).fetch_all(&mut *c).await)?)
}

/// Records the report to the supervisory authority; false if already reported.
pub async fn mark_reported(conn: Conn<'_>, id: Uuid, now: i64, reference: &str) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE breaches SET reported_at = $2, authority_reference = $3 WHERE id = $1 AND reported_at IS NULL")
        .bind(id).bind(now).bind(reference).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Claims the notification of members; false if already done.
pub async fn mark_notified(conn: Conn<'_>, id: Uuid, now: i64, count: i64) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE breaches SET notified_at = $2, affected_count = $3 WHERE id = $1 AND notified_at IS NULL")
        .bind(id).bind(now).bind(count).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn insert_notice(conn: Conn<'_>, breach: Uuid, account: Uuid, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO breach_notices (breach_id, account_id, notified_at) VALUES ($1, $2, $3)")
        .bind(breach).bind(account).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The breaches a member was told of, newest first: (title, description, when).
pub async fn notices_for(conn: Conn<'_>, account: Uuid) -> Result<Vec<(String, String, i64)>> {
    Ok(on_conn!(conn, c => sqlx::query_as(
        "SELECT b.title, b.description, n.notified_at FROM breach_notices n JOIN breaches b ON b.id = n.breach_id \
         WHERE n.account_id = $1 ORDER BY n.notified_at DESC")
        .bind(account).fetch_all(&mut *c).await)?)
}
