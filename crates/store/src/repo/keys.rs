use crate::{Conn, Result, on_conn};
use uuid::Uuid;

pub async fn insert(conn: Conn<'_>, account: Uuid, wrapped: &[u8], now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query("INSERT INTO subject_keys (account_id, wrapped_key, created_at) VALUES ($1, $2, $3)")
        .bind(account).bind(wrapped).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A person's key; or, for the pseudonym that replaced an erased person,
/// the key of their files a hold keeps.
pub async fn get(conn: Conn<'_>, account: Uuid) -> Result<Option<Vec<u8>>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, Vec<u8>>(
        "SELECT wrapped_key FROM subject_keys WHERE account_id = $1 \
         UNION ALL SELECT wrapped_key FROM held_erasures WHERE pseudonym = $1 AND wrapped_key IS NOT NULL")
        .bind(account).fetch_optional(&mut *c).await)?)
}

/// Records the key of an erased person's kept files, under the pseudonym
/// of their unfinished erasure.
pub async fn set_held(conn: Conn<'_>, pseudonym: Uuid, wrapped: &[u8]) -> Result<()> {
    on_conn!(conn, c => sqlx::query("UPDATE held_erasures SET wrapped_key = $2 WHERE pseudonym = $1")
        .bind(pseudonym).bind(wrapped).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
