//! A minor asks a parent or guardian to confirm; the guardian confirms from
//! the emailed link.

use super::settings::{settings_error, settings_notice};
use super::templates::message;
use super::templates::{FormState, Page, SingleFormPage};
use super::{StrictForm, signed_in};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use koine_domain::contact::Email;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings/guardian", post(ask))
        .route("/guardian/confirm", get(confirm_form).post(confirm))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AskForm {
    email: String,
}

async fn ask(State(st): State<AppState>, ctx: Ctx, StrictForm(f): StrictForm<AskForm>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let email = match Email::parse(&f.email) {
        Ok(e) => e,
        Err(e) => return settings_error(&st, &ctx, &e).await,
    };
    st.svc.ask_guardian(p, &email).await?;
    settings_notice(&st, &ctx, "guardian-asked").await
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// A button, so a mail scanner fetching the link confirms nothing.
async fn confirm_form(ctx: Ctx, Query(q): Query<TokenQuery>) -> SingleFormPage {
    SingleFormPage {
        page: Page::new(&ctx, "guardian-confirm-title"),
        lead: Some(ctx.i18n().t("guardian-confirm-lead")),
        action: "/guardian/confirm",
        hidden: vec![("token", q.token.unwrap_or_default())],
        fields: vec![],
        submit_key: "guardian-confirm-submit",
        form: FormState::default(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenForm {
    token: String,
}

async fn confirm(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<TokenForm>,
) -> Result<Response, PageError> {
    st.svc.confirm_guardian(&f.token).await?;
    let body = ctx.i18n().t("guardian-confirm-done");
    Ok(message(&ctx, "guardian-confirm-title", body, None))
}
