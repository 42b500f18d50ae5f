use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConsentRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub purpose: String,
    pub granted: bool,
    pub policy_version: String,
    /// The consent request answered (`koine_domain::consent::consent_revision`).
    pub consent_revision: Option<i64>,
    pub source: String,
    pub created_at: i64,
    /// The lesson a consent is about (recording it); `None`: the account as
    /// a whole.
    pub lesson_id: Option<Uuid>,
}

/// Appends to the ledger; rows are never updated.
pub async fn append(conn: Conn<'_>, e: &ConsentRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO consent_events (id, account_id, purpose, granted, policy_version, source, created_at, \
         consent_revision, lesson_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(e.id).bind(e.account_id).bind(&e.purpose).bind(e.granted).bind(&e.policy_version)
        .bind(&e.source).bind(e.created_at).bind(e.consent_revision).bind(e.lesson_id)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Appends to the visitor ledger (`account_id` holds the random visitor id).
pub async fn append_visitor(conn: Conn<'_>, e: &ConsentRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO visitor_consent_events (id, visitor_id, purpose, granted, policy_version, source, created_at, \
         consent_revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(e.id).bind(e.account_id).bind(&e.purpose).bind(e.granted).bind(&e.policy_version)
        .bind(&e.source).bind(e.created_at).bind(e.consent_revision)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The person's ledger, oldest first.
pub async fn history(conn: Conn<'_>, account: Uuid) -> Result<Vec<ConsentRow>> {
    events_where(conn, "account_id", account).await
}

/// The consents about one lesson, oldest first.
pub async fn for_lesson(conn: Conn<'_>, lesson: Uuid) -> Result<Vec<ConsentRow>> {
    events_where(conn, "lesson_id", lesson).await
}

/// The ledger's rows whose `column` (a name from this file) is `id`, oldest first.
async fn events_where(conn: Conn<'_>, column: &'static str, id: Uuid) -> Result<Vec<ConsentRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id, account_id, purpose, granted, policy_version, consent_revision, source, created_at, lesson_id \
         FROM consent_events WHERE {column} = $1 ORDER BY created_at, id"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, ConsentRow>(sql).bind(id).fetch_all(&mut *c).await)?)
}
