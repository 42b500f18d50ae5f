//! Finding a teacher (`/teachers`) and a teacher's homepage, with prices in
//! the platform currency and times in the viewer's own time zone.

use super::templates::{FormState, Page};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::tz::TimeZone;
use koine_domain::search::Sort;
use koine_domain::teaching::{OfferingStatus, Tier, format_amount};
use koine_services::Error;
use koine_services::teaching::search::{Hit, SearchForm};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/teachers", get(search))
        .route("/teachers/{id}", get(homepage))
}

/// The viewer's time zone: their profile's, else UTC.
pub(super) async fn viewer_zone(st: &AppState, ctx: &Ctx) -> String {
    match &ctx.principal {
        Some(p) => st
            .svc
            .own_profile(p.account_id)
            .await
            .map(|o| o.view.time_zone)
            .unwrap_or_else(|_| "UTC".into()),
        None => "UTC".into(),
    }
}

/// The search form from the query string (`day` repeats); unknown fields
/// are refused.
fn form_of(raw: &str) -> Result<(SearchForm, Vec<u8>, FormState), PageError> {
    let mut f = SearchForm::default();
    let mut days = Vec::new();
    let mut state = FormState::default();
    for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
        let v = v.into_owned();
        match k.as_ref() {
            "language" => f.language = v.clone(),
            "min_price" => f.min_price = v.clone(),
            "max_price" => f.max_price = v.clone(),
            "native" => f.native = Some(v.clone()),
            "tier" => f.tier = v.clone(),
            "country" => f.country = v.clone(),
            "min_rating" => f.min_rating = v.clone(),
            "day" => {
                days.push(
                    v.parse()
                        .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error-invalid-choice"))?,
                );
                continue;
            }
            "from" => f.from = v.clone(),
            "to" => f.to = v.clone(),
            "tz" => f.tz = v.clone(),
            "q" => f.q = v.clone(),
            "sort" => f.sort = v.clone(),
            "page" => {
                f.page = Some(
                    v.parse()
                        .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error-invalid-choice"))?,
                );
                continue;
            }
            _ => return Err(PageError::Status(StatusCode::BAD_REQUEST, "error-unknown-field")),
        }
        state.values.insert(k.into_owned(), v);
    }
    f.days = days.iter().map(u8::to_string).collect::<Vec<_>>().join(",");
    Ok((f, days, state))
}

fn rating_text(r: Option<(i64, i64)>) -> Option<String> {
    r.map(|(avg, n)| format!("{}.{} ({n})", avg / 100, (avg % 100) / 10))
}

fn languages_text(i18n: &crate::i18n::I18n, langs: impl Iterator<Item = (String, bool)>) -> String {
    langs
        .map(|(l, native)| {
            let name = i18n.language(&l);
            if native {
                format!("{name} ({})", i18n.t("level-native"))
            } else {
                name
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A search result, ready to show in the learner's language and zone.
pub struct HitLine {
    pub id: Uuid,
    pub display_name: String,
    pub avatar_url: Option<String>,
    pub professional: bool,
    pub country: Option<String>,
    pub headline: Option<String>,
    pub languages: String,
    pub price: String,
    pub trial_price: Option<String>,
    pub rating: Option<String>,
    pub next_slot: Option<String>,
}

pub(super) fn hit_line(i18n: &crate::i18n::I18n, zone: &TimeZone, h: Hit) -> HitLine {
    HitLine {
        id: h.id,
        display_name: h.display_name,
        avatar_url: h.avatar_url,
        professional: h.tier == Tier::Professional,
        country: h.country.map(|c| i18n.country(&c)),
        headline: h.headline,
        languages: languages_text(i18n, h.languages.into_iter()),
        price: format!("{} {}", format_amount(h.price_from_minor), h.currency),
        trial_price: h
            .trial_price_minor
            .map(|t| format!("{} {}", format_amount(t), h.currency)),
        rating: rating_text(h.rating),
        next_slot: h.next_slot.map(|t| i18n.date_time(&t.to_zoned(zone.clone()))),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "teachers.html")]
pub struct TeachersPage {
    pub page: Page,
    pub form: FormState,
    pub results: Vec<HitLine>,
    pub more: bool,
    pub page_no: usize,
    /// The query string without `page`, to link to the next page.
    pub query: String,
    pub languages: Vec<(&'static str, String)>,
    pub countries: Vec<(&'static str, String)>,
    pub weekdays: Vec<(u8, String)>,
    pub chosen_days: Vec<u8>,
    pub time_zone: String,
    pub time_zones: Vec<String>,
    pub sorts: Vec<(&'static str, String)>,
}

async fn search(State(st): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let i18n = ctx.i18n();
    let (form, days, mut state) = form_of(raw.as_deref().unwrap_or(""))?;
    let learner_zone = viewer_zone(&st, &ctx).await;
    let zone_name = if form.tz.trim().is_empty() {
        learner_zone.clone()
    } else {
        form.tz.clone()
    };
    let (results, more, status) = match st.svc.parse_search(&form, &learner_zone) {
        Ok(q) => {
            let r = st.svc.search_teachers(&q);
            let zone = TimeZone::get(&zone_name).unwrap_or(TimeZone::UTC);
            (
                r.hits.into_iter().map(|h| hit_line(&i18n, &zone, h)).collect(),
                r.more,
                StatusCode::OK,
            )
        }
        Err(e) => {
            state.error(&i18n, e.field, e.code);
            (Vec::new(), false, StatusCode::UNPROCESSABLE_ENTITY)
        }
    };
    let query: String = {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in state.values.iter().filter(|(k, _)| k.as_str() != "page") {
            s.append_pair(k, v);
        }
        for d in &days {
            s.append_pair("day", &d.to_string());
        }
        s.finish()
    };
    Ok((
        status,
        TeachersPage {
            page: Page::new(&ctx, "teachers-title"),
            results,
            more,
            page_no: form.page.unwrap_or(0),
            query,
            languages: super::forms::language_choices(&i18n),
            countries: super::forms::country_choices(&i18n),
            weekdays: super::forms::weekday_choices(&i18n),
            chosen_days: days,
            time_zone: zone_name,
            time_zones: super::templates::time_zone_names(),
            sorts: Sort::ALL
                .iter()
                .map(|s| (s.as_str(), i18n.t(&format!("sort-{}", s.as_str()))))
                .collect(),
            form: state,
        },
    )
        .into_response())
}

/// Days ahead shown on a homepage.
const SLOT_DAYS: i64 = 7;

/// A review on a homepage.
pub struct ReviewLine {
    pub id: uuid::Uuid,
    pub stars: String,
    pub author: String,
    pub date: String,
    pub body: Option<String>,
    pub reply: Option<String>,
}

pub struct OfferingLine {
    pub id: uuid::Uuid,
    pub language: String,
    pub levels: String,
    pub minutes: u16,
    pub price: String,
    pub paused: bool,
    /// (lessons, discount, total price).
    pub packages: Vec<(u16, u8, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "teacher.html")]
pub struct TeacherPage {
    pub page: Page,
    pub h: koine_services::teaching::homepage::Homepage,
    pub professional: bool,
    pub owner: bool,
    pub languages: String,
    pub country: Option<String>,
    pub offerings: Vec<OfferingLine>,
    pub trial_price: Option<String>,
    pub rating: Option<String>,
    /// Upcoming slots by day, in the viewer's time zone: (time, instant).
    pub days: Vec<(String, Vec<(String, String)>)>,
    pub viewer_zone: String,
    pub slot_minutes: u16,
    /// The offering the slots are for (booking links open with it).
    pub slot_offering: Option<uuid::Uuid>,
    pub reviews: Vec<ReviewLine>,
}

async fn homepage(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::from(Error::NotFound))?;
    let i18n = ctx.i18n();
    let h = st.svc.homepage(ctx.principal.as_ref(), id).await?;
    let owner = ctx.principal.as_ref().is_some_and(|p| p.account_id == id);
    let currency = st.svc.settings.currency.clone();
    let offerings = st.svc.offerings(id, owner).await?;
    let shortest = offerings
        .iter()
        .filter(|o| o.status == OfferingStatus::Active)
        .min_by_key(|o| o.duration_minutes);
    let slot_minutes = shortest.map_or(60, |o| o.duration_minutes);
    let slot_offering = shortest.map(|o| o.id);
    let zone_name = viewer_zone(&st, &ctx).await;
    let zone = TimeZone::get(&zone_name).unwrap_or(TimeZone::UTC);
    let now = st.svc.clock.now();
    let until = now + jiff::SignedDuration::from_hours(24 * SLOT_DAYS);
    let slots = if offerings.iter().any(|o| o.status == OfferingStatus::Active) {
        st.svc.slots(id, slot_minutes, now, until).await?
    } else {
        Vec::new()
    };
    let mut days: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for s in slots {
        let local = s.to_zoned(zone.clone());
        let day = i18n.long_date(local.date());
        let time = (koine_services::i18n::dates::time(&local), s.to_string());
        match days.last_mut() {
            Some((d, times)) if *d == day => times.push(time),
            _ => days.push((day, vec![time])),
        }
    }
    let reviews = st
        .svc
        .reviews_of(id)
        .await?
        .into_iter()
        .map(|r| ReviewLine {
            id: r.row.id,
            stars: "★".repeat(usize::try_from(r.row.rating).unwrap_or(0)),
            author: super::format::name_or_former(&i18n, r.author_name.as_deref().unwrap_or("")),
            date: jiff::Timestamp::from_microsecond(r.row.created_at)
                .map(|t| i18n.date(t.to_zoned(zone.clone()).date()))
                .unwrap_or_default(),
            body: r.row.body,
            reply: r.row.reply,
        })
        .collect();
    let money = |m: i64| format!("{} {currency}", format_amount(m));
    let lines = offerings
        .iter()
        .map(|o| OfferingLine {
            id: o.id,
            language: i18n.language(&o.language),
            levels: o.levels.join(", "),
            minutes: o.duration_minutes,
            price: money(o.price_minor),
            paused: o.status != OfferingStatus::Active,
            packages: o
                .packages
                .iter()
                .map(|p| (p.lessons, p.discount_percent, money(p.price_minor)))
                .collect(),
        })
        .collect();
    let languages = languages_text(
        &i18n,
        h.languages.iter().map(|(l, level)| (l.clone(), level == "native")),
    );
    Ok(TeacherPage {
        page: Page::new(&ctx, "teachers-title"),
        professional: h.tier == Tier::Professional,
        owner,
        languages,
        country: h.country.as_deref().map(|c| i18n.country(c)),
        offerings: lines,
        trial_price: h.trial_price_minor.map(money),
        rating: rating_text(h.rating),
        days,
        viewer_zone: zone_name,
        slot_minutes,
        slot_offering,
        reviews,
        h,
    }
    .into_response())
}
