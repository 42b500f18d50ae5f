//! Teachers' lesson offerings and packages.

use crate::{Conn, Result, on_conn};
use koine_domain::teaching::OfferingStatus;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfferingRow {
    pub id: Uuid,
    pub teacher_id: Uuid,
    pub language: String,
    /// CEFR levels, comma-separated.
    pub levels: String,
    pub duration_minutes: i64,
    pub price_minor: i64,
    pub currency: String,
    #[sqlx(try_from = "String")]
    pub status: OfferingStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

const OFFERING: &str =
    "id, teacher_id, language, levels, duration_minutes, price_minor, currency, status, created_at, updated_at";

pub async fn upsert(conn: Conn<'_>, o: &OfferingRow) -> Result<()> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO offerings ({OFFERING}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (id) DO UPDATE SET language = $3, levels = $4, duration_minutes = $5, price_minor = $6, \
         currency = $7, status = $8, updated_at = $10"
    ));
    on_conn!(conn, c => sqlx::query(sql)
        .bind(o.id).bind(o.teacher_id).bind(&o.language).bind(&o.levels).bind(o.duration_minutes)
        .bind(o.price_minor).bind(&o.currency).bind(o.status.as_str()).bind(o.created_at).bind(o.updated_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(conn: Conn<'_>, id: Uuid) -> Result<Option<OfferingRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {OFFERING} FROM offerings WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, OfferingRow>(sql).bind(id).fetch_optional(&mut *c).await)?)
}

/// A teacher's offerings, oldest first.
pub async fn of_teacher(conn: Conn<'_>, teacher: Uuid) -> Result<Vec<OfferingRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {OFFERING} FROM offerings WHERE teacher_id = $1 ORDER BY created_at, id"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, OfferingRow>(sql).bind(teacher).fetch_all(&mut *c).await)?)
}

/// Every active offering (for building the search index).
pub async fn all_active(conn: Conn<'_>) -> Result<Vec<OfferingRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {OFFERING} FROM offerings WHERE status = 'active'"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, OfferingRow>(sql).fetch_all(&mut *c).await)?)
}

/// Replaces an offering's packages: (lessons, discount percent).
pub async fn set_packages(mut conn: Conn<'_>, offering: Uuid, teacher: Uuid, packages: &[(i64, i64)]) -> Result<()> {
    on_conn!(conn.reborrow(), c => sqlx::query("DELETE FROM offering_packages WHERE offering_id = $1")
        .bind(offering).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for (lessons, discount) in packages {
        on_conn!(conn.reborrow(), c => sqlx::query(
            "INSERT INTO offering_packages (offering_id, teacher_id, lessons, discount_percent) VALUES ($1, $2, $3, $4)")
            .bind(offering).bind(teacher).bind(lessons).bind(discount)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// A teacher's packages: (offering, lessons, discount percent).
pub async fn packages_of(conn: Conn<'_>, teacher: Uuid) -> Result<Vec<(Uuid, i64, i64)>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, (Uuid, i64, i64)>(
        "SELECT offering_id, lessons, discount_percent FROM offering_packages WHERE teacher_id = $1 ORDER BY lessons")
        .bind(teacher).fetch_all(&mut *c).await)?)
}
