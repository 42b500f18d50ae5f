//! Finance and dispute staff: settlements, payouts, bank transfers (the pages: `html/finance.rs`).

use super::{ApiJson, ApiResult, Created, created, idempotency, invalid, optional_json, principal};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::Problem;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use koine_domain::booking::Outcome;
use koine_services::booking::payouts::PayoutDecision;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettleBody {
    /// `refund`, `split` or `release`.
    #[schema(schema_with = super::shapes::outcome)]
    outcome: String,
    /// For a split: what goes back to the learner, in minor units.
    #[schema(schema_with = super::shapes::split_refund_or_null)]
    #[serde(default, deserialize_with = "super::whole_or_null")]
    refund: Option<i64>,
    #[schema(schema_with = super::shapes::staff_reason)]
    reason: String,
}

/// Staff: settle a reported problem or a dispute (audited).
#[utoipa::path(post, path = "/api/v1/staff/lessons/{id}/settlement", tag = "staff", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("Idempotency-Key" = String, Header)), request_body = SettleBody,
    responses((status = 204, description = "Settled"), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn settle(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<SettleBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let key = idempotency(&headers)?;
    let outcome = Outcome::parse(&b.outcome).map_err(invalid)?;
    st.svc
        .settle_lesson(p, id, outcome, b.refund.unwrap_or(0), &b.reason, &key)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Staff: lessons with a reported problem or in dispute.
#[utoipa::path(get, path = "/api/v1/staff/disputes", tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "Lessons", body = Vec<super::lessons::LessonRecord>), (status = 403, body = Problem)))]
pub async fn disputes(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(super::all::<_, super::lessons::LessonRecord>(st.svc.disputes(p).await?)).into_response())
}

/// Finance: payouts waiting, and the state of the books.
#[utoipa::path(get, path = "/api/v1/staff/finance", tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "Payouts and ledger check"), (status = 403, body = Problem)))]
pub async fn finance(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(json!({
        "payouts": super::all::<_, super::earnings::Payout>(st.svc.payout_queue(p).await?),
        "ledger": st.svc.ledger_check().await?,
    }))
    .into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// The reason of a refusal, or the bank reference of a payment.
    #[schema(schema_with = super::shapes::staff_reason_or_null)]
    text: Option<String>,
}

/// Finance: approve, reject (with a reason) or mark paid (with the bank
/// reference) a payout (audited).
#[utoipa::path(post, path = "/api/v1/staff/payouts/{id}/{decision}", tag = "staff", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("decision" = String, Path, description = "approve, reject or paid")), request_body = DecisionBody,
    responses((status = 204, description = "Done"), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide_payout(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, decision)): Path<(Uuid, String)>,
    body: Bytes,
) -> ApiResult {
    let p = principal(&ctx)?;
    let b: DecisionBody = optional_json(&body)?;
    let text = b.text.unwrap_or_default();
    let decision = match decision.as_str() {
        "approve" => PayoutDecision::Approve,
        "reject" => PayoutDecision::Reject(&text),
        "paid" => PayoutDecision::Paid(&text),
        _ => return Err(Problem::new(StatusCode::NOT_FOUND, "not-found", "No such decision.")),
    };
    st.svc.decide_payout(p, id, decision).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    member: Uuid,
    /// In minor units.
    #[schema(schema_with = super::shapes::transfer_amount)]
    #[serde(deserialize_with = "super::whole")]
    amount: i64,
    /// The bank's reference of the transfer (recorded once).
    #[schema(schema_with = super::shapes::reference)]
    reference: String,
}

/// Finance: record a bank transfer a member made (audited).
#[utoipa::path(post, path = "/api/v1/staff/bank-transfers", tag = "staff", security(("bearer" = [])), request_body = TransferBody,
    params(("Idempotency-Key" = String, Header)),
    responses((status = 201, description = "Recorded", body = Created), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn bank_transfer(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<TransferBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let key = idempotency(&headers)?;
    let id = st
        .svc
        .record_bank_transfer(p, b.member, b.amount, &b.reference, &key)
        .await?;
    Ok(created(Created { id }))
}
