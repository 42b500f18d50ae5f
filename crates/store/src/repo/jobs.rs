//! The jobs table: background work any node may claim (see migration 0032).
//! Every time here is the database's clock, so nodes whose clocks differ
//! still agree on when a lease has lapsed.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

/// A job this node holds: the attempt number fences its writes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Claimed {
    pub id: Uuid,
    pub kind: String,
    pub attempt: i32,
}

/// The database's clock, in microseconds since the epoch. The two dialects
/// name it differently.
pub async fn now(conn: Conn<'_>) -> Result<i64> {
    Ok(match conn {
        Conn::Sqlite(c) => {
            sqlx::query_scalar("SELECT CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)")
                .fetch_one(&mut *c)
                .await?
        }
        Conn::Postgres(c) => {
            sqlx::query_scalar("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint")
                .fetch_one(&mut *c)
                .await?
        }
    })
}

/// Asks for the run of `kind` keyed `run_key`, due at `run_at`; a run with
/// that key already asked for (by any node) stands. Whether this asked.
pub async fn ask(mut conn: Conn<'_>, kind: &str, run_key: &str, run_at: Option<i64>) -> Result<bool> {
    let now = now(conn.reborrow()).await?;
    let inserted = on_conn!(conn, c => sqlx::query(
        "INSERT INTO jobs (id, kind, run_key, state, run_at, created_at) VALUES ($1, $2, $3, 'queued', $4, $5) \
         ON CONFLICT (kind, run_key) DO NOTHING")
        .bind(Uuid::now_v7()).bind(kind).bind(run_key).bind(run_at.unwrap_or(now)).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(inserted == 1)
}

/// Claims the job due longest, or one whose holder's lease lapsed, for
/// `node` until `lease_us` from now, with the next attempt number.
pub async fn claim(mut conn: Conn<'_>, node: &str, lease_us: i64) -> Result<Option<Claimed>> {
    let now = now(conn.reborrow()).await?;
    // A lapsed job first (there are at most as many as nodes died), then
    // the queue in order: two lookups, each along the index, instead of
    // one sort of every waiting job.
    macro_rules! claim_sql {
        ($lock:literal) => {
            concat!(
                "UPDATE jobs SET state = 'running', attempt = attempt + 1, lease_until = $1, node = $2 \
                 WHERE id = COALESCE(\
                 (SELECT id FROM jobs WHERE state = 'running' AND lease_until <= $3 LIMIT 1",
                $lock,
                "), (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $3 ORDER BY run_at LIMIT 1",
                $lock,
                ")) RETURNING id, kind, attempt"
            )
        };
    }
    // PostgreSQL: nodes claiming at once skip each other's rows instead of
    // queueing on them. SQLite has one writer, so the statement alone is
    // atomic (and it has no row locks to name).
    let sql = match conn {
        Conn::Sqlite(_) => claim_sql!(""),
        Conn::Postgres(_) => claim_sql!(" FOR UPDATE SKIP LOCKED"),
    };
    let claimed = on_conn!(conn, c => sqlx::query_as(sql)
        .bind(now + lease_us).bind(node).bind(now)
        .fetch_optional(&mut *c).await)?;
    Ok(claimed)
}

/// Extends the attempt's lease; false when another attempt has the job.
pub async fn renew(mut conn: Conn<'_>, job: &Claimed, lease_us: i64) -> Result<bool> {
    let now = now(conn.reborrow()).await?;
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE jobs SET lease_until = $3 WHERE id = $1 AND attempt = $2 AND state = 'running'")
        .bind(job.id).bind(job.attempt).bind(now + lease_us)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Whether the attempt still holds the job. Inside a transaction that
/// writes the job's work: on PostgreSQL the row stays locked against a new
/// claim until the transaction ends, so the work commits only while its
/// attempt holds; SQLite's single writer gives the same.
pub async fn holds(conn: Conn<'_>, job: &Claimed) -> Result<bool> {
    macro_rules! held_sql {
        ($lock:literal) => {
            concat!(
                "SELECT attempt FROM jobs WHERE id = $1 AND attempt = $2 AND state = 'running'",
                $lock
            )
        };
    }
    let sql = match conn {
        Conn::Sqlite(_) => held_sql!(""),
        Conn::Postgres(_) => held_sql!(" FOR SHARE"),
    };
    let held: Option<i32> = on_conn!(conn, c => sqlx::query_scalar(sql)
        .bind(job.id).bind(job.attempt)
        .fetch_optional(&mut *c).await)?;
    Ok(held.is_some())
}

/// Marks the job done; false (nothing written) when another attempt has it.
pub async fn finish(mut conn: Conn<'_>, job: &Claimed) -> Result<bool> {
    let now = now(conn.reborrow()).await?;
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE jobs SET state = 'done', finished_at = $3, lease_until = NULL, last_error = NULL \
         WHERE id = $1 AND attempt = $2 AND state = 'running'")
        .bind(job.id).bind(job.attempt).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Puts a failed job back in the queue, due `retry_in_us` from now, with
/// what went wrong; false when another attempt has it.
pub async fn retry_later(mut conn: Conn<'_>, job: &Claimed, error: &str, retry_in_us: i64) -> Result<bool> {
    let now = now(conn.reborrow()).await?;
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE jobs SET state = 'queued', run_at = $3, lease_until = NULL, node = NULL, last_error = $4 \
         WHERE id = $1 AND attempt = $2 AND state = 'running'")
        .bind(job.id).bind(job.attempt).bind(now + retry_in_us).bind(error)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Ends the leases `node` holds, so other nodes claim its jobs at once
/// (the node is stopping and has stopped working on them).
pub async fn release(mut conn: Conn<'_>, node: &str) -> Result<u64> {
    let now = now(conn.reborrow()).await?;
    Ok(on_conn!(conn, c => sqlx::query(
        "UPDATE jobs SET lease_until = $2 WHERE node = $1 AND state = 'running'")
        .bind(node).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?)
}

/// How many jobs wait to be run (due or not).
pub async fn waiting(conn: Conn<'_>) -> Result<i64> {
    Ok(
        on_conn!(conn, c => sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state = 'queued'")
        .fetch_one(&mut *c).await)?,
    )
}
