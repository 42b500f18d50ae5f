//! Payments into wallets (cards, bank transfers), refunds to cards, the
//! invoices for both, and processor events already handled.

use crate::{Conn, Result, on_conn};
use koine_domain::payments::{InvoiceKind, PaymentMethod, PaymentStatus, RefundStatus};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub provider: String,
    pub provider_ref: String,
    #[sqlx(try_from = "String")]
    pub method: PaymentMethod,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub amount_minor: i64,
    pub refunded_minor: i64,
    pub currency: String,
    #[sqlx(try_from = "String")]
    pub status: PaymentStatus,
    pub reference: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub created_at: i64,
    pub captured_at: Option<i64>,
}

const PAYMENT: &str = "id, account_id, provider, provider_ref, method, card_brand, card_last4, amount_minor, \
    refunded_minor, currency, status, reference, recorded_by, created_at, captured_at";

/// Inserts a payment; `false` if the processor's reference is already
/// recorded (a webhook and Koine's own call both report one charge).
pub async fn insert(conn: Conn<'_>, p: &PaymentRow) -> Result<bool> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO payments ({PAYMENT}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (provider, provider_ref) DO NOTHING"
    ));
    let n = on_conn!(conn, c => sqlx::query(sql)
        .bind(p.id).bind(p.account_id).bind(&p.provider).bind(&p.provider_ref).bind(p.method.as_str())
        .bind(&p.card_brand).bind(&p.card_last4).bind(p.amount_minor).bind(p.refunded_minor).bind(&p.currency)
        .bind(p.status.as_str()).bind(&p.reference).bind(p.recorded_by).bind(p.created_at).bind(p.captured_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn get(conn: Conn<'_>, id: Uuid) -> Result<Option<PaymentRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {PAYMENT} FROM payments WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, PaymentRow>(sql).bind(id).fetch_optional(&mut *c).await)?)
}

pub async fn by_reference(conn: Conn<'_>, provider: &str, reference: &str) -> Result<Option<PaymentRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {PAYMENT} FROM payments WHERE provider = $1 AND provider_ref = $2"
    ));
    Ok(
        on_conn!(conn, c => sqlx::query_as::<_, PaymentRow>(sql).bind(provider).bind(reference)
        .fetch_optional(&mut *c).await)?,
    )
}

/// A member's payments, newest first.
pub async fn of_account(conn: Conn<'_>, account: Uuid, limit: i64) -> Result<Vec<PaymentRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {PAYMENT} FROM payments WHERE account_id = $1 ORDER BY created_at DESC LIMIT $2"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, PaymentRow>(sql).bind(account).bind(limit).fetch_all(&mut *c).await)?)
}

/// Reserves `amount` of a payment for a refund, if that much is left.
pub async fn reserve_refund(conn: Conn<'_>, id: Uuid, amount: i64) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE payments SET refunded_minor = refunded_minor + $2 WHERE id = $1 AND refunded_minor + $2 <= amount_minor")
        .bind(id).bind(amount).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn release_refund(conn: Conn<'_>, id: Uuid, amount: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query("UPDATE payments SET refunded_minor = refunded_minor - $2 WHERE id = $1")
        .bind(id).bind(amount).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RefundRow {
    pub id: Uuid,
    pub payment_id: Uuid,
    pub account_id: Uuid,
    pub amount_minor: i64,
    pub currency: String,
    pub provider_ref: String,
    #[sqlx(try_from = "String")]
    pub status: RefundStatus,
    pub created_at: i64,
}

const REFUND: &str = "id, payment_id, account_id, amount_minor, currency, provider_ref, status, created_at";

pub async fn insert_refund(conn: Conn<'_>, r: &RefundRow) -> Result<()> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO card_refunds ({REFUND}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ));
    on_conn!(conn, c => sqlx::query(sql)
        .bind(r.id).bind(r.payment_id).bind(r.account_id).bind(r.amount_minor).bind(&r.currency)
        .bind(&r.provider_ref).bind(r.status.as_str()).bind(r.created_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn finish_refund(conn: Conn<'_>, id: Uuid, status: RefundStatus, provider_ref: &str) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "UPDATE card_refunds SET status = $2, provider_ref = $3 WHERE id = $1 AND status = 'pending'")
        .bind(id).bind(status.as_str()).bind(provider_ref).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn refunds_of(conn: Conn<'_>, account: Uuid, limit: i64) -> Result<Vec<RefundRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {REFUND} FROM card_refunds WHERE account_id = $1 ORDER BY created_at DESC LIMIT $2"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, RefundRow>(sql).bind(account).bind(limit).fetch_all(&mut *c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoiceRow {
    pub id: Uuid,
    pub number: String,
    #[sqlx(try_from = "String")]
    pub kind: InvoiceKind,
    pub payment_id: Option<Uuid>,
    pub refund_id: Option<Uuid>,
    pub account_id: Uuid,
    pub buyer_name: String,
    pub description: String,
    pub total_minor: i64,
    pub currency: String,
    pub seller: String,
    pub issued_at: i64,
}

const INVOICE: &str = "id, number, kind, payment_id, refund_id, account_id, buyer_name, description, \
    total_minor, currency, seller, issued_at";

/// The next invoice number of `year`: numbers run without gaps, since the
/// counter moves in the transaction that issues the invoice.
pub async fn next_invoice_number(conn: Conn<'_>, year: i64) -> Result<i64> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO invoice_counters (year, last) VALUES ($1, 1) \
         ON CONFLICT (year) DO UPDATE SET last = invoice_counters.last + 1 RETURNING last")
        .bind(year).fetch_one(&mut *c).await)?)
}

pub async fn insert_invoice(conn: Conn<'_>, i: &InvoiceRow) -> Result<()> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO invoices ({INVOICE}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ));
    on_conn!(conn, c => sqlx::query(sql)
        .bind(i.id).bind(&i.number).bind(i.kind.as_str()).bind(i.payment_id).bind(i.refund_id).bind(i.account_id)
        .bind(&i.buyer_name).bind(&i.description).bind(i.total_minor).bind(&i.currency).bind(&i.seller)
        .bind(i.issued_at).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn invoice(conn: Conn<'_>, id: Uuid) -> Result<Option<InvoiceRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {INVOICE} FROM invoices WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, InvoiceRow>(sql).bind(id).fetch_optional(&mut *c).await)?)
}

pub async fn invoices_of(conn: Conn<'_>, account: Uuid, limit: i64) -> Result<Vec<InvoiceRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {INVOICE} FROM invoices WHERE account_id = $1 ORDER BY issued_at DESC, number DESC LIMIT $2"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, InvoiceRow>(sql).bind(account).bind(limit).fetch_all(&mut *c).await)?)
}

/// Records that a processor's event was handled; `false` if it already was.
pub async fn record_event(conn: Conn<'_>, provider: &str, id: &str, kind: &str, now: i64) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "INSERT INTO provider_events (provider, event_id, kind, received_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING")
        .bind(provider).bind(id).bind(kind).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
