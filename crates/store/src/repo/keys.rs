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

/// A person's key from `subject_keys` alone (as the key database holds it).
pub async fn get_subject(conn: Conn<'_>, account: Uuid) -> Result<Option<Vec<u8>>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, Vec<u8>>(
        "SELECT wrapped_key FROM subject_keys WHERE account_id = $1")
        .bind(account).fetch_optional(&mut *c).await)?)
}

/// Stores a person's key moved from another database (kept if already there).
pub async fn insert_moved(conn: Conn<'_>, account: Uuid, wrapped: &[u8], created_at: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO subject_keys (account_id, wrapped_key, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (account_id) DO NOTHING")
        .bind(account).bind(wrapped).bind(created_at).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Destroys people's keys (crypto-shredding in the key database).
pub async fn delete(conn: Conn<'_>, accounts: &[Uuid]) -> Result<u64> {
    if accounts.is_empty() {
        return Ok(0);
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "DELETE FROM subject_keys WHERE account_id IN ({})",
        super::placeholders(1, accounts.len())
    ));
    Ok(on_conn!(conn, c => {
        let mut q = sqlx::query(sql);
        for a in accounts {
            q = q.bind(*a);
        }
        q.execute(&mut *c).await.map(|r| r.rows_affected())
    })?)
}

/// The next `limit` people's keys made before `before`, after `after` in id
/// order, with when each was made.
pub async fn older_page(conn: Conn<'_>, before: i64, after: Uuid, limit: i64) -> Result<Vec<(Uuid, Vec<u8>, i64)>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, (Uuid, Vec<u8>, i64)>(
        "SELECT account_id, wrapped_key, created_at FROM subject_keys WHERE created_at < $1 AND account_id > $2 \
         ORDER BY account_id LIMIT $3")
        .bind(before).bind(after).bind(limit).fetch_all(&mut *c).await)?)
}

/// Records the key of an erased person's kept files, under the pseudonym
/// of their unfinished erasure.
pub async fn set_held(conn: Conn<'_>, pseudonym: Uuid, wrapped: &[u8]) -> Result<()> {
    on_conn!(conn, c => sqlx::query("UPDATE held_erasures SET wrapped_key = $2 WHERE pseudonym = $1")
        .bind(pseudonym).bind(wrapped).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The tables of keys wrapped for one owner: people (`subject_keys`) and
/// the pseudonyms of unfinished erasures (`held_erasures`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrappedKeys {
    Subjects,
    Held,
}

impl WrappedKeys {
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Self::Subjects => ("subject_keys", "account_id"),
            Self::Held => ("held_erasures", "pseudonym"),
        }
    }
}

/// The next `limit` wrapped keys after `after`, in id order (for rewrapping
/// them all a page at a time).
pub async fn page(conn: Conn<'_>, which: WrappedKeys, after: Uuid, limit: i64) -> Result<Vec<(Uuid, Vec<u8>)>> {
    let (table, id) = which.table();
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {id}, wrapped_key FROM {table} WHERE {id} > $1 AND wrapped_key IS NOT NULL ORDER BY {id} LIMIT $2"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, (Uuid, Vec<u8>)>(sql)
        .bind(after).bind(limit).fetch_all(&mut *c).await)?)
}

/// Replaces a wrapped key if it is still `old` (an erasure may have
/// destroyed it meanwhile); whether it was replaced.
pub async fn rewrap(conn: Conn<'_>, which: WrappedKeys, owner: Uuid, old: &[u8], new: &[u8]) -> Result<bool> {
    let (table, id) = which.table();
    let sql = sqlx::AssertSqlSafe(format!(
        "UPDATE {table} SET wrapped_key = $3 WHERE {id} = $1 AND wrapped_key = $2"
    ));
    let n = on_conn!(conn, c => sqlx::query(sql)
        .bind(owner).bind(old).bind(new).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The platform's keys, wrapped, by purpose.
pub async fn platform_all(conn: Conn<'_>) -> Result<Vec<(String, Vec<u8>)>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, (String, Vec<u8>)>(
        "SELECT purpose, wrapped_key FROM platform_keys ORDER BY purpose")
        .fetch_all(&mut *c).await)?)
}

/// Stores a platform key unless one is stored for that purpose already
/// (nodes starting together store the same key; the first row stays).
pub async fn platform_insert(conn: Conn<'_>, purpose: &str, wrapped: &[u8], now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO platform_keys (purpose, wrapped_key, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (purpose) DO NOTHING")
        .bind(purpose).bind(wrapped).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn platform_rewrap(conn: Conn<'_>, purpose: &str, old: &[u8], new: &[u8]) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE platform_keys SET wrapped_key = $3 WHERE purpose = $1 AND wrapped_key = $2")
        .bind(purpose).bind(old).bind(new).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
