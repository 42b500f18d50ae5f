//! Sign-up, verification, login/logout, password reset and
//! re-authentication (the settings page: `settings.rs`).

use super::templates::{FormState, InputField, MessagePage, Page, SingleFormPage, message, time_zone_names};
use super::{StrictForm, signed_in};
use crate::AppState;
use crate::ctx::{Ctx, session_cookie, set_cookie};
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use koine_domain::contact::{Identifier, Phone};
use koine_domain::password::NewPassword;
use koine_services::Error;
use koine_services::accounts::{SignUp, SignUpInput};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signup", get(signup_form).post(signup))
        .route("/verify/email", get(verify_email_form).post(verify_email))
        .route("/verify/phone", get(verify_phone_form).post(verify_phone))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/password/forgot", get(forgot_form).post(forgot))
        .route("/password/reset", get(reset_form).post(reset))
        .route("/password/reset/code", post(reset_with_code))
        .route("/reauth", get(reauth_form).post(reauth))
}

#[derive(Template, WebTemplate)]
#[template(path = "signup.html")]
pub struct SignupPage {
    pub page: Page,
    pub form: FormState,
    pub time_zones: Vec<String>,
}

/// A first guess at the visitor's zone from their language; they can change it.
fn signup_page(ctx: &Ctx, form: FormState, status: StatusCode) -> Response {
    let page = SignupPage {
        page: Page::new(ctx, "signup-title"),
        form,
        time_zones: time_zone_names(),
    };
    (status, page).into_response()
}

async fn signup_form(ctx: Ctx) -> Response {
    let form = FormState::with_values([("time_zone", ctx.locale.likely_time_zone().to_owned())]);
    signup_page(&ctx, form, StatusCode::OK)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignupForm {
    display_name: String,
    email: String,
    phone: String,
    password: String,
    birth_date: String,
    time_zone: Option<String>,
    marketing_email: Option<String>,
}

async fn signup(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<SignupForm>,
) -> Result<Response, PageError> {
    let i18n = ctx.i18n();
    let zone_raw = f.time_zone.clone().filter(|z| !z.trim().is_empty());
    let mut form = FormState::with_values([
        ("display_name", f.display_name.clone()),
        ("email", f.email.clone()),
        ("phone", f.phone.clone()),
        ("birth_date", f.birth_date.clone()),
        ("time_zone", zone_raw.clone().unwrap_or_default()),
        ("marketing_email", f.marketing_email.clone().unwrap_or_default()),
    ]);
    let input = SignUpInput {
        display_name: f.display_name,
        email: f.email,
        phone: f.phone,
        password: f.password,
        birth_date: f.birth_date,
        time_zone: zone_raw.unwrap_or_default(),
        locale: ctx.locale,
        marketing_email: f.marketing_email.as_deref() == Some("on"),
    };
    let input = match SignUp::parse(&input, st.svc.clock.today_utc()) {
        Ok(input) => input,
        Err(errors) => {
            form.invalid(&i18n, &errors);
            return Ok(signup_page(&ctx, form, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let phone = input.phone.clone();
    match st.svc.sign_up(input, ctx.ip()).await {
        Ok(()) => {
            let link = phone.map(|_| ("/verify/phone", "signup-enter-code"));
            Ok(message(&ctx, "signup-done-title", i18n.t("signup-done-body"), link))
        }
        Err(Error::TooYoung) => {
            let body = i18n.t1("signup-too-young-body", "age", st.svc.settings.min_learner_age.years());
            // Nothing the visitor typed is echoed back or kept.
            let page = MessagePage {
                page: Page::new(&ctx, "signup-too-young-title"),
                body,
                link: None,
            };
            Ok((StatusCode::FORBIDDEN, page).into_response())
        }
        Err(Error::Throttled { retry_after_secs }) => {
            let wait = i18n.t1("login-throttled", "minutes", retry_after_secs.div_ceil(60));
            form.errors.push(("email".into(), wait));
            Ok(signup_page(&ctx, form, StatusCode::TOO_MANY_REQUESTS))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenQuery {
    token: Option<String>,
}

async fn verify_email_form(ctx: Ctx, Query(q): Query<TokenQuery>) -> SingleFormPage {
    SingleFormPage {
        page: Page::new(&ctx, "verify-email-title"),
        lead: Some(ctx.i18n().t("verify-email-body")),
        action: "/verify/email",
        hidden: vec![("token", q.token.unwrap_or_default())],
        fields: vec![],
        submit_key: "verify-email-submit",
        form: FormState::default(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenForm {
    token: String,
}

async fn verify_email(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<TokenForm>,
) -> Result<Response, PageError> {
    st.svc.verify_email(f.token.trim(), &ctx.client).await?;
    Ok(message(
        &ctx,
        "verify-done-title",
        ctx.i18n().t("verify-done-body"),
        Some(("/login", "nav-login")),
    ))
}

fn phone_code_page(ctx: &Ctx, form: FormState) -> SingleFormPage {
    SingleFormPage {
        page: Page::new(ctx, "verify-phone-title"),
        lead: Some(ctx.i18n().t("verify-phone-body")),
        action: "/verify/phone",
        hidden: vec![],
        fields: vec![
            InputField {
                name: "phone",
                label_key: "field-phone",
                kind: "tel",
                autocomplete: "tel",
            },
            InputField {
                name: "code",
                label_key: "field-code",
                kind: "text",
                autocomplete: "one-time-code",
            },
        ],
        submit_key: "verify-phone-submit",
        form,
    }
}

async fn verify_phone_form(ctx: Ctx) -> SingleFormPage {
    phone_code_page(&ctx, FormState::default())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhoneCodeForm {
    phone: String,
    code: String,
}

async fn verify_phone(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<PhoneCodeForm>,
) -> Result<Response, PageError> {
    let i18n = ctx.i18n();
    let mut form = FormState::with_values([("phone", f.phone.clone())]);
    let phone = match Phone::parse(&f.phone) {
        Ok(p) => p,
        Err(e) => {
            form.error(&i18n, e.field, e.code);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, phone_code_page(&ctx, form)).into_response());
        }
    };
    match st.svc.verify_phone(None, Some(&phone), &f.code, &ctx.client).await {
        Ok(()) => Ok(message(
            &ctx,
            "verify-done-title",
            i18n.t("verify-done-body"),
            Some(("/login", "nav-login")),
        )),
        Err(Error::BadCode | Error::Throttled { .. }) => {
            form.errors.push(("code".into(), i18n.t("verify-bad-code")));
            Ok((StatusCode::BAD_REQUEST, phone_code_page(&ctx, form)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub page: Page,
    pub identifier: String,
    pub message: Option<String>,
}

async fn login_form(ctx: Ctx) -> Response {
    if ctx.principal.is_some() {
        return Redirect::to("/").into_response();
    }
    LoginPage {
        page: Page::new(&ctx, "login-title"),
        identifier: String::new(),
        message: None,
    }
    .into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginForm {
    identifier: String,
    password: String,
}

async fn login(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<LoginForm>,
) -> Result<Response, PageError> {
    let i18n = ctx.i18n();
    let fail = |status: StatusCode, msg: String| {
        (
            status,
            LoginPage {
                page: Page::new(&ctx, "login-title"),
                identifier: f.identifier.clone(),
                message: Some(msg),
            },
        )
            .into_response()
    };
    let Ok(identifier) = Identifier::parse(&f.identifier) else {
        return Ok(fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            i18n.t("error-invalid-identifier"),
        ));
    };
    match st.svc.log_in(&identifier, &f.password, &ctx.client).await {
        Ok(s) => {
            // Logging in again from a signed-in browser replaces its session.
            if let Some(old) = &ctx.principal {
                st.svc.log_out(old).await?;
            }
            let mut res = Redirect::to("/").into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(session_cookie(ctx.tls), &s.token, None, ctx.tls),
            );
            Ok(res)
        }
        Err(Error::BadCredentials) => Ok(fail(StatusCode::UNAUTHORIZED, i18n.t("login-failed"))),
        Err(Error::NotVerified) => Ok(fail(StatusCode::FORBIDDEN, i18n.t("login-not-verified"))),
        Err(Error::Throttled { retry_after_secs }) => Ok(fail(
            StatusCode::TOO_MANY_REQUESTS,
            i18n.t1("login-throttled", "minutes", retry_after_secs.div_ceil(60)),
        )),
        Err(e) => Err(e.into()),
    }
}

async fn logout(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    if let Some(p) = &ctx.principal {
        st.svc.log_out(p).await?;
    }
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(session_cookie(ctx.tls), "", Some(0), ctx.tls),
    );
    Ok(res)
}

fn forgot_page(ctx: &Ctx, lead: String, form: FormState) -> SingleFormPage {
    SingleFormPage {
        page: Page::new(ctx, "forgot-title"),
        lead: Some(lead),
        action: "/password/forgot",
        hidden: vec![],
        fields: vec![InputField {
            name: "identifier",
            label_key: "field-identifier",
            kind: "text",
            autocomplete: "username",
        }],
        submit_key: "forgot-submit",
        form,
    }
}

async fn forgot_form(ctx: Ctx) -> SingleFormPage {
    forgot_page(&ctx, ctx.i18n().t("forgot-lead"), FormState::default())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentifierForm {
    identifier: String,
}

/// The form for a texted reset code; shown whether or not the number is known.
fn reset_code_page(ctx: &Ctx, phone: &str, form: FormState) -> SingleFormPage {
    SingleFormPage {
        page: Page::new(ctx, "reset-title"),
        lead: Some(ctx.i18n().t("forgot-code-sent")),
        action: "/password/reset/code",
        hidden: vec![("phone", phone.to_owned())],
        fields: vec![
            InputField {
                name: "code",
                label_key: "field-code",
                kind: "text",
                autocomplete: "one-time-code",
            },
            InputField {
                name: "password",
                label_key: "field-new-password",
                kind: "password",
                autocomplete: "new-password",
            },
        ],
        submit_key: "reset-submit",
        form,
    }
}

async fn forgot(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<IdentifierForm>,
) -> Result<Response, PageError> {
    let i18n = ctx.i18n();
    match Identifier::parse(&f.identifier) {
        Ok(identifier) => {
            match st.svc.request_password_reset(&identifier, ctx.locale, ctx.ip()).await {
                Err(koine_services::Error::Throttled { retry_after_secs }) => {
                    let mut form = FormState::with_values([("identifier", f.identifier.clone())]);
                    form.errors.push((
                        "identifier".into(),
                        i18n.t1("login-throttled", "minutes", retry_after_secs.div_ceil(60)),
                    ));
                    return Ok((
                        StatusCode::TOO_MANY_REQUESTS,
                        forgot_page(&ctx, i18n.t("forgot-lead"), form),
                    )
                        .into_response());
                }
                other => other?,
            }
            Ok(match identifier {
                Identifier::Email(_) => message(&ctx, "forgot-title", i18n.t("forgot-done"), None),
                Identifier::Phone(p) => reset_code_page(&ctx, p.as_str(), FormState::default()).into_response(),
            })
        }
        Err(e) => {
            let mut form = FormState::with_values([("identifier", f.identifier)]);
            form.error(&i18n, e.field, e.code);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                forgot_page(&ctx, i18n.t("forgot-lead"), form),
            )
                .into_response())
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetCodeForm {
    phone: String,
    code: String,
    password: String,
}

async fn reset_with_code(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<ResetCodeForm>,
) -> Result<Response, PageError> {
    let i18n = ctx.i18n();
    let phone =
        Phone::parse(&f.phone).map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error-invalid-phone"))?;
    let mut form = FormState::default();
    let new = match NewPassword::parse(&f.password, &[]) {
        Ok(n) => n,
        Err(e) => {
            form.error(&i18n, e.field, e.code);
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                reset_code_page(&ctx, phone.as_str(), form),
            )
                .into_response());
        }
    };
    match st.svc.reset_password_with_code(&phone, &f.code, new, &ctx.client).await {
        Ok(()) => Ok(message(
            &ctx,
            "reset-title",
            i18n.t("reset-done"),
            Some(("/login", "nav-login")),
        )),
        Err(koine_services::Error::BadCode | koine_services::Error::Throttled { .. }) => {
            form.errors.push(("code".into(), i18n.t("verify-bad-code")));
            Ok((StatusCode::BAD_REQUEST, reset_code_page(&ctx, phone.as_str(), form)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn reset_page(ctx: &Ctx, token: String, form: FormState) -> SingleFormPage {
    SingleFormPage {
        page: Page::new(ctx, "reset-title"),
        lead: Some(ctx.i18n().t("field-password-hint")),
        action: "/password/reset",
        hidden: vec![("token", token)],
        fields: vec![InputField {
            name: "password",
            label_key: "field-new-password",
            kind: "password",
            autocomplete: "new-password",
        }],
        submit_key: "reset-submit",
        form,
    }
}

async fn reset_form(State(st): State<AppState>, ctx: Ctx, Query(q): Query<TokenQuery>) -> Result<Response, PageError> {
    let token = q.token.unwrap_or_default();
    if !st.svc.reset_token_valid(&token).await? {
        return Err(PageError::Status(StatusCode::BAD_REQUEST, "verify-bad-code"));
    }
    Ok(reset_page(&ctx, token, FormState::default()).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetForm {
    token: String,
    password: String,
}

async fn reset(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<ResetForm>,
) -> Result<Response, PageError> {
    let i18n = ctx.i18n();
    match NewPassword::parse(&f.password, &[]) {
        Ok(p) => {
            st.svc.reset_password(&f.token, p, &ctx.client).await?;
            Ok(message(
                &ctx,
                "reset-title",
                i18n.t("reset-done"),
                Some(("/login", "nav-login")),
            ))
        }
        Err(e) => {
            let mut form = FormState::default();
            form.error(&i18n, e.field, e.code);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, reset_page(&ctx, f.token, form)).into_response())
        }
    }
}

/// Where to go after re-authenticating: a settings page, never elsewhere
/// (an attacker-chosen target would be an open redirect).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with("/settings")
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_')) =>
        {
            n
        }
        _ => "/settings",
    }
}

fn reauth_page(ctx: &Ctx, next: &str, form: FormState) -> SingleFormPage {
    SingleFormPage {
        page: Page::new(ctx, "reauth-title"),
        lead: Some(ctx.i18n().t("reauth-lead")),
        action: "/reauth",
        hidden: vec![("next", next.to_owned())],
        fields: vec![InputField {
            name: "password",
            label_key: "field-password",
            kind: "password",
            autocomplete: "current-password",
        }],
        submit_key: "reauth-submit",
        form,
    }
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn reauth_form(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<SingleFormPage, PageError> {
    signed_in(&ctx)?;
    Ok(reauth_page(&ctx, safe_next(q.next.as_deref()), FormState::default()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReauthForm {
    password: String,
    next: Option<String>,
}

async fn reauth(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<ReauthForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let next = safe_next(f.next.as_deref());
    match st.svc.reauthenticate(p, &f.password).await {
        Ok(()) => Ok(Redirect::to(next).into_response()),
        Err(Error::BadCredentials | Error::Throttled { .. }) => {
            let mut form = FormState::default();
            form.error(&ctx.i18n(), "password", "wrong-password");
            Ok((StatusCode::UNAUTHORIZED, reauth_page(&ctx, next, form)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
