//! Teachers' payout accounts and payout requests.

use crate::{Conn, Result, on_conn};
use koine_domain::banking::{PayoutMethod, PayoutStatus};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PayoutAccountRow {
    pub account_id: Uuid,
    #[sqlx(try_from = "String")]
    pub method: PayoutMethod,
    pub details_enc: Vec<u8>,
    /// Masked, safe to show (`IBAN ••••4321`).
    pub summary: String,
    pub updated_at: i64,
}

pub async fn set_account(conn: Conn<'_>, a: &PayoutAccountRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO payout_accounts (account_id, method, details_enc, summary, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (account_id) DO UPDATE SET method = $2, details_enc = $3, summary = $4, updated_at = $5")
        .bind(a.account_id).bind(a.method.as_str()).bind(&a.details_enc).bind(&a.summary).bind(a.updated_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn account(conn: Conn<'_>, account: Uuid) -> Result<Option<PayoutAccountRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, PayoutAccountRow>(
        "SELECT account_id, method, details_enc, summary, updated_at FROM payout_accounts WHERE account_id = $1")
        .bind(account).fetch_optional(&mut *c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PayoutRow {
    pub id: Uuid,
    pub teacher_id: Uuid,
    pub amount_minor: i64,
    pub currency: String,
    #[sqlx(try_from = "String")]
    pub method: PayoutMethod,
    pub destination: String,
    pub details_enc: Option<Vec<u8>>,
    #[sqlx(try_from = "String")]
    pub status: PayoutStatus,
    pub requested_at: i64,
    pub decided_at: Option<i64>,
    pub decided_by: Option<Uuid>,
    pub paid_at: Option<i64>,
    pub paid_by: Option<Uuid>,
    pub reference: Option<String>,
    pub reason: Option<String>,
}

const PAYOUT: &str = "id, teacher_id, amount_minor, currency, method, destination, details_enc, status, \
    requested_at, decided_at, decided_by, paid_at, paid_by, reference, reason";

pub async fn insert(conn: Conn<'_>, p: &PayoutRow) -> Result<()> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO payouts ({PAYOUT}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    ));
    on_conn!(conn, c => sqlx::query(sql)
        .bind(p.id).bind(p.teacher_id).bind(p.amount_minor).bind(&p.currency).bind(p.method.as_str()).bind(&p.destination)
        .bind(&p.details_enc).bind(p.status.as_str()).bind(p.requested_at).bind(p.decided_at).bind(p.decided_by)
        .bind(p.paid_at).bind(p.paid_by).bind(&p.reference).bind(&p.reason)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(conn: Conn<'_>, id: Uuid) -> Result<Option<PayoutRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {PAYOUT} FROM payouts WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, PayoutRow>(sql).bind(id).fetch_optional(&mut *c).await)?)
}

pub async fn of_teacher(conn: Conn<'_>, teacher: Uuid) -> Result<Vec<PayoutRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {PAYOUT} FROM payouts WHERE teacher_id = $1 ORDER BY requested_at DESC"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, PayoutRow>(sql).bind(teacher).fetch_all(&mut *c).await)?)
}

/// Payouts waiting for finance (requested, then approved), oldest first.
pub async fn queue(conn: Conn<'_>, limit: i64) -> Result<Vec<PayoutRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {PAYOUT} FROM payouts WHERE status IN ('requested', 'approved') ORDER BY requested_at LIMIT $1"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, PayoutRow>(sql).bind(limit).fetch_all(&mut *c).await)?)
}

/// Moves a payout from `from` to `to`, recording who and when; `false` if
/// it was not in `from` (someone else acted first).
pub async fn decide(
    conn: Conn<'_>,
    id: Uuid,
    from: PayoutStatus,
    to: PayoutStatus,
    by: Uuid,
    now: i64,
    text: Option<&str>,
) -> Result<bool> {
    let sql = match to {
        PayoutStatus::Paid => {
            "UPDATE payouts SET status = $3, paid_by = $4, paid_at = $5, reference = $6 WHERE id = $1 AND status = $2"
        }
        _ => {
            "UPDATE payouts SET status = $3, decided_by = $4, decided_at = $5, reason = $6 WHERE id = $1 AND status = $2"
        }
    };
    let n = on_conn!(conn, c => sqlx::query(sql).bind(id).bind(from.as_str()).bind(to.as_str()).bind(by).bind(now).bind(text)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Whether the teacher has a payout not yet paid or rejected.
pub async fn has_open(conn: Conn<'_>, teacher: Uuid) -> Result<bool> {
    let n: i64 = on_conn!(conn, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM payouts WHERE teacher_id = $1 AND status IN ('requested', 'approved')")
        .bind(teacher).fetch_one(&mut *c).await)?;
    Ok(n > 0)
}
