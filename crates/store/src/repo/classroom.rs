//! How members take part in lesson classrooms.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

/// Whether the member chose to hide their IP address; `None`: no choice yet.
pub async fn hide_ip(conn: Conn<'_>, account: Uuid) -> Result<Option<bool>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, bool>(
        "SELECT hide_ip FROM classroom_preferences WHERE account_id = $1")
        .bind(account).fetch_optional(&mut *c).await)?)
}

pub async fn set_hide_ip(conn: Conn<'_>, account: Uuid, hide: bool, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO classroom_preferences (account_id, hide_ip, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (account_id) DO UPDATE SET hide_ip = $2, updated_at = $3")
        .bind(account).bind(hide).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
