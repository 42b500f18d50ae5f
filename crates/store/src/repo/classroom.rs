//! How members take part in lesson classrooms, and who was in them when.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

/// Whether the member chose to hide their IP address; `None`: no choice yet.
pub async fn hide_ip(conn: Conn<'_>, account: Uuid) -> Result<Option<bool>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, bool>(
        "SELECT hide_ip FROM classroom_preferences WHERE account_id = $1")
        .bind(account).fetch_optional(&mut *c).await)?)
}

pub async fn set_hide_ip(conn: Conn<'_>, account: Uuid, hide: bool, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO classroom_preferences (account_id, hide_ip, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (account_id) DO UPDATE SET hide_ip = $2, updated_at = $3")
        .bind(account).bind(hide).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// One stay of a member in a lesson's classroom.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttendanceRow {
    pub account_id: Uuid,
    pub joined_at: i64,
    pub left_at: Option<i64>,
}

/// Records that `account` joined the lesson's call, unless a stay of theirs
/// is still open; says whether a stay began.
pub async fn join(conn: Conn<'_>, lesson: Uuid, account: Uuid, now: i64) -> Result<bool> {
    let added = on_conn!(conn, c => sqlx::query(
        "INSERT INTO lesson_attendance (id, lesson_id, account_id, joined_at) \
         SELECT $1, $2, $3, $4 WHERE NOT EXISTS \
         (SELECT 1 FROM lesson_attendance WHERE lesson_id = $2 AND account_id = $3 AND left_at IS NULL)")
        .bind(Uuid::now_v7()).bind(lesson).bind(account).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(added == 1)
}

/// Ends `account`'s open stay in the lesson's classroom, if any.
pub async fn leave(conn: Conn<'_>, lesson: Uuid, account: Uuid, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "UPDATE lesson_attendance SET left_at = $3 WHERE lesson_id = $1 AND account_id = $2 AND left_at IS NULL")
        .bind(lesson).bind(account).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Marks the lesson as attended by both once the classroom has seen its
/// learner and its teacher.
pub async fn mark_if_both_attended(conn: Conn<'_>, lesson: Uuid, learner: Uuid, teacher: Uuid, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "UPDATE lessons SET both_attended_at = $4 WHERE id = $1 AND both_attended_at IS NULL \
         AND EXISTS (SELECT 1 FROM lesson_attendance WHERE lesson_id = $1 AND account_id = $2) \
         AND EXISTS (SELECT 1 FROM lesson_attendance WHERE lesson_id = $1 AND account_id = $3)")
        .bind(lesson).bind(learner).bind(teacher).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Every stay in the lesson's classroom, in order.
pub async fn attendance(conn: Conn<'_>, lesson: Uuid) -> Result<Vec<AttendanceRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, AttendanceRow>(
        "SELECT account_id, joined_at, left_at FROM lesson_attendance WHERE lesson_id = $1 ORDER BY joined_at, id")
        .bind(lesson).fetch_all(&mut *c).await)?)
}
