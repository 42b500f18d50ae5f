//! Data-subject requests: the public form (anyone, including parents for a
//! child), its email verification, and the privacy officer's console.

use super::templates::message;
use super::templates::{FormState, Page};
use super::{StrictForm, signed_in};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use koine_domain::refusal::Refusal;
use koine_domain::requests::{Regime, Relation, RequestKind, RequestStatus};
use koine_services::Error;
use koine_services::requests::NewRequest;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/privacy/request", get(form).post(submit))
        .route("/privacy/requests/verify", get(verify_form).post(verify))
        .route("/staff/requests", get(list))
        .route("/staff/requests/{id}", get(view))
        .route("/staff/requests/{id}/extend", post(extend))
        .route("/staff/requests/{id}/close", post(close))
        .route("/staff/requests/{id}/apply-correction", post(apply_correction))
        .route("/staff/requests/{id}/erase", post(fulfil_erasure))
        .route("/staff/requests/{id}/export", post(fulfil_export))
}

#[derive(Template, WebTemplate)]
#[template(path = "request_form.html")]
pub struct RequestFormPage {
    pub page: Page,
    pub form: FormState,
    pub kinds: &'static [koine_domain::requests::RequestKind],
    pub regimes: &'static [koine_domain::requests::Regime],
    pub relations: &'static [koine_domain::requests::Relation],
}

fn form_page(ctx: &Ctx, form: FormState) -> RequestFormPage {
    RequestFormPage {
        page: Page::new(ctx, "request-title"),
        form,
        kinds: RequestKind::ALL,
        regimes: Regime::ALL,
        relations: Relation::ALL,
    }
}

async fn form(ctx: Ctx) -> RequestFormPage {
    form_page(&ctx, FormState::default())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestForm {
    kind: String,
    regime: String,
    relation: String,
    name: String,
    email: String,
    #[serde(default)]
    details: String,
}

async fn submit(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<RequestForm>,
) -> Result<Response, PageError> {
    match NewRequest::parse(&f.kind, &f.regime, &f.relation, &f.name, &f.email, &f.details) {
        Ok(r) => {
            st.svc.submit_request(r, ctx.locale).await?;
            let body = ctx.i18n().t("request-sent");
            Ok(message(&ctx, "request-title", body, None))
        }
        Err(errors) => {
            let mut form = FormState::with_values([
                ("kind", f.kind),
                ("regime", f.regime),
                ("relation", f.relation),
                ("name", f.name),
                ("email", f.email),
                ("details", f.details),
            ]);
            form.invalid(&ctx.i18n(), &errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, form_page(&ctx, form)).into_response())
        }
    }
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// A page with a button, so a mail scanner fetching the link confirms nothing.
async fn verify_form(ctx: Ctx, Query(q): Query<TokenQuery>) -> super::templates::SingleFormPage {
    super::templates::SingleFormPage {
        page: Page::new(&ctx, "request-verify-title"),
        lead: Some(ctx.i18n().t("request-verify-lead")),
        action: "/privacy/requests/verify",
        hidden: vec![("token", q.token.unwrap_or_default())],
        fields: vec![],
        submit_key: "request-verify-submit",
        form: FormState::default(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenForm {
    token: String,
}

async fn verify(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<TokenForm>,
) -> Result<Response, PageError> {
    st.svc.verify_request(&f.token).await?;
    let body = ctx.i18n().t("request-verified");
    Ok(message(&ctx, "request-verify-title", body, None))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_requests.html")]
pub struct StaffRequestsPage {
    pub page: Page,
    pub requests: Vec<koine_services::requests::PrivacyRequest>,
    pub now: i64,
}

async fn list(State(st): State<AppState>, ctx: Ctx, Query(q): Query<PageQuery>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let requests = st.svc.privacy_requests(p, q.page.unwrap_or(0)).await?;
    Ok(StaffRequestsPage {
        page: Page::new(&ctx, "staff-requests-title"),
        requests,
        now: st.svc.clock.now_us(),
    }
    .into_response())
}

fn request_id(id: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(id).map_err(|_| PageError::from(Error::NotFound))
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_request.html")]
pub struct StaffRequestPage {
    pub page: Page,
    pub req: koine_services::requests::PrivacyRequest,
    pub open: bool,
    pub extendable: bool,
    /// The field to correct (localized) and its corrected value.
    pub correction: Option<(String, String)>,
    pub now: i64,
    /// An erasure the officer can carry out here.
    pub erasable: bool,
    /// An access or export request the officer can carry out here.
    pub exportable: bool,
}

async fn view(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let r = st.svc.privacy_request(p, request_id(&id)?).await?;
    let correction = st
        .svc
        .requested_correction(p, &r)
        .await?
        .map(|(field, value)| (ctx.i18n().t(&format!("correction-field-{}", field.as_str())), value));
    Ok(StaffRequestPage {
        correction,
        page: Page::new(&ctx, "staff-requests-title"),
        open: matches!(r.status, RequestStatus::Open | RequestStatus::Extended),
        extendable: r.status == RequestStatus::Open,
        erasable: matches!(r.kind, RequestKind::Erasure | RequestKind::ChildErasure),
        exportable: matches!(r.kind, RequestKind::Access | RequestKind::Export),
        req: r,
        now: st.svc.clock.now_us(),
    }
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtendForm {
    reason: String,
}

async fn extend(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    StrictForm(f): StrictForm<ExtendForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    st.svc.extend_request(p, request_id(&id)?, &f.reason).await?;
    Ok(Redirect::to(&format!("/staff/requests/{id}")).into_response())
}

async fn apply_correction(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    match st.svc.apply_correction(p, request_id(&id)?).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/requests/{id}")).into_response()),
        Err(Error::Refused(Refusal::CorrectionBelowMinimumAge)) => {
            Err(PageError::Status(StatusCode::CONFLICT, "correction-too-young"))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CloseForm {
    decision: String,
    outcome: String,
}

async fn close(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    StrictForm(f): StrictForm<CloseForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let completed = match f.decision.as_str() {
        "completed" => true,
        "rejected" => false,
        _ => return Err(PageError::Status(StatusCode::BAD_REQUEST, "error-invalid-choice")),
    };
    st.svc.close_request(p, request_id(&id)?, completed, &f.outcome).await?;
    Ok(Redirect::to(&format!("/staff/requests/{id}")).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FulfilForm {
    #[serde(default)]
    account: String,
}

/// The officer's action on a request, then its page again; a clear answer
/// when the account cannot be found or a legal hold stops the erasure.
async fn fulfilled(id: &str, outcome: koine_services::Result<()>) -> Result<Response, PageError> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/staff/requests/{id}")).into_response()),
        Err(Error::NotFound | Error::Invalid(_)) => Err(PageError::Status(
            StatusCode::UNPROCESSABLE_ENTITY,
            "staff-requests-no-such-account",
        )),
        Err(Error::Refused(Refusal::LegalHold)) => Err(PageError::Status(StatusCode::CONFLICT, "staff-requests-held")),
        Err(e) => Err(e.into()),
    }
}

async fn fulfil_erasure(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    StrictForm(f): StrictForm<FulfilForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let rid = request_id(&id)?;
    fulfilled(&id, st.svc.fulfil_erasure_request(p, rid, &f.account).await).await
}

async fn fulfil_export(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    StrictForm(f): StrictForm<FulfilForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let rid = request_id(&id)?;
    fulfilled(&id, st.svc.fulfil_export_request(p, rid, &f.account).await).await
}
