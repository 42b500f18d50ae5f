//! Records of processing activities (GDPR Art. 30) for the privacy officer,
//! as a page and as a JSON download, generated from the data map.

use super::templates::Page;
use super::{retention_text, signed_in, table_title};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/records", get(page))
        .route("/staff/records.json", get(download))
}

/// One processing activity, in the reader's language.
pub struct RecordsRow {
    pub purpose: String,
    pub categories: String,
    pub bases: String,
    /// "Table (name): how long", one per table.
    pub tables: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "records.html")]
pub struct RecordsPage {
    pub page: Page,
    pub rows: Vec<RecordsRow>,
    pub records: koine_services::records::Records,
}

async fn page(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let records = st.svc.records_of_processing(signed_in(&ctx)?)?;
    let i18n = ctx.i18n();
    let rows = records
        .activities
        .iter()
        .map(|(purpose, a)| RecordsRow {
            purpose: if a.on_consent {
                i18n.t(&format!("consent-{purpose}"))
            } else {
                i18n.t(&format!("purpose-{purpose}"))
            },
            categories: if a.categories.is_empty() {
                i18n.t("privacy-consent-none")
            } else {
                a.categories.iter().copied().collect::<Vec<_>>().join("; ")
            },
            bases: a
                .legal_bases
                .iter()
                .map(|b| format!("{} (Art. {})", i18n.t(&format!("basis-{}", b.as_str())), b.article()))
                .collect::<Vec<_>>()
                .join("; "),
            tables: a
                .retention
                .iter()
                .map(|(table, rules)| {
                    let kept = rules
                        .iter()
                        .map(|r| retention_text(&i18n, r, &st.svc.settings.retention))
                        .collect::<Vec<_>>();
                    format!("{} ({table}): {}", table_title(&i18n, table), kept.join(", "))
                })
                .collect(),
        })
        .collect();
    Ok(RecordsPage {
        page: Page::new(&ctx, "records-title"),
        rows,
        records,
    }
    .into_response())
}

async fn download(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let records = st.svc.records_of_processing(signed_in(&ctx)?)?;
    let body = serde_json::to_string_pretty(&records).map_err(koine_services::Error::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"records-of-processing.json\"",
            ),
        ],
        body,
    )
        .into_response())
}
