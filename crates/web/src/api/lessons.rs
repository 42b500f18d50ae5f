//! Lessons: booking, steps, new times, reviews, packages and notices (the pages: `html/lessons.rs`).

use super::{
    ApiJson, ApiResult, CardBody, Created, all, card, created, idempotency, invalid, optional_json, principal,
};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::Problem;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use jiff::Timestamp;
use koine_domain::Invalid;
use koine_domain::booking::{CancelledBy, LessonKind, LessonStatus, Outcome, ProblemKind, ProposalStatus};
use koine_services::booking::lessons::{BookingInput, BookingRequest, StepInput, parse_action};
use koine_store::repo::lessons::{EventRow, LessonRow, ProposalRow};
use koine_store::repo::reviews::ReviewRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// What a lesson is, as the API shows it to its members and to staff
/// (times in microseconds since the epoch, money in minor units).
#[derive(Serialize, ToSchema)]
pub struct LessonRecord {
    id: Uuid,
    learner_id: Uuid,
    teacher_id: Uuid,
    offering_id: Option<Uuid>,
    package_id: Option<Uuid>,
    #[schema(schema_with = super::shapes::lesson_kind)]
    kind: LessonKind,
    language: String,
    duration_minutes: i64,
    starts_at: i64,
    ends_at: i64,
    #[schema(schema_with = super::shapes::lesson_status)]
    status: LessonStatus,
    price_minor: i64,
    paid_minor: i64,
    discount_minor: i64,
    currency: String,
    coupon_id: Option<Uuid>,
    /// The platform's share, in basis points.
    commission_bp: i64,
    note: Option<String>,
    requested_at: i64,
    /// When a request expires unanswered.
    respond_by: i64,
    confirmed_at: Option<i64>,
    closed_at: Option<i64>,
    #[schema(schema_with = super::shapes::cancelled_by_or_null)]
    cancelled_by: Option<CancelledBy>,
    late_cancellation: bool,
    #[schema(schema_with = super::shapes::problem_kind_or_null)]
    problem_kind: Option<ProblemKind>,
    problem_text: Option<String>,
    problem_reported_at: Option<i64>,
    /// What happened to the money, once closed.
    #[schema(schema_with = super::shapes::outcome_or_null)]
    outcome: Option<Outcome>,
    refund_minor: Option<i64>,
    settled_by: Option<Uuid>,
    settlement_reason: Option<String>,
    /// Bumped on every change a calendar should show.
    sequence: i64,
    updated_at: i64,
}

impl From<LessonRow> for LessonRecord {
    fn from(l: LessonRow) -> Self {
        Self {
            id: l.id,
            learner_id: l.learner_id,
            teacher_id: l.teacher_id,
            offering_id: l.offering_id,
            package_id: l.package_id,
            kind: l.kind,
            language: l.language,
            duration_minutes: l.duration_minutes,
            starts_at: l.starts_at,
            ends_at: l.ends_at,
            status: l.status,
            price_minor: l.price_minor,
            paid_minor: l.paid_minor,
            discount_minor: l.discount_minor,
            currency: l.currency,
            coupon_id: l.coupon_id,
            commission_bp: l.commission_bp,
            note: l.note,
            requested_at: l.requested_at,
            respond_by: l.respond_by,
            confirmed_at: l.confirmed_at,
            closed_at: l.closed_at,
            cancelled_by: l.cancelled_by,
            late_cancellation: l.late_cancellation,
            problem_kind: l.problem_kind,
            problem_text: l.problem_text,
            problem_reported_at: l.problem_reported_at,
            outcome: l.outcome,
            refund_minor: l.refund_minor,
            settled_by: l.settled_by,
            settlement_reason: l.settlement_reason,
            sequence: l.sequence,
            updated_at: l.updated_at,
        }
    }
}

/// A lesson as one of its members (or staff) sees it, with the steps they
/// may take now.
#[derive(Serialize, ToSchema)]
pub struct Lesson {
    #[serde(flatten)]
    record: LessonRecord,
    /// `learner`, `teacher` or `staff`.
    role: &'static str,
    /// Display names; "" once the person left.
    learner_name: String,
    teacher_name: String,
    /// `confirm`, `cancel`, `propose`, …
    actions: Vec<&'static str>,
    proposal: Option<Proposal>,
    review: Option<Review>,
}

impl From<koine_services::booking::lessons::Lesson> for Lesson {
    fn from(l: koine_services::booking::lessons::Lesson) -> Self {
        Self {
            record: l.row.into(),
            role: l.role,
            learner_name: l.learner_name,
            teacher_name: l.teacher_name,
            actions: l.actions,
            proposal: l.proposal.map(Proposal::from),
            review: l.review.map(Review::from),
        }
    }
}

/// A lesson and its history, oldest step first.
#[derive(Serialize, ToSchema)]
pub struct LessonDetail {
    lesson: Lesson,
    history: Vec<Event>,
}

/// A new time proposed for a lesson.
#[derive(Serialize, ToSchema)]
pub struct Proposal {
    id: Uuid,
    lesson_id: Uuid,
    proposed_by: Uuid,
    starts_at: i64,
    ends_at: i64,
    #[schema(schema_with = super::shapes::proposal_status)]
    status: ProposalStatus,
    created_at: i64,
    decided_at: Option<i64>,
}

impl From<ProposalRow> for Proposal {
    fn from(p: ProposalRow) -> Self {
        Self {
            id: p.id,
            lesson_id: p.lesson_id,
            proposed_by: p.proposed_by,
            starts_at: p.starts_at,
            ends_at: p.ends_at,
            status: p.status,
            created_at: p.created_at,
            decided_at: p.decided_at,
        }
    }
}

/// A lesson's review, and the teacher's reply.
#[derive(Serialize, ToSchema)]
pub struct Review {
    id: Uuid,
    lesson_id: Uuid,
    teacher_id: Uuid,
    author_id: Uuid,
    rating: i64,
    body: Option<String>,
    reply: Option<String>,
    replied_at: Option<i64>,
    created_at: i64,
}

impl From<ReviewRow> for Review {
    fn from(r: ReviewRow) -> Self {
        Self {
            id: r.id,
            lesson_id: r.lesson_id,
            teacher_id: r.teacher_id,
            author_id: r.author_id,
            rating: r.rating,
            body: r.body,
            reply: r.reply,
            replied_at: r.replied_at,
            created_at: r.created_at,
        }
    }
}

/// One step in a lesson's history.
#[derive(Serialize, ToSchema)]
pub struct Event {
    id: Uuid,
    /// Who took it; none for the clock.
    actor_id: Option<Uuid>,
    action: String,
    from_status: String,
    to_status: String,
    detail: Option<String>,
    created_at: i64,
}

impl From<EventRow> for Event {
    fn from(e: EventRow) -> Self {
        Self {
            id: e.id,
            actor_id: e.actor_id,
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
            detail: e.detail,
            created_at: e.created_at,
        }
    }
}

/// A package of lessons, with how many are left.
#[derive(Serialize, ToSchema)]
pub struct Package {
    id: Uuid,
    learner_id: Uuid,
    teacher_id: Uuid,
    offering_id: Option<Uuid>,
    language: String,
    duration_minutes: i64,
    lessons: i64,
    lessons_left: i64,
    price_minor: i64,
    discount_percent: i64,
    currency: String,
    purchased_at: i64,
    expires_at: i64,
    closed_at: Option<i64>,
    teacher_name: String,
    learner_name: String,
}

impl From<koine_services::booking::packages::Package> for Package {
    fn from(p: koine_services::booking::packages::Package) -> Self {
        let r = p.row;
        Self {
            id: r.id,
            learner_id: r.learner_id,
            teacher_id: r.teacher_id,
            offering_id: r.offering_id,
            language: r.language,
            duration_minutes: r.duration_minutes,
            lessons: r.lessons,
            lessons_left: p.lessons_left,
            price_minor: r.price_minor,
            discount_percent: r.discount_percent,
            currency: r.currency,
            purchased_at: r.purchased_at,
            expires_at: r.expires_at,
            closed_at: r.closed_at,
            teacher_name: p.teacher_name,
            learner_name: p.learner_name,
        }
    }
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
    responses((status = 201, description = "The lesson, requested", body = Lesson, links(
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
    let input = BookingInput {
        teacher: b.teacher,
        offering: b.offering,
        kind: b.kind,
        package: b.package,
        starts_at: b.starts_at,
        coupon: b.coupon.unwrap_or_default(),
        note: b.note.unwrap_or_default(),
        card: b.card.map(CardBody::into_input),
    };
    let r =
        BookingRequest::parse(&input, st.svc.clock.today_utc()).map_err(|errors| Problem::invalid_fields(&errors))?;
    let id = st.svc.request_lesson(p, r, &key).await?;
    Ok(created(Lesson::from(st.svc.lesson(p, id).await?)))
}

/// The caller's lessons, as learner or teacher.
#[utoipa::path(get, path = "/api/v1/lessons", tag = "lessons", security(("bearer" = [])),
    responses((status = 200, description = "Lessons, newest first, with the steps the caller may take", body = Vec<Lesson>)))]
pub async fn lessons(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(all::<_, Lesson>(st.svc.my_lessons(p).await?)).into_response())
}

#[utoipa::path(get, path = "/api/v1/lessons/{id}", tag = "lessons", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, description = "The lesson, with the steps the caller may take", body = LessonDetail), (status = 404, body = Problem)))]
pub async fn lesson(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(LessonDetail {
        lesson: st.svc.lesson(p, id).await?.into(),
        history: all(st.svc.lesson_history(p, id).await?),
    })
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
/// confirm_completion, report_problem (which needs `problem` and a
/// description in `text`), withdraw_problem, accept_refund or escalate.
/// Impossible steps (an expired request, a lesson that started) answer 409.
#[utoipa::path(post, path = "/api/v1/lessons/{id}/{action}", tag = "lessons", security(("bearer" = [])),
    params(("id" = Uuid, Path),
        ("action" = String, Path, pattern = "^(confirm|decline|withdraw|cancel|confirm_completion|report_problem|withdraw_problem|accept_refund|escalate)$"),
        ("Idempotency-Key" = String, Header)), request_body = StepBody,
    responses((status = 200, description = "The lesson after the step", body = Lesson), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
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
    Ok(Json(Lesson::from(st.svc.lesson(p, id).await?)).into_response())
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
    responses((status = 200, description = "Packages", body = Vec<Package>)))]
pub async fn packages(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(all::<_, Package>(st.svc.packages(p.account_id).await?)).into_response())
}

/// A notice as its recipient sees it.
#[derive(Serialize, ToSchema)]
pub struct Notice {
    id: Uuid,
    kind: String,
    body: String,
    link: Option<String>,
    created_at: i64,
    read_at: Option<i64>,
}

impl From<koine_services::notifications::Notification> for Notice {
    fn from(n: koine_services::notifications::Notification) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            body: n.body,
            link: n.link,
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

/// The caller's notices, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "lessons", security(("bearer" = [])),
    responses((status = 200, description = "Notices", body = Vec<Notice>)))]
pub async fn notifications(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(all::<_, Notice>(st.svc.notifications(p.account_id).await?)).into_response())
}
