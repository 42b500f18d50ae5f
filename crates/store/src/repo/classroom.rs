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

/// A member's copy of a lesson's shared notes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotesRow {
    pub body: String,
    pub version: i64,
    pub updated_by: Option<Uuid>,
    pub updated_at: i64,
}

pub async fn notes(conn: Conn<'_>, lesson: Uuid, account: Uuid) -> Result<Option<NotesRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, NotesRow>(
        "SELECT body, version, updated_by, updated_at FROM lesson_notes WHERE lesson_id = $1 AND account_id = $2")
        .bind(lesson).bind(account).fetch_optional(&mut *c).await)?)
}

/// Writes the notes into `account`'s copy if it is still at `base`
/// (0: none yet); says whether it was.
pub async fn save_notes(
    conn: Conn<'_>,
    lesson: Uuid,
    account: Uuid,
    base: i64,
    body: &str,
    by: Uuid,
    now: i64,
) -> Result<bool> {
    let written = on_conn!(conn, c => sqlx::query(
        "INSERT INTO lesson_notes (lesson_id, account_id, body, version, updated_by, updated_at) \
         VALUES ($1, $2, $4, $3 + 1, $5, $6) \
         ON CONFLICT (lesson_id, account_id) DO UPDATE SET body = $4, version = $3 + 1, updated_by = $5, updated_at = $6 \
         WHERE lesson_notes.version = $3")
        .bind(lesson).bind(account).bind(base).bind(body).bind(by).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(written == 1)
}

/// Writes the other member's copy to match (unless their account is gone).
pub async fn copy_notes(
    conn: Conn<'_>,
    lesson: Uuid,
    account: Uuid,
    version: i64,
    body: &str,
    by: Uuid,
    now: i64,
) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO lesson_notes (lesson_id, account_id, body, version, updated_by, updated_at) \
         SELECT $1, $2, $4, $3, $5, $6 WHERE EXISTS (SELECT 1 FROM accounts WHERE id = $2) \
         ON CONFLICT (lesson_id, account_id) DO UPDATE SET body = $4, version = $3, updated_by = $5, updated_at = $6")
        .bind(lesson).bind(account).bind(version).bind(body).bind(by).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
