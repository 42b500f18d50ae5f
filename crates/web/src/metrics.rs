//! Prometheus metrics at `/metrics`: request counts by status class and a
//! latency histogram. Hand-rolled because four counters do not need a crate.

use crate::AppState;
use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

const BUCKETS_MS: [u64; 8] = [1, 5, 10, 25, 50, 100, 500, 2500];

#[derive(Default)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
    buckets: [AtomicU64; 8],
    sum_us: AtomicU64,
    count: AtomicU64,
}

impl Metrics {
    fn observe(&self, status: u16, micros: u64) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        for (i, b) in BUCKETS_MS.iter().enumerate() {
            if micros <= b * 1000 {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.sum_us.fetch_add(micros, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP koine_http_requests_total HTTP requests by status class.\n");
        out.push_str("# TYPE koine_http_requests_total counter\n");
        for (i, c) in self.by_class.iter().enumerate() {
            let _ = writeln!(
                out,
                "koine_http_requests_total{{class=\"{}xx\"}} {}",
                i + 1,
                c.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP koine_http_request_duration_seconds Request latency.\n");
        out.push_str("# TYPE koine_http_request_duration_seconds histogram\n");
        for (i, b) in BUCKETS_MS.iter().enumerate() {
            let _ = writeln!(
                out,
                "koine_http_request_duration_seconds_bucket{{le=\"{}\"}} {}",
                *b as f64 / 1000.0,
                self.buckets[i].load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "koine_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            out,
            "koine_http_request_duration_seconds_sum {}",
            self.sum_us.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "koine_http_request_duration_seconds_count {count}");
        out
    }
}

/// Counts every request and writes one access-log line. Only the path is
/// logged, never the query string, which can carry a one-time token.
pub async fn track(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let res = next.run(req).await;
    let micros = start.elapsed().as_micros() as u64;
    st.metrics.observe(res.status().as_u16(), micros);
    let status = res.status().as_u16();
    let ms = micros as f64 / 1000.0;
    match res.extensions().get::<crate::error::Overload>() {
        Some(why) => tracing::info!(target: "koine::access", %method, %path, status, ms, overload = why.0),
        None => tracing::info!(target: "koine::access", %method, %path, status, ms),
    }
    res
}

async fn metrics(State(st): State<AppState>) -> impl IntoResponse {
    ([("content-type", "text/plain; version=0.0.4")], st.metrics.render())
}

/// The process is up (`/livez`; `/healthz` is the older name).
async fn livez() -> &'static str {
    "ok"
}

/// Whether this node should be sent work: not while it drains, nor while
/// its database does not answer.
async fn readyz(State(st): State<AppState>) -> Response {
    if st.svc.lifecycle.is_draining() {
        return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "draining").into_response();
    }
    if !st.svc.bus.connected() {
        return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "bus unavailable").into_response();
    }
    if st.svc.database_reachable().await {
        "ready".into_response()
    } else {
        (axum::http::StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/livez", get(livez))
        .route("/healthz", get(livez))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}
