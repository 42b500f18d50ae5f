use crate::{Conn, Result, on_conn};
use uuid::Uuid;

pub async fn insert(conn: Conn<'_>, account: Uuid, wrapped: &[u8], now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query("INSERT INTO subject_keys (account_id, wrapped_key, created_at) VALUES ($1, $2, $3)")
        .bind(account).bind(wrapped).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(conn: Conn<'_>, account: Uuid) -> Result<Option<Vec<u8>>> {
    Ok(
        on_conn!(conn, c => sqlx::query_scalar::<_, Vec<u8>>("SELECT wrapped_key FROM subject_keys WHERE account_id = $1")
        .bind(account).fetch_optional(&mut *c).await)?,
    )
}
