//! Restricting processing and objecting to it (the pages: `html/rights.rs`).

use super::{ApiJson, ApiResult, invalid, no_content, principal};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::Problem;
use axum::extract::State;
use koine_domain::Invalid;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestrictBody {
    /// Why (optional, up to 1,000 characters).
    #[serde(default)]
    #[schema(schema_with = super::shapes::restriction_reason)]
    reason: String,
}

/// Restrict processing of the caller's data (GDPR Art. 18): it is kept but
/// only stored (profile hidden; no marketing, analytics or personalisation).
#[utoipa::path(post, path = "/api/v1/me/restriction", request_body = RestrictBody, tag = "privacy",
    security(("bearer" = [])),
    responses((status = 204), (status = 409, description = "Already restricted", body = Problem), (status = 422, body = Problem)))]
pub async fn restrict(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<RestrictBody>) -> ApiResult {
    st.svc.restrict_processing(principal(&ctx)?, &b.reason).await?;
    Ok(no_content())
}

/// Lift the caller's restriction of processing.
#[utoipa::path(delete, path = "/api/v1/me/restriction", tag = "privacy", security(("bearer" = [])),
    responses((status = 204), (status = 404, description = "Not restricted", body = Problem)))]
pub async fn lift_restriction(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    st.svc.lift_restriction(principal(&ctx)?).await?;
    Ok(no_content())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionBody {
    /// The kind of processing objected to.
    #[schema(schema_with = super::shapes::objectable)]
    purpose: String,
}

/// Object to a kind of processing (GDPR Art. 21); effective at once.
#[utoipa::path(post, path = "/api/v1/me/objections", request_body = ObjectionBody, tag = "privacy",
    security(("bearer" = [])), responses((status = 204), (status = 422, body = Problem)))]
pub async fn object(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<ObjectionBody>) -> ApiResult {
    let p = principal(&ctx)?;
    let purpose = koine_domain::consent::ConsentPurpose::parse(&b.purpose)
        .ok_or(Invalid::new("purpose", "invalid-choice"))
        .map_err(invalid)?;
    st.svc.object(p.account_id, purpose).await?;
    Ok(no_content())
}
