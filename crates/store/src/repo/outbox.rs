use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: Uuid,
    pub account_id: Option<Uuid>,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    pub attempts: i32,
    /// A calendar event to attach (text/calendar).
    pub attachment: Option<String>,
    /// The other member the message mentions (`mention::MARK` marks where
    /// their name goes when it is sent).
    pub about_id: Option<Uuid>,
}

pub async fn enqueue(conn: Conn<'_>, m: &OutboxRow) -> Result<()> {
    enqueue_many(conn, std::slice::from_ref(m)).await
}

/// Several messages in one statement.
pub async fn enqueue_many(conn: Conn<'_>, rows: &[OutboxRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO outbox (id, account_id, channel, recipient, subject, body, created_at, attempts, \
         next_attempt_at, attachment, about_id) VALUES {}",
        super::value_rows(rows.len(), 11)
    );
    on_conn!(conn, c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for m in rows {
            q = q.bind(m.id).bind(m.account_id).bind(&m.channel).bind(&m.recipient).bind(&m.subject)
                .bind(&m.body).bind(m.created_at).bind(m.attempts).bind(m.created_at).bind(&m.attachment)
                .bind(m.about_id);
        }
        q.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Claims up to `limit` messages due at `now` for `lease_us`, so that
/// concurrent workers (several nodes on PostgreSQL) never send one twice.
/// The lease runs on the database's clock, which every node shares: a node
/// whose own clock runs ahead cannot take over a claim before it lapses.
pub async fn claim_due(mut conn: Conn<'_>, now: i64, lease_us: i64, limit: i64) -> Result<Vec<OutboxRow>> {
    let db_now = super::jobs::now(conn.reborrow()).await?;
    // One statement for the batch (not one per message).
    macro_rules! claim_sql {
        ($lock:literal) => {
            concat!(
                "UPDATE outbox SET claimed_until = $1 WHERE id IN (\
                 SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $2 \
                 AND (claimed_until IS NULL OR claimed_until < $3) ORDER BY next_attempt_at LIMIT $4",
                $lock,
                ") RETURNING id, account_id, channel, recipient, subject, body, created_at, attempts, attachment, \
                 about_id, next_attempt_at"
            )
        };
    }
    // PostgreSQL: nodes claiming at once skip each other's messages instead
    // of queueing on them. SQLite has one writer, so the statement alone is
    // atomic (and it has no row locks to name).
    let sql = match conn {
        Conn::Sqlite(_) => claim_sql!(""),
        Conn::Postgres(_) => claim_sql!(" FOR UPDATE SKIP LOCKED"),
    };
    let mut claimed: Vec<Claimed> = on_conn!(conn, c => sqlx::query_as(sql)
        .bind(db_now + lease_us).bind(now).bind(db_now).bind(limit)
        .fetch_all(&mut *c).await)?;
    // RETURNING keeps no order: the longest due goes first.
    claimed.sort_by_key(|c| (c.next_attempt_at, c.row.created_at));
    Ok(claimed.into_iter().map(|c| c.row).collect())
}

/// A claimed message, with when it fell due (to send in that order).
#[derive(sqlx::FromRow)]
struct Claimed {
    #[sqlx(flatten)]
    row: OutboxRow,
    next_attempt_at: i64,
}

/// Delivered: content and recipient are dropped; only the delivery record stays.
/// Marks messages sent, dropping their copies of the recipient and body.
pub async fn mark_sent(conn: Conn<'_>, ids: &[Uuid], now: i64) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "UPDATE outbox SET sent_at = $1, body = '', recipient = '', attachment = NULL, claimed_until = NULL, \
         last_error = NULL WHERE id IN ({})",
        super::placeholders(2, ids.len())
    ));
    on_conn!(conn, c => {
        let mut q = sqlx::query(sql).bind(now);
        for id in ids {
            q = q.bind(*id);
        }
        q.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Lets go of claimed messages not sent (the node is stopping, or its job
/// was taken over), so another node sends them now rather than once the
/// claim lapses.
pub async fn release(conn: Conn<'_>, ids: &[Uuid]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "UPDATE outbox SET claimed_until = NULL WHERE sent_at IS NULL AND id IN ({})",
        super::placeholders(1, ids.len())
    ));
    on_conn!(conn, c => {
        let mut q = sqlx::query(sql);
        for id in ids {
            q = q.bind(*id);
        }
        q.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn mark_failed(conn: Conn<'_>, id: Uuid, error: &str, retry_at: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, claimed_until = NULL WHERE id = $1")
        .bind(id).bind(error).bind(retry_at).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn pending_count(conn: Conn<'_>) -> Result<i64> {
    Ok(
        on_conn!(conn, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
        .fetch_one(&mut *c).await)?,
    )
}
