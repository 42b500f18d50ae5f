//! Data-subject requests from the public form.

use crate::{Conn, Result, on_conn};
use koine_domain::requests::{Regime, Relation, RequestKind, RequestStatus};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestRow {
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    pub kind: RequestKind,
    #[sqlx(try_from = "String")]
    pub regime: Regime,
    #[sqlx(try_from = "String")]
    pub relation: Relation,
    pub requester_name: String,
    pub requester_email: String,
    pub details: Option<String>,
    pub account_id: Option<Uuid>,
    #[sqlx(try_from = "String")]
    pub status: RequestStatus,
    pub received_at: i64,
    pub verified_at: Option<i64>,
    pub due_at: i64,
    pub extension_reason: Option<String>,
    pub outcome: Option<String>,
    pub handled_by: Option<Uuid>,
    pub closed_at: Option<i64>,
    /// For a correction asked by a signed-in member: which field, and the
    /// corrected value sealed under their key.
    pub correction_field: Option<String>,
    pub correction_enc: Option<Vec<u8>>,
}

const COLUMNS: &str = "id, kind, regime, relation, requester_name, requester_email, details, account_id, status, \
     received_at, verified_at, due_at, extension_reason, outcome, handled_by, closed_at, correction_field, \
     correction_enc";

pub async fn insert(conn: Conn<'_>, r: &RequestRow, verify_hash: &[u8]) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO privacy_requests (id, kind, regime, relation, requester_name, requester_email, details, \
         verify_hash, status, received_at, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .bind(r.id).bind(r.kind.as_str()).bind(r.regime.as_str()).bind(r.relation.as_str()).bind(&r.requester_name)
        .bind(&r.requester_email).bind(&r.details).bind(verify_hash).bind(r.status.as_str())
        .bind(r.received_at).bind(r.due_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records a request from a signed-in member whose address is confirmed:
/// verified and linked to their account at once.
pub async fn insert_verified(conn: Conn<'_>, r: &RequestRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO privacy_requests (id, kind, regime, relation, requester_name, requester_email, details, \
         account_id, status, received_at, verified_at, due_at, correction_field, correction_enc) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
        .bind(r.id).bind(r.kind.as_str()).bind(r.regime.as_str()).bind(r.relation.as_str()).bind(&r.requester_name)
        .bind(&r.requester_email).bind(&r.details).bind(r.account_id).bind(r.status.as_str())
        .bind(r.received_at).bind(r.verified_at).bind(r.due_at).bind(&r.correction_field).bind(&r.correction_enc)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Confirms the requester's address (single use: the link's hash is
/// cleared) and links the account holding that address, if any.
pub async fn verify(conn: Conn<'_>, verify_hash: &[u8], now: i64, account: Option<Uuid>) -> Result<Option<Uuid>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar(
        "UPDATE privacy_requests SET verified_at = $2, status = 'open', verify_hash = NULL, account_id = $3 \
         WHERE verify_hash = $1 RETURNING id")
        .bind(verify_hash).bind(now).bind(account).fetch_optional(&mut *c).await)?)
}

/// The email a pending verification link was sent to.
pub async fn email_for_hash(conn: Conn<'_>, verify_hash: &[u8]) -> Result<Option<String>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar(
        "SELECT requester_email FROM privacy_requests WHERE verify_hash = $1")
        .bind(verify_hash).fetch_optional(&mut *c).await)?)
}

pub async fn get(conn: Conn<'_>, id: Uuid) -> Result<Option<RequestRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM privacy_requests WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as(sql).bind(id).fetch_optional(&mut *c).await)?)
}

/// All requests, open ones first by deadline, then the rest newest first.
pub async fn list(conn: Conn<'_>, limit: i64, offset: i64) -> Result<Vec<RequestRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM privacy_requests \
         ORDER BY CASE WHEN closed_at IS NULL THEN 0 ELSE 1 END, \
         CASE WHEN closed_at IS NULL THEN due_at ELSE -received_at END LIMIT $1 OFFSET $2"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as(sql).bind(limit).bind(offset).fetch_all(&mut *c).await)?)
}

/// Extends an open, verified, not yet extended request; false otherwise.
pub async fn extend(conn: Conn<'_>, id: Uuid, due_at: i64, reason: &str, by: Uuid) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE privacy_requests SET status = 'extended', due_at = $2, extension_reason = $3, handled_by = $4 \
         WHERE id = $1 AND status = 'open'")
        .bind(id).bind(due_at).bind(reason).bind(by).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Closes a verified request with its outcome; false if it was not open.
pub async fn close(conn: Conn<'_>, id: Uuid, status: &str, outcome: &str, by: Uuid, now: i64) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE privacy_requests SET status = $2, outcome = $3, handled_by = $4, closed_at = $5 \
         WHERE id = $1 AND status IN ('open', 'extended')")
        .bind(id).bind(status).bind(outcome).bind(by).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
