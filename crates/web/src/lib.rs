//! Koine's web edge: server-rendered pages that work without JavaScript, a
//! JSON API under `/api/v1` with its OpenAPI document, and the middleware
//! around both (sessions, CSRF, security headers, locale, metrics).
#![forbid(unsafe_code)]

mod api;
mod ctx;
mod error;
mod files;
mod html;
mod i18n;
mod metrics;
mod security;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use koine_services::Services;
use std::sync::Arc;

pub use api::openapi_json;
pub use metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub svc: Services,
    pub metrics: Arc<Metrics>,
    /// Served over TLS (directly or behind a proxy): cookies get `Secure` and
    /// the `__Host-` prefix, and HSTS is sent.
    pub tls: bool,
    /// Reverse proxies in front of Koine that append to `X-Forwarded-For`;
    /// 0 means clients connect directly.
    pub proxy_hops: usize,
}

/// Largest request body accepted (an avatar upload plus form overhead).
pub(crate) const BODY_LIMIT: usize = koine_services::avatars::MAX_BYTES + 64 * 1024;

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(html::routes())
        .nest("/api", api::routes())
        .merge(metrics::routes())
        .layer(axum::middleware::from_fn_with_state(state.clone(), ctx::middleware))
        .layer(axum::middleware::from_fn_with_state(
            security::Policy::for_site(&state),
            security::headers,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}
