//! Reviews of lessons, and teachers' replies.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReviewRow {
    pub id: Uuid,
    pub lesson_id: Uuid,
    pub teacher_id: Uuid,
    pub author_id: Uuid,
    pub rating: i64,
    pub body: Option<String>,
    pub reply: Option<String>,
    pub replied_at: Option<i64>,
    pub created_at: i64,
}

const REVIEW: &str = "id, lesson_id, teacher_id, author_id, rating, body, reply, replied_at, created_at";

/// `false` if the lesson has a review already.
pub async fn insert(conn: Conn<'_>, r: &ReviewRow) -> Result<bool> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO reviews ({REVIEW}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (lesson_id) DO NOTHING"
    ));
    let n = on_conn!(conn, c => sqlx::query(sql)
        .bind(r.id).bind(r.lesson_id).bind(r.teacher_id).bind(r.author_id).bind(r.rating).bind(&r.body)
        .bind(&r.reply).bind(r.replied_at).bind(r.created_at).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn get(conn: Conn<'_>, id: Uuid) -> Result<Option<ReviewRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {REVIEW} FROM reviews WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, ReviewRow>(sql).bind(id).fetch_optional(&mut *c).await)?)
}

pub async fn of_lesson(conn: Conn<'_>, lesson: Uuid) -> Result<Option<ReviewRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {REVIEW} FROM reviews WHERE lesson_id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, ReviewRow>(sql).bind(lesson).fetch_optional(&mut *c).await)?)
}

/// A teacher's reviews, newest first, with each author's display name
/// (none once the author has left).
pub async fn of_teacher(conn: Conn<'_>, teacher: Uuid, limit: i64) -> Result<Vec<(ReviewRow, Option<String>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        review: ReviewRow,
        author_name: Option<String>,
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {}, p.display_name AS author_name FROM reviews r LEFT JOIN profiles p ON p.account_id = r.author_id \
         WHERE r.teacher_id = $1 ORDER BY r.created_at DESC LIMIT $2",
        REVIEW
            .split(", ")
            .map(|c| format!("r.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let rows = on_conn!(conn, c => sqlx::query_as::<_, Row>(sql).bind(teacher).bind(limit).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|r| (r.review, r.author_name)).collect())
}

/// Sets the teacher's reply once; `false` if there is one already.
pub async fn reply(conn: Conn<'_>, id: Uuid, text: &str, now: i64) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE reviews SET reply = $2, replied_at = $3 WHERE id = $1 AND reply IS NULL")
        .bind(id).bind(text).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
