//! Parent or guardian confirmations for members under 18.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

pub async fn insert(conn: Conn<'_>, account: Uuid, email: &str, token_hash: &[u8], now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO guardian_consents (id, account_id, guardian_email, token_hash, requested_at) \
         VALUES ($1, $2, $3, $4, $5)")
        .bind(Uuid::now_v7()).bind(account).bind(email).bind(token_hash).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Confirms from the emailed link (single use); returns the member.
pub async fn confirm(conn: Conn<'_>, token_hash: &[u8], now: i64) -> Result<Option<Uuid>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar(
        "UPDATE guardian_consents SET confirmed_at = $2, token_hash = NULL \
         WHERE token_hash = $1 RETURNING account_id")
        .bind(token_hash).bind(now).fetch_optional(&mut *c).await)?)
}

/// When a guardian confirmed for the member, if one has.
pub async fn confirmed_at(conn: Conn<'_>, account: Uuid) -> Result<Option<i64>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar(
        "SELECT MAX(confirmed_at) FROM guardian_consents WHERE account_id = $1")
        .bind(account).fetch_one(&mut *c).await)?)
}
