//! Applying to teach (`/teach`), the review queue for staff, and the files
//! that go with applications (identity documents, certificates, videos).

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
use serde::Deserialize;
use uuid::Uuid;

/// An application with every file at its largest, and the form around it.
const APPLICATION_BODY_LIMIT: usize =
    DOCUMENT_MAX_BYTES * (1 + MAX_CERTIFICATES) + VIDEO_MAX_BYTES + koine_services::avatars::MAX_BYTES + 1024 * 1024;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/teach",
            get(teach_page)
                .post(apply)
                .layer(DefaultBodyLimit::max(APPLICATION_BODY_LIMIT)),
        )
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
    pub language_rows: LanguageRows,
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
            countries: crate::html::forms::country_choices(&i18n),
            language_rows: LanguageRows::new(&i18n, MAX_TAUGHT_LANGUAGES, Cefr::TEACHABLE),
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
            "id_document" => f.id_document = crate::files::capped(field, DOCUMENT_MAX_BYTES + 1).await?,
            "video" => f.video = crate::files::capped(field, VIDEO_MAX_BYTES + 1).await?,
            "photo" => photo = crate::files::capped(field, koine_services::avatars::MAX_BYTES + 1).await?,
            n if n.starts_with("cert_file_") => {
                let i = numbered(n, "cert_file_", MAX_CERTIFICATES).ok_or_else(unknown)?;
                certs[i].1 = crate::files::capped(field, DOCUMENT_MAX_BYTES + 1).await?;
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

fn extension(content_type: &str) -> &'static str {
    koine_domain::uploads::FileKind::from_content_type(content_type).map_or("bin", |k| k.extension())
}

async fn certificate(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let (ct, bytes) = st.svc.certificate_file(signed_in(&ctx)?, id).await?;
    let name = format!("certificate.{}", extension(&ct));
    Ok(crate::files::stored_file(ct, bytes, &name))
}

async fn video(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let (ct, bytes) = st.svc.video_for(ctx.principal.as_ref(), id).await?;
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
    Ok(crate::files::stored_file(ct, bytes, &name))
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
