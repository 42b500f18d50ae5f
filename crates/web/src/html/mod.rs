//! Server-rendered pages. Every form works without JavaScript.

mod account;
mod breaches;
mod classroom;
mod conversations;
mod cookies;
mod data;
mod earnings;
mod finance;
mod format;
mod forms;
mod guardian;
mod lessons;
mod notice;
mod profile;
mod records;
mod requests;
mod rights;
mod settings;
mod staff;
mod teachers;
mod teaching;
pub mod templates;
mod wallet;

use crate::AppState;
use crate::ctx::{Ctx, LANG_COOKIE, set_cookie};
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use koine_domain::profile::UiLocale;
use koine_store::datamap;
use serde::Deserialize;
use teachers::HitLine;
use templates::{NoticeRow, Page};

const CSS: &str = include_str!("../../static/app.css");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/language", post(set_language))
        .route("/static/app.css", get(css))
        .route("/.well-known/gpc.json", get(gpc_json))
        .route("/avatars/{file}", get(avatar))
        .merge(notice::routes())
        .merge(account::routes())
        .merge(settings::routes())
        .merge(profile::routes())
        .merge(data::routes())
        .merge(cookies::routes())
        .merge(requests::routes())
        .merge(guardian::routes())
        .merge(breaches::routes())
        .merge(records::routes())
        .merge(rights::routes())
        .merge(staff::routes())
        .merge(teaching::routes())
        .merge(teachers::routes())
        .merge(lessons::routes())
        .merge(classroom::routes())
        .merge(wallet::routes())
        .merge(earnings::routes())
        .merge(finance::routes())
        .merge(conversations::routes())
        .fallback(not_found)
}

/// Parses a URL-encoded form strictly: unknown fields are an error.
pub struct StrictForm<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for StrictForm<T> {
    type Rejection = PageError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error-form-summary"))?;
        serde_urlencoded::from_bytes(&bytes)
            .map(StrictForm)
            .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error-unknown-field"))
    }
}

pub fn signed_in(ctx: &Ctx) -> Result<&koine_services::accounts::Principal, PageError> {
    ctx.principal.as_ref().ok_or(PageError::Redirect("/login".into()))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub page: Page,
    /// Breaches the member was told of: (title, description, when).
    pub security_notices: Vec<(String, String, i64)>,
    /// Whether the member's consents must be asked for again.
    pub ask_consent_again: bool,
    /// Teachers to suggest (personalised only where the learner allowed it).
    pub suggested: Vec<HitLine>,
    /// The member's next lesson, with its classroom's Join.
    pub next_lesson: Option<NextLessonLine>,
    /// What a signed-in member's home shows beyond that.
    pub dashboard: Option<Dashboard>,
}

/// A signed-in member's overview: the lessons coming up, requests waiting
/// for their answer (teachers), unread messages, packages with lessons
/// left (learners) and, for teachers, what they earned this month.
pub struct Dashboard {
    /// (lesson, "Spanish with María", when, status).
    pub upcoming: Vec<(uuid::Uuid, String, String, String)>,
    /// (lesson, "Spanish with Ana", when, answer by).
    pub waiting: Vec<(uuid::Uuid, String, String, String)>,
    pub unread: i64,
    /// (teacher, lessons left, usable until).
    pub packages: Vec<(String, String, String)>,
    pub earned_this_month: Option<String>,
}

/// A lesson as the home page shows it.
pub struct NextLessonLine {
    pub id: uuid::Uuid,
    /// "Spanish with María".
    pub what: String,
    pub when: String,
    /// The classroom is open now.
    pub open: bool,
    pub opens: String,
}

async fn home(State(st): State<AppState>, ctx: Ctx) -> Result<HomePage, PageError> {
    let (security_notices, ask_consent_again) = match &ctx.principal {
        Some(p) => (
            st.svc.breach_notices(p.account_id).await?,
            !st.svc.consents_to_ask_again(p.account_id).await?.is_empty(),
        ),
        None => (Vec::new(), false),
    };
    let zone = teachers::viewer_zone(&st, &ctx).await;
    let zone = jiff::tz::TimeZone::get(&zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let i18n = ctx.i18n();
    let suggested = st
        .svc
        .suggested_teachers(ctx.principal.as_ref(), ctx.signals)
        .await?
        .into_iter()
        .map(|h| teachers::hit_line(&i18n, &zone, h))
        .collect();
    let now = st.svc.clock.now_us();
    let next_lesson = match &ctx.principal {
        Some(p) => st.svc.next_lesson(p).await?.map(|n| NextLessonLine {
            id: n.lesson.id,
            what: koine_services::i18n::t_args(
                i18n.locale,
                "home-next-lesson-line",
                &[
                    ("language", i18n.language(&n.lesson.language)),
                    ("name", format::name_or_former(&i18n, &n.other_name)),
                ],
            ),
            when: format::local(&i18n, n.lesson.starts_at, &zone),
            open: n.window.is_open(now),
            opens: format::local(&i18n, n.window.opens_at, &zone),
        }),
        None => None,
    };
    let dashboard = match &ctx.principal {
        Some(p) => Some(dashboard(&st, p, &i18n, &zone, ctx.unread_messages).await?),
        None => None,
    };
    Ok(HomePage {
        page: Page::new(&ctx, "brand"),
        security_notices,
        ask_consent_again,
        suggested,
        next_lesson,
        dashboard,
    })
}

async fn dashboard(
    st: &AppState,
    p: &koine_services::accounts::Principal,
    i18n: &crate::i18n::I18n,
    zone: &jiff::tz::TimeZone,
    unread: i64,
) -> Result<Dashboard, PageError> {
    use koine_domain::booking::LessonStatus;
    const UPCOMING: usize = 5;
    let what = |l: &koine_services::booking::lessons::LessonLine| {
        koine_services::i18n::t_args(
            i18n.locale,
            "home-next-lesson-line",
            &[
                ("language", i18n.language(&l.row.language)),
                ("name", format::name_or_former(i18n, &l.other_name)),
            ],
        )
    };
    let lessons = st.svc.coming_lessons(p, UPCOMING).await?;
    let waiting = lessons
        .iter()
        .filter(|l| l.role == "teacher" && l.row.status == LessonStatus::Requested)
        .map(|l| {
            (
                l.row.id,
                what(l),
                format::local(i18n, l.row.starts_at, zone),
                format::local(i18n, l.row.respond_by, zone),
            )
        })
        .collect();
    let upcoming = lessons
        .iter()
        .take(UPCOMING)
        .map(|l| {
            (
                l.row.id,
                what(l),
                format::local(i18n, l.row.starts_at, zone),
                i18n.t(&format!("lesson-status-{}", l.row.status)),
            )
        })
        .collect();
    let packages = st
        .svc
        .packages(p.account_id)
        .await?
        .into_iter()
        .filter(|k| k.row.learner_id == p.account_id && k.lessons_left > 0 && k.row.closed_at.is_none())
        .map(|k| {
            (
                format::name_or_former(i18n, &k.teacher_name),
                i18n.t1("book-package-left", "lessons", k.lessons_left),
                format::local(i18n, k.row.expires_at, zone),
            )
        })
        .collect();
    let earned_this_month = if st.svc.is_teacher(p.account_id).await? {
        // The month as the member's own calendar has it.
        let month = st
            .svc
            .clock
            .now()
            .to_zoned(zone.clone())
            .date()
            .first_of_month()
            .to_zoned(zone.clone())
            .map_err(|e| PageError::from(koine_services::Error::internal(e)))?;
        let earned = st.svc.earned_since(p, month.timestamp().as_microsecond()).await?;
        Some(format::money(earned, &st.svc.settings.currency))
    } else {
        None
    };
    Ok(Dashboard {
        upcoming,
        waiting,
        // Counted once per page already, for the menu's badge.
        unread,
        packages,
        earned_this_month,
    })
}

async fn not_found() -> PageError {
    PageError::Status(StatusCode::NOT_FOUND, "error-not-found")
}

/// Global Privacy Control support statement.
async fn gpc_json() -> Response {
    let body = r#"{"gpc": true, "lastUpdate": "2026-11-22"}"#;
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response()
}

/// A page script, as served (each page names the ones it needs).
pub(crate) fn script_response(body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

async fn css() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        CSS,
    )
        .into_response()
}

/// A member's picture, to those its owner shows it to. Kept by browsers
/// only (never a shared cache) and asked about again each time it is
/// shown, so a removed picture, an erased member's or one made private is
/// gone at once; an unchanged one costs a `304`. Every picture has an
/// address of its own, so its ETag is its id.
async fn avatar(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, PageError> {
    let id = file
        .strip_suffix(".png")
        .and_then(|s| s.parse::<uuid::Uuid>().ok())
        .ok_or(PageError::Status(StatusCode::NOT_FOUND, "error-not-found"))?;
    st.svc
        .may_see_avatar(ctx.principal.as_ref().map(|p| p.account_id), id)
        .await?;
    let etag = format!("\"{id}\"");
    let cache = [
        (header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache")),
        (header::ETAG, HeaderValue::from_str(&etag).expect("a quoted uuid")),
    ];
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    let bytes = st.svc.read_object(id).await?;
    Ok((
        cache,
        [(header::CONTENT_TYPE, HeaderValue::from_static("image/png"))],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageForm {
    locale: String,
    next: Option<String>,
}

/// Switches the interface language: saved on the profile when signed in, and
/// in a cookie (set only because the visitor chose) so it survives logging out.
async fn set_language(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<LanguageForm>,
) -> Result<Response, PageError> {
    let locale =
        UiLocale::parse(&f.locale).map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error-invalid-choice"))?;
    let next = f.next.filter(|n| is_local_path(n)).unwrap_or_else(|| "/".into());
    if let Some(p) = &ctx.principal {
        st.svc.set_ui_locale(p.account_id, locale).await?;
    }
    let mut res = Redirect::to(&next).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(LANG_COOKIE, locale.as_str(), Some(365 * 86400), ctx.tls),
    );
    Ok(res)
}

/// The notice's line for one map entry, in the visitor's language.
pub fn notice_row(i18n: &crate::i18n::I18n, e: &datamap::NoticeEntry) -> NoticeRow {
    notice::notice_row(i18n, &koine_services::policy::NoticeEntryRecord::from(e))
}

pub fn category_name(i18n: &crate::i18n::I18n, category: &str) -> String {
    i18n.t(&format!("category-{}", category.replace('.', "-")))
}

/// Recorded disclosures as shown to the member and to staff.
pub fn disclosure_lines(
    i18n: &crate::i18n::I18n,
    list: Vec<koine_services::disclosures::Disclosure>,
) -> Vec<templates::DisclosureLine> {
    list.into_iter()
        .map(|d| templates::DisclosureLine {
            disclosed_at: d.disclosed_at,
            recipient_kind: i18n.t(&format!("recipient-{}", d.recipient_kind)),
            recipient: d.recipient,
            categories: d
                .categories
                .split(',')
                .map(|c| category_name(i18n, c))
                .collect::<Vec<_>>()
                .join("; "),
            reason: d.reason,
        })
        .collect()
}

/// The localized description of a map table.
pub fn table_title(i18n: &crate::i18n::I18n, table: &str) -> String {
    i18n.t(&format!("table-{}", table.replace('_', "-")))
}

/// A path on this site: `/` then printable ASCII, with no second slash or
/// backslash up front (browsers read `//x` and `/\\x` as another host).
pub(super) fn is_local_path(next: &str) -> bool {
    let b = next.as_bytes();
    b.first() == Some(&b'/')
        && !matches!(b.get(1), Some(b'/' | b'\\'))
        && b.iter().all(|c| c.is_ascii_graphic() && *c != b'\\')
        && next.len() <= 512
}

/// How long a rule of the map keeps data on this server (with the periods
/// set in configuration).
pub fn retention_text(
    i18n: &crate::i18n::I18n,
    r: &koine_domain::privacy::Retention,
    settings: &koine_store::datamap::RetentionSettings,
) -> String {
    notice::retention_text(i18n, &serde_json::to_value(r.under(settings)).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #[test]
    fn local_paths_only() {
        for ok in ["/", "/settings", "/members/abc?x=1"] {
            assert!(super::is_local_path(ok), "{ok}");
        }
        for bad in [
            "",
            "//evil.example",
            "/\\evil.example",
            "/\tx",
            "https://evil.example",
            "/a b",
            "/\u{1}",
            "x/",
        ] {
            assert!(!super::is_local_path(bad), "{bad:?}");
        }
    }
}
