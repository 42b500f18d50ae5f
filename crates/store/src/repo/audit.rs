use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: Uuid,
    pub actor_id: Uuid,
    pub subject_id: Option<Uuid>,
    pub action: String,
    pub reason: Option<String>,
    pub created_at: i64,
}

pub async fn insert(conn: Conn<'_>, e: &AuditRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO audit_events (id, actor_id, subject_id, action, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(e.id).bind(e.actor_id).bind(e.subject_id).bind(&e.action).bind(&e.reason).bind(e.created_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Newest first; optionally only events about one subject.
pub async fn list(conn: Conn<'_>, subject: Option<Uuid>, limit: i64, offset: i64) -> Result<Vec<AuditRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, AuditRow>(
        "SELECT id, actor_id, subject_id, action, reason, created_at FROM audit_events \
         WHERE ($1 IS NULL OR subject_id = $1) ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3")
        .bind(subject).bind(limit).bind(offset).fetch_all(&mut *c).await)?)
}
