//! Coupon codes and the members who added them.

use crate::{Conn, Result, on_conn};
use koine_domain::coupons::CouponKind;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CouponRow {
    pub id: Uuid,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub kind: CouponKind,
    pub value: i64,
    pub currency: String,
    pub expires_at: i64,
    pub per_member_limit: i64,
    pub max_redemptions: Option<i64>,
    pub note: Option<String>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

const COUPON: &str =
    "id, code, kind, value, currency, expires_at, per_member_limit, max_redemptions, note, created_at, revoked_at";

/// `false` if the code exists already.
pub async fn insert(conn: Conn<'_>, c: &CouponRow) -> Result<bool> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO coupons ({COUPON}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (code) DO NOTHING"
    ));
    let n = on_conn!(conn, x => sqlx::query(sql)
        .bind(c.id).bind(&c.code).bind(c.kind.as_str()).bind(c.value).bind(&c.currency).bind(c.expires_at)
        .bind(c.per_member_limit).bind(c.max_redemptions).bind(&c.note).bind(c.created_at).bind(c.revoked_at)
        .execute(&mut *x).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn by_code(conn: Conn<'_>, code: &str) -> Result<Option<CouponRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COUPON} FROM coupons WHERE code = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, CouponRow>(sql).bind(code).fetch_optional(&mut *c).await)?)
}

pub async fn get(conn: Conn<'_>, id: Uuid) -> Result<Option<CouponRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COUPON} FROM coupons WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, CouponRow>(sql).bind(id).fetch_optional(&mut *c).await)?)
}

pub async fn list(conn: Conn<'_>, limit: i64) -> Result<Vec<CouponRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COUPON} FROM coupons ORDER BY created_at DESC LIMIT $1"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, CouponRow>(sql).bind(limit).fetch_all(&mut *c).await)?)
}

pub async fn revoke(conn: Conn<'_>, id: Uuid, now: i64) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query("UPDATE coupons SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(id).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Adds a coupon to a member's account (once).
pub async fn claim(conn: Conn<'_>, coupon: Uuid, account: Uuid, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO coupon_claims (coupon_id, account_id, claimed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(coupon).bind(account).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The coupons a member added.
pub async fn claimed_by(conn: Conn<'_>, account: Uuid) -> Result<Vec<CouponRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM coupons c JOIN coupon_claims k ON k.coupon_id = c.id WHERE k.account_id = $1 \
         ORDER BY c.expires_at",
        COUPON
            .split(", ")
            .map(|c| format!("c.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, CouponRow>(sql).bind(account).fetch_all(&mut *c).await)?)
}
