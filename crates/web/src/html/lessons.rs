//! Booking and lessons: the checkout for a lesson or a package (times in
//! the learner's zone, wallet and test cards), the member's lessons, one
//! lesson with the steps its people may take, new times, reviews, the
//! lesson calendar and the notices.

use super::format::{local, money, name_or_former};
use super::forms::{card_input, card_of, form_error, key_of, optional_id};
use super::teachers::viewer_zone;
use super::templates::{FormState, Page};
use super::{StrictForm, signed_in};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::tz::TimeZone;
use koine_domain::booking::{LessonKind, ProblemKind};
use koine_domain::classroom::{self, RoomWindow};
use koine_domain::ledger::Account;
use koine_domain::teaching::{OfferingStatus, TRIAL_MINUTES};
use koine_services::Error;
use koine_services::booking::lessons::{BookingInput, BookingRequest, Lesson, StepInput, parse_action};
use koine_services::idempotency::IdempotencyKey;
use koine_store::repo::lessons::EventRow;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/teachers/{id}/book", get(book_page))
        .route("/lessons", get(lessons_page).post(book))
        .route("/lessons/{id}", get(lesson_page))
        .route("/lessons/{id}/actions/{action}", post(act))
        .route("/lessons/{id}/propose", post(propose))
        .route("/lessons/{id}/review", post(review))
        .route("/proposals/{id}", post(answer))
        .route("/reviews/{id}/reply", post(reply))
        .route("/packages/new", get(package_page))
        .route("/packages", post(buy_package))
        .route("/notifications", get(notifications))
        .route("/settings/calendar", get(calendar_page).post(new_feed))
        .route("/settings/calendar/revoke", post(revoke_feed))
        .route("/calendar/{file}", get(feed))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BookQuery {
    offering: Option<Uuid>,
    kind: Option<String>,
    package: Option<Uuid>,
    /// A slot start, as an RFC 3339 instant.
    starts_at: Option<String>,
}

/// One bookable time, in the viewer's zone.
struct SlotChoice {
    value: String,
    label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "book.html")]
struct BookPage {
    page: Page,
    form: FormState,
    teacher_id: Uuid,
    teacher_name: String,
    /// (id, label) of offerings that can be booked.
    offerings: Vec<(String, String)>,
    offering: String,
    kind: String,
    trial_price: Option<String>,
    /// (id, label) of the learner's packages with this teacher.
    packages: Vec<(String, String)>,
    /// Days with their times.
    days: Vec<(String, Vec<SlotChoice>)>,
    zone: String,
    balance: String,
    coupons: Vec<String>,
    test_cards: bool,
    key: String,
}

/// Days of times shown at checkout.
const BOOK_DAYS: i64 = 14;

async fn book_form(
    st: &AppState,
    ctx: &Ctx,
    teacher: Uuid,
    q: BookQuery,
    mut form: FormState,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = signed_in(ctx)?;
    let i18n = ctx.i18n();
    let h = st.svc.homepage(Some(p), teacher).await?;
    let offerings: Vec<_> = st
        .svc
        .offerings(teacher, false)
        .await?
        .into_iter()
        .filter(|o| o.status == OfferingStatus::Active)
        .collect();
    let currency = st.svc.settings.currency.clone();
    let kind = q
        .kind
        .as_deref()
        .and_then(|k| LessonKind::parse(k).ok())
        .unwrap_or(if q.package.is_some() {
            LessonKind::Package
        } else {
            LessonKind::Single
        });
    let packages: Vec<_> = st
        .svc
        .packages(p.account_id)
        .await?
        .into_iter()
        .filter(|k| k.row.teacher_id == teacher && k.row.learner_id == p.account_id && k.lessons_left > 0)
        .collect();
    let chosen = q
        .offering
        .and_then(|id| offerings.iter().find(|o| o.id == id))
        .or(offerings.first());
    let minutes = match kind {
        LessonKind::Trial => TRIAL_MINUTES,
        LessonKind::Package => packages
            .iter()
            .find(|k| Some(k.row.id) == q.package)
            .or(packages.first())
            .map_or(60, |k| u16::try_from(k.row.duration_minutes).unwrap_or(60)),
        LessonKind::Single => chosen.map_or(60, |o| o.duration_minutes),
    };
    let zone_name = viewer_zone(st, ctx).await;
    let zone = TimeZone::get(&zone_name).unwrap_or(TimeZone::UTC);
    let now = st.svc.clock.now();
    let slots = if chosen.is_some() || kind == LessonKind::Package {
        st.svc
            .slots(
                teacher,
                minutes,
                now,
                now + jiff::SignedDuration::from_hours(24 * BOOK_DAYS),
            )
            .await?
    } else {
        Vec::new()
    };
    let mut days: Vec<(String, Vec<SlotChoice>)> = Vec::new();
    for s in slots {
        let z = s.to_zoned(zone.clone());
        let day = i18n.long_date(z.date());
        let choice = SlotChoice {
            value: s.to_string(),
            label: koine_services::i18n::dates::time(&z),
        };
        match days.last_mut() {
            Some((d, v)) if *d == day => v.push(choice),
            _ => days.push((day, vec![choice])),
        }
    }
    if let Some(start) = &q.starts_at {
        form.values.entry("starts_at".into()).or_insert_with(|| start.clone());
    }
    let balance = st.svc.balance(Account::Wallet(p.account_id)).await?;
    let coupons = st
        .svc
        .my_coupons(p.account_id)
        .await?
        .into_iter()
        .filter(|c| c.usable)
        .map(|c| c.row.code)
        .collect();
    let page = BookPage {
        page: Page::new(ctx, "book-title"),
        form,
        teacher_id: teacher,
        teacher_name: h.display_name,
        offerings: offerings
            .iter()
            .map(|o| {
                (
                    o.id.to_string(),
                    format!(
                        "{} · {} min · {}",
                        i18n.language(&o.language),
                        o.duration_minutes,
                        money(o.price_minor, &currency)
                    ),
                )
            })
            .collect(),
        offering: chosen.map(|o| o.id.to_string()).unwrap_or_default(),
        kind: kind.as_str().into(),
        trial_price: h.trial_price_minor.map(|t| money(t, &currency)),
        packages: packages
            .iter()
            .map(|k| {
                (
                    k.row.id.to_string(),
                    i18n.t1("book-package-left", "lessons", k.lessons_left),
                )
            })
            .collect(),
        days,
        zone: zone_name,
        balance: money(balance, &currency),
        coupons,
        test_cards: st.svc.test_cards(),
        key: IdempotencyKey::fresh().as_str().to_owned(),
    };
    Ok((status, page).into_response())
}

async fn book_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<BookQuery>,
) -> Result<Response, PageError> {
    book_form(&st, &ctx, id, q, FormState::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BookForm {
    teacher: Uuid,
    #[serde(default)]
    offering: String,
    kind: String,
    #[serde(default)]
    package: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    coupon: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    card_number: String,
    #[serde(default)]
    card_expiry: String,
    #[serde(default)]
    card_cvc: String,
    idempotency_key: String,
}

async fn book(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<BookForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let key = key_of(&f.idempotency_key)?;
    let (offering, package) = (optional_id(&f.offering)?, optional_id(&f.package)?);
    let again = |form: FormState, status| {
        let q = BookQuery {
            offering,
            kind: Some(f.kind.clone()),
            package,
            starts_at: None,
        };
        book_form(&st, &ctx, f.teacher, q, form, status)
    };
    let mut form = FormState::with_values([
        ("starts_at", f.starts_at.clone()),
        ("coupon", f.coupon.clone()),
        ("note", f.note.clone()),
        ("card_expiry", f.card_expiry.clone()),
    ]);
    let input = BookingInput {
        teacher: f.teacher,
        offering,
        kind: f.kind.clone(),
        package,
        starts_at: f.starts_at.clone(),
        coupon: f.coupon.clone(),
        note: f.note.clone(),
        card: card_input(&f.card_number, &f.card_expiry, &f.card_cvc),
    };
    let request = match BookingRequest::parse(&input, st.svc.clock.today_utc()) {
        Ok(r) => r,
        Err(errors) => {
            form.invalid(&ctx.i18n(), &errors);
            return again(form, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match st.svc.request_lesson(p, request, &key).await {
        Ok(id) => Ok(Redirect::to(&format!("/lessons/{id}")).into_response()),
        Err(e) => match form_error(&e) {
            Some(refused) => {
                form.refused(&ctx.i18n(), &refused);
                again(form, refused.status).await
            }
            None => Err(e.into()),
        },
    }
}

/// A lesson line in a list.
struct LessonLine {
    id: Uuid,
    when: String,
    with: String,
    role: &'static str,
    language: String,
    minutes: i64,
    status: String,
    price: String,
    needs_me: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "lessons.html")]
struct LessonsPage {
    page: Page,
    upcoming: Vec<LessonLine>,
    past: Vec<LessonLine>,
    packages: Vec<(String, String, String)>,
    zone: String,
    teacher: bool,
}

fn line(i18n: &crate::i18n::I18n, zone: &TimeZone, l: &Lesson, now: i64) -> LessonLine {
    LessonLine {
        id: l.row.id,
        when: local(i18n, l.row.starts_at, zone),
        with: match l.role {
            "learner" => name_or_former(i18n, &l.teacher_name),
            _ => name_or_former(i18n, &l.learner_name),
        },
        role: l.role,
        language: i18n.language(&l.row.language),
        minutes: l.row.duration_minutes,
        status: i18n.t(&format!("lesson-status-{}", l.row.status)),
        price: money(l.row.price_minor, &l.row.currency),
        needs_me: !l.actions.is_empty() && l.row.closed_at.is_none() && l.row.ends_at > now - 4 * 86_400_000_000,
    }
}

async fn lessons_page(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let i18n = ctx.i18n();
    let zone_name = viewer_zone(&st, &ctx).await;
    let zone = TimeZone::get(&zone_name).unwrap_or(TimeZone::UTC);
    let now = st.svc.clock.now_us();
    let lessons = st.svc.my_lessons(p).await?;
    let (mut upcoming, past): (Vec<_>, Vec<_>) = lessons
        .iter()
        .map(|l| {
            (
                l.row.ends_at >= now && l.row.closed_at.is_none(),
                line(&i18n, &zone, l, now),
            )
        })
        .partition(|(up, _)| *up);
    upcoming.reverse();
    let packages = st
        .svc
        .packages(p.account_id)
        .await?
        .into_iter()
        .map(|k| {
            let with = if k.row.learner_id == p.account_id {
                &k.teacher_name
            } else {
                &k.learner_name
            };
            (
                name_or_former(&i18n, with),
                i18n.t1("book-package-left", "lessons", k.lessons_left),
                local(&i18n, k.row.expires_at, &zone),
            )
        })
        .collect();
    Ok(LessonsPage {
        page: Page::new(&ctx, "lessons-title"),
        upcoming: upcoming.into_iter().map(|(_, l)| l).collect(),
        past: past.into_iter().map(|(_, l)| l).collect(),
        packages,
        zone: zone_name,
        teacher: st.svc.is_teacher(p.account_id).await?,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "lesson.html")]
struct LessonPage {
    page: Page,
    lesson_id: Uuid,
    role_label: String,
    kind_label: String,
    /// The steps the viewer may take.
    actions: Vec<String>,
    can_cancel: bool,
    l: Lesson,
    with: String,
    when: String,
    ends: String,
    zone: String,
    status: String,
    price: String,
    paid: String,
    discount: Option<String>,
    refund: Option<String>,
    respond_by: String,
    proposal: Option<(Uuid, String, bool)>,
    /// The classroom, for its two members until it closes: whether it is
    /// open now, and when it opens.
    join: Option<(bool, String)>,
    events: Vec<(String, String)>,
    /// For staff: each stay in the classroom — who, joined, left (if said).
    attendance: Vec<(String, String, Option<String>)>,
    problems: Vec<(&'static str, String)>,
    key: String,
    form: FormState,
}

async fn lesson_view(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    form: FormState,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = signed_in(ctx)?;
    let i18n = ctx.i18n();
    let l = st.svc.lesson(p, id).await?;
    let zone_name = viewer_zone(st, ctx).await;
    let zone = TimeZone::get(&zone_name).unwrap_or(TimeZone::UTC);
    let with = match l.role {
        "learner" => name_or_former(&i18n, &l.teacher_name),
        "teacher" => name_or_former(&i18n, &l.learner_name),
        _ => format!(
            "{} / {}",
            name_or_former(&i18n, &l.learner_name),
            name_or_former(&i18n, &l.teacher_name)
        ),
    };
    let events = st
        .svc
        .lesson_history(p, id)
        .await?
        .into_iter()
        .map(|e: EventRow| {
            (
                local(&i18n, e.created_at, &zone),
                i18n.t(&format!("lesson-action-{}", e.action)),
            )
        })
        .collect();
    let attendance = if l.role == "staff" {
        st.svc
            .attendance(id)
            .await?
            .into_iter()
            .map(|a| {
                let who = if a.account_id == l.row.learner_id {
                    &l.learner_name
                } else {
                    &l.teacher_name
                };
                (
                    name_or_former(&i18n, who),
                    local(&i18n, a.joined_at, &zone),
                    a.left_at.map(|t| local(&i18n, t, &zone)),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let c = l.row.currency.clone();
    let window = RoomWindow::of(l.row.starts_at, l.row.ends_at, st.svc.settings.classroom.times);
    let now = st.svc.clock.now_us();
    let join = (l.role != "staff" && classroom::room_ahead(l.row.status, window, now))
        .then(|| (window.is_open(now), local(&i18n, window.opens_at, &zone)));
    let page = LessonPage {
        page: Page::new(ctx, "lesson-title"),
        with,
        when: local(&i18n, l.row.starts_at, &zone),
        ends: local(&i18n, l.row.ends_at, &zone),
        zone: zone_name,
        status: i18n.t(&format!("lesson-status-{}", l.row.status)),
        price: money(l.row.price_minor, &c),
        paid: money(l.row.paid_minor, &c),
        discount: (l.row.discount_minor > 0).then(|| money(l.row.discount_minor, &c)),
        refund: l.row.refund_minor.filter(|r| *r > 0).map(|r| money(r, &c)),
        respond_by: local(&i18n, l.row.respond_by, &zone),
        proposal: l
            .proposal
            .as_ref()
            .map(|x| (x.id, local(&i18n, x.starts_at, &zone), x.proposed_by != p.account_id)),
        join,
        events,
        attendance,
        problems: ProblemKind::ALL
            .iter()
            .map(|k| (k.as_str(), i18n.t(&format!("problem-{}", k.as_str()))))
            .collect(),
        key: IdempotencyKey::fresh().as_str().to_owned(),
        form,
        lesson_id: l.row.id,
        role_label: i18n.t(&format!("lessons-role-{}", l.role)),
        kind_label: i18n.t(&format!("lesson-kind-{}", l.row.kind)),
        actions: l.actions.iter().map(|a| (*a).to_owned()).collect(),
        can_cancel: l.actions.contains(&"cancel"),
        l,
    };
    Ok((status, page).into_response())
}

async fn lesson_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    lesson_view(&st, &ctx, id, FormState::default(), StatusCode::OK).await
}

/// A refused step: the lesson page again with the reason.
/// Back to the lesson after a step, or its page again with the refusal.
async fn back_to_lesson<T>(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    outcome: koine_services::Result<T>,
) -> Result<Response, PageError> {
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/lessons/{id}")).into_response()),
        Err(e) => refused(st, ctx, id, e).await,
    }
}

async fn refused(st: &AppState, ctx: &Ctx, id: Uuid, e: Error) -> Result<Response, PageError> {
    match form_error(&e) {
        Some(refused) => {
            let mut form = FormState::default();
            form.refused(&ctx.i18n(), &refused);
            lesson_view(st, ctx, id, form, refused.status).await
        }
        None => Err(e.into()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActForm {
    idempotency_key: String,
    #[serde(default)]
    problem: String,
    #[serde(default)]
    text: String,
}

async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(Uuid, String)>,
    StrictForm(f): StrictForm<ActForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let action = parse_action(&action).ok_or(PageError::Status(StatusCode::NOT_FOUND, "error-not-found"))?;
    let key = key_of(&f.idempotency_key)?;
    let problem = if f.problem.is_empty() {
        None
    } else {
        Some(
            ProblemKind::parse(&f.problem)
                .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error-invalid-choice"))?,
        )
    };
    let input = StepInput {
        problem,
        text: Some(f.text),
    };
    back_to_lesson(&st, &ctx, id, st.svc.lesson_action(p, id, action, input, &key).await).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProposeForm {
    /// `YYYY-MM-DDTHH:MM` in the viewer's zone.
    starts_at: String,
}

async fn propose(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<ProposeForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let zone = TimeZone::get(&viewer_zone(&st, &ctx).await).unwrap_or(TimeZone::UTC);
    let at = f
        .starts_at
        .trim()
        .parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.to_zoned(zone).ok())
        .map(|z| z.timestamp());
    let outcome = match at {
        Some(at) => st.svc.propose_new_time(p, id, at).await.map(|_| ()),
        None => Err(koine_domain::Invalid::new("starts_at", "invalid-date").into()),
    };
    back_to_lesson(&st, &ctx, id, outcome).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerForm {
    lesson: Uuid,
    answer: String,
}

async fn answer(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<AnswerForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let accept = match f.answer.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(PageError::Status(StatusCode::BAD_REQUEST, "error-invalid-choice")),
    };
    back_to_lesson(&st, &ctx, f.lesson, st.svc.answer_new_time(p, id, accept).await).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewForm {
    rating: String,
    #[serde(default)]
    body: String,
}

async fn review(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<ReviewForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    back_to_lesson(&st, &ctx, id, st.svc.review_lesson(p, id, &f.rating, &f.body).await).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplyForm {
    reply: String,
}

async fn reply(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<ReplyForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    st.svc.reply_to_review(p, id, &f.reply).await?;
    Ok(Redirect::to(&format!("/teachers/{}#reviews", p.account_id)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackageQuery {
    offering: Uuid,
    lessons: u16,
}

#[derive(Template, WebTemplate)]
#[template(path = "package_buy.html")]
struct PackagePage {
    page: Page,
    form: FormState,
    offering: Uuid,
    teacher_id: Uuid,
    teacher_name: String,
    lessons: u16,
    what: String,
    price: String,
    balance: String,
    test_cards: bool,
    key: String,
}

async fn package_form(
    st: &AppState,
    ctx: &Ctx,
    q: &PackageQuery,
    form: FormState,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = signed_in(ctx)?;
    let i18n = ctx.i18n();
    let (teacher_id, o) = st.svc.offering(q.offering).await?;
    let pk = o
        .packages
        .iter()
        .find(|k| k.lessons == q.lessons)
        .ok_or(PageError::from(Error::NotFound))?;
    let h = st.svc.homepage(Some(p), teacher_id).await?;
    let balance = st.svc.balance(Account::Wallet(p.account_id)).await?;
    Ok((
        status,
        PackagePage {
            page: Page::new(ctx, "package-title"),
            form,
            offering: q.offering,
            teacher_id,
            teacher_name: h.display_name,
            lessons: q.lessons,
            what: format!(
                "{} × {} · {} min · −{}%",
                q.lessons,
                i18n.language(&o.language),
                o.duration_minutes,
                pk.discount_percent
            ),
            price: money(pk.price_minor, &o.currency),
            balance: money(balance, &o.currency),
            test_cards: st.svc.test_cards(),
            key: IdempotencyKey::fresh().as_str().to_owned(),
        },
    )
        .into_response())
}

async fn package_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PackageQuery>,
) -> Result<Response, PageError> {
    package_form(&st, &ctx, &q, FormState::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackageForm {
    offering: Uuid,
    lessons: u16,
    #[serde(default)]
    card_number: String,
    #[serde(default)]
    card_expiry: String,
    #[serde(default)]
    card_cvc: String,
    idempotency_key: String,
}

async fn buy_package(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<PackageForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let key = key_of(&f.idempotency_key)?;
    let q = PackageQuery {
        offering: f.offering,
        lessons: f.lessons,
    };
    let mut form = FormState::with_values([("card_expiry", f.card_expiry.clone())]);
    let outcome = match card_of(&st, &f.card_number, &f.card_expiry, &f.card_cvc) {
        Ok(card) => st.svc.buy_package(p, f.offering, f.lessons, card.as_ref(), &key).await,
        Err(e) => Err(e.into()),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to("/lessons#packages").into_response()),
        Err(e) => match form_error(&e) {
            Some(refused) => {
                form.refused(&ctx.i18n(), &refused);
                match package_form(&st, &ctx, &q, form, refused.status).await {
                    // A package size the offering does not have (a
                    // tampered form) has no page to show the error on.
                    Err(PageError::Status(StatusCode::NOT_FOUND, _)) => Err(PageError::Status(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "error-invalid-choice",
                    )),
                    shown => shown,
                }
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    page: Page,
    items: Vec<(String, String, Option<String>, bool)>,
}

/// The member's notices; opening the page marks them read.
async fn notifications(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let zone = TimeZone::get(&viewer_zone(&st, &ctx).await).unwrap_or(TimeZone::UTC);
    let items = st
        .svc
        .notifications(p.account_id)
        .await?
        .into_iter()
        .map(|n| {
            (
                local(&ctx.i18n(), n.created_at, &zone),
                n.body,
                n.link,
                n.read_at.is_none(),
            )
        })
        .collect();
    st.svc.mark_notifications_read(p.account_id).await?;
    let mut ctx = ctx;
    ctx.unread = 0;
    Ok(NotificationsPage {
        page: Page::new(&ctx, "notifications-title"),
        items,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "calendar.html")]
struct CalendarPage {
    page: Page,
    /// The new feed address, shown once.
    url: Option<String>,
    since: Option<i64>,
}

async fn calendar_page(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    Ok(CalendarPage {
        page: Page::new(&ctx, "calendar-title"),
        url: None,
        since: st.svc.calendar_feed_since(p).await?,
    }
    .into_response())
}

async fn new_feed(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let token = st.svc.new_calendar_feed(p).await?;
    Ok(CalendarPage {
        page: Page::new(&ctx, "calendar-title"),
        url: Some(format!("{}/calendar/{token}.ics", st.svc.settings.public_url)),
        since: st.svc.calendar_feed_since(p).await?,
    }
    .into_response())
}

async fn revoke_feed(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    st.svc.revoke_calendar_feed(p).await?;
    Ok(Redirect::to("/settings/calendar").into_response())
}

/// The calendar feed at its secret address (no session: calendar apps
/// fetch it on their own).
async fn feed(State(st): State<AppState>, Path(file): Path<String>) -> Result<Response, PageError> {
    let token = file
        .strip_suffix(".ics")
        .filter(|t| t.len() == 43)
        .ok_or(PageError::Status(StatusCode::NOT_FOUND, "error-not-found"))?;
    let body = st.svc.calendar_feed(token).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300")),
        ],
        body,
    )
        .into_response())
}
