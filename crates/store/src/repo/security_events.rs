//! Security events on an account: sign-ins, failed sign-ins, credential
//! changes, with the device and network they came from.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SecurityEventRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub kind: String,
    /// Cleared 7 days after the event, leaving `ip_network`.
    pub ip: Option<String>,
    pub ip_network: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: i64,
}

pub async fn insert(conn: Conn<'_>, e: &SecurityEventRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO security_events (id, account_id, kind, ip, ip_network, user_agent, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(e.id).bind(e.account_id).bind(&e.kind).bind(&e.ip).bind(&e.ip_network)
        .bind(&e.user_agent).bind(e.created_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The account's newest events first.
pub async fn recent(conn: Conn<'_>, account: Uuid, limit: i64) -> Result<Vec<SecurityEventRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, SecurityEventRow>(
        "SELECT id, account_id, kind, ip, ip_network, user_agent, created_at FROM security_events \
         WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
        .bind(account).bind(limit).fetch_all(&mut *c).await)?)
}
