//! The wallet: card payments, refunds, coupons, and the processor's webhook (the pages: `html/wallet.rs`).

use super::{ApiJson, ApiResult, CardBody, card, created, idempotency, invalid, principal};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::Problem;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use koine_domain::Invalid;
use koine_domain::payments::{InvoiceKind, PaymentMethod, PaymentStatus, RefundStatus};
use koine_store::repo::payments::{InvoiceRow, RefundRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A payment into the wallet, as the API shows it (the processor's
/// reference and who recorded a transfer stay inside).
#[derive(Serialize, ToSchema)]
pub struct Payment {
    id: Uuid,
    #[schema(schema_with = super::shapes::payment_method)]
    method: PaymentMethod,
    card_brand: Option<String>,
    card_last4: Option<String>,
    amount_minor: i64,
    refunded_minor: i64,
    /// What can still go back to the card.
    refundable_minor: i64,
    currency: String,
    #[schema(schema_with = super::shapes::payment_status)]
    status: PaymentStatus,
    /// A bank transfer's reference.
    reference: Option<String>,
    created_at: i64,
    invoice_id: Option<Uuid>,
}

impl From<koine_services::payments::Payment> for Payment {
    fn from(p: koine_services::payments::Payment) -> Self {
        let r = p.row;
        Self {
            id: r.id,
            method: r.method,
            card_brand: r.card_brand,
            card_last4: r.card_last4,
            amount_minor: r.amount_minor,
            refunded_minor: r.refunded_minor,
            refundable_minor: p.refundable_minor,
            currency: r.currency,
            status: r.status,
            reference: r.reference,
            created_at: r.created_at,
            invoice_id: p.invoice_id,
        }
    }
}

/// Credit sent back to a card.
#[derive(Serialize, ToSchema)]
pub struct Refund {
    id: Uuid,
    payment_id: Uuid,
    amount_minor: i64,
    currency: String,
    #[schema(schema_with = super::shapes::refund_status)]
    status: RefundStatus,
    created_at: i64,
}

impl From<RefundRow> for Refund {
    fn from(r: RefundRow) -> Self {
        Self {
            id: r.id,
            payment_id: r.payment_id,
            amount_minor: r.amount_minor,
            currency: r.currency,
            status: r.status,
            created_at: r.created_at,
        }
    }
}

/// An invoice or credit note as issued.
#[derive(Serialize, ToSchema)]
pub struct Invoice {
    id: Uuid,
    number: String,
    #[schema(schema_with = super::shapes::invoice_kind)]
    kind: InvoiceKind,
    payment_id: Option<Uuid>,
    refund_id: Option<Uuid>,
    buyer_name: String,
    description: String,
    total_minor: i64,
    currency: String,
    seller: String,
    issued_at: i64,
}

impl From<InvoiceRow> for Invoice {
    fn from(i: InvoiceRow) -> Self {
        Self {
            id: i.id,
            number: i.number,
            kind: i.kind,
            payment_id: i.payment_id,
            refund_id: i.refund_id,
            buyer_name: i.buyer_name,
            description: i.description,
            total_minor: i.total_minor,
            currency: i.currency,
            seller: i.seller,
            issued_at: i.issued_at,
        }
    }
}

/// A coupon the member claimed, with how often they used it.
#[derive(Serialize, ToSchema)]
pub struct Coupon {
    id: Uuid,
    code: String,
    #[schema(schema_with = super::shapes::coupon_kind)]
    kind: koine_domain::coupons::CouponKind,
    /// Percent, or minor units.
    value: i64,
    currency: String,
    expires_at: i64,
    per_member_limit: i64,
    max_redemptions: Option<i64>,
    note: Option<String>,
    created_at: i64,
    revoked_at: Option<i64>,
    used: i64,
    usable: bool,
}

impl From<koine_services::booking::coupons::CouponLine> for Coupon {
    fn from(c: koine_services::booking::coupons::CouponLine) -> Self {
        let r = c.row;
        Self {
            id: r.id,
            code: r.code,
            kind: r.kind,
            value: r.value,
            currency: r.currency,
            expires_at: r.expires_at,
            per_member_limit: r.per_member_limit,
            max_redemptions: r.max_redemptions,
            note: r.note,
            created_at: r.created_at,
            revoked_at: r.revoked_at,
            used: c.used,
            usable: c.usable,
        }
    }
}

/// The wallet as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct Wallet {
    balance_minor: i64,
    currency: String,
    payments: Vec<Payment>,
    refunds: Vec<Refund>,
    invoices: Vec<Invoice>,
}

impl From<koine_services::payments::Wallet> for Wallet {
    fn from(w: koine_services::payments::Wallet) -> Self {
        Self {
            balance_minor: w.balance_minor,
            currency: w.currency,
            payments: w.payments.into_iter().map(Payment::from).collect(),
            refunds: w.refunds.into_iter().map(Refund::from).collect(),
            invoices: w.invoices.into_iter().map(Invoice::from).collect(),
        }
    }
}

/// What a card payment answers.
#[derive(Serialize, ToSchema)]
pub struct PaymentAnswer {
    payment: Payment,
}

/// What a refund answers.
#[derive(Serialize, ToSchema)]
pub struct RefundAnswer {
    refund: Refund,
}

/// The wallet and the caller's coupons.
#[derive(Serialize, ToSchema)]
pub struct WalletAnswer {
    wallet: Wallet,
    coupons: Vec<Coupon>,
}

/// The wallet: credit, payments, refunds, invoices and coupons.
#[utoipa::path(get, path = "/api/v1/wallet", tag = "wallet", security(("bearer" = [])),
    responses((status = 200, description = "The wallet (credit, payments, refunds, invoices) and the caller's coupons", body = WalletAnswer)))]
pub async fn wallet(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(WalletAnswer {
        wallet: st.svc.wallet(p.account_id).await?.into(),
        coupons: super::all(st.svc.my_coupons(p.account_id).await?),
    })
    .into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    /// In minor units.
    #[schema(schema_with = super::shapes::card_payment)]
    #[serde(deserialize_with = "super::whole")]
    amount: i64,
    card: CardBody,
}

/// Pay into the wallet by card.
#[utoipa::path(post, path = "/api/v1/wallet/payments", tag = "wallet", security(("bearer" = [])), request_body = PaymentBody,
    params(("Idempotency-Key" = String, Header)),
    responses((status = 201, description = "Paid", body = PaymentAnswer, links(
                  ("refund" = (operation_id = "refund", parameters(("id" = "$response.body#/payment/id")))))),
              (status = 409, description = "Processing of the caller's data is restricted", body = Problem), (status = 402, description = "Card refused", body = Problem),
              (status = 422, body = Problem), (status = 503, description = "Processor unavailable; nothing charged", body = Problem)))]
pub async fn pay(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<PaymentBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let key = idempotency(&headers)?;
    let card = card(&st, Some(b.card))?.ok_or_else(|| invalid(Invalid::new("card", "required")))?;
    let id = st.svc.pay_by_card(p, b.amount, &card, &key).await?;
    let payment = st
        .svc
        .wallet(p.account_id)
        .await?
        .payments
        .into_iter()
        .find(|x| x.row.id == id)
        .ok_or(koine_services::Error::NotFound)?;
    Ok(created(PaymentAnswer {
        payment: payment.into(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundBody {
    /// In minor units.
    #[schema(schema_with = super::shapes::refund_amount)]
    #[serde(deserialize_with = "super::whole")]
    amount: i64,
}

/// Send credit back to the card of one of the caller's payments.
#[utoipa::path(post, path = "/api/v1/wallet/payments/{id}/refunds", tag = "wallet", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("Idempotency-Key" = String, Header)), request_body = RefundBody,
    responses((status = 201, description = "The refund (succeeded, or failed with the credit back)", body = RefundAnswer), (status = 402, body = Problem),
              (status = 409, description = "The idempotency key was used for another request", body = Problem), (status = 422, body = Problem)))]
pub async fn refund(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<RefundBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let key = idempotency(&headers)?;
    let refund = st.svc.refund_to_card(p, id, b.amount, &key).await?;
    let w = st.svc.wallet(p.account_id).await?;
    let refund = w
        .refunds
        .into_iter()
        .find(|r| r.id == refund)
        .ok_or(koine_services::Error::NotFound)?;
    Ok(created(RefundAnswer { refund: refund.into() }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CouponBody {
    #[schema(schema_with = super::shapes::coupon)]
    code: String,
}

/// Add a coupon code to the caller's account.
#[utoipa::path(post, path = "/api/v1/wallet/coupons", tag = "wallet", security(("bearer" = [])), request_body = CouponBody,
    responses((status = 204, description = "Added"), (status = 422, body = Problem)))]
pub async fn claim_coupon(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<CouponBody>) -> ApiResult {
    let p = principal(&ctx)?;
    st.svc.claim_coupon(p, &b.code).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A card processor's webhook (signed; each event handled once).
#[utoipa::path(post, path = "/api/v1/payments/webhooks/{provider}", tag = "wallet",
    params(("provider" = String, Path)),
    responses((status = 204, description = "Handled (or seen before)"), (status = 400, description = "Bad signature", body = Problem), (status = 404, body = Problem)))]
pub async fn webhook(
    State(st): State<AppState>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let cards = st
        .svc
        .cards
        .as_ref()
        .filter(|c| c.name() == provider)
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "not-found", "No such provider."))?;
    let signature = headers
        .get(cards.signature_header())
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match st.svc.handle_card_webhook(signature, &body).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(koine_services::Error::Invalid(i)) => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-webhook",
            "The webhook's signature does not check out.",
        )
        .code(i.code)),
        Err(e) => Err(e.into()),
    }
}
