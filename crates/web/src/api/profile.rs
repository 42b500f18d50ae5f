//! Profiles and the privacy choices beside them (the pages: `html/profile.rs`).

use super::{ApiJson, ApiResult, invalid, no_content, principal};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::Problem;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use koine_domain::Invalid;
use koine_domain::consent::{ConsentPurpose, ConsentSource};
use koine_domain::profile::Viewer;
use koine_services::profiles::{ProfileInput, ProfileUpdate};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

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
    let input = ProfileInput {
        display_name: b.display_name,
        bio: b.bio.unwrap_or_default(),
        country: b.country.unwrap_or_default(),
        time_zone: b.time_zone,
        ui_locale: b.ui_locale,
        languages: b.languages.into_iter().map(|l| (l.language, l.level)).collect(),
        birth_date_visibility: b.birth_date_visibility,
        gender: b.gender.unwrap_or_default(),
        gender_visibility: b.gender_visibility,
        location: b.location.unwrap_or_default(),
        location_visibility: b.location_visibility,
        avatar_visibility: b.avatar_visibility,
    };
    let update = ProfileUpdate::parse(&input).map_err(|errors| Problem::invalid_fields(&errors))?;
    st.svc.update_profile(p.account_id, update).await?;
    Ok(no_content())
}

/// Where a stored picture is served.
#[derive(serde::Serialize, ToSchema)]
pub struct AvatarAnswer {
    avatar_url: String,
}

/// Upload a profile picture (the raw image bytes as the body).
#[utoipa::path(put, path = "/api/v1/me/avatar", tag = "profile", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "image/*", description = "An image the decoder reads (PNG, JPEG, GIF or WebP)."),
    responses((status = 200, description = "Stored; returns the picture's URL", body = AvatarAnswer), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn upload_avatar(State(st): State<AppState>, ctx: Ctx, body: Bytes) -> ApiResult {
    let p = principal(&ctx)?;
    if body.len() > koine_services::avatars::MAX_BYTES {
        return Err(invalid(Invalid::new("avatar", "file-too-large")).with_status(StatusCode::PAYLOAD_TOO_LARGE));
    }
    let id = st.svc.set_avatar(p.account_id, &body).await?;
    Ok(Json(AvatarAnswer {
        avatar_url: format!("/avatars/{id}.png"),
    })
    .into_response())
}

/// Remove the profile picture.
#[utoipa::path(delete, path = "/api/v1/me/avatar", tag = "profile", security(("bearer" = [])), responses((status = 204)))]
pub async fn delete_avatar(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    st.svc.remove_avatar(principal(&ctx)?.account_id).await?;
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
    let choices = ConsentPurpose::parse_choices(b.iter().map(|(k, v)| (k.as_str(), *v)))
        .map_err(|errors| Problem::invalid_fields(&errors))?;
    // A purpose a browser signal covers is not granted from that browser, as
    // on the settings page.
    st.svc
        .set_consents(p.account_id, &ctx.signals.apply(&choices), ConsentSource::Api)
        .await?;
    Ok(no_content())
}
