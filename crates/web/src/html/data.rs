//! "Your data": the access report (GDPR Art. 15) and exports (Art. 20).

use super::signed_in;
use super::templates::Page;
use super::templates::{DisclosureLine, NoticeRow};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use koine_services::Error;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings/data", get(my_data))
        .route("/settings/data/export", post(request_export))
        .route("/settings/data/exports/{id}", get(download))
}

pub struct HeldSection {
    pub title: String,
    pub rows: i64,
    pub rows_detail: Vec<NoticeRow>,
}

/// An export the person asked for, on "Your data".
pub struct ExportLine {
    pub id: String,
    pub requested_at: i64,
    pub ready: bool,
    pub expires_at: i64,
    pub kib: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "my_data.html")]
pub struct MyDataPage {
    pub page: Page,
    pub sections: Vec<HeldSection>,
    /// Who the data was given to outside Koine, as recorded.
    pub disclosures: Vec<DisclosureLine>,
    /// What the member allows now, purpose by purpose (from the ledger).
    pub consents: Vec<(String, String)>,
    /// Who processes data for the operator (from configuration).
    pub processors: Vec<koine_services::policy::Processor>,
    /// When and what staff looked at.
    pub staff_access: Vec<(i64, String)>,
    pub exports: Vec<ExportLine>,
}

/// What Koine holds about the member, why, on which basis, for how long,
/// when staff looked at it, and their exports.
async fn my_data(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let i18n = ctx.i18n();
    let sections = st
        .svc
        .access_report(p.account_id)
        .await?
        .into_iter()
        .map(|h| HeldSection {
            title: super::table_title(&i18n, h.table),
            rows: h.rows,
            rows_detail: h.entries.iter().map(|e| super::notice_row(&i18n, e)).collect(),
        })
        .collect();
    let staff_access = st
        .svc
        .staff_access_to(p.account_id)
        .await?
        .into_iter()
        .map(|a| (a.created_at, a.action))
        .collect();
    let exports = st
        .svc
        .exports(p.account_id)
        .await?
        .into_iter()
        .map(|e| ExportLine {
            id: e.id.to_string(),
            requested_at: e.requested_at,
            ready: e.ready_at.is_some(),
            expires_at: e.expires_at,
            kib: (e.size_bytes.unwrap_or(0) + 1023) / 1024,
        })
        .collect();
    let disclosures = super::disclosure_lines(&i18n, st.svc.disclosures_of(p.account_id).await?);
    let consents = st
        .svc
        .consent_state(p.account_id)
        .await?
        .into_iter()
        .map(|(purpose, given)| {
            (
                i18n.t(&format!("consent-{}", purpose.as_str())),
                i18n.t(if given { "consent-granted" } else { "consent-not-given" }),
            )
        })
        .collect();
    let page = MyDataPage {
        page: Page::new(&ctx, "my-data-title"),
        sections,
        disclosures,
        consents,
        processors: st.svc.settings.controller.processors.clone(),
        staff_access,
        exports,
    };
    Ok(page.into_response())
}

async fn request_export(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    st.svc.request_export(p).await?;
    Ok(Redirect::to("/settings/data#export").into_response())
}

async fn download(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let id = Uuid::parse_str(&id).map_err(|_| PageError::from(Error::NotFound))?;
    match st.svc.download_export(p, id).await {
        Ok(zip) => Ok((
            [
                (header::CONTENT_TYPE, "application/zip".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"koine-export-{id}.zip\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            zip,
        )
            .into_response()),
        Err(Error::ReauthRequired) => Ok(Redirect::to("/reauth?next=/settings/data").into_response()),
        Err(e) => Err(e.into()),
    }
}
