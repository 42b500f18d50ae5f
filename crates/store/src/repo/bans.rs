//! Fraud bans: keyed hashes of the identifiers of accounts closed for fraud.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

/// Records a banned identifier; banning one twice keeps the first record.
pub async fn insert(conn: Conn<'_>, hash: &[u8], kind: &str, reason: &str, by: Uuid, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO fraud_bans (id, identifier_hash, kind, reason, banned_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (identifier_hash) DO NOTHING")
        .bind(Uuid::now_v7()).bind(hash).bind(kind).bind(reason).bind(by).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn is_banned(conn: Conn<'_>, hash: &[u8]) -> Result<bool> {
    let n: i64 = on_conn!(conn, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM fraud_bans WHERE identifier_hash = $1")
        .bind(hash).fetch_one(&mut *c).await)?;
    Ok(n > 0)
}
