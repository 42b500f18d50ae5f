//! Disclosures of a member's data to recipients outside Koine.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DisclosureRow {
    pub id: Uuid,
    pub account_id: Option<Uuid>,
    pub recipient_kind: String,
    pub recipient: String,
    /// Data-map categories, comma-separated.
    pub categories: String,
    pub reason: String,
    pub disclosed_at: i64,
    pub recorded_by: Uuid,
    pub recorded_at: i64,
}

pub async fn insert(conn: Conn<'_>, d: &DisclosureRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO disclosures (id, account_id, recipient_kind, recipient, categories, reason, disclosed_at, \
         recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(d.id).bind(d.account_id).bind(&d.recipient_kind).bind(&d.recipient).bind(&d.categories)
        .bind(&d.reason).bind(d.disclosed_at).bind(d.recorded_by).bind(d.recorded_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Disclosures of the member's data, newest first.
pub async fn of_account(conn: Conn<'_>, account: Uuid) -> Result<Vec<DisclosureRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, DisclosureRow>(
        "SELECT id, account_id, recipient_kind, recipient, categories, reason, disclosed_at, recorded_by, recorded_at \
         FROM disclosures WHERE account_id = $1 ORDER BY disclosed_at DESC, id DESC")
        .bind(account).fetch_all(&mut *c).await)?)
}
