//! Export archives: requested, built by a background job, downloaded.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub requested_at: i64,
    pub ready_at: Option<i64>,
    pub expires_at: i64,
    pub size_bytes: Option<i64>,
    pub downloaded_at: Option<i64>,
}

const COLUMNS: &str = "id, account_id, requested_at, ready_at, expires_at, size_bytes, downloaded_at";

pub async fn insert(conn: Conn<'_>, id: Uuid, account: Uuid, now: i64, expires_at: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO data_exports (id, account_id, requested_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(id).bind(account).bind(now).bind(expires_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The person's exports, newest first.
pub async fn list(conn: Conn<'_>, account: Uuid) -> Result<Vec<ExportRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM data_exports WHERE account_id = $1 ORDER BY requested_at DESC"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as(sql).bind(account).fetch_all(&mut *c).await)?)
}

/// Requests not built yet, oldest first.
pub async fn pending(conn: Conn<'_>, limit: i64) -> Result<Vec<ExportRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM data_exports WHERE ready_at IS NULL ORDER BY requested_at LIMIT $1"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as(sql).bind(limit).fetch_all(&mut *c).await)?)
}

/// Marks a request built (its archive is in the file store); false if the
/// request is gone (erased or swept).
pub async fn set_ready(conn: Conn<'_>, id: Uuid, now: i64, expires_at: i64, size: i64, archive: Uuid) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE data_exports SET ready_at = $2, expires_at = $3, size_bytes = $4, archive_id = $5 \
         WHERE id = $1 AND ready_at IS NULL")
        .bind(id).bind(now).bind(expires_at).bind(size).bind(archive)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// An export as its owner may download it.
pub enum Archive {
    /// Built: its archive is this file in the file store.
    Ready(Uuid),
    /// Asked for and still being built.
    Building,
}

/// The owner's export `id`, unless it is unknown, someone else's or expired.
pub async fn archive(conn: Conn<'_>, id: Uuid, account: Uuid, now: i64) -> Result<Option<Archive>> {
    let found: Option<Option<Uuid>> = on_conn!(conn, c => sqlx::query_scalar(
        "SELECT archive_id FROM data_exports WHERE id = $1 AND account_id = $2 AND expires_at > $3")
        .bind(id).bind(account).bind(now).fetch_optional(&mut *c).await)?;
    Ok(found.map(|archive| match archive {
        Some(archive) => Archive::Ready(archive),
        None => Archive::Building,
    }))
}

pub async fn mark_downloaded(conn: Conn<'_>, id: Uuid, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query("UPDATE data_exports SET downloaded_at = $2 WHERE id = $1")
        .bind(id).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
