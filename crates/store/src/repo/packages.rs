//! Packages of lessons learners bought.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PackageRow {
    pub id: Uuid,
    pub learner_id: Uuid,
    pub teacher_id: Uuid,
    pub offering_id: Option<Uuid>,
    pub language: String,
    pub duration_minutes: i64,
    pub lessons: i64,
    pub price_minor: i64,
    pub discount_percent: i64,
    pub currency: String,
    pub commission_bp: i64,
    pub purchased_at: i64,
    pub expires_at: i64,
    pub reminded_month_at: Option<i64>,
    pub reminded_week_at: Option<i64>,
    pub closed_at: Option<i64>,
}

const PACKAGE: &str = "id, learner_id, teacher_id, offering_id, language, duration_minutes, lessons, price_minor, \
    discount_percent, currency, commission_bp, purchased_at, expires_at, reminded_month_at, reminded_week_at, closed_at";

pub async fn insert(conn: Conn<'_>, p: &PackageRow) -> Result<()> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO lesson_packages ({PACKAGE}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
    ));
    on_conn!(conn, c => sqlx::query(sql)
        .bind(p.id).bind(p.learner_id).bind(p.teacher_id).bind(p.offering_id).bind(&p.language)
        .bind(p.duration_minutes).bind(p.lessons).bind(p.price_minor).bind(p.discount_percent).bind(&p.currency)
        .bind(p.commission_bp).bind(p.purchased_at).bind(p.expires_at).bind(p.reminded_month_at)
        .bind(p.reminded_week_at).bind(p.closed_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(conn: Conn<'_>, id: Uuid) -> Result<Option<PackageRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {PACKAGE} FROM lesson_packages WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, PackageRow>(sql).bind(id).fetch_optional(&mut *c).await)?)
}

/// The package, locked until the transaction ends (PostgreSQL).
pub async fn get_locked(conn: Conn<'_>, id: Uuid) -> Result<Option<PackageRow>> {
    let lock = if matches!(conn, Conn::Postgres(_)) {
        " FOR UPDATE"
    } else {
        ""
    };
    let sql = sqlx::AssertSqlSafe(format!("SELECT {PACKAGE} FROM lesson_packages WHERE id = $1{lock}"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, PackageRow>(sql).bind(id).fetch_optional(&mut *c).await)?)
}

/// A member's packages, as learner or teacher, newest first.
pub async fn of_member(conn: Conn<'_>, account: Uuid) -> Result<Vec<PackageRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {PACKAGE} FROM lesson_packages WHERE learner_id = $1 OR teacher_id = $1 ORDER BY purchased_at DESC"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, PackageRow>(sql).bind(account).fetch_all(&mut *c).await)?)
}

/// Open packages expiring at or before `cutoff`.
pub async fn expiring(conn: Conn<'_>, cutoff: i64, limit: i64) -> Result<Vec<Uuid>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, Uuid>(
        "SELECT id FROM lesson_packages WHERE closed_at IS NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2")
        .bind(cutoff).bind(limit).fetch_all(&mut *c).await)?)
}

/// Open packages expiring within `ahead` and not yet reminded in `column`.
pub async fn to_remind(conn: Conn<'_>, column: &'static str, now: i64, ahead: i64, limit: i64) -> Result<Vec<Uuid>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id FROM lesson_packages WHERE closed_at IS NULL AND {column} IS NULL AND expires_at > $1 \
         AND expires_at <= $2 ORDER BY expires_at LIMIT $3"
    ));
    Ok(
        on_conn!(conn, c => sqlx::query_scalar::<_, Uuid>(sql).bind(now).bind(now + ahead).bind(limit)
        .fetch_all(&mut *c).await)?,
    )
}

pub async fn mark_reminded(conn: Conn<'_>, id: Uuid, column: &'static str, now: i64) -> Result<bool> {
    let sql = sqlx::AssertSqlSafe(format!(
        "UPDATE lesson_packages SET {column} = $2 WHERE id = $1 AND {column} IS NULL AND closed_at IS NULL"
    ));
    let n = on_conn!(conn, c => sqlx::query(sql).bind(id).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn close(conn: Conn<'_>, id: Uuid, now: i64) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE lesson_packages SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL")
        .bind(id).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Open packages of a member, as learner or teacher (for account deletion).
pub async fn open_of(conn: Conn<'_>, account: Uuid) -> Result<Vec<PackageRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {PACKAGE} FROM lesson_packages WHERE (learner_id = $1 OR teacher_id = $1) AND closed_at IS NULL"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, PackageRow>(sql).bind(account).fetch_all(&mut *c).await)?)
}
