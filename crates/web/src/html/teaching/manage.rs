//! The teacher's own page (`/teach/manage`): homepage, lessons offered,
//! trial price, weekly hours, days that differ and booking rules.

use super::{invalid_fields, numbered};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use crate::html::forms::LanguageRows;
use crate::html::templates::{FormState, Page};
use crate::html::{StrictForm, signed_in};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use koine_domain::profile::Cefr;
use koine_services::Error;
use koine_services::teaching::applications::MAX_TAUGHT_LANGUAGES;
use koine_services::teaching::availability::{
    BookingRules, BookingRulesInput, DayOverrideInput, DayOverrideRequest, RuleInput, parse_day, parse_weekly,
};
use koine_services::teaching::homepage::{HomepageInput, HomepageUpdate};
use koine_services::teaching::offerings::{NewOffering, OfferingInput};
use serde::Deserialize;
use uuid::Uuid;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/teach/manage", get(manage))
        .route("/teach/homepage", post(save_homepage))
        .route("/teach/offerings", post(add_offering))
        .route("/teach/offerings/{id}/status", post(offering_status))
        .route("/teach/trial", post(trial))
        .route("/teach/availability", post(weekly))
        .route("/teach/availability/override", post(add_override))
        .route("/teach/availability/override/clear", post(clear_override))
        .route("/teach/booking-rules", post(booking_rules))
}

/// Form fields of a body whose names may repeat, in order.
fn fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "teach_manage.html")]
pub struct TeachManagePage {
    pub page: Page,
    pub saved: bool,
    pub form: FormState,
    pub homepage_id: Uuid,
    pub visibilities: Vec<(&'static str, String)>,
    pub offerings: Vec<koine_services::teaching::offerings::Offering>,
    pub languages: Vec<(String, String)>,
    pub levels: Vec<(&'static str, String)>,
    pub countries: Vec<(&'static str, String)>,
    /// The languages taught, at the levels one may teach at.
    pub language_rows: LanguageRows,
    pub durations: Vec<u16>,
    pub package_sizes: Vec<u16>,
    pub currency: String,
    pub availability: koine_services::teaching::availability::Availability,
    pub weekdays: Vec<(u8, String)>,
    /// Empty rows offered for new weekly windows.
    pub new_rules: Vec<usize>,
    pub trial_price: String,
}

/// The teacher's page for their homepage, offerings and availability.
async fn manage_page(
    st: &AppState,
    ctx: &Ctx,
    form: Option<FormState>,
    saved: bool,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = signed_in(ctx)?;
    let i18n = ctx.i18n();
    let (homepage, _) = st.svc.own_homepage(p).await?;
    let taught = homepage.languages.clone();
    let form = form.unwrap_or_else(|| {
        let mut form = FormState::with_values([
            ("country", homepage.country),
            ("headline", homepage.headline),
            ("about", homepage.about),
            ("education", homepage.education),
            ("experience", homepage.experience),
            ("expertise", homepage.expertise),
            ("country_visibility", homepage.country_visibility),
            ("education_visibility", homepage.education_visibility),
            ("experience_visibility", homepage.experience_visibility),
            ("expertise_visibility", homepage.expertise_visibility),
            ("video_visibility", homepage.video_visibility),
            ("status", homepage.status),
        ]);
        for (i, (l, v)) in taught.iter().enumerate() {
            form.values.insert(format!("lang_{i}"), l.clone());
            form.values.insert(format!("level_{i}"), v.clone());
        }
        form
    });
    let h = st.svc.homepage(Some(p), p.account_id).await?;
    Ok((
        status,
        TeachManagePage {
            page: Page::new(ctx, "teach-manage"),
            saved,
            form,
            homepage_id: p.account_id,
            visibilities: koine_domain::profile::Visibility::ALL
                .iter()
                .map(|v| (v.as_str(), i18n.t(&format!("visibility-{}", v.as_str()))))
                .collect(),
            offerings: st.svc.offerings(p.account_id, true).await?,
            languages: h.languages.clone(),
            levels: crate::html::forms::level_choices(&i18n, &Cefr::ALL[..6]),
            countries: crate::html::forms::country_choices(&i18n),
            language_rows: LanguageRows::new(&i18n, MAX_TAUGHT_LANGUAGES, Cefr::TEACHABLE),
            durations: koine_domain::teaching::DURATIONS.to_vec(),
            package_sizes: koine_domain::teaching::PACKAGE_SIZES.to_vec(),
            currency: st.svc.settings.currency.clone(),
            availability: st.svc.availability(p).await?,
            weekdays: crate::html::forms::weekday_choices(&i18n),
            new_rules: (0..3).collect(),
            trial_price: h
                .trial_price_minor
                .map(koine_domain::teaching::format_amount)
                .unwrap_or_default(),
        },
    )
        .into_response())
}

async fn manage(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    manage_page(&st, &ctx, None, false, StatusCode::OK).await
}

/// The outcome of a change on the management page: the page again, saved,
/// or with every field's error and what the teacher typed (`typed`, by the
/// ids of the page's fields).
async fn managed(
    st: &AppState,
    ctx: &Ctx,
    outcome: koine_services::Result<()>,
    typed: &[(&str, &str)],
) -> Result<Response, PageError> {
    match outcome {
        Ok(()) => manage_page(st, ctx, None, true, StatusCode::OK).await,
        Err(e @ (Error::Invalid(_) | Error::InvalidFields(_))) => {
            let mut form = FormState::with_values(typed.iter().map(|(k, v)| (*k, (*v).to_owned())));
            form.invalid(&ctx.i18n(), &invalid_fields(e));
            // Keep what the teacher typed on the homepage form.
            let (h, _) = st.svc.own_homepage(signed_in(ctx)?).await?;
            form.values.extend([
                ("headline".to_owned(), h.headline),
                ("about".to_owned(), h.about),
                ("status".to_owned(), h.status),
            ]);
            manage_page(st, ctx, Some(form), false, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn save_homepage(State(st): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let mut f = HomepageInput {
        status: "active".into(),
        ..Default::default()
    };
    let given = fields(&body);
    let mut langs = vec![(String::new(), String::new()); MAX_TAUGHT_LANGUAGES];
    for (k, v) in &given {
        if let Some(i) = numbered(k, "lang_", MAX_TAUGHT_LANGUAGES) {
            langs[i].0 = v.clone();
            continue;
        }
        if let Some(i) = numbered(k, "level_", MAX_TAUGHT_LANGUAGES) {
            langs[i].1 = v.clone();
            continue;
        }
        let slot = match k.as_str() {
            "country" => &mut f.country,
            "headline" => &mut f.headline,
            "about" => &mut f.about,
            "education" => &mut f.education,
            "experience" => &mut f.experience,
            "expertise" => &mut f.expertise,
            "country_visibility" => &mut f.country_visibility,
            "education_visibility" => &mut f.education_visibility,
            "experience_visibility" => &mut f.experience_visibility,
            "expertise_visibility" => &mut f.expertise_visibility,
            "video_visibility" => &mut f.video_visibility,
            "status" => &mut f.status,
            _ => return Err(PageError::Status(StatusCode::BAD_REQUEST, "error-unknown-field")),
        };
        *slot = v.clone();
    }
    f.languages = langs.into_iter().filter(|(l, _)| !l.is_empty()).collect();
    let outcome = match HomepageUpdate::parse(&f) {
        Ok(update) => st.svc.update_homepage(p, update).await,
        Err(errors) => Err(errors.into()),
    };
    match outcome {
        Err(e @ (Error::Invalid(_) | Error::InvalidFields(_))) => {
            let mut form = FormState::with_values(given.iter().map(|(k, v)| (k.as_str(), v.clone())));
            form.invalid(&ctx.i18n(), &invalid_fields(e));
            manage_page(&st, &ctx, Some(form), false, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        other => managed(&st, &ctx, other, &[]).await,
    }
}

async fn add_offering(State(st): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let mut f = OfferingInput::default();
    for (k, v) in fields(&body) {
        match k.as_str() {
            "language" => f.language = v,
            "duration" => f.duration = v,
            "price" => f.price = v,
            "levels" => f.levels.push(v),
            n if n.starts_with("discount_") => {
                let lessons = n["discount_".len()..]
                    .parse()
                    .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error-unknown-field"))?;
                f.discounts.push((lessons, v));
            }
            _ => return Err(PageError::Status(StatusCode::BAD_REQUEST, "error-unknown-field")),
        }
    }
    let outcome = match NewOffering::parse(&f) {
        Ok(offering) => st.svc.save_offering(p, None, offering).await.map(|_| ()),
        Err(errors) => Err(errors.into()),
    };
    managed(&st, &ctx, outcome, &[]).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusForm {
    status: String,
}

async fn offering_status(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<StatusForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let status = koine_domain::teaching::OfferingStatus::parse(&f.status)
        .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error-invalid-choice"))?;
    st.svc.set_offering_status(p, id, status).await?;
    Ok(Redirect::to("/teach/manage#offerings").into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrialForm {
    trial_price: String,
}

async fn trial(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<TrialForm>,
) -> Result<Response, PageError> {
    let outcome = st.svc.set_trial_price(signed_in(&ctx)?, &f.trial_price).await;
    managed(&st, &ctx, outcome, &[("trial_price", &f.trial_price)]).await
}

async fn weekly(State(st): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let (mut days, mut starts, mut ends) = (Vec::new(), Vec::new(), Vec::new());
    for (k, v) in fields(&body) {
        match k.as_str() {
            "day" => days.push(v),
            "start" => starts.push(v),
            "end" => ends.push(v),
            _ => return Err(PageError::Status(StatusCode::BAD_REQUEST, "error-unknown-field")),
        }
    }
    if days.len() != starts.len() || days.len() != ends.len() {
        return Err(PageError::Status(StatusCode::BAD_REQUEST, "error-form-summary"));
    }
    // Rows left empty on the form are not rules.
    let rules: Vec<_> = days
        .into_iter()
        .zip(starts)
        .zip(ends)
        .filter(|((d, s), e)| !(d.is_empty() && s.is_empty() && e.is_empty()))
        .map(|((weekday, start), end)| RuleInput { weekday, start, end })
        .collect();
    let outcome = match parse_weekly(&rules) {
        Ok(rules) => st.svc.set_weekly_availability(p, &rules).await,
        Err(errors) => Err(errors.into()),
    };
    managed(&st, &ctx, outcome, &[]).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideForm {
    day: String,
    #[serde(default)]
    zone: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
}

async fn add_override(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<OverrideForm>,
) -> Result<Response, PageError> {
    let input = DayOverrideInput {
        windows: match (f.start.trim(), f.end.trim()) {
            ("", "") => vec![],
            (s, e) => vec![(s.to_owned(), e.to_owned())],
        },
        day: f.day.clone(),
        zone: f.zone.clone(),
    };
    let outcome = match DayOverrideRequest::parse(&input, st.svc.clock.today_utc()) {
        Ok(o) => st.svc.set_date_override(signed_in(&ctx)?, o).await,
        // The form's fields are named apart from the weekly ones.
        Err(mut errors) => {
            for e in &mut errors {
                e.field = match e.field {
                    "day" => "override_day",
                    "time_zone" => "override_zone",
                    _ => "override_start",
                };
            }
            Err(errors.into())
        }
    };
    let typed = [
        ("override_day", f.day.as_str()),
        ("override_zone", f.zone.as_str()),
        ("override_start", f.start.as_str()),
        ("override_end", f.end.as_str()),
    ];
    managed(&st, &ctx, outcome, &typed).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DayForm {
    day: String,
}

async fn clear_override(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<DayForm>,
) -> Result<Response, PageError> {
    let outcome = match parse_day(&f.day) {
        Ok(day) => st.svc.clear_date_override(signed_in(&ctx)?, day).await,
        Err(e) => Err(e.into()),
    };
    managed(&st, &ctx, outcome, &[]).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesForm {
    min_notice_hours: String,
    horizon_weeks: String,
    buffer_before_minutes: String,
    buffer_after_minutes: String,
}

async fn booking_rules(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<RulesForm>,
) -> Result<Response, PageError> {
    let typed = [
        ("min_notice_hours", f.min_notice_hours.as_str()),
        ("horizon_weeks", f.horizon_weeks.as_str()),
        ("buffer_before_minutes", f.buffer_before_minutes.as_str()),
        ("buffer_after_minutes", f.buffer_after_minutes.as_str()),
    ];
    let input = BookingRulesInput {
        min_notice_hours: f.min_notice_hours.clone(),
        horizon_weeks: f.horizon_weeks.clone(),
        buffer_before_minutes: f.buffer_before_minutes.clone(),
        buffer_after_minutes: f.buffer_after_minutes.clone(),
    };
    let outcome = match BookingRules::parse(&input) {
        Ok(rules) => st.svc.set_booking_rules(signed_in(&ctx)?, rules).await,
        Err(errors) => Err(errors.into()),
    };
    managed(&st, &ctx, outcome, &typed).await
}
