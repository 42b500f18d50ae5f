//! API handlers: parse into domain values, call a service, answer JSON.

use super::{ApiJson, principal};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::Problem;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use koine_domain::Invalid;
use koine_domain::age::parse_birth_date;
use koine_domain::contact::{Email, Identifier, Phone};
use koine_domain::password::NewPassword;
use koine_domain::profile::{
    Cefr, Country, DisplayName, Gender, Language, LanguageSkill, TimeZoneName, UiLocale, Viewer, Visibility, parse_bio,
    parse_location,
};
use koine_services::accounts::SignUp;
use koine_services::profiles::ProfileUpdate;
use koine_services::teaching::search::SearchForm;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

type ApiResult = Result<Response, Problem>;

fn invalid(e: Invalid) -> Problem {
    koine_services::Error::Invalid(e).into()
}

fn accepted() -> Response {
    (StatusCode::ACCEPTED, Json(json!({ "status": "accepted" }))).into_response()
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

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
    /// IANA time zone, e.g. `Asia/Tokyo`.
    #[schema(schema_with = super::shapes::time_zone_or_null)]
    time_zone: Option<String>,
    /// Consent to news and offers by email (ignored for minors).
    marketing_email: Option<bool>,
}

/// Sign up. The answer is the same whether or not the identifier already has an account.
#[utoipa::path(post, path = "/api/v1/signup", request_body = SignupBody, tag = "accounts",
    responses((status = 202, description = "Accepted; a verification message was sent if possible"),
              (status = 403, description = "Below the minimum age; nothing stored", body = Problem),
              (status = 422, description = "Invalid input", body = Problem)))]
pub async fn signup(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<SignupBody>) -> ApiResult {
    let opt = |s: &Option<String>| s.as_deref().filter(|v| !v.trim().is_empty()).map(str::to_owned);
    let email = opt(&b.email).map(|e| Email::parse(&e)).transpose().map_err(invalid)?;
    let phone = opt(&b.phone).map(|p| Phone::parse(&p)).transpose().map_err(invalid)?;
    let birth_date = parse_birth_date(&b.birth_date, st.svc.clock.today_utc()).map_err(invalid)?;
    let display_name = DisplayName::parse(&b.display_name).map_err(invalid)?;
    let context = [b.email.as_deref().unwrap_or(""), b.display_name.as_str()];
    let password = NewPassword::parse(&b.password, &context).map_err(invalid)?;
    let locale = b
        .locale
        .as_deref()
        .map(UiLocale::parse)
        .transpose()
        .map_err(invalid)?
        .unwrap_or(ctx.locale);
    let time_zone = b
        .time_zone
        .as_deref()
        .map(TimeZoneName::parse)
        .transpose()
        .map_err(invalid)?;
    let input = SignUp {
        email,
        phone,
        password,
        birth_date,
        display_name,
        locale,
        time_zone: time_zone.map_or_else(|| "UTC".into(), |t| t.as_str().to_owned()),
        marketing_email: b.marketing_email.unwrap_or(false),
    };
    st.svc.sign_up(input, ctx.ip()).await?;
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

/// The caller's security log (newest first, kept 90 days).
#[utoipa::path(get, path = "/api/v1/me/security-events", tag = "sessions", security(("bearer" = [])),
    responses((status = 200, body = Vec<SecurityEventInfo>), (status = 401, body = Problem)))]
pub async fn security_events(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    let list: Vec<SecurityEventInfo> = st
        .svc
        .security_events(p.account_id)
        .await?
        .into_iter()
        .map(|e| SecurityEventInfo {
            kind: e.kind,
            created_at: e.created_at,
            user_agent: e.user_agent,
            ip: e.ip.or(e.ip_network),
        })
        .collect();
    Ok(Json(list).into_response())
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
pub struct LanguageBody {
    #[schema(schema_with = super::shapes::language)]
    language: String,
    /// `A1`…`C2` or `native`.
    #[schema(schema_with = super::shapes::level)]
    level: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    #[schema(schema_with = super::shapes::display_name)]
    display_name: String,
    #[schema(schema_with = super::shapes::bio_or_null)]
    bio: Option<String>,
    #[schema(schema_with = super::shapes::country_or_null)]
    country: Option<String>,
    #[schema(schema_with = super::shapes::time_zone)]
    time_zone: String,
    #[schema(schema_with = super::shapes::ui_locale)]
    ui_locale: String,
    #[serde(default)]
    #[schema(schema_with = super::shapes::languages)]
    languages: Vec<LanguageBody>,
    /// `public`, `members` or `private`.
    #[schema(schema_with = super::shapes::visibility)]
    birth_date_visibility: String,
    #[schema(schema_with = super::shapes::gender_or_null)]
    gender: Option<String>,
    #[schema(schema_with = super::shapes::visibility)]
    gender_visibility: String,
    #[schema(schema_with = super::shapes::location_or_null)]
    location: Option<String>,
    #[schema(schema_with = super::shapes::visibility)]
    location_visibility: String,
    /// Who sees the photo: `public`, `members` or `private`; absent keeps
    /// the current choice.
    #[schema(schema_with = super::shapes::visibility_or_null)]
    avatar_visibility: Option<String>,
}

/// Replace the caller's profile.
#[utoipa::path(put, path = "/api/v1/me/profile", request_body = ProfileBody, tag = "profile", security(("bearer" = [])),
    responses((status = 204), (status = 422, body = Problem)))]
pub async fn update_profile(State(st): State<AppState>, ctx: Ctx, ApiJson(b): ApiJson<ProfileBody>) -> ApiResult {
    let p = principal(&ctx)?;
    let nonempty = |s: &Option<String>| s.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let languages = b
        .languages
        .iter()
        .map(|l| {
            Ok(LanguageSkill {
                language: Language::parse(&l.language)?,
                level: Cefr::parse(&l.level)?,
            })
        })
        .collect::<Result<Vec<_>, Invalid>>()
        .map_err(invalid)?;
    let update = ProfileUpdate {
        display_name: DisplayName::parse(&b.display_name).map_err(invalid)?,
        bio: parse_bio(b.bio.as_deref().unwrap_or("")).map_err(invalid)?,
        country: nonempty(&b.country)
            .map(|c| Country::parse(&c))
            .transpose()
            .map_err(invalid)?,
        time_zone: TimeZoneName::parse(&b.time_zone).map_err(invalid)?,
        ui_locale: UiLocale::parse(&b.ui_locale).map_err(invalid)?,
        languages,
        birth_date_visibility: Visibility::parse(&b.birth_date_visibility).map_err(invalid)?,
        gender: nonempty(&b.gender)
            .map(|g| Gender::parse(&g))
            .transpose()
            .map_err(invalid)?,
        gender_visibility: Visibility::parse(&b.gender_visibility).map_err(invalid)?,
        location: parse_location(b.location.as_deref().unwrap_or("")).map_err(invalid)?,
        location_visibility: Visibility::parse(&b.location_visibility).map_err(invalid)?,
        avatar_visibility: b
            .avatar_visibility
            .as_deref()
            .map(Visibility::parse)
            .transpose()
            .map_err(invalid)?,
    };
    st.svc.update_profile(p.account_id, update).await?;
    Ok(no_content())
}

/// Upload a profile picture (the raw image bytes as the body).
#[utoipa::path(put, path = "/api/v1/me/avatar", tag = "profile", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "image/*", description = "An image the decoder reads (PNG, JPEG, GIF or WebP)."),
    responses((status = 200, description = "Stored; returns the picture's URL"), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn upload_avatar(State(st): State<AppState>, ctx: Ctx, body: Bytes) -> ApiResult {
    let p = principal(&ctx)?;
    if body.len() > koine_services::avatars::MAX_BYTES {
        return Err(invalid(Invalid::new("avatar", "file-too-large")).with_status(StatusCode::PAYLOAD_TOO_LARGE));
    }
    let id = st.svc.set_avatar(p.account_id, &body).await?;
    Ok(Json(json!({ "avatar_url": format!("/avatars/{id}.png") })).into_response())
}

/// Remove the profile picture.
#[utoipa::path(delete, path = "/api/v1/me/avatar", tag = "profile", security(("bearer" = [])), responses((status = 204)))]
pub async fn delete_avatar(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    st.svc.remove_avatar(principal(&ctx)?.account_id).await?;
    Ok(no_content())
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

/// A member's profile as the caller may see it (anonymous, member or owner).
#[utoipa::path(get, path = "/api/v1/profiles/{id}", tag = "profile", params(("id" = Uuid, Path)),
    responses((status = 200, description = "Profile; hidden fields are null"), (status = 404, body = Problem)))]
pub async fn profile(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> ApiResult {
    let viewer = match &ctx.principal {
        Some(p) if p.account_id == id => Viewer::Owner,
        Some(_) => Viewer::Member,
        None => Viewer::Anonymous,
    };
    Ok(Json(st.svc.view_profile(id, viewer).await?).into_response())
}

/// A teacher search as the API takes it: every filter optional.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TeacherSearchParams {
    /// Language code taught, e.g. `es`.
    #[param(schema_with = super::shapes::any_language)]
    language: Option<String>,
    /// Lowest lesson price, e.g. `10.00`.
    #[param(schema_with = super::shapes::price)]
    min_price: Option<String>,
    /// Highest lesson price; not below `min_price`.
    #[param(schema_with = super::shapes::price)]
    max_price: Option<String>,
    /// Native speakers only.
    #[param(schema_with = super::shapes::flag)]
    native: Option<String>,
    #[param(schema_with = super::shapes::tier)]
    tier: Option<String>,
    /// ISO 3166 code the teacher shows publicly.
    #[param(schema_with = super::shapes::any_country)]
    country: Option<String>,
    /// e.g. `4.5`.
    #[param(schema_with = super::shapes::min_rating)]
    min_rating: Option<String>,
    /// Weekdays 1 (Monday) … 7, comma-separated.
    #[param(schema_with = super::shapes::weekdays)]
    days: Option<String>,
    /// Quarter hour `HH:MM` in `tz`; needs `to`.
    #[param(schema_with = super::shapes::quarter_hour)]
    from: Option<String>,
    /// Quarter hour `HH:MM` in `tz`, not `from`; earlier than `from`: past midnight.
    #[param(schema_with = super::shapes::quarter_hour)]
    to: Option<String>,
    /// IANA time zone of the window.
    #[param(schema_with = super::shapes::any_time_zone)]
    tz: Option<String>,
    /// Words in the name, headline or introduction.
    #[param(schema_with = super::shapes::search_words)]
    q: Option<String>,
    #[param(schema_with = super::shapes::sort)]
    sort: Option<String>,
    #[param(schema_with = super::shapes::result_page)]
    page: Option<usize>,
}

impl From<TeacherSearchParams> for SearchForm {
    fn from(p: TeacherSearchParams) -> Self {
        Self {
            language: p.language.unwrap_or_default(),
            min_price: p.min_price.unwrap_or_default(),
            max_price: p.max_price.unwrap_or_default(),
            native: p.native,
            tier: p.tier.unwrap_or_default(),
            country: p.country.unwrap_or_default(),
            min_rating: p.min_rating.unwrap_or_default(),
            days: p.days.unwrap_or_default(),
            from: p.from.unwrap_or_default(),
            to: p.to.unwrap_or_default(),
            tz: p.tz.unwrap_or_default(),
            q: p.q.unwrap_or_default(),
            sort: p.sort.unwrap_or_default(),
            page: p.page,
        }
    }
}

/// Find teachers: availability windows read in `tz` (the caller's own time
/// zone, else UTC); 20 a page, `more` says whether another page follows.
#[utoipa::path(get, path = "/api/v1/teachers", tag = "teachers", params(TeacherSearchParams),
    responses((status = 200, description = "A page of teachers"), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn teachers(State(st): State<AppState>, ctx: Ctx, Query(f): Query<TeacherSearchParams>) -> ApiResult {
    let zone = match &ctx.principal {
        Some(p) => st.svc.own_profile(p.account_id).await?.view.time_zone,
        None => "UTC".to_owned(),
    };
    let q = st.svc.parse_search(&f.into(), &zone).map_err(invalid)?;
    Ok(Json(st.svc.search_teachers(&q)).into_response())
}

/// A teacher's homepage as the caller may see it, with their lessons.
#[utoipa::path(get, path = "/api/v1/teachers/{id}", tag = "teachers", params(("id" = Uuid, Path)),
    responses((status = 200, description = "Homepage; hidden fields are null"), (status = 404, body = Problem)))]
pub async fn teacher(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> ApiResult {
    let homepage = st.svc.homepage(ctx.principal.as_ref(), id).await?;
    let own = ctx.principal.as_ref().is_some_and(|p| p.account_id == id);
    let offerings = st.svc.offerings(id, own).await?;
    Ok(Json(json!({ "homepage": homepage, "offerings": offerings })).into_response())
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SlotParams {
    /// Lesson length in minutes.
    #[param(schema_with = super::shapes::duration)]
    duration: u16,
    /// How many days ahead (default 7).
    #[param(minimum = 1, maximum = 56)]
    days: Option<i64>,
}

/// Bookable slot starts (UTC instants) of a lesson with the teacher.
#[utoipa::path(get, path = "/api/v1/teachers/{id}/slots", tag = "teachers",
    params(("id" = Uuid, Path), SlotParams),
    responses((status = 200, description = "Slot starts"), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn teacher_slots(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<SlotParams>,
) -> ApiResult {
    let duration = koine_domain::teaching::parse_duration(q.duration).map_err(invalid)?;
    let days = q.days.unwrap_or(7);
    if !(1..=56).contains(&days) {
        return Err(invalid(Invalid::new("days", "out-of-range")));
    }
    // Only a homepage the caller may see has slots to show.
    st.svc.homepage(ctx.principal.as_ref(), id).await?;
    let now = st.svc.clock.now();
    let until = now + jiff::SignedDuration::from_hours(24 * days);
    let slots = st.svc.slots(id, duration, now, until).await?;
    Ok(Json(json!({ "duration": duration, "slots": slots })).into_response())
}

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

/// Staff: search members (audited).
#[utoipa::path(get, path = "/api/v1/staff/members", tag = "staff", security(("bearer" = [])), params(SearchParams),
    responses((status = 200, body = Vec<MemberLine>), (status = 403, body = Problem)))]
pub async fn staff_members(State(st): State<AppState>, ctx: Ctx, Query(q): Query<SearchParams>) -> ApiResult {
    let list = st
        .svc
        .search_members(principal(&ctx)?, q.q.as_deref().unwrap_or(""), q.page.unwrap_or(0))
        .await?;
    let lines: Vec<MemberLine> = list
        .into_iter()
        .map(|m| MemberLine {
            id: m.id,
            display_name: m.display_name,
            email: m.email,
            staff_role: m.staff_role,
            created_at: m.created_at,
        })
        .collect();
    Ok(Json(lines).into_response())
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

/// Privacy officer: the staff-access audit log.
#[utoipa::path(get, path = "/api/v1/staff/audit", tag = "staff", security(("bearer" = [])), params(SearchParams),
    responses((status = 200, body = Vec<AuditLine>), (status = 403, body = Problem)))]
pub async fn staff_audit(State(st): State<AppState>, ctx: Ctx, Query(q): Query<SearchParams>) -> ApiResult {
    let rows = st.svc.audit_log(principal(&ctx)?, None, q.page.unwrap_or(0)).await?;
    let lines: Vec<AuditLine> = rows
        .into_iter()
        .map(|r| AuditLine {
            id: r.id,
            actor_id: r.actor_id,
            subject_id: r.subject_id,
            action: r.action,
            reason: r.reason,
            created_at: r.created_at,
        })
        .collect();
    Ok(Json(lines).into_response())
}

/// The data map: every stored column, classified.
#[utoipa::path(get, path = "/api/v1/privacy/map", tag = "privacy", responses((status = 200, description = "The data map")))]
pub async fn privacy_map() -> Json<Value> {
    Json(koine_store::datamap::document())
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

/// The caller's consent per purpose (opt-in: false until given).
#[utoipa::path(get, path = "/api/v1/me/consents", tag = "privacy", security(("bearer" = [])),
    responses((status = 200, description = "Purpose → given"), (status = 401, body = Problem)))]
pub async fn consents(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let state = st.svc.consent_state(principal(&ctx)?.account_id).await?;
    let map: serde_json::Map<String, Value> = state
        .into_iter()
        .map(|(p, g)| (p.as_str().to_owned(), json!(g)))
        .collect();
    Ok(Json(map).into_response())
}

/// Purpose → `true` (give) or `false` (withdraw); purposes left out stay
/// as they are.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct ConsentChoices(std::collections::BTreeMap<String, bool>);

impl utoipa::PartialSchema for ConsentChoices {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        super::shapes::consent_choices().into()
    }
}

impl ToSchema for ConsentChoices {}

/// Give or withdraw consent for some purposes (others unchanged).
#[utoipa::path(put, path = "/api/v1/me/consents", tag = "privacy", security(("bearer" = [])),
    request_body = ConsentChoices,
    responses((status = 204), (status = 422, body = Problem)))]
pub async fn set_consents(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(ConsentChoices(b)): ApiJson<ConsentChoices>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let choices = b
        .iter()
        .map(|(k, v)| {
            koine_domain::consent::ConsentPurpose::parse(k)
                .map(|p| (p, *v))
                .ok_or(Invalid::new("purpose", "invalid-choice"))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(invalid)?;
    st.svc
        .set_consents(p.account_id, &choices, koine_domain::consent::ConsentSource::Api)
        .await?;
    st.svc.honour_signals(p.account_id, ctx.signals).await?;
    Ok(no_content())
}

/// Ask for a copy of everything Koine holds about the caller (GDPR Art. 20).
/// It is built in the background; while one is being built, asking again
/// returns that one.
#[utoipa::path(post, path = "/api/v1/me/exports", tag = "privacy", security(("bearer" = [])),
    responses((status = 202, description = "Queued; `GET /api/v1/me/exports` shows when it is ready", body = super::Created), (status = 401, body = Problem)))]
pub async fn request_export(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let id = st.svc.request_export(principal(&ctx)?).await?;
    Ok((StatusCode::ACCEPTED, Json(super::Created { id })).into_response())
}

/// The caller's exports, newest first; `ready_at` is null while building.
#[utoipa::path(get, path = "/api/v1/me/exports", tag = "privacy", security(("bearer" = [])),
    responses((status = 200, description = "Exports"), (status = 401, body = Problem)))]
pub async fn exports(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let list = st.svc.exports(principal(&ctx)?.account_id).await?;
    let out: Vec<Value> = list
        .into_iter()
        .map(|e| {
            json!({
                "id": e.id, "requested_at": e.requested_at, "ready_at": e.ready_at,
                "expires_at": e.expires_at, "size_bytes": e.size_bytes, "downloaded_at": e.downloaded_at,
            })
        })
        .collect();
    Ok(Json(out).into_response())
}

/// Download a ready export as a ZIP (needs a recent password entry; see
/// `/api/v1/session/reauth`). Gone after 7 days.
#[utoipa::path(get, path = "/api/v1/me/exports/{id}/archive", tag = "privacy", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "application/zip"), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn export_archive(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> ApiResult {
    let zip = st.svc.download_export(principal(&ctx)?, id).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/zip"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        zip,
    )
        .into_response())
}

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
