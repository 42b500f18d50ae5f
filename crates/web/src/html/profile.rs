//! Profile pages: viewing (visibility enforced per field), editing, avatar.

use super::forms::LanguageRows;
use super::signed_in;
use super::templates::{FormState, Page};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use crate::i18n::I18n;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use koine_domain::consent::{ConsentPurpose, ConsentSource};
use koine_domain::profile::{Cefr, Gender, UiLocale, Viewer, Visibility};
use koine_services::profiles::ProfileView;
use koine_services::profiles::{OwnProfile, ProfileInput, ProfileUpdate};
use std::collections::HashMap;
use uuid::Uuid;

/// Language rows offered on the edit form.
pub const LANGUAGE_SLOTS: usize = 6;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/members/{id}", get(view))
        .route("/settings/profile", get(edit_form).post(edit))
        .route("/settings/avatar", post(upload_avatar))
        .route("/settings/avatar/remove", post(remove_avatar))
        .route("/settings/privacy", get(privacy_choices).post(save_privacy_choices))
}

#[derive(Template, WebTemplate)]
#[template(path = "profile.html")]
pub struct ProfilePage {
    pub page: Page,
    pub profile: ProfileView,
    pub initial: String,
    pub is_owner: bool,
}

async fn view(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<ProfilePage, PageError> {
    let id: Uuid = id
        .parse()
        .map_err(|_| PageError::Status(StatusCode::NOT_FOUND, "error-not-found"))?;
    let viewer = match &ctx.principal {
        Some(p) if p.account_id == id => Viewer::Owner,
        Some(_) => Viewer::Member,
        None => Viewer::Anonymous,
    };
    let profile = st.svc.view_profile(id, viewer).await?;
    let initial = profile
        .display_name
        .chars()
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    Ok(ProfilePage {
        page: Page::new(&ctx, "profile-title"),
        profile,
        initial,
        is_owner: viewer == Viewer::Owner,
    })
}

fn form_from(own: &OwnProfile) -> FormState {
    let v = &own.view;
    let mut values: Vec<(String, String)> = vec![
        ("display_name".into(), v.display_name.clone()),
        ("bio".into(), v.bio.clone().unwrap_or_default()),
        ("country".into(), v.country.clone().unwrap_or_default()),
        ("time_zone".into(), v.time_zone.clone()),
        ("ui_locale".into(), own.ui_locale.clone().unwrap_or_else(|| "en".into())),
        ("birth_date".into(), v.birth_date.clone().unwrap_or_default()),
        (
            "birth_date_visibility".into(),
            own.birth_date_visibility.as_str().into(),
        ),
        ("gender".into(), v.gender.clone().unwrap_or_default()),
        ("gender_visibility".into(), own.gender_visibility.as_str().into()),
        ("location".into(), v.location.clone().unwrap_or_default()),
        ("location_visibility".into(), own.location_visibility.as_str().into()),
        ("avatar_visibility".into(), own.avatar_visibility.as_str().into()),
    ];
    for (i, l) in v.native_languages.iter().chain(&v.learning_languages).enumerate() {
        values.push((format!("lang_{i}"), l.language.clone()));
        values.push((format!("level_{i}"), l.level.clone()));
    }
    FormState {
        values: values.into_iter().collect(),
        errors: Vec::new(),
    }
}

pub struct OptionalField {
    pub name: &'static str,
    pub label_key: &'static str,
    pub choices: Vec<(String, String)>,
    pub readonly: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "profile_edit.html")]
pub struct ProfileEditPage {
    pub page: Page,
    pub form: FormState,
    pub saved: bool,
    pub avatar_url: Option<String>,
    pub countries: Vec<(&'static str, String)>,
    pub time_zones: Vec<String>,
    pub language_rows: LanguageRows,
    pub visibilities: Vec<(&'static str, String)>,
    pub optional: Vec<OptionalField>,
}

fn edit_page(ctx: &Ctx, form: FormState, saved: bool, avatar_url: Option<String>) -> ProfileEditPage {
    let i18n: I18n = ctx.i18n();
    let countries = super::forms::country_choices(&i18n);
    let visibilities = Visibility::ALL
        .iter()
        .map(|v| (v.as_str(), i18n.t(&format!("visibility-{}", v.as_str()))))
        .collect();
    let mut genders = vec![(String::new(), i18n.t("field-gender-none"))];
    genders.extend(
        Gender::ALL
            .iter()
            .map(|g| (g.as_str().to_owned(), i18n.t(&format!("gender-{}", g.as_str())))),
    );
    ProfileEditPage {
        page: Page::new(ctx, "edit-title"),
        form,
        saved,
        avatar_url,
        countries,
        time_zones: super::templates::time_zone_names(),
        language_rows: LanguageRows::new(&i18n, LANGUAGE_SLOTS, Cefr::ALL),
        visibilities,
        optional: vec![
            // The birth date itself is set at sign-up; only its visibility is chosen here.
            OptionalField {
                name: "birth_date",
                label_key: "field-birth-date",
                choices: vec![],
                readonly: true,
            },
            OptionalField {
                name: "gender",
                label_key: "field-gender",
                choices: genders,
                readonly: false,
            },
            OptionalField {
                name: "location",
                label_key: "field-location",
                choices: vec![],
                readonly: false,
            },
        ],
    }
}

async fn edit_form(State(st): State<AppState>, ctx: Ctx) -> Result<ProfileEditPage, PageError> {
    let p = signed_in(&ctx)?;
    let own = st.svc.own_profile(p.account_id).await?;
    Ok(edit_page(&ctx, form_from(&own), false, own.view.avatar_url.clone()))
}

const FIXED_FIELDS: &[&str] = &[
    "display_name",
    "bio",
    "country",
    "time_zone",
    "ui_locale",
    "birth_date",
    "birth_date_visibility",
    "gender",
    "gender_visibility",
    "location",
    "location_visibility",
    "avatar_visibility",
];

/// The edit form as typed: its fixed fields and its language slots.
fn profile_input(fields: &HashMap<String, String>) -> ProfileInput {
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    ProfileInput {
        display_name: get("display_name"),
        bio: get("bio"),
        country: get("country"),
        time_zone: get("time_zone"),
        ui_locale: get("ui_locale"),
        languages: (0..LANGUAGE_SLOTS)
            .map(|i| (get(&format!("lang_{i}")), get(&format!("level_{i}"))))
            .filter(|(code, _)| !code.is_empty())
            .collect(),
        birth_date_visibility: get("birth_date_visibility"),
        gender: get("gender"),
        gender_visibility: get("gender_visibility"),
        location: get("location"),
        location_visibility: get("location_visibility"),
        // The photo's choice sits beside the photo; a form without it keeps it.
        avatar_visibility: fields.get("avatar_visibility").cloned(),
    }
}

async fn edit(State(st): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let mut fields = HashMap::new();
    for (k, v) in form_urlencoded::parse(&body) {
        let known = FIXED_FIELDS.contains(&k.as_ref())
            || (0..LANGUAGE_SLOTS).any(|i| k == format!("lang_{i}") || k == format!("level_{i}"));
        if !known {
            return Err(PageError::Status(StatusCode::BAD_REQUEST, "error-unknown-field"));
        }
        fields.insert(k.into_owned(), v.into_owned());
    }
    // A refusal from the service (a name like another teacher's) is shown
    // beside its field, as the form's own errors are.
    let outcome = match ProfileUpdate::parse(&profile_input(&fields)) {
        Ok(update) => match st.svc.update_profile(p.account_id, update).await {
            Err(koine_services::Error::Invalid(e)) => Err(vec![e]),
            other => Ok(other?),
        },
        Err(errors) => Err(errors),
    };
    match outcome {
        Ok(()) => {
            let own = st.svc.own_profile(p.account_id).await?;
            // The language may have changed: render in the new one.
            let ctx = ctx.with_locale(
                own.ui_locale
                    .as_deref()
                    .and_then(|l| UiLocale::parse(l).ok())
                    .unwrap_or(ctx.locale),
            );
            Ok(edit_page(&ctx, form_from(&own), true, own.view.avatar_url.clone()).into_response())
        }
        Err(errors) => {
            let own = st.svc.own_profile(p.account_id).await?;
            let mut form = FormState {
                values: fields.into_iter().collect(),
                errors: Vec::new(),
            };
            form.invalid(&ctx.i18n(), &errors);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                edit_page(&ctx, form, false, own.view.avatar_url),
            )
                .into_response())
        }
    }
}

async fn upload_avatar(State(st): State<AppState>, ctx: Ctx, mut mp: Multipart) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let bad = PageError::Status(StatusCode::BAD_REQUEST, "error-not-an-image");
    let (mut csrf_ok, mut image) = (false, None);
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|_| PageError::Status(StatusCode::PAYLOAD_TOO_LARGE, "error-file-too-large"))?
    {
        match field.name() {
            Some("csrf") => {
                let v = field
                    .text()
                    .await
                    .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error-csrf"))?;
                csrf_ok = ctx.csrf_ok(&st, &v);
            }
            Some("avatar") => {
                image = Some(
                    field
                        .bytes()
                        .await
                        .map_err(|_| PageError::Status(StatusCode::PAYLOAD_TOO_LARGE, "error-file-too-large"))?,
                )
            }
            _ => {
                return Err(PageError::Status(StatusCode::BAD_REQUEST, "error-unknown-field"));
            }
        }
    }
    if !csrf_ok {
        return Err(PageError::Status(StatusCode::FORBIDDEN, "error-csrf"));
    }
    let image = image.ok_or(bad)?;
    match st.svc.set_avatar(p.account_id, &image).await {
        Ok(_) => Ok(Redirect::to("/settings/profile").into_response()),
        Err(koine_services::Error::Invalid(e)) => {
            let own = st.svc.own_profile(p.account_id).await?;
            let mut form = form_from(&own);
            form.error(&ctx.i18n(), "avatar", e.code);
            let status = if e.code == "file-too-large" {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok((status, edit_page(&ctx, form, false, own.view.avatar_url)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn remove_avatar(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    st.svc.remove_avatar(p.account_id).await?;
    Ok(Redirect::to("/settings/profile").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy_choices.html")]
pub struct PrivacyChoicesPage {
    pub page: Page,
    /// Purpose name, whether it is given, and whether a browser signal decides it.
    pub choices: Vec<(&'static str, bool, bool)>,
    pub history: Vec<koine_store::repo::consent::ConsentRow>,
    pub gpc: bool,
    pub dnt: bool,
    pub saved: bool,
    /// Since when processing is restricted, if it is.
    pub restricted_since: Option<i64>,
    /// Purposes one can object to.
    pub objectable: Vec<&'static str>,
    /// Purposes consented to before the consent request changed.
    pub ask_again: Vec<&'static str>,
}

pub(super) async fn choices_page(st: &AppState, ctx: &Ctx, saved: bool) -> Result<Response, PageError> {
    let p = signed_in(ctx)?;
    let choices = st
        .svc
        .consent_state(p.account_id)
        .await?
        .into_iter()
        .map(|(k, v)| (k.as_str(), v, ctx.signals.covers(k)))
        .collect();
    let mut history = st.svc.consent_history(p.account_id).await?;
    history.reverse();
    let page = PrivacyChoicesPage {
        page: Page::new(ctx, "privacy-choices-title"),
        choices,
        history,
        gpc: ctx.signals.gpc,
        dnt: ctx.signals.dnt,
        saved,
        restricted_since: st.svc.restriction(p.account_id).await?.map(|r| r.requested_at),
        objectable: koine_services::restriction::OBJECTABLE
            .iter()
            .map(|p| p.as_str())
            .collect(),
        ask_again: st
            .svc
            .consents_to_ask_again(p.account_id)
            .await?
            .into_iter()
            .map(|p| p.as_str())
            .collect(),
    };
    Ok(page.into_response())
}

/// "Your privacy choices": consent per purpose, with its history.
async fn privacy_choices(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    choices_page(&st, &ctx, false).await
}

async fn save_privacy_choices(
    State(st): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let sent: Vec<_> = form_urlencoded::parse(&body).collect();
    // A ticked box sends "on"; any other value is not this form's.
    let given = ConsentPurpose::parse_choices(sent.iter().map(|(k, v)| (k.as_ref(), v == "on")))
        .ok()
        .filter(|given| given.iter().all(|(_, on)| *on))
        .ok_or(PageError::Status(StatusCode::BAD_REQUEST, "error-unknown-field"))?;
    // Unticked boxes are not sent: every purpose not ticked is withdrawn.
    let choices: Vec<_> = ConsentPurpose::ALL
        .iter()
        .map(|p| (*p, given.contains(&(*p, true))))
        .collect();
    st.svc
        .set_consents(p.account_id, &ctx.signals.apply(&choices), ConsentSource::Settings)
        .await?;
    choices_page(&st, &ctx, true).await
}
