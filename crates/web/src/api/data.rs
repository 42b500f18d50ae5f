//! A copy of one's data (the pages: `html/data.rs`).

use super::{ApiResult, principal};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::Problem;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use koine_store::repo::exports::ExportRow;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Ask for a copy of everything Koine holds about the caller (GDPR Art. 20).
/// It is built in the background; while one is being built, asking again
/// returns that one.
#[utoipa::path(post, path = "/api/v1/me/exports", tag = "privacy", security(("bearer" = [])),
    responses((status = 202, description = "Queued; `GET /api/v1/me/exports` shows when it is ready", body = super::Created), (status = 401, body = Problem)))]
pub async fn request_export(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let id = st.svc.request_export(principal(&ctx)?).await?;
    Ok((StatusCode::ACCEPTED, Json(super::Created { id })).into_response())
}

/// A copy of one's data, as listed.
#[derive(Serialize, ToSchema)]
pub struct ExportInfo {
    id: Uuid,
    requested_at: i64,
    /// Null while it is being built.
    ready_at: Option<i64>,
    expires_at: i64,
    size_bytes: Option<i64>,
    downloaded_at: Option<i64>,
}

impl From<ExportRow> for ExportInfo {
    fn from(e: ExportRow) -> Self {
        Self {
            id: e.id,
            requested_at: e.requested_at,
            ready_at: e.ready_at,
            expires_at: e.expires_at,
            size_bytes: e.size_bytes,
            downloaded_at: e.downloaded_at,
        }
    }
}

/// The caller's exports, newest first; `ready_at` is null while building.
#[utoipa::path(get, path = "/api/v1/me/exports", tag = "privacy", security(("bearer" = [])),
    responses((status = 200, description = "Exports", body = Vec<ExportInfo>), (status = 401, body = Problem)))]
pub async fn exports(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let list = st.svc.exports(principal(&ctx)?.account_id).await?;
    Ok(Json(super::all::<_, ExportInfo>(list)).into_response())
}

/// Download a ready export as a ZIP (needs a recent password entry; see
/// `/api/v1/session/reauth`). Gone after 7 days.
#[utoipa::path(get, path = "/api/v1/me/exports/{id}/archive", tag = "privacy", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "application/zip"), (status = 401, body = Problem), (status = 404, body = Problem),
              (status = 409, description = "Still being built", body = Problem)))]
pub async fn export_archive(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> ApiResult {
    let zip = st.svc.download_export(principal(&ctx)?, id).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/zip"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        zip,
    )
        .into_response())
}
