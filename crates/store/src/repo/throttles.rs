//! Attempt counters in the database, one row per rule, key and time
//! bucket, so every node of a cluster counts the same attempts.

use crate::{Conn, Result, on_conn};

/// Counts one attempt in the bucket unless it already holds `max`: the
/// check and the count are one statement, so parallel attempts on any
/// node cannot all slip past the limit. Whether it was counted.
pub async fn hit(conn: Conn<'_>, scope: &str, key_hash: &[u8], bucket: i64, expires_at: i64, max: u32) -> Result<bool> {
    let counted: Option<i32> = on_conn!(conn, c => sqlx::query_scalar(
        "INSERT INTO throttle_counters (scope, key_hash, bucket, hits, expires_at) VALUES ($1, $2, $3, 1, $4) \
         ON CONFLICT (scope, key_hash, bucket) DO UPDATE SET hits = throttle_counters.hits + 1 \
         WHERE throttle_counters.hits < $5 RETURNING hits")
        .bind(scope).bind(key_hash).bind(bucket).bind(expires_at).bind(max as i32)
        .fetch_optional(&mut *c).await)?;
    // A limit of 0 refuses even the first attempt.
    Ok(counted.is_some_and(|hits| hits as u32 <= max))
}

/// Gives back one attempt of the bucket.
pub async fn give_back(conn: Conn<'_>, scope: &str, key_hash: &[u8], bucket: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "UPDATE throttle_counters SET hits = hits - 1 \
         WHERE scope = $1 AND key_hash = $2 AND bucket = $3 AND hits > 0")
        .bind(scope).bind(key_hash).bind(bucket)
        .execute(&mut *c).await.map(|_| ()))?;
    Ok(())
}

/// Forgets every attempt of the key under the rule.
pub async fn forget(conn: Conn<'_>, scope: &str, key_hash: &[u8]) -> Result<()> {
    on_conn!(conn, c => sqlx::query("DELETE FROM throttle_counters WHERE scope = $1 AND key_hash = $2")
        .bind(scope).bind(key_hash)
        .execute(&mut *c).await.map(|_| ()))?;
    Ok(())
}
