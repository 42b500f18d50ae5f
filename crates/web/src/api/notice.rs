//! The data map behind the privacy notice (the pages: `html/notice.rs`).

use axum::Json;
use serde_json::Value;

/// The data map: every stored column, classified.
#[utoipa::path(get, path = "/api/v1/privacy/map", tag = "privacy", responses((status = 200, description = "The data map")))]
pub async fn privacy_map() -> Json<Value> {
    Json(koine_store::datamap::document())
}
