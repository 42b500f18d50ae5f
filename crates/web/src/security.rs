//! Security headers on every response, and the cross-site request guard.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// The content security policy. `connect-src` names the stream's
/// WebSocket origin as well as 'self': Safari does not let 'self' cover
/// `ws:`/`wss:`.
fn csp(public_url: &str) -> String {
    let socket = public_url
        .strip_prefix("https://")
        .map(|host| format!("wss://{host}"))
        .or_else(|| public_url.strip_prefix("http://").map(|host| format!("ws://{host}")))
        .unwrap_or_default();
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self' {socket}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
}

/// The headers' values that depend on the site, worked out once.
#[derive(Clone)]
pub struct Policy {
    csp: HeaderValue,
    tls: bool,
}

impl Policy {
    pub fn for_site(st: &AppState) -> Self {
        let csp = csp(st.svc.settings.public_url.trim_end_matches('/'));
        Self {
            csp: HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'")),
            tls: st.tls,
        }
    }
}

const PERMISSIONS_POLICY: &str = "permissions-policy";

/// What the classroom's page may use: this site's own camera, microphone
/// and screen capture, and still no location.
pub const CALL_PERMISSIONS: (&str, &str) = (
    PERMISSIONS_POLICY,
    "camera=(self), microphone=(self), display-capture=(self), geolocation=()",
);

pub async fn headers(State(policy): State<Policy>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, policy.csp.clone());
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    // No page may use the camera, microphone or screen unless it says so
    // itself (the classroom: `CALL_PERMISSIONS`).
    if !h.contains_key(PERMISSIONS_POLICY) {
        h.insert(
            PERMISSIONS_POLICY,
            HeaderValue::from_static("camera=(), microphone=(), display-capture=(), geolocation=()"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if policy.tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    // An oversize upload is refused before its body is read; the rest of
    // it would poison the connection, so the client must not reuse it.
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE {
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    res
}

/// True when a state-changing request visibly comes from another site
/// (browsers send `Sec-Fetch-Site` and `Origin`); a second line behind the
/// per-form CSRF token.
pub fn cross_site(req: &Request) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let h = req.headers();
    if h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return true;
    }
    match (
        h.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        h.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => {
            let origin_host = origin.split("://").nth(1).unwrap_or(origin);
            origin_host != host
        }
        _ => false,
    }
}
