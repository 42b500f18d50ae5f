use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub token_hash: Vec<u8>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub authenticated_at: i64,
    pub expires_at: i64,
    pub user_agent: Option<String>,
    /// Cleared 7 days after sign-in, leaving `ip_network`.
    pub ip: Option<String>,
    pub ip_network: Option<String>,
}

const COLUMNS: &str =
    "id, account_id, token_hash, created_at, last_seen_at, authenticated_at, expires_at, user_agent, ip, ip_network";

pub async fn insert(conn: Conn<'_>, s: &SessionRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO sessions (id, account_id, token_hash, created_at, last_seen_at, authenticated_at, expires_at, user_agent, ip, ip_network) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(s.id).bind(s.account_id).bind(&s.token_hash).bind(s.created_at).bind(s.last_seen_at)
        .bind(s.authenticated_at).bind(s.expires_at).bind(&s.user_agent).bind(&s.ip).bind(&s.ip_network)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Who a session belongs to, as every request needs them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionPerson {
    pub staff_role: Option<String>,
    pub minor_until: Option<i64>,
    pub ui_locale: Option<String>,
    pub display_name: Option<String>,
}

/// A live session with its person, read in one statement (every signed-in
/// request reads it).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveSession {
    #[sqlx(flatten)]
    pub session: SessionRow,
    #[sqlx(flatten)]
    pub person: SessionPerson,
}

const PERSON: &str = "a.staff_role, a.minor_until, p.ui_locale, p.display_name \
    FROM accounts a LEFT JOIN profiles p ON p.account_id = a.id";

/// The live session holding this token hash: not idle past its expiry and
/// created after `created_after` (the absolute lifetime); none when its
/// account is gone.
pub async fn find_live(conn: Conn<'_>, token_hash: &[u8], now: i64, created_after: i64) -> Result<Option<LiveSession>> {
    let session = COLUMNS
        .split(", ")
        .map(|c| format!("s.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {session}, {PERSON} JOIN sessions s ON s.account_id = a.id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.created_at > $3"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, LiveSession>(sql)
        .bind(token_hash).bind(now).bind(created_after).fetch_optional(&mut *c).await)?)
}

/// The person of a new session.
pub async fn person(conn: Conn<'_>, account: Uuid) -> Result<Option<SessionPerson>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {PERSON} WHERE a.id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, SessionPerson>(sql)
        .bind(account).fetch_optional(&mut *c).await)?)
}

/// Records activity and slides the idle expiry forward.
pub async fn touch(conn: Conn<'_>, id: Uuid, now: i64, expires_at: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query("UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1")
        .bind(id).bind(now).bind(expires_at).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn mark_authenticated(conn: Conn<'_>, id: Uuid, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query("UPDATE sessions SET authenticated_at = $2 WHERE id = $1")
        .bind(id).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn list_for(conn: Conn<'_>, account: Uuid, now: i64) -> Result<Vec<SessionRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM sessions WHERE account_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, SessionRow>(sql)
        .bind(account).bind(now).fetch_all(&mut *c).await)?)
}

/// Deletes one session of this account; false when it was not theirs.
pub async fn delete(conn: Conn<'_>, account: Uuid, id: Uuid) -> Result<bool> {
    let done = on_conn!(conn, c => sqlx::query("DELETE FROM sessions WHERE id = $1 AND account_id = $2")
        .bind(id).bind(account).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(done > 0)
}

/// Ends every session of the account except `keep`.
pub async fn delete_all_except(conn: Conn<'_>, account: Uuid, keep: Option<Uuid>) -> Result<u64> {
    Ok(
        on_conn!(conn, c => sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND ($2 IS NULL OR id <> $2)")
        .bind(account).bind(keep).execute(&mut *c).await.map(|r| r.rows_affected()))?,
    )
}
