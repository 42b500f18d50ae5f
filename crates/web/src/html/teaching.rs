//! Applying to teach (`/teach`), the review queue for staff, and the files
//! that go with applications (identity documents, certificates, videos).

use super::templates::{FormState, Page};
use super::{StrictForm, signed_in};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::multipart::Field;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use koine_domain::profile::Cefr;
use koine_domain::refusal::Refusal;
use koine_domain::teaching::{ApplicationStatus, Tier};
use koine_domain::uploads::{DOCUMENT_MAX_BYTES, VIDEO_MAX_BYTES};
use koine_services::Error;
use koine_services::teaching::applications::{ApplicationInput, Decision, MAX_CERTIFICATES, MAX_TAUGHT_LANGUAGES};
use koine_services::teaching::availability::{
    BookingRules, BookingRulesInput, DayOverrideInput, DayOverrideRequest, RuleInput, parse_day, parse_weekly,
};
use koine_services::teaching::homepage::{HomepageInput, HomepageUpdate};
use koine_services::teaching::offerings::{NewOffering, OfferingInput};
use serde::Deserialize;
use uuid::Uuid;

/// An application with every file at its largest, and the form around it.
const APPLICATION_BODY_LIMIT: usize =
    DOCUMENT_MAX_BYTES * (1 + MAX_CERTIFICATES) + VIDEO_MAX_BYTES + koine_services::avatars::MAX_BYTES + 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/teach",
            get(teach_page)
                .post(apply)
                .layer(DefaultBodyLimit::max(APPLICATION_BODY_LIMIT)),
        )
        .route("/teach/manage", get(manage))
        .route("/teach/homepage", post(save_homepage))
        .route("/teach/offerings", post(add_offering))
        .route("/teach/offerings/{id}/status", post(offering_status))
        .route("/teach/trial", post(trial))
        .route("/teach/availability", post(weekly))
        .route("/teach/availability/override", post(add_override))
        .route("/teach/availability/override/clear", post(clear_override))
        .route("/teach/booking-rules", post(booking_rules))
        .route("/certificates/{id}", get(certificate))
        .route("/videos/{id}", get(video))
        .route("/staff/applications", get(queue))
        .route("/staff/applications/{id}", get(review_page))
        .route("/staff/applications/{id}/id-document", get(id_document))
        .route("/staff/applications/{id}/review", post(review))
}

/// The form's fields for the applicant's last answers (files are asked
/// for again).
fn form_of(a: &koine_services::teaching::applications::MyApplication) -> FormState {
    let mut values = vec![
        ("real_name".to_owned(), a.real_name.clone()),
        ("country".to_owned(), a.country.clone()),
        ("introduction".to_owned(), a.introduction.clone()),
        ("education".to_owned(), a.education.clone().unwrap_or_default()),
        ("experience".to_owned(), a.experience.clone().unwrap_or_default()),
        ("expertise".to_owned(), a.expertise.clone().unwrap_or_default()),
    ];
    for (i, (l, v)) in a.languages.iter().enumerate() {
        values.push((format!("lang_{i}"), l.clone()));
        values.push((format!("level_{i}"), v.clone()));
    }
    FormState {
        values: values.into_iter().collect(),
        errors: Vec::new(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "teach.html")]
pub struct TeachPage {
    pub page: Page,
    pub teacher: bool,
    pub adult: bool,
    pub can_apply: bool,
    pub application: Option<koine_services::teaching::applications::MyApplication>,
    pub form: FormState,
    pub has_photo: bool,
    pub countries: Vec<(&'static str, String)>,
    pub languages: Vec<(&'static str, String)>,
    pub levels: Vec<(&'static str, String)>,
    pub language_slots: Vec<usize>,
    pub certificate_slots: Vec<usize>,
}

async fn page(st: &AppState, ctx: &Ctx, form: Option<FormState>, status: StatusCode) -> Result<Response, PageError> {
    let p = signed_in(ctx)?;
    let i18n = ctx.i18n();
    let teacher = st.svc.is_teacher(p.account_id).await?;
    let application = st.svc.my_teacher_application(p).await?;
    let open = application.as_ref().map(|a| a.status);
    let can_apply = !teacher
        && p.staff_role.is_none()
        && !matches!(open, Some(ApplicationStatus::Submitted | ApplicationStatus::Approved));
    let form = match (form, &application) {
        (Some(f), _) => f,
        (None, Some(a)) if a.status == ApplicationStatus::InfoRequested => form_of(a),
        _ => FormState::default(),
    };
    let has_photo = st.svc.own_profile(p.account_id).await?.view.avatar_url.is_some();
    Ok((
        status,
        TeachPage {
            page: Page::new(ctx, "teach-title"),
            teacher,
            adult: st.svc.is_adult(p.account_id).await?,
            can_apply,
            application,
            form,
            has_photo,
            countries: super::forms::country_choices(&i18n),
            languages: super::forms::language_choices(&i18n),
            levels: super::forms::level_choices(&i18n, &[Cefr::Native, Cefr::C2, Cefr::C1]),
            language_slots: (0..MAX_TAUGHT_LANGUAGES).collect(),
            certificate_slots: (0..MAX_CERTIFICATES).collect(),
        },
    )
        .into_response())
}

async fn teach_page(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    page(&st, &ctx, None, StatusCode::OK).await
}

/// Reads one uploaded file, refusing it as soon as it passes `cap` bytes;
/// an empty file input is no file.
async fn capped(mut field: Field<'_>, cap: usize) -> Result<Option<Vec<u8>>, PageError> {
    let too_large = || PageError::Status(StatusCode::PAYLOAD_TOO_LARGE, "error-file-too-large");
    let mut out = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| too_large())? {
        if out.len() + chunk.len() > cap {
            return Err(too_large());
        }
        out.extend_from_slice(&chunk);
    }
    Ok((!out.is_empty()).then_some(out))
}

fn numbered(name: &str, prefix: &str, max: usize) -> Option<usize> {
    name.strip_prefix(prefix)
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n < max)
}

async fn apply(State(st): State<AppState>, ctx: Ctx, mut mp: Multipart) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let unknown = || PageError::Status(StatusCode::BAD_REQUEST, "error-unknown-field");
    let mut f = ApplicationInput::default();
    let (mut csrf_ok, mut photo) = (false, None);
    let mut langs = vec![(String::new(), String::new()); MAX_TAUGHT_LANGUAGES];
    let mut certs: Vec<(String, Option<Vec<u8>>)> = vec![(String::new(), None); MAX_CERTIFICATES];
    let mut text = FormState::default();
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|_| PageError::Status(StatusCode::PAYLOAD_TOO_LARGE, "error-file-too-large"))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "id_document" => f.id_document = capped(field, DOCUMENT_MAX_BYTES + 1).await?,
            "video" => f.video = capped(field, VIDEO_MAX_BYTES + 1).await?,
            "photo" => photo = capped(field, koine_services::avatars::MAX_BYTES + 1).await?,
            n if n.starts_with("cert_file_") => {
                let i = numbered(n, "cert_file_", MAX_CERTIFICATES).ok_or_else(unknown)?;
                certs[i].1 = capped(field, DOCUMENT_MAX_BYTES + 1).await?;
            }
            _ => {
                let value = field.text().await.map_err(|_| unknown())?;
                match name.as_str() {
                    "csrf" => csrf_ok = ctx.csrf_ok(&st, &value),
                    "real_name" => f.real_name = value.clone(),
                    "country" => f.country = value.clone(),
                    "introduction" => f.introduction = value.clone(),
                    "education" => f.education = value.clone(),
                    "experience" => f.experience = value.clone(),
                    "expertise" => f.expertise = value.clone(),
                    n if n.starts_with("lang_") => {
                        langs[numbered(n, "lang_", MAX_TAUGHT_LANGUAGES).ok_or_else(unknown)?].0 = value.clone()
                    }
                    n if n.starts_with("level_") => {
                        langs[numbered(n, "level_", MAX_TAUGHT_LANGUAGES).ok_or_else(unknown)?].1 = value.clone()
                    }
                    n if n.starts_with("cert_title_") => {
                        certs[numbered(n, "cert_title_", MAX_CERTIFICATES).ok_or_else(unknown)?].0 = value.clone()
                    }
                    _ => return Err(unknown()),
                }
                if name != "csrf" {
                    text.values.insert(name, value);
                }
            }
        }
    }
    if !csrf_ok {
        return Err(PageError::Status(StatusCode::FORBIDDEN, "error-csrf"));
    }
    f.languages = langs.into_iter().filter(|(l, _)| !l.is_empty()).collect();
    f.certificates = certs
        .into_iter()
        .filter_map(|(title, file)| file.map(|bytes| (title, bytes)))
        .collect();
    f.photo = photo;
    match st.svc.apply_to_teach(p, f).await.map(|_| ()) {
        Ok(()) => Ok(Redirect::to("/teach").into_response()),
        Err(e @ (Error::Invalid(_) | Error::InvalidFields(_))) => {
            let errors = invalid_fields(e);
            text.invalid(&ctx.i18n(), &errors);
            let status = if errors.iter().any(|e| e.code == "file-too-large") {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            page(&st, &ctx, Some(text), status).await
        }
        Err(Error::Forbidden) => Err(PageError::Status(StatusCode::FORBIDDEN, "teach-adults-only")),
        Err(Error::Refused(Refusal::AlreadyTeaching | Refusal::ApplicationPending)) => {
            Err(PageError::Status(StatusCode::CONFLICT, "teach-already"))
        }
        Err(e) => Err(e.into()),
    }
}

/// A file to download, never cached or sniffed.
fn attachment(content_type: String, bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

fn extension(content_type: &str) -> &'static str {
    koine_domain::uploads::FileKind::from_content_type(content_type).map_or("bin", |k| k.extension())
}

async fn certificate(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let (ct, bytes) = st.svc.certificate_file(signed_in(&ctx)?, id).await?;
    let name = format!("certificate.{}", extension(&ct));
    Ok(attachment(ct, bytes, &name))
}

async fn video(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let (path, ct) = st.svc.video_for(ctx.principal.as_ref(), id).await?;
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|_| PageError::from(Error::NotFound))?;
    Ok(([(header::CONTENT_TYPE, ct)], bytes).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueQuery {
    status: Option<String>,
    page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_applications.html")]
pub struct StaffApplicationsPage {
    pub page: Page,
    pub status: &'static str,
    pub statuses: Vec<&'static str>,
    pub applications: Vec<koine_store::repo::teaching::QueueRow>,
}

async fn queue(State(st): State<AppState>, ctx: Ctx, Query(q): Query<QueueQuery>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let status = match q.status.as_deref() {
        None => ApplicationStatus::Submitted,
        Some(s) => ApplicationStatus::parse(s)
            .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error-invalid-choice"))?,
    };
    let applications = st.svc.application_queue(p, status, q.page.unwrap_or(0)).await?;
    Ok(StaffApplicationsPage {
        page: Page::new(&ctx, "staff-applications-title"),
        status: status.as_str(),
        statuses: ApplicationStatus::ALL.iter().map(|s| s.as_str()).collect(),
        applications,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_application.html")]
pub struct StaffApplicationPage {
    pub page: Page,
    pub r: koine_services::teaching::applications::ForReview,
    pub open: bool,
    /// Waiting for a decision (not for the applicant's answer).
    pub answerable: bool,
}

async fn review_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let r = st.svc.application_for_review(p, id).await?;
    Ok(StaffApplicationPage {
        page: Page::new(&ctx, "staff-applications-title"),
        open: r.application.status.is_open(),
        answerable: r.application.status == ApplicationStatus::Submitted,
        r,
    }
    .into_response())
}

async fn id_document(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let (ct, bytes) = st.svc.identity_document(signed_in(&ctx)?, id).await?;
    let name = format!("identity-document.{}", extension(&ct));
    Ok(attachment(ct, bytes, &name))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewForm {
    decision: String,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    message: String,
}

async fn review(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<ReviewForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let bad = |key| PageError::Status(StatusCode::UNPROCESSABLE_ENTITY, key);
    let decision = match f.decision.as_str() {
        "approve" => Decision::Approve(Tier::parse(&f.tier).map_err(|_| bad("review-tier-needed"))?),
        "reject" => Decision::Reject(f.message),
        "ask_for_info" => Decision::AskForInfo(f.message),
        _ => return Err(PageError::Status(StatusCode::BAD_REQUEST, "error-invalid-choice")),
    };
    match st.svc.review_application(p, id, decision).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/applications/{id}")).into_response()),
        Err(Error::Invalid(e)) if e.code == "professional-needs-certificate" => Err(bad("review-needs-certificate")),
        Err(Error::Invalid(_)) => Err(bad("review-message-needed")),
        Err(Error::Refused(Refusal::ImpossibleTransition)) => {
            Err(PageError::Status(StatusCode::CONFLICT, "review-already-decided"))
        }
        Err(e) => Err(e.into()),
    }
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
    pub all_languages: Vec<(&'static str, String)>,
    /// Levels one may teach at.
    pub taught_levels: Vec<(&'static str, String)>,
    pub language_slots: Vec<usize>,
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
            levels: super::forms::level_choices(&i18n, &Cefr::ALL[..6]),
            countries: super::forms::country_choices(&i18n),
            all_languages: super::forms::language_choices(&i18n),
            taught_levels: super::forms::level_choices(&i18n, &[Cefr::Native, Cefr::C2, Cefr::C1]),
            language_slots: (0..MAX_TAUGHT_LANGUAGES).collect(),
            durations: koine_domain::teaching::DURATIONS.to_vec(),
            package_sizes: koine_domain::teaching::PACKAGE_SIZES.to_vec(),
            currency: st.svc.settings.currency.clone(),
            availability: st.svc.availability(p).await?,
            weekdays: super::forms::weekday_choices(&i18n),
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

/// A refused parse's or call's field errors, all of them.
fn invalid_fields(e: Error) -> Vec<koine_domain::Invalid> {
    match e {
        Error::Invalid(e) => vec![e],
        Error::InvalidFields(errors) => errors,
        _ => Vec::new(),
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
