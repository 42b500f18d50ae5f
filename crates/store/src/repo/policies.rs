//! Published privacy policy versions.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PolicyVersion {
    pub version: String,
    pub published_at: i64,
    /// The notice as published (JSON).
    pub notice: String,
    /// Members have been told of it.
    pub notified: bool,
}

/// Publishes a version unless it is published already (nodes starting
/// together publish the same one; the first row stays).
pub async fn insert(conn: Conn<'_>, v: &PolicyVersion) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO policy_versions (version, published_at, notice, notified) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (version) DO NOTHING")
        .bind(&v.version).bind(v.published_at).bind(&v.notice).bind(v.notified)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(conn: Conn<'_>, version: &str) -> Result<Option<PolicyVersion>> {
    Ok(on_conn!(conn, c => sqlx::query_as(
        "SELECT version, published_at, notice, notified FROM policy_versions WHERE version = $1")
        .bind(version).fetch_optional(&mut *c).await)?)
}

/// Newest first.
pub async fn list(conn: Conn<'_>) -> Result<Vec<PolicyVersion>> {
    Ok(on_conn!(conn, c => sqlx::query_as(
        "SELECT version, published_at, notice, notified FROM policy_versions ORDER BY published_at DESC")
        .fetch_all(&mut *c).await)?)
}

/// Claims the telling of a version; false if already claimed.
pub async fn mark_notified(conn: Conn<'_>, version: &str) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE policy_versions SET notified = $2 WHERE version = $1 AND notified = $3")
        .bind(version).bind(true).bind(false).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// (account, confirmed email, interface language) of every member to tell.
pub async fn members_to_tell(conn: Conn<'_>) -> Result<Vec<(Uuid, String, Option<String>)>> {
    Ok(on_conn!(conn, c => sqlx::query_as(
        "SELECT a.id, a.email, p.ui_locale FROM accounts a LEFT JOIN profiles p ON p.account_id = a.id \
         WHERE a.email IS NOT NULL AND a.email_verified_at IS NOT NULL")
        .fetch_all(&mut *c).await)?)
}
