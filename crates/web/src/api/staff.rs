//! Staff: members, the audit log, legal holds and fraud bans (the pages: `html/staff.rs`).

use super::{ApiJson, ApiResult, invalid, no_content, principal};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::Problem;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use koine_store::repo::accounts::MemberSummary;
use koine_store::repo::audit::AuditRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    #[param(schema_with = super::shapes::member_query)]
    q: Option<String>,
    page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberLine {
    id: Uuid,
    display_name: String,
    email: Option<String>,
    staff_role: Option<String>,
    created_at: i64,
}

impl From<MemberSummary> for MemberLine {
    fn from(m: MemberSummary) -> Self {
        Self {
            id: m.id,
            display_name: m.display_name,
            email: m.email,
            staff_role: m.staff_role,
            created_at: m.created_at,
        }
    }
}

/// Staff: search members (audited).
#[utoipa::path(get, path = "/api/v1/staff/members", tag = "staff", security(("bearer" = [])), params(SearchParams),
    responses((status = 200, body = Vec<MemberLine>), (status = 403, body = Problem)))]
pub async fn staff_members(State(st): State<AppState>, ctx: Ctx, Query(q): Query<SearchParams>) -> ApiResult {
    let list = st
        .svc
        .search_members(principal(&ctx)?, q.q.as_deref().unwrap_or(""), q.page.unwrap_or(0))
        .await?;
    Ok(Json(super::all::<_, MemberLine>(list)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReasonParams {
    /// Why the record is opened; kept in the audit log.
    #[param(schema_with = super::shapes::view_reason)]
    reason: Option<String>,
}

/// Staff: open a member's record (audited).
#[utoipa::path(get, path = "/api/v1/staff/members/{id}", tag = "staff", security(("bearer" = [])),
    params(("id" = Uuid, Path), ReasonParams), responses((status = 200), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn staff_member(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<ReasonParams>,
) -> ApiResult {
    let reason = koine_domain::validation::optional_text(
        "reason",
        q.reason.as_deref().unwrap_or(""),
        koine_services::staff::REASON_MAX,
    )
    .map_err(invalid)?;
    Ok(Json(st.svc.view_member(principal(&ctx)?, id, reason).await?).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct AuditLine {
    id: Uuid,
    actor_id: Uuid,
    subject_id: Option<Uuid>,
    action: String,
    reason: Option<String>,
    created_at: i64,
}

impl From<AuditRow> for AuditLine {
    fn from(r: AuditRow) -> Self {
        Self {
            id: r.id,
            actor_id: r.actor_id,
            subject_id: r.subject_id,
            action: r.action,
            reason: r.reason,
            created_at: r.created_at,
        }
    }
}

/// Privacy officer: the staff-access audit log.
#[utoipa::path(get, path = "/api/v1/staff/audit", tag = "staff", security(("bearer" = [])), params(SearchParams),
    responses((status = 200, body = Vec<AuditLine>), (status = 403, body = Problem)))]
pub async fn staff_audit(State(st): State<AppState>, ctx: Ctx, Query(q): Query<SearchParams>) -> ApiResult {
    let rows = st.svc.audit_log(principal(&ctx)?, None, q.page.unwrap_or(0)).await?;
    Ok(Json(super::all::<_, AuditLine>(rows)).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldBody {
    /// Why (required; recorded and audited).
    #[schema(schema_with = super::shapes::staff_reason)]
    reason: String,
}

/// Privacy officer or trust & safety: place a legal hold, which suspends
/// erasure and retention sweeps for the member.
#[utoipa::path(post, path = "/api/v1/staff/members/{id}/holds", request_body = HoldBody, tag = "staff",
    security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 201, description = "Placed", body = super::Created, links(
                  ("lift" = (operation_id = "lift_hold", parameters(("id" = "$request.path.id"), ("hold" = "$response.body#/id")))))), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn place_hold(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<HoldBody>,
) -> ApiResult {
    let hold = st.svc.place_legal_hold(principal(&ctx)?, id, &b.reason).await?;
    Ok((StatusCode::CREATED, Json(super::Created { id: hold })).into_response())
}

/// Privacy officer: lift a legal hold, with a reason (audited).
#[utoipa::path(post, path = "/api/v1/staff/members/{id}/holds/{hold}/lift", tag = "staff", security(("bearer" = [])),
    request_body = HoldBody, params(("id" = Uuid, Path), ("hold" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn lift_hold(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, hold)): Path<(Uuid, Uuid)>,
    ApiJson(b): ApiJson<HoldBody>,
) -> ApiResult {
    st.svc.lift_legal_hold(principal(&ctx)?, id, hold, &b.reason).await?;
    Ok(no_content())
}

/// Trust & safety: close a member's account for fraud. It is erased at
/// once and keyed hashes of its email and phone kept for 5 years, so they
/// cannot sign up again. Refused (409) while a legal hold keeps the data.
#[utoipa::path(post, path = "/api/v1/staff/members/{id}/fraud-ban", tag = "staff", security(("bearer" = [])),
    request_body = HoldBody, params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn ban_for_fraud(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<HoldBody>,
) -> ApiResult {
    st.svc.ban_for_fraud(principal(&ctx)?, id, &b.reason).await?;
    Ok(no_content())
}
