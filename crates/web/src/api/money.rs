//! The API for lessons and money: booking, lesson steps, new times,
//! reviews, packages, the wallet (card payments, refunds to cards,
//! coupons), earnings and payouts, the finance and dispute consoles, and
//! card-processor webhooks. Every call that moves money needs an
//! `Idempotency-Key` header: a retry with the same key gets the first
//! answer and never moves money twice.

use super::{ApiJson, Created, optional_json, principal};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::Problem;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use koine_domain::Invalid;
use koine_domain::banking::PayoutDetails;
use koine_domain::booking::{LessonKind, Outcome, ProblemKind};
use koine_domain::cards::Card;
use koine_services::booking::lessons::{BookingRequest, StepInput, parse_action};
use koine_services::booking::payouts::PayoutDecision;
use koine_services::idempotency::IdempotencyKey;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

type ApiResult = Result<Response, Problem>;

fn invalid(e: Invalid) -> Problem {
    koine_services::Error::Invalid(e).into()
}

/// The `Idempotency-Key` header, which money-moving calls require.
fn idempotency(headers: &HeaderMap) -> Result<IdempotencyKey, Problem> {
    let raw = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| invalid(Invalid::new("idempotency_key", "idempotency-key-required")))?;
    IdempotencyKey::parse(raw).map_err(invalid)
}

/// A card as sent: number, `MM/YY` expiry, CVC.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CardBody {
    #[schema(schema_with = super::shapes::card_number)]
    number: String,
    #[schema(schema_with = super::shapes::card_expiry)]
    expiry: String,
    #[schema(schema_with = super::shapes::card_cvc)]
    cvc: String,
}

fn card(st: &AppState, c: Option<CardBody>) -> Result<Option<Card>, Problem> {
    c.map(|c| Card::parse(&c.number, &c.expiry, &c.cvc, st.svc.clock.today_utc()))
        .transpose()
        .map_err(invalid)
}

fn created(v: impl serde::Serialize) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookBody {
    teacher: Uuid,
    /// The lesson type; not needed for a lesson from a package.
    offering: Option<Uuid>,
    /// `single`, `trial` or `package`.
    #[schema(schema_with = super::shapes::lesson_kind)]
    kind: String,
    package: Option<Uuid>,
    /// The slot's start, an RFC 3339 instant (from the slots endpoint).
    #[schema(format = DateTime)]
    starts_at: String,
    #[schema(schema_with = super::shapes::coupon_or_null)]
    coupon: Option<String>,
    #[schema(schema_with = super::shapes::booking_note_or_null)]
    note: Option<String>,
    /// Pays whatever the wallet does not cover.
    card: Option<CardBody>,
}

/// Book a lesson: the price goes into escrow from the wallet (topped up by
/// the card if given); the teacher must answer within 48 hours or before
/// the start.
#[utoipa::path(post, path = "/api/v1/lessons", tag = "lessons", security(("bearer" = [])), request_body = BookBody,
    params(("Idempotency-Key" = String, Header, description = "Unique per booking; a retry returns the same lesson")),
    responses((status = 201, description = "The lesson, requested", body = super::LessonAnswer, links(
                  ("lesson" = (operation_id = "lesson", parameters(("id" = "$response.body#/id")))),
                  ("step" = (operation_id = "step", parameters(("id" = "$response.body#/id")))),
                  ("propose" = (operation_id = "propose", parameters(("id" = "$response.body#/id")))),
                  ("review" = (operation_id = "review", parameters(("id" = "$response.body#/id")))))),
              (status = 402, description = "Not enough credit or card refused", body = Problem),
              (status = 409, description = "The slot was taken or is not bookable", body = Problem), (status = 422, body = Problem),
              (status = 503, description = "Card processor unavailable; nothing charged", body = Problem)))]
pub async fn book(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<BookBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let key = idempotency(&headers)?;
    let starts_at: Timestamp = b
        .starts_at
        .parse()
        .map_err(|_| invalid(Invalid::new("starts_at", "invalid-date")))?;
    let r = BookingRequest {
        teacher: b.teacher,
        offering: b.offering,
        kind: LessonKind::parse(&b.kind).map_err(invalid)?,
        package: b.package,
        starts_at,
        coupon: b.coupon.filter(|c| !c.trim().is_empty()),
        note: b.note.unwrap_or_default(),
        card: card(&st, b.card)?,
    };
    let id = st.svc.request_lesson(p, r, &key).await?;
    Ok(created(super::LessonAnswer(st.svc.lesson(p, id).await?)))
}

/// The caller's lessons, as learner or teacher.
#[utoipa::path(get, path = "/api/v1/lessons", tag = "lessons", security(("bearer" = [])),
    responses((status = 200, description = "Lessons, newest first, with the steps the caller may take")))]
pub async fn lessons(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(st.svc.my_lessons(p).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/lessons/{id}", tag = "lessons", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, description = "The lesson, with the steps the caller may take"), (status = 404, body = Problem)))]
pub async fn lesson(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(json!({
        "lesson": st.svc.lesson(p, id).await?,
        "history": st.svc.lesson_history(p, id).await?,
    }))
    .into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    /// For `report_problem`: teacher_absent, technical, not_as_described or other.
    #[schema(schema_with = super::shapes::problem_kind_or_null)]
    problem: Option<String>,
    /// A problem's description, or a reason.
    #[schema(schema_with = super::shapes::step_text_or_null)]
    text: Option<String>,
}

/// A step on a lesson: confirm, decline, withdraw, cancel,
/// confirm_completion, report_problem, withdraw_problem, accept_refund or
/// escalate. Impossible steps (an expired request, a lesson that started)
/// answer 409.
#[utoipa::path(post, path = "/api/v1/lessons/{id}/{action}", tag = "lessons", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("action" = String, Path), ("Idempotency-Key" = String, Header)), request_body = StepBody,
    responses((status = 200, description = "The lesson after the step"), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn step(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, action)): Path<(Uuid, String)>,
    body: Bytes,
) -> ApiResult {
    let p = principal(&ctx)?;
    let action =
        parse_action(&action).ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "not-found", "No such step."))?;
    let key = idempotency(&headers)?;
    let b: StepBody = optional_json(&body)?;
    let problem = b
        .problem
        .as_deref()
        .map(ProblemKind::parse)
        .transpose()
        .map_err(invalid)?;
    st.svc
        .lesson_action(p, id, action, StepInput { problem, text: b.text }, &key)
        .await?;
    Ok(Json(st.svc.lesson(p, id).await?).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalBody {
    /// The new start, an RFC 3339 instant.
    #[schema(format = DateTime)]
    starts_at: String,
}

/// Propose a new time for a confirmed lesson (at least 24 hours before it).
#[utoipa::path(post, path = "/api/v1/lessons/{id}/proposals", tag = "lessons", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ProposalBody,
    responses((status = 201, description = "Proposed", body = Created, links(
                  ("answer" = (operation_id = "answer", parameters(("id" = "$response.body#/id")))))), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn propose(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<ProposalBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let at: Timestamp = b
        .starts_at
        .parse()
        .map_err(|_| invalid(Invalid::new("starts_at", "invalid-date")))?;
    let proposal = st.svc.propose_new_time(p, id, at).await?;
    Ok(created(Created { id: proposal }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    accept: bool,
}

/// Accept or decline a proposed new time.
#[utoipa::path(post, path = "/api/v1/proposals/{id}", tag = "lessons", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = AnswerBody,
    responses((status = 204, description = "Answered"), (status = 409, description = "Too late, or the time was taken", body = Problem)))]
pub async fn answer(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<AnswerBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    st.svc.answer_new_time(p, id, b.accept).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// 1–5.
    #[schema(schema_with = super::shapes::rating)]
    #[serde(deserialize_with = "super::whole")]
    rating: u8,
    #[schema(schema_with = super::shapes::review_body_or_null)]
    body: Option<String>,
}

/// Review a completed lesson (once).
#[utoipa::path(post, path = "/api/v1/lessons/{id}/review", tag = "lessons", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ReviewBody,
    responses((status = 201, description = "Reviewed", body = Created), (status = 409, description = "Not completed, or reviewed already", body = Problem), (status = 422, body = Problem)))]
pub async fn review(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<ReviewBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let review = st
        .svc
        .review_lesson(p, id, &b.rating.to_string(), b.body.as_deref().unwrap_or(""))
        .await?;
    Ok(created(Created { id: review }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PackageBody {
    offering: Uuid,
    /// 5, 10 or 20, as the teacher offers.
    #[schema(schema_with = super::shapes::package_size)]
    #[serde(deserialize_with = "super::whole")]
    lessons: u16,
    card: Option<CardBody>,
}

/// Buy a package of lessons.
#[utoipa::path(post, path = "/api/v1/packages", tag = "lessons", security(("bearer" = [])), request_body = PackageBody,
    params(("Idempotency-Key" = String, Header)),
    responses((status = 201, description = "Bought", body = Created), (status = 402, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn buy_package(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<PackageBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let key = idempotency(&headers)?;
    let card = card(&st, b.card)?;
    let id = st
        .svc
        .buy_package(p, b.offering, b.lessons, card.as_ref(), &key)
        .await?;
    Ok(created(Created { id }))
}

/// The caller's packages, with lessons left.
#[utoipa::path(get, path = "/api/v1/packages", tag = "lessons", security(("bearer" = [])),
    responses((status = 200, description = "Packages")))]
pub async fn packages(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(st.svc.packages(p.account_id).await?).into_response())
}

/// The wallet: credit, payments, refunds, invoices and coupons.
#[utoipa::path(get, path = "/api/v1/wallet", tag = "money", security(("bearer" = [])),
    responses((status = 200, description = "The wallet")))]
pub async fn wallet(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(json!({
        "wallet": st.svc.wallet(p.account_id).await?,
        "coupons": st.svc.my_coupons(p.account_id).await?,
    }))
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
#[utoipa::path(post, path = "/api/v1/wallet/payments", tag = "money", security(("bearer" = [])), request_body = PaymentBody,
    params(("Idempotency-Key" = String, Header)),
    responses((status = 201, description = "Paid", body = super::PaymentAnswer, links(
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
    Ok(created(super::PaymentAnswer {
        payment: st.svc.receipt(p, id).await?,
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
#[utoipa::path(post, path = "/api/v1/wallet/payments/{id}/refunds", tag = "money", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("Idempotency-Key" = String, Header)), request_body = RefundBody,
    responses((status = 201, description = "The refund (succeeded, or failed with the credit back)", body = super::RefundAnswer), (status = 402, body = Problem), (status = 422, body = Problem)))]
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
    Ok(created(super::RefundAnswer { refund }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CouponBody {
    #[schema(schema_with = super::shapes::coupon)]
    code: String,
}

/// Add a coupon code to the caller's account.
#[utoipa::path(post, path = "/api/v1/wallet/coupons", tag = "money", security(("bearer" = [])), request_body = CouponBody,
    responses((status = 204, description = "Added"), (status = 422, body = Problem)))]
pub async fn claim_coupon(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<CouponBody>) -> ApiResult {
    let p = principal(&ctx)?;
    st.svc.claim_coupon(p, &b.code).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A teacher's earnings, payout account (masked) and payouts.
#[utoipa::path(get, path = "/api/v1/earnings", tag = "money", security(("bearer" = [])),
    responses((status = 200, description = "Earnings")))]
pub async fn earnings(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(st.svc.earnings(p).await?).into_response())
}

/// The payout account, opened (needs a recent password entry).
#[utoipa::path(get, path = "/api/v1/payout-account", tag = "money", security(("bearer" = [])),
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
#[utoipa::path(put, path = "/api/v1/payout-account", tag = "money", security(("bearer" = [])), request_body = PayoutAccountBody,
    responses((status = 204, description = "Saved"), (status = 401, description = "Re-authenticate", body = Problem),
              (status = 403, description = "Only teachers are paid", body = Problem), (status = 422, body = Problem)))]
pub async fn set_payout_account(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<PayoutAccountBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let details = match &b {
        PayoutAccountBody::Bank { holder, iban, bic } => {
            PayoutDetails::bank(holder, iban, bic.as_deref().unwrap_or_default())
        }
        PayoutAccountBody::Paypal { email } => PayoutDetails::paypal(email),
    }
    .map_err(invalid)?;
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
#[utoipa::path(post, path = "/api/v1/payouts", tag = "money", security(("bearer" = [])), request_body = PayoutBody,
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

/// The caller's notices, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "lessons", security(("bearer" = [])),
    responses((status = 200, description = "Notices")))]
pub async fn notifications(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(st.svc.notifications(p.account_id).await?).into_response())
}

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
    responses((status = 200, description = "Lessons"), (status = 403, body = Problem)))]
pub async fn disputes(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(st.svc.disputes(p).await?).into_response())
}

/// Finance: payouts waiting, and the state of the books.
#[utoipa::path(get, path = "/api/v1/staff/finance", tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "Payouts and ledger check"), (status = 403, body = Problem)))]
pub async fn finance(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(json!({
        "payouts": st.svc.payout_queue(p).await?,
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

/// A card processor's webhook (signed; each event handled once).
#[utoipa::path(post, path = "/api/v1/payments/webhooks/{provider}", tag = "money",
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
