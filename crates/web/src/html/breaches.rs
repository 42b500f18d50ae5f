//! The privacy officer's breach register: record, report, notify.

use super::templates::{FormState, Page};
use super::{StrictForm, signed_in};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use koine_services::Error;
use koine_services::breaches::{NewBreach, REPORT_WITHIN_US};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/breaches", get(list).post(record))
        .route("/staff/breaches/{id}", get(view))
        .route("/staff/breaches/{id}/report", post(report))
        .route("/staff/breaches/{id}/notify", post(notify))
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_breaches.html")]
pub struct StaffBreachesPage {
    pub page: Page,
    pub breaches: Vec<koine_services::breaches::Breach>,
    pub categories: Vec<(&'static str, String)>,
    pub now: i64,
    /// The supervisory authority must hear within this long of discovery.
    pub report_within: i64,
    pub form: FormState,
}

async fn page(st: &AppState, ctx: &Ctx, form: FormState, status: StatusCode) -> Result<Response, PageError> {
    let p = signed_in(ctx)?;
    let i18n = ctx.i18n();
    let breaches = st.svc.breaches(p).await?;
    let categories = super::forms::personal_categories(&i18n);
    Ok((
        status,
        StaffBreachesPage {
            page: Page::new(ctx, "breach-title"),
            breaches,
            categories,
            now: st.svc.clock.now_us(),
            report_within: REPORT_WITHIN_US,
            form,
        },
    )
        .into_response())
}

async fn list(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    page(&st, &ctx, FormState::default(), StatusCode::OK).await
}

/// `YYYY-MM-DDTHH:MM` (a datetime-local input), read as UTC.
fn parse_instant(text: &str) -> Option<i64> {
    let dt: jiff::civil::DateTime = text.parse().ok()?;
    Some(dt.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp().as_microsecond())
}

async fn record(State(st): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let (mut title, mut description, mut discovered) = (String::new(), String::new(), String::new());
    let mut categories = Vec::new();
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "title" => title = v.into_owned(),
            "description" => description = v.into_owned(),
            "discovered_at" => discovered = v.into_owned(),
            "category" => categories.push(v.into_owned()),
            _ => return Err(PageError::Status(StatusCode::BAD_REQUEST, "error-unknown-field")),
        }
    }
    let fail = |field: &str, code: &str| {
        let mut form = FormState::with_values([
            ("title", title.clone()),
            ("description", description.clone()),
            ("discovered_at", discovered.clone()),
        ]);
        form.error(&ctx.i18n(), field, code);
        form
    };
    let Some(discovered_at) = parse_instant(&discovered) else {
        return page(
            &st,
            &ctx,
            fail("discovered_at", "invalid-date"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let input = NewBreach {
        title: &title,
        description: &description,
        categories,
        discovered_at,
    };
    match st.svc.record_breach(p, input).await {
        Ok(id) => Ok(Redirect::to(&format!("/staff/breaches/{id}")).into_response()),
        Err(Error::Invalid(e)) => page(&st, &ctx, fail(e.field, e.code), StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(e.into()),
    }
}

fn breach_id(id: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(id).map_err(|_| PageError::from(Error::NotFound))
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_breach.html")]
pub struct StaffBreachPage {
    pub page: Page,
    pub b: koine_services::breaches::Breach,
    pub affected: usize,
    pub report_due: i64,
    pub now: i64,
}

async fn view(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let (b, affected) = st.svc.breach(p, breach_id(&id)?).await?;
    Ok(StaffBreachPage {
        page: Page::new(&ctx, "breach-title"),
        report_due: b.discovered_at + REPORT_WITHIN_US,
        b,
        affected,
        now: st.svc.clock.now_us(),
    }
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportForm {
    reference: String,
}

async fn report(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    StrictForm(f): StrictForm<ReportForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    st.svc.report_breach(p, breach_id(&id)?, &f.reference).await?;
    Ok(Redirect::to(&format!("/staff/breaches/{id}")).into_response())
}

async fn notify(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    st.svc.notify_breach(p, breach_id(&id)?).await?;
    Ok(Redirect::to(&format!("/staff/breaches/{id}")).into_response())
}
