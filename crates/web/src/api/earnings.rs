//! A teacher's earnings, payout account and payouts (the pages: `html/earnings.rs`).

use super::{ApiJson, ApiResult, Created, all, created, idempotency, principal};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use koine_domain::banking::{PayoutDetails, PayoutInput, PayoutMethod, PayoutStatus};
use koine_domain::ledger::EntryKind;
use koine_store::repo::ledger::StatementLine;
use koine_store::repo::payouts::PayoutRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A teacher's earnings as the API shows them (money in minor units).
#[derive(Serialize, ToSchema)]
pub struct Earnings {
    balance_minor: i64,
    /// In payouts asked for and not yet sent.
    pending_minor: i64,
    minimum_minor: i64,
    currency: String,
    /// The payout account, masked; none until set.
    destination: Option<String>,
    payouts: Vec<Payout>,
    /// Recent movements of the earnings account.
    statement: Vec<Movement>,
}

impl From<koine_services::booking::payouts::Earnings> for Earnings {
    fn from(e: koine_services::booking::payouts::Earnings) -> Self {
        Self {
            balance_minor: e.balance_minor,
            pending_minor: e.pending_minor,
            minimum_minor: e.minimum_minor,
            currency: e.currency,
            destination: e.destination,
            payouts: all(e.payouts),
            statement: all(e.statement),
        }
    }
}

/// A payout, with its destination masked.
#[derive(Serialize, ToSchema)]
pub struct Payout {
    id: Uuid,
    teacher_id: Uuid,
    amount_minor: i64,
    currency: String,
    #[schema(schema_with = super::shapes::payout_method)]
    method: PayoutMethod,
    destination: String,
    #[schema(schema_with = super::shapes::payout_status)]
    status: PayoutStatus,
    requested_at: i64,
    decided_at: Option<i64>,
    decided_by: Option<Uuid>,
    paid_at: Option<i64>,
    paid_by: Option<Uuid>,
    /// The bank's reference of the transfer.
    reference: Option<String>,
    /// Why it was refused.
    reason: Option<String>,
}

impl From<PayoutRow> for Payout {
    fn from(p: PayoutRow) -> Self {
        Self {
            id: p.id,
            teacher_id: p.teacher_id,
            amount_minor: p.amount_minor,
            currency: p.currency,
            method: p.method,
            destination: p.destination,
            status: p.status,
            requested_at: p.requested_at,
            decided_at: p.decided_at,
            decided_by: p.decided_by,
            paid_at: p.paid_at,
            paid_by: p.paid_by,
            reference: p.reference,
            reason: p.reason,
        }
    }
}

/// One movement of the earnings account.
#[derive(Serialize, ToSchema)]
pub struct Movement {
    entry_id: Uuid,
    #[schema(schema_with = super::shapes::entry_kind)]
    kind: EntryKind,
    lesson_id: Option<Uuid>,
    package_id: Option<Uuid>,
    payment_id: Option<Uuid>,
    payout_id: Option<Uuid>,
    amount: i64,
    created_at: i64,
}

impl From<StatementLine> for Movement {
    fn from(l: StatementLine) -> Self {
        Self {
            entry_id: l.entry_id,
            kind: l.kind,
            lesson_id: l.lesson_id,
            package_id: l.package_id,
            payment_id: l.payment_id,
            payout_id: l.payout_id,
            amount: l.amount,
            created_at: l.created_at,
        }
    }
}

/// A teacher's earnings, payout account (masked) and payouts.
#[utoipa::path(get, path = "/api/v1/earnings", tag = "earnings", security(("bearer" = [])),
    responses((status = 200, description = "Earnings", body = Earnings)))]
pub async fn earnings(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(Earnings::from(st.svc.earnings(p).await?)).into_response())
}

/// The payout account, opened (needs a recent password entry).
#[utoipa::path(get, path = "/api/v1/payout-account", tag = "earnings", security(("bearer" = [])),
    responses((status = 200, description = "The payout details, or null"), (status = 401, description = "Re-authenticate", body = Problem),
              (status = 403, description = "Only teachers are paid", body = Problem)))]
pub async fn payout_account(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(st.svc.payout_account(p).await?).into_response())
}

/// Where earnings are paid: a bank account or a PayPal address.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum PayoutAccountBody {
    Bank {
        #[schema(schema_with = super::shapes::account_holder)]
        holder: String,
        #[schema(schema_with = super::shapes::iban)]
        iban: String,
        #[schema(schema_with = super::shapes::bic_or_null)]
        #[serde(default)]
        bic: Option<String>,
    },
    Paypal {
        #[schema(schema_with = super::shapes::email)]
        email: String,
    },
}

/// Set where earnings are paid (needs a recent password entry).
#[utoipa::path(put, path = "/api/v1/payout-account", tag = "earnings", security(("bearer" = [])), request_body = PayoutAccountBody,
    responses((status = 204, description = "Saved"), (status = 401, description = "Re-authenticate", body = Problem),
              (status = 403, description = "Only teachers are paid", body = Problem), (status = 422, body = Problem)))]
pub async fn set_payout_account(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<PayoutAccountBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let input = match b {
        PayoutAccountBody::Bank { holder, iban, bic } => PayoutInput::Bank {
            holder,
            iban,
            bic: bic.unwrap_or_default(),
        },
        PayoutAccountBody::Paypal { email } => PayoutInput::Paypal { email },
    };
    let details = PayoutDetails::parse(&input).map_err(|errors| Problem::invalid_fields(&errors))?;
    st.svc.set_payout_account(p, details).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayoutBody {
    /// In minor units.
    #[schema(schema_with = super::shapes::payout_amount)]
    #[serde(deserialize_with = "super::whole")]
    amount: i64,
}

/// Ask for earnings to be paid out (at least the minimum).
#[utoipa::path(post, path = "/api/v1/payouts", tag = "earnings", security(("bearer" = [])), request_body = PayoutBody,
    params(("Idempotency-Key" = String, Header)),
    responses((status = 201, description = "Requested", body = Created, links(
                  ("decide" = (operation_id = "decide_payout", parameters(("id" = "$response.body#/id")))))),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn request_payout(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<PayoutBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let key = idempotency(&headers)?;
    let id = st.svc.request_payout(p, b.amount, &key).await?;
    Ok(created(Created { id }))
}
