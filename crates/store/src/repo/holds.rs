use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HoldRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub reason: Option<String>,
    pub placed_by: Uuid,
    pub placed_at: i64,
    pub lifted_by: Option<Uuid>,
    pub lifted_at: Option<i64>,
}

pub async fn insert(conn: Conn<'_>, h: &HoldRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO legal_holds (id, account_id, reason, placed_by, placed_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(h.id).bind(h.account_id).bind(&h.reason).bind(h.placed_by).bind(h.placed_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Lifts an active hold; false when it was not active.
pub async fn lift(conn: Conn<'_>, id: Uuid, by: Uuid, now: i64) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE legal_holds SET lifted_by = $2, lifted_at = $3 WHERE id = $1 AND lifted_at IS NULL")
        .bind(id).bind(by).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Every hold of a person, newest first.
pub async fn for_account(conn: Conn<'_>, account: Uuid) -> Result<Vec<HoldRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, HoldRow>(
        "SELECT id, account_id, reason, placed_by, placed_at, lifted_by, lifted_at FROM legal_holds \
         WHERE account_id = $1 ORDER BY placed_at DESC, id DESC")
        .bind(account).fetch_all(&mut *c).await)?)
}

pub async fn is_held(conn: Conn<'_>, account: Uuid) -> Result<bool> {
    let n: i64 = on_conn!(conn, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM legal_holds WHERE account_id = $1 AND lifted_at IS NULL")
        .bind(account).fetch_one(&mut *c).await)?;
    Ok(n > 0)
}
