//! The cookie consent manager for visitors and members: the banner's
//! "accept all" / "reject all", and the choices page reachable from every
//! page's footer. Works without JavaScript; before a choice, only strictly
//! necessary cookies are set.

use super::templates::Page;
use super::{StrictForm, is_local_path};
use crate::AppState;
use crate::ctx::{Ctx, consent_cookie, set_cookie};
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use koine_domain::consent::{ConsentPurpose, ConsentSource, VisitorChoice};
use serde::Deserialize;
use uuid::Uuid;

/// The consent cookie lives 13 months; then the visitor is asked again.
const CHOICE_MAX_AGE: i64 = 395 * 86_400;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cookies", get(page).post(save))
        .route("/cookies/banner", post(banner))
}

/// Records a choice (in the member's ledger, or the visitor ledger) and
/// returns the cookie that keeps it in this browser.
async fn record(st: &AppState, ctx: &Ctx, granted: &[ConsentPurpose]) -> Result<HeaderValue, PageError> {
    let choice = match &ctx.principal {
        Some(p) => {
            let choices: Vec<_> = ConsentPurpose::ALL.iter().map(|x| (*x, granted.contains(x))).collect();
            let applied = ctx.signals.apply(&choices);
            st.svc
                .set_consents(p.account_id, &applied, ConsentSource::Banner)
                .await?;
            VisitorChoice {
                visitor: ctx.visitor.as_ref().map_or_else(Uuid::now_v7, |v| v.visitor),
                revision: st.svc.consent_revision(),
                granted: applied.into_iter().filter(|(_, g)| *g).map(|(p, _)| p).collect(),
            }
        }
        None => {
            st.svc
                .record_visitor_choice(ctx.visitor.as_ref().map(|v| v.visitor), granted, ctx.signals)
                .await?
        }
    };
    Ok(set_cookie(
        consent_cookie(ctx.tls),
        &choice.encode(),
        Some(CHOICE_MAX_AGE),
        ctx.tls,
    ))
}

fn all_or_none(choice: &str) -> Result<Vec<ConsentPurpose>, PageError> {
    match choice {
        "accept" => Ok(ConsentPurpose::ALL.to_vec()),
        "reject" => Ok(Vec::new()),
        _ => Err(PageError::Status(StatusCode::BAD_REQUEST, "error-invalid-choice")),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BannerForm {
    choice: String,
    next: Option<String>,
}

async fn banner(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<BannerForm>,
) -> Result<Response, PageError> {
    let granted = all_or_none(&f.choice)?;
    let cookie = record(&st, &ctx, &granted).await?;
    let next = f.next.filter(|n| is_local_path(n)).unwrap_or_else(|| "/".into());
    let mut res = Redirect::to(&next).into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(res)
}

#[derive(Template, WebTemplate)]
#[template(path = "cookies.html")]
pub struct CookiesPage {
    pub page: Page,
    /// Purpose name, whether it is given, and whether a browser signal decides it.
    pub choices: Vec<(&'static str, bool, bool)>,
    pub gpc: bool,
    pub saved: bool,
}

async fn render(st: &AppState, ctx: &Ctx, saved: bool) -> Result<Response, PageError> {
    let given: Vec<ConsentPurpose> = match &ctx.principal {
        Some(p) => st
            .svc
            .consent_state(p.account_id)
            .await?
            .into_iter()
            .filter(|(_, g)| *g)
            .map(|(p, _)| p)
            .collect(),
        None => ctx.visitor.as_ref().map(|v| v.granted.clone()).unwrap_or_default(),
    };
    let page = CookiesPage {
        page: Page::new(ctx, "cookies-title"),
        choices: ConsentPurpose::ALL
            .iter()
            .map(|p| (p.as_str(), given.contains(p), ctx.signals.covers(*p)))
            .collect(),
        gpc: ctx.signals.gpc,
        saved,
    };
    Ok(page.into_response())
}

async fn page(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    render(&st, &ctx, false).await
}

/// The choices form: ticked purposes are given, the rest refused; or one
/// of the "accept all" / "reject all" buttons.
async fn save(State(st): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Result<Response, PageError> {
    let mut given = Vec::new();
    let mut all = None;
    for (k, v) in form_urlencoded::parse(&body) {
        match (k.as_ref(), ConsentPurpose::parse(&k)) {
            ("choice", _) => all = Some(all_or_none(&v)?),
            (_, Some(purpose)) if v == "on" => given.push(purpose),
            _ => return Err(PageError::Status(StatusCode::BAD_REQUEST, "error-unknown-field")),
        }
    }
    let granted = all.unwrap_or(given);
    let cookie = record(&st, &ctx, &granted).await?;
    // Rendered with the new choice, as the next request will see it.
    let mut ctx = ctx;
    ctx.visitor = VisitorChoice::decode(
        cookie
            .to_str()
            .ok()
            .and_then(|c| c.split(';').next())
            .and_then(|kv| kv.split_once('='))
            .map_or("", |(_, v)| v),
    );
    let mut res = render(&st, &ctx, true).await?;
    res.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(res)
}
