use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CodeRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub purpose: String,
    pub code_hash: Vec<u8>,
    pub new_email: Option<String>,
    pub new_phone_hash: Option<Vec<u8>>,
    pub new_phone_enc: Option<Vec<u8>>,
    pub attempts: i32,
    pub created_at: i64,
    pub expires_at: i64,
}

const COLUMNS: &str =
    "id, account_id, purpose, code_hash, new_email, new_phone_hash, new_phone_enc, attempts, created_at, expires_at";

/// Stores a new code, replacing any earlier one of the same purpose.
pub async fn replace(mut conn: Conn<'_>, row: &CodeRow) -> Result<()> {
    on_conn!(conn.reborrow(), c => sqlx::query("DELETE FROM one_time_codes WHERE account_id = $1 AND purpose = $2")
        .bind(row.account_id).bind(&row.purpose).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO one_time_codes (id, account_id, purpose, code_hash, new_email, new_phone_hash, new_phone_enc, attempts, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(row.id).bind(row.account_id).bind(&row.purpose).bind(&row.code_hash).bind(&row.new_email)
        .bind(&row.new_phone_hash).bind(&row.new_phone_enc).bind(row.attempts).bind(row.created_at).bind(row.expires_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn find_by_hash(conn: Conn<'_>, purpose: &str, hash: &[u8], now: i64) -> Result<Option<CodeRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM one_time_codes WHERE purpose = $1 AND code_hash = $2 AND expires_at > $3"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, CodeRow>(sql)
        .bind(purpose).bind(hash).bind(now).fetch_optional(&mut *c).await)?)
}

pub async fn find_for(conn: Conn<'_>, account: Uuid, purpose: &str, now: i64) -> Result<Option<CodeRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM one_time_codes WHERE account_id = $1 AND purpose = $2 AND expires_at > $3"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, CodeRow>(sql)
        .bind(account).bind(purpose).bind(now).fetch_optional(&mut *c).await)?)
}

/// Counts one attempt unless `max` were already made; false when used up.
/// A single statement, so concurrent attempts cannot exceed `max`.
pub async fn count_attempt(conn: Conn<'_>, id: Uuid, max: i32) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query("UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = $1 AND attempts < $2")
        .bind(id).bind(max).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Consumes a code; false when another request consumed it first.
pub async fn delete(conn: Conn<'_>, id: Uuid) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query("DELETE FROM one_time_codes WHERE id = $1")
        .bind(id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
