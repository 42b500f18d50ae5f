//! Secret calendar-feed addresses, stored as hashes.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

/// Sets (or replaces, revoking the old address) a member's feed token.
pub async fn set(conn: Conn<'_>, account: Uuid, token_hash: &[u8], now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO calendar_feeds (account_id, token_hash, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (account_id) DO UPDATE SET token_hash = $2, created_at = $3")
        .bind(account).bind(token_hash).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn revoke(conn: Conn<'_>, account: Uuid) -> Result<()> {
    on_conn!(conn, c => sqlx::query("DELETE FROM calendar_feeds WHERE account_id = $1")
        .bind(account).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn created_at(conn: Conn<'_>, account: Uuid) -> Result<Option<i64>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, i64>(
        "SELECT created_at FROM calendar_feeds WHERE account_id = $1")
        .bind(account).fetch_optional(&mut *c).await)?)
}

/// Whose feed a token opens.
pub async fn owner(conn: Conn<'_>, token_hash: &[u8]) -> Result<Option<Uuid>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, Uuid>(
        "SELECT account_id FROM calendar_feeds WHERE token_hash = $1")
        .bind(token_hash).fetch_optional(&mut *c).await)?)
}
