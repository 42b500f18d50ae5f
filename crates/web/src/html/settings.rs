//! The account settings page: contact details, password, sessions, the
//! security log, corrections, and deleting the account.

use super::templates::{FormState, Page, message};
use super::{StrictForm, signed_in};
use crate::AppState;
use crate::ctx::{Ctx, session_cookie, set_cookie};
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use koine_domain::Invalid;
use koine_domain::contact::{Email, Phone};
use koine_domain::password::NewPassword;
use koine_domain::refusal::Refusal;
use koine_services::Error;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EmailForm {
    email: String,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings", get(settings))
        .route("/settings/email", post(change_email))
        .route("/settings/phone", post(change_phone))
        .route("/settings/phone/verify", post(verify_new_phone))
        .route("/settings/password", post(change_password))
        .route("/settings/sessions/{id}/end", post(end_session))
        .route("/settings/delete", get(delete_form).post(delete_account))
        .route("/settings/correction", post(request_correction))
}

pub struct SessionLine {
    pub id: Uuid,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub current: bool,
}

/// One entry of the member's security log, in their language.
pub struct SecurityLine {
    pub what: String,
    pub at: i64,
    pub device: Option<String>,
    /// The full address for a week, then only its network.
    pub network: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub page: Page,
    pub contact: koine_services::accounts::ContactDetails,
    pub sessions: Vec<SessionLine>,
    pub security_events: Vec<SecurityLine>,
    /// A teacher's verified legal name (they ask for corrections of it).
    pub real_name: Option<String>,
    pub notice: Option<String>,
    pub form: FormState,
    /// For a member under 18: when a guardian confirmed, if one has.
    pub guardian_confirmed_at: Option<i64>,
}

async fn settings_page(
    st: &AppState,
    ctx: &Ctx,
    notice: Option<String>,
    form: FormState,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = signed_in(ctx)?;
    let contact = st.svc.contact_details(p.account_id).await?;
    let sessions = st
        .svc
        .list_sessions(p)
        .await?
        .into_iter()
        .map(|s| SessionLine {
            id: s.id,
            user_agent: s.user_agent,
            // The full address for a week, then only its network.
            ip: s.ip.or(s.ip_network),
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            current: s.id == p.session_id,
        })
        .collect();
    let i18n = ctx.i18n();
    let security_events = st
        .svc
        .security_events(p.account_id)
        .await?
        .into_iter()
        .take(10)
        .map(|e| SecurityLine {
            what: i18n.t(&format!("security-event-{}", e.kind)),
            at: e.created_at,
            device: e.user_agent,
            network: e.ip.or(e.ip_network),
        })
        .collect();
    Ok((
        status,
        SettingsPage {
            real_name: st.svc.own_real_name(p).await?,
            security_events,
            page: Page::new(ctx, "settings-title"),
            guardian_confirmed_at: st.svc.guardian_confirmed_at(p.account_id).await?,
            contact,
            sessions,
            notice,
            form,
        },
    )
        .into_response())
}

async fn settings(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    settings_page(&st, &ctx, None, FormState::default(), StatusCode::OK).await
}

/// Shows the settings page with a confirmation message.
pub(super) async fn settings_notice(st: &AppState, ctx: &Ctx, key: &str) -> Result<Response, PageError> {
    let notice = Some(ctx.i18n().t(key));
    settings_page(st, ctx, notice, FormState::default(), StatusCode::OK).await
}

/// Shows the settings page again with a field error.
pub(super) async fn settings_error(st: &AppState, ctx: &Ctx, e: &Invalid) -> Result<Response, PageError> {
    let mut form = FormState::default();
    form.error(&ctx.i18n(), e.field, e.code);
    settings_page(st, ctx, None, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CorrectionForm {
    field: String,
    value: String,
    note: String,
}

/// Asks staff to correct a field the member cannot change themselves.
async fn request_correction(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<CorrectionForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    match st.svc.request_correction(p, &f.field, &f.value, &f.note).await {
        Ok(()) => settings_notice(&st, &ctx, "correction-requested").await,
        Err(koine_services::Error::Invalid(e)) => settings_error(&st, &ctx, &e).await,
        Err(e) => Err(e.into()),
    }
}

async fn change_email(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<EmailForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let email = match Email::parse(&f.email) {
        Ok(e) => e,
        Err(e) => return settings_error(&st, &ctx, &e).await,
    };
    st.svc.change_email(p, &email).await?;
    settings_notice(&st, &ctx, "settings-change-email-done").await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhoneForm {
    phone: String,
}

async fn change_phone(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<PhoneForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let phone = match Phone::parse(&f.phone) {
        Ok(x) => x,
        Err(e) => return settings_error(&st, &ctx, &e).await,
    };
    match st.svc.change_phone(p, &phone).await {
        Ok(()) => settings_notice(&st, &ctx, "settings-change-phone-done").await,
        Err(Error::Refused(Refusal::PhoneTaken)) => {
            settings_error(&st, &ctx, &Invalid::new("phone", "phone-taken")).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeForm {
    code: String,
}

async fn verify_new_phone(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<CodeForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    match st
        .svc
        .verify_phone(Some(p.account_id), None, &f.code, &ctx.client)
        .await
    {
        Ok(()) => settings_notice(&st, &ctx, "verify-done-body").await,
        Err(Error::BadCode | Error::Throttled { .. }) => {
            let mut form = FormState::default();
            form.errors.push(("phone_code".into(), ctx.i18n().t("verify-bad-code")));
            settings_page(&st, &ctx, None, form, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangePasswordForm {
    current_password: String,
    new_password: String,
    end_others: Option<String>,
}

async fn change_password(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<ChangePasswordForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let new = match NewPassword::parse(&f.new_password, &[p.display_name.as_str()]) {
        Ok(n) => n,
        Err(e) => return settings_error(&st, &ctx, &e).await,
    };
    match st
        .svc
        .change_password(p, &f.current_password, new, f.end_others.is_some())
        .await
    {
        Ok(()) => settings_notice(&st, &ctx, "settings-password-changed").await,
        Err(Error::Invalid(e)) => settings_error(&st, &ctx, &e).await,
        Err(e) => Err(e.into()),
    }
}

async fn end_session(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    st.svc.end_session(p, id).await?;
    Ok(Redirect::to("/settings").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "delete.html")]
pub struct DeletePage {
    pub page: Page,
    /// What erasure deletes of this member.
    pub deleted: Vec<String>,
    /// Credit, earnings and coupons given up.
    pub forfeited: Vec<String>,
    pub open_lessons: usize,
    pub open_packages: usize,
    /// What must be settled before the account can go.
    pub blockers: Vec<String>,
    /// What stays after erasure, and for how long.
    pub kept: Vec<(String, String)>,
    /// How long invoices keep the name they were issued to.
    pub invoice_years: u32,
    pub form: FormState,
    /// A legal hold prevents deletion for now.
    pub held: bool,
}

/// The explanation before deleting: what goes and what stays of this
/// member's data, read from their rows and the data map.
async fn delete_page(st: &AppState, ctx: &Ctx, form: FormState) -> Result<DeletePage, PageError> {
    let p = signed_in(ctx)?;
    let i18n = ctx.i18n();
    let held = st.svc.under_legal_hold(p.account_id).await?;
    let preview = st.svc.erasure_preview(p.account_id).await?;
    let leaving = st.svc.leaving_preview(p.account_id).await?;
    let currency = &st.svc.settings.currency;
    let money = |m: i64| format!("{} {currency}", koine_domain::teaching::format_amount(m));
    let mut forfeited = Vec::new();
    if leaving.credit_minor > 0 {
        forfeited.push(i18n.t1("delete-forfeit-credit", "amount", money(leaving.credit_minor)));
    }
    if leaving.earnings_minor > 0 {
        forfeited.push(i18n.t1("delete-forfeit-earnings", "amount", money(leaving.earnings_minor)));
    }
    for c in &leaving.coupons {
        forfeited.push(i18n.t1("delete-forfeit-coupon", "code", c));
    }
    Ok(DeletePage {
        page: Page::new(ctx, "delete-title"),
        invoice_years: koine_store::datamap::invoice_name_kept_years(),
        forfeited,
        open_lessons: leaving.open_lessons,
        open_packages: leaving.open_packages,
        blockers: leaving.blockers.iter().map(|b| i18n.t(b.message_key())).collect(),
        deleted: preview.deleted.iter().map(|t| super::table_title(&i18n, t)).collect(),
        kept: preview
            .kept
            .iter()
            .map(|(table, retention)| {
                (
                    super::table_title(&i18n, table),
                    super::retention_text(&i18n, retention, &st.svc.settings.retention),
                )
            })
            .collect(),
        form,
        held,
    })
}

/// Explains what deleting means; reached only with a recent password entry.
async fn delete_form(State(st): State<AppState>, ctx: Ctx) -> Result<DeletePage, PageError> {
    let p = signed_in(&ctx)?;
    st.svc.require_recent_auth(p)?;
    delete_page(&st, &ctx, FormState::default()).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeleteForm {
    confirm: Option<String>,
}

async fn delete_account(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<DeleteForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    if f.confirm.as_deref() != Some("on") {
        let mut form = FormState::default();
        form.errors
            .push(("confirm".into(), ctx.i18n().t("delete-confirm-needed")));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, delete_page(&st, &ctx, form).await?).into_response());
    }
    match st.svc.delete_account(p).await {
        Err(Error::Refused(_)) => {
            return Ok((
                StatusCode::CONFLICT,
                delete_page(&st, &ctx, FormState::default()).await?,
            )
                .into_response());
        }
        other => other?,
    }
    let signed_out = ctx.signed_out();
    let mut res = message(
        &signed_out,
        "delete-title",
        ctx.i18n().t("delete-done"),
        Some(("/", "nav-home")),
    );
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(session_cookie(ctx.tls), "", Some(0), ctx.tls),
    );
    Ok(res)
}
