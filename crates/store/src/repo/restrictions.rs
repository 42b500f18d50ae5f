//! Restrictions of processing (GDPR Art. 18).

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RestrictionRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub reason: Option<String>,
    pub requested_at: i64,
    pub lifted_at: Option<i64>,
}

/// The account's active restriction, if any.
pub async fn active(conn: Conn<'_>, account: Uuid) -> Result<Option<RestrictionRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as(
        "SELECT id, account_id, reason, requested_at, lifted_at FROM processing_restrictions \
         WHERE account_id = $1 AND lifted_at IS NULL")
        .bind(account).fetch_optional(&mut *c).await)?)
}

pub async fn insert(conn: Conn<'_>, r: &RestrictionRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO processing_restrictions (id, account_id, reason, requested_at) VALUES ($1, $2, $3, $4)")
        .bind(r.id).bind(r.account_id).bind(&r.reason).bind(r.requested_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Lifts the active restriction; false when there was none.
pub async fn lift(conn: Conn<'_>, account: Uuid, now: i64) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE processing_restrictions SET lifted_at = $2 WHERE account_id = $1 AND lifted_at IS NULL")
        .bind(account).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}
