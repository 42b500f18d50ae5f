//! Idempotency keys: the first request with a key claims it inside its
//! transaction and records its outcome there; a retry finds the outcome.
//! A concurrent retry waits on the key's row (PostgreSQL) or the write
//! lock (SQLite) until the first commits or rolls back.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is this request's: go on, and record the outcome.
    New,
    /// A request with this key already finished with this outcome.
    Done {
        fingerprint: Vec<u8>,
        outcome: Option<String>,
    },
}

/// Claims `key`; `outcome` is what the request will have produced if its
/// transaction commits, when known up front (else recorded by `complete`).
pub async fn claim(
    mut conn: Conn<'_>,
    account: Uuid,
    key: &str,
    fingerprint: &[u8],
    outcome: Option<&str>,
    now: i64,
) -> Result<Claim> {
    let inserted = on_conn!(conn.reborrow(), c => sqlx::query(
        "INSERT INTO idempotency_keys (account_id, key, fingerprint, outcome, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
        .bind(account).bind(key).bind(fingerprint).bind(outcome).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    if inserted == 1 {
        return Ok(Claim::New);
    }
    let (fingerprint, outcome): (Vec<u8>, Option<String>) = on_conn!(conn, c => sqlx::query_as(
        "SELECT fingerprint, outcome FROM idempotency_keys WHERE account_id = $1 AND key = $2")
        .bind(account).bind(key).fetch_one(&mut *c).await)?;
    Ok(Claim::Done { fingerprint, outcome })
}

pub async fn complete(conn: Conn<'_>, account: Uuid, key: &str, outcome: &str) -> Result<()> {
    on_conn!(conn, c => sqlx::query("UPDATE idempotency_keys SET outcome = $3 WHERE account_id = $1 AND key = $2")
        .bind(account).bind(key).bind(outcome).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The outcome of a finished request with this key, if any (a read
/// before calling a payment provider).
pub async fn outcome(conn: Conn<'_>, account: Uuid, key: &str) -> Result<Option<(Vec<u8>, String)>> {
    let row: Option<(Vec<u8>, Option<String>)> = on_conn!(conn, c => sqlx::query_as(
        "SELECT fingerprint, outcome FROM idempotency_keys WHERE account_id = $1 AND key = $2")
        .bind(account).bind(key).fetch_optional(&mut *c).await)?;
    Ok(row.and_then(|(f, o)| o.map(|o| (f, o))))
}
