//! Teachers' weekly availability and date overrides.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

/// (weekday 1 = Monday … 7, start minute, end minute).
pub type RuleRow = (i64, i64, i64);

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OverrideRow {
    pub teacher_id: Uuid,
    /// `YYYY-MM-DD`.
    pub day: String,
    pub time_zone: String,
    /// Both absent: unavailable that day.
    pub start_minute: Option<i64>,
    pub end_minute: Option<i64>,
}

pub async fn replace_rules(mut conn: Conn<'_>, teacher: Uuid, rules: &[RuleRow]) -> Result<()> {
    on_conn!(conn.reborrow(), c => sqlx::query("DELETE FROM availability_rules WHERE teacher_id = $1")
        .bind(teacher).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for (weekday, start, end) in rules {
        on_conn!(conn.reborrow(), c => sqlx::query(
            "INSERT INTO availability_rules (id, teacher_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4, $5)")
            .bind(Uuid::now_v7()).bind(teacher).bind(weekday).bind(start).bind(end)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

pub async fn rules(conn: Conn<'_>, teacher: Uuid) -> Result<Vec<RuleRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, RuleRow>(
        "SELECT weekday, start_minute, end_minute FROM availability_rules WHERE teacher_id = $1 \
         ORDER BY weekday, start_minute")
        .bind(teacher).fetch_all(&mut *c).await)?)
}

/// Every teacher's rules, for building the search index.
pub async fn all_rules(conn: Conn<'_>) -> Result<Vec<(Uuid, i64, i64, i64)>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, (Uuid, i64, i64, i64)>(
        "SELECT teacher_id, weekday, start_minute, end_minute FROM availability_rules")
        .fetch_all(&mut *c).await)?)
}

/// Replaces what a teacher said about one day.
pub async fn replace_override(mut conn: Conn<'_>, teacher: Uuid, day: &str, rows: &[OverrideRow]) -> Result<()> {
    on_conn!(conn.reborrow(), c => sqlx::query("DELETE FROM availability_overrides WHERE teacher_id = $1 AND day = $2")
        .bind(teacher).bind(day).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for o in rows {
        on_conn!(conn.reborrow(), c => sqlx::query(
            "INSERT INTO availability_overrides (id, teacher_id, day, time_zone, start_minute, end_minute) \
             VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(Uuid::now_v7()).bind(teacher).bind(&o.day).bind(&o.time_zone).bind(o.start_minute)
            .bind(o.end_minute).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

const OVERRIDE: &str = "teacher_id, day, time_zone, start_minute, end_minute";

pub async fn overrides(conn: Conn<'_>, teacher: Uuid) -> Result<Vec<OverrideRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {OVERRIDE} FROM availability_overrides WHERE teacher_id = $1 ORDER BY day, start_minute"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, OverrideRow>(sql).bind(teacher).fetch_all(&mut *c).await)?)
}

/// Every override from `from_day` on, for building the search index.
pub async fn all_overrides(conn: Conn<'_>, from_day: &str) -> Result<Vec<OverrideRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {OVERRIDE} FROM availability_overrides WHERE day >= $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, OverrideRow>(sql).bind(from_day).fetch_all(&mut *c).await)?)
}
