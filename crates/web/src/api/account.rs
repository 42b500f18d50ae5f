//! Accounts: signing up and confirming, sessions, passwords, contact details, deletion and corrections (the pages: `html/account.rs`).

use super::{ApiJson, ApiResult, accepted, invalid, no_content, principal};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::Problem;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use koine_domain::contact::{Email, Identifier, Phone};
use koine_domain::password::NewPassword;
use koine_domain::profile::UiLocale;
use koine_services::accounts::{SignUp, SignUpInput};
use koine_store::repo::security_events::SecurityEventRow;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupBody {
    /// Email address; this or `phone` is required.
    #[schema(schema_with = super::shapes::email_or_null)]
    email: Option<String>,
    /// Mobile number in E.164 form, e.g. `+34612345678`.
    #[schema(schema_with = super::shapes::phone_or_null)]
    phone: Option<String>,
    #[schema(schema_with = super::shapes::new_password)]
    password: String,
    /// `YYYY-MM-DD`.
    #[schema(schema_with = super::shapes::birth_date)]
    birth_date: String,
    #[schema(schema_with = super::shapes::display_name)]
    display_name: String,
    /// Interface language: `en`, `ja`, `zh-CN` or `es`.
    #[schema(schema_with = super::shapes::ui_locale_or_null)]
    locale: Option<String>,
    /// IANA time zone, e.g. `Asia/Tokyo`; by default a first guess from
    /// the language.
    #[schema(schema_with = super::shapes::time_zone_or_null)]
    time_zone: Option<String>,
    /// Consent to news and offers by email (ignored for minors).
    marketing_email: Option<bool>,
}

/// Sign up. The answer is the same whether or not the identifier already has an account.
#[utoipa::path(post, path = "/api/v1/signup", request_body = SignupBody, tag = "accounts",
    responses((status = 202, description = "Accepted; a verification message was sent if possible"),
              (status = 403, description = "Below the minimum age; nothing stored", body = Problem),
              (status = 422, description = "Invalid input: `errors` lists every field refused", body = Problem)))]
pub async fn signup(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<SignupBody>) -> ApiResult {
    let locale = b
        .locale
        .as_deref()
        .map(UiLocale::parse)
        .transpose()
        .map_err(invalid)?
        .unwrap_or(ctx.locale);
    let input = SignUpInput {
        display_name: b.display_name,
        email: b.email.unwrap_or_default(),
        phone: b.phone.unwrap_or_default(),
        password: b.password,
        birth_date: b.birth_date,
        time_zone: b.time_zone.unwrap_or_default(),
        locale,
        marketing_email: b.marketing_email.unwrap_or(false),
    };
    let sign_up = SignUp::parse(&input, st.svc.clock.today_utc()).map_err(|errors| Problem::invalid_fields(&errors))?;
    st.svc.sign_up(sign_up, ctx.ip()).await?;
    Ok(accepted())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    #[schema(schema_with = super::shapes::visible)]
    token: String,
}

/// Confirm an email address with the token from the link.
#[utoipa::path(post, path = "/api/v1/verify/email", request_body = TokenBody, tag = "accounts",
    responses((status = 204, description = "Confirmed"), (status = 400, description = "Invalid or expired", body = Problem)))]
pub async fn verify_email(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<TokenBody>) -> ApiResult {
    st.svc.verify_email(b.token.trim(), &ctx.client).await?;
    Ok(no_content())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneCodeBody {
    #[schema(schema_with = super::shapes::phone)]
    phone: String,
    #[schema(schema_with = super::shapes::visible)]
    code: String,
}

/// Confirm a phone number with the texted code.
#[utoipa::path(post, path = "/api/v1/verify/phone", request_body = PhoneCodeBody, tag = "accounts",
    responses((status = 204, description = "Confirmed"), (status = 400, description = "Invalid or expired", body = Problem)))]
pub async fn verify_phone(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<PhoneCodeBody>) -> ApiResult {
    let phone = Phone::parse(&b.phone).map_err(invalid)?;
    st.svc.verify_phone(None, Some(&phone), &b.code, &ctx.client).await?;
    Ok(no_content())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    /// Email address or E.164 phone number.
    #[schema(schema_with = super::shapes::identifier)]
    identifier: String,
    #[schema(schema_with = super::shapes::password)]
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionCreated {
    /// Bearer token; shown once.
    token: String,
    session_id: Uuid,
}

/// Log in; returns a bearer token.
#[utoipa::path(post, path = "/api/v1/sessions", request_body = LoginBody, tag = "sessions",
    responses((status = 201, body = SessionCreated, links(
                  ("end" = (operation_id = "end_session", parameters(("id" = "$response.body#/session_id")))))), (status = 401, description = "Wrong identifier or password", body = Problem),
              (status = 429, description = "Throttled", body = Problem)))]
pub async fn login(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<LoginBody>) -> ApiResult {
    let identifier = Identifier::parse(&b.identifier).map_err(invalid)?;
    let s = st.svc.log_in(&identifier, &b.password, &ctx.client).await?;
    Ok((
        StatusCode::CREATED,
        Json(SessionCreated {
            token: s.token,
            session_id: s.principal.session_id,
        }),
    )
        .into_response())
}

/// Log out (end this token's session).
#[utoipa::path(delete, path = "/api/v1/session", tag = "sessions", security(("bearer" = [])),
    responses((status = 204, description = "Ended"), (status = 401, body = Problem)))]
pub async fn logout(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    st.svc.log_out(principal(&ctx)?).await?;
    Ok(no_content())
}

#[derive(Serialize, ToSchema)]
pub struct SessionInfo {
    id: Uuid,
    created_at: i64,
    last_seen_at: i64,
    user_agent: Option<String>,
    /// The full address for 7 days after sign-in, then only its network
    /// (e.g. `203.0.113.0/24`).
    ip: Option<String>,
    current: bool,
}

/// The caller's active sessions.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "sessions", security(("bearer" = [])),
    responses((status = 200, body = Vec<SessionInfo>), (status = 401, body = Problem)))]
pub async fn sessions(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    let list: Vec<SessionInfo> = st
        .svc
        .list_sessions(p)
        .await?
        .into_iter()
        .map(|s| SessionInfo {
            id: s.id,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            user_agent: s.user_agent,
            ip: s.ip.or(s.ip_network),
            current: s.id == p.session_id,
        })
        .collect();
    Ok(Json(list).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct SecurityEventInfo {
    /// `signed_in`, `sign_in_failed`, `reauth_failed`, `password_changed`,
    /// `password_reset`, `email_confirmed` or `phone_confirmed`.
    kind: String,
    created_at: i64,
    user_agent: Option<String>,
    /// The full address for 7 days, then only its network.
    ip: Option<String>,
}

impl From<SecurityEventRow> for SecurityEventInfo {
    fn from(e: SecurityEventRow) -> Self {
        Self {
            kind: e.kind,
            created_at: e.created_at,
            user_agent: e.user_agent,
            ip: e.ip.or(e.ip_network),
        }
    }
}

/// The caller's security log (newest first, kept 90 days).
#[utoipa::path(get, path = "/api/v1/me/security-events", tag = "sessions", security(("bearer" = [])),
    responses((status = 200, body = Vec<SecurityEventInfo>), (status = 401, body = Problem)))]
pub async fn security_events(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    let list = st.svc.security_events(p.account_id).await?;
    Ok(Json(super::all::<_, SecurityEventInfo>(list)).into_response())
}

/// End one of the caller's sessions.
#[utoipa::path(delete, path = "/api/v1/sessions/{id}", tag = "sessions", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = Problem)))]
pub async fn end_session(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> ApiResult {
    st.svc.end_session(principal(&ctx)?, id).await?;
    Ok(no_content())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    #[schema(schema_with = super::shapes::password)]
    password: String,
}

/// Enter the password again before a sensitive action.
#[utoipa::path(post, path = "/api/v1/session/reauth", request_body = PasswordBody, tag = "sessions", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = Problem)))]
pub async fn reauth(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<PasswordBody>) -> ApiResult {
    st.svc.reauthenticate(principal(&ctx)?, &b.password).await?;
    Ok(no_content())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailBody {
    #[schema(schema_with = super::shapes::email)]
    email: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentifierBody {
    /// Email address (a link is sent) or E.164 phone number (a code is texted).
    #[schema(schema_with = super::shapes::identifier)]
    identifier: String,
}

/// Ask for a password reset: a link by email, or a code by text message. The
/// answer never says whether the identifier is known.
#[utoipa::path(post, path = "/api/v1/password/forgot", request_body = IdentifierBody, tag = "accounts",
    responses((status = 202), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn forgot(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<IdentifierBody>) -> ApiResult {
    let identifier = Identifier::parse(&b.identifier).map_err(invalid)?;
    st.svc.request_password_reset(&identifier, ctx.locale, ctx.ip()).await?;
    Ok(accepted())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetCodeBody {
    #[schema(schema_with = super::shapes::phone)]
    phone: String,
    #[schema(schema_with = super::shapes::visible)]
    code: String,
    #[schema(schema_with = super::shapes::new_password)]
    password: String,
}

/// Set a new password with the code texted to the account's number; every session ends.
#[utoipa::path(post, path = "/api/v1/password/reset/code", request_body = ResetCodeBody, tag = "accounts",
    responses((status = 204), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn reset_with_code(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<ResetCodeBody>) -> ApiResult {
    let phone = Phone::parse(&b.phone).map_err(invalid)?;
    let new = NewPassword::parse(&b.password, &[]).map_err(invalid)?;
    st.svc
        .reset_password_with_code(&phone, &b.code, new, &ctx.client)
        .await?;
    Ok(no_content())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetBody {
    #[schema(schema_with = super::shapes::visible)]
    token: String,
    #[schema(schema_with = super::shapes::new_password)]
    password: String,
}

/// Set a new password from a reset link; every session ends.
#[utoipa::path(post, path = "/api/v1/password/reset", request_body = ResetBody, tag = "accounts",
    responses((status = 204), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn reset(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<ResetBody>) -> ApiResult {
    let p = NewPassword::parse(&b.password, &[]).map_err(invalid)?;
    st.svc.reset_password(&b.token, p, &ctx.client).await?;
    Ok(no_content())
}

/// The caller's account and full profile.
#[utoipa::path(get, path = "/api/v1/me", tag = "profile", security(("bearer" = [])),
    responses((status = 200, description = "Account and profile"), (status = 401, body = Problem)))]
pub async fn me(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    let contact = st.svc.contact_details(p.account_id).await?;
    let profile = st.svc.own_profile(p.account_id).await?;
    Ok(Json(json!({ "account": contact, "profile": profile })).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordBody {
    #[schema(schema_with = super::shapes::password)]
    current_password: String,
    #[schema(schema_with = super::shapes::new_password)]
    new_password: String,
    #[serde(default)]
    end_other_sessions: bool,
}

/// Change the password (needs a recent password entry).
#[utoipa::path(put, path = "/api/v1/me/password", request_body = ChangePasswordBody, tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 401, description = "Re-authentication required", body = Problem), (status = 422, body = Problem)))]
pub async fn change_password(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<ChangePasswordBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let new = NewPassword::parse(&b.new_password, &[p.display_name.as_str()]).map_err(invalid)?;
    st.svc
        .change_password(p, &b.current_password, new, b.end_other_sessions)
        .await?;
    Ok(no_content())
}

/// Start changing the email address (needs a recent password entry).
#[utoipa::path(post, path = "/api/v1/me/email", request_body = EmailBody, tag = "accounts", security(("bearer" = [])),
    responses((status = 202), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn change_email(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<EmailBody>) -> ApiResult {
    // Who asks is checked before what they sent.
    let p = principal(&ctx)?;
    let email = Email::parse(&b.email).map_err(invalid)?;
    st.svc.change_email(p, &email).await?;
    Ok(accepted())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneBody {
    #[schema(schema_with = super::shapes::phone)]
    phone: String,
}

/// Start changing the phone number (needs a recent password entry).
#[utoipa::path(post, path = "/api/v1/me/phone", request_body = PhoneBody, tag = "accounts", security(("bearer" = [])),
    responses((status = 202), (status = 401, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn change_phone(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<PhoneBody>) -> ApiResult {
    let p = principal(&ctx)?;
    let phone = Phone::parse(&b.phone).map_err(invalid)?;
    st.svc.change_phone(p, &phone).await?;
    Ok(accepted())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    #[schema(schema_with = super::shapes::visible)]
    code: String,
}

/// Confirm a new phone number with the texted code.
#[utoipa::path(post, path = "/api/v1/me/phone/verify", request_body = CodeBody, tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 400, body = Problem)))]
pub async fn verify_new_phone(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<CodeBody>) -> ApiResult {
    let p = principal(&ctx)?;
    st.svc
        .verify_phone(Some(p.account_id), None, &b.code, &ctx.client)
        .await?;
    Ok(no_content())
}

/// Delete the caller's account, erasing their data as the data map says
/// (needs a recent password entry). Irreversible.
#[utoipa::path(delete, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 204, description = "Erased"), (status = 401, description = "Re-authentication required", body = Problem)))]
pub async fn delete_me(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    st.svc.delete_account(principal(&ctx)?).await?;
    Ok(no_content())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionBody {
    /// A field the caller cannot change themselves: `birth_date`.
    #[schema(schema_with = super::shapes::correctable_field)]
    field: String,
    /// The corrected value (`YYYY-MM-DD` for a date of birth).
    #[schema(schema_with = super::shapes::correction_value)]
    value: String,
    /// Anything staff should know (optional).
    #[serde(default)]
    #[schema(schema_with = super::shapes::correction_note)]
    note: String,
}

/// Ask for a correction of a field the caller cannot change themselves
/// (GDPR Art. 16). The privacy officer answers by email within a month.
#[utoipa::path(post, path = "/api/v1/me/corrections", request_body = CorrectionBody, tag = "privacy",
    security(("bearer" = [])), responses((status = 202), (status = 422, body = Problem)))]
pub async fn request_correction(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<CorrectionBody>,
) -> ApiResult {
    st.svc
        .request_correction(principal(&ctx)?, &b.field, &b.value, &b.note)
        .await?;
    Ok(StatusCode::ACCEPTED.into_response())
}
