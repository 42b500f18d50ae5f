//! Finding teachers, their homepages and free times (the pages: `html/teachers.rs`).

use super::{ApiResult, invalid};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::Problem;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use koine_domain::Invalid;
use koine_services::teaching::search::SearchForm;
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

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

/// Bookable starts of a lesson of `duration` minutes.
#[derive(serde::Serialize, ToSchema)]
pub struct Slots {
    duration: u16,
    /// UTC instants (RFC 3339), earliest first.
    #[schema(value_type = Vec<String>, format = DateTime)]
    slots: Vec<jiff::Timestamp>,
}

/// Bookable slot starts (UTC instants) of a lesson with the teacher.
#[utoipa::path(get, path = "/api/v1/teachers/{id}/slots", tag = "teachers",
    params(("id" = Uuid, Path), SlotParams),
    responses((status = 200, description = "Slot starts", body = Slots), (status = 404, body = Problem), (status = 422, body = Problem)))]
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
    Ok(Json(Slots { duration, slots }).into_response())
}
