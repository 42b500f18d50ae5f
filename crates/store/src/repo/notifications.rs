//! In-app notices (the bell), written beside the emails they echo.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub kind: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: i64,
    pub read_at: Option<i64>,
    /// The other member the body mentions (`mention::MARK` marks where
    /// their name goes).
    pub about_id: Option<Uuid>,
}

/// A notice as read back: with the current name of the member it is about
/// (none once they are gone).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShownRow {
    #[sqlx(flatten)]
    pub row: NotificationRow,
    pub about_name: Option<String>,
}

pub async fn insert(conn: Conn<'_>, n: &NotificationRow) -> Result<()> {
    insert_many(conn, std::slice::from_ref(n)).await
}

/// Several notices in one statement.
pub async fn insert_many(conn: Conn<'_>, rows: &[NotificationRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO notifications (id, account_id, kind, body, link, created_at, read_at, about_id) VALUES {}",
        super::value_rows(rows.len(), 8)
    );
    on_conn!(conn, c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for n in rows {
            q = q.bind(n.id).bind(n.account_id).bind(&n.kind).bind(&n.body).bind(&n.link).bind(n.created_at)
                .bind(n.read_at).bind(n.about_id);
        }
        q.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn of_account(conn: Conn<'_>, account: Uuid, limit: i64) -> Result<Vec<ShownRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, ShownRow>(
        "SELECT n.id, n.account_id, n.kind, n.body, n.link, n.created_at, n.read_at, n.about_id, \
         p.display_name AS about_name FROM notifications n LEFT JOIN profiles p ON p.account_id = n.about_id \
         WHERE n.account_id = $1 ORDER BY n.created_at DESC, n.id DESC LIMIT $2")
        .bind(account).bind(limit).fetch_all(&mut *c).await)?)
}

pub async fn unread(conn: Conn<'_>, account: Uuid) -> Result<i64> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM notifications WHERE account_id = $1 AND read_at IS NULL")
        .bind(account).fetch_one(&mut *c).await)?)
}

pub async fn mark_all_read(conn: Conn<'_>, account: Uuid, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "UPDATE notifications SET read_at = $2 WHERE account_id = $1 AND read_at IS NULL")
        .bind(account).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
