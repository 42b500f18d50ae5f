//! Restriction of processing (GDPR Art. 18) and objection (Art. 21), from
//! the privacy choices page.

use super::{StrictForm, signed_in};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use koine_domain::consent::ConsentPurpose;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings/privacy/restrict", post(restrict))
        .route("/settings/privacy/restrict/lift", post(lift))
        .route("/settings/privacy/object", post(object))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RestrictForm {
    #[serde(default)]
    reason: String,
}

async fn restrict(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<RestrictForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    st.svc.restrict_processing(p, &f.reason).await?;
    Ok(Redirect::to("/settings/privacy#restriction").into_response())
}

async fn lift(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    st.svc.lift_restriction(p).await?;
    Ok(Redirect::to("/settings/privacy#restriction").into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectForm {
    purpose: String,
}

async fn object(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<ObjectForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let purpose =
        ConsentPurpose::parse(&f.purpose).ok_or(PageError::Status(StatusCode::BAD_REQUEST, "error-unknown-field"))?;
    st.svc.object(p.account_id, purpose).await?;
    super::profile::choices_page(&st, &ctx, true).await
}
