//! Per-request context: who is asking (session cookie or API bearer token),
//! in which language, and the CSRF token bound to their browser.
//!
//! The middleware also enforces CSRF on URL-encoded form posts: it checks and
//! removes the `csrf` field before the handler sees the form, so no handler
//! can forget it. Multipart forms check it in their handler.

use crate::AppState;
use crate::error::{Overload, PageErrorMarker};
use crate::i18n::I18n;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use koine_domain::consent::VisitorChoice;
use koine_domain::profile::UiLocale;
use koine_domain::validation::has_hidden_characters;
use koine_services::accounts::Principal;
use koine_services::consent::Signals;
use koine_services::crypto;
use koine_services::security_log::ClientInfo;
use std::net::{IpAddr, SocketAddr};

const FORM_LIMIT: usize = 256 * 1024;
/// The only pages that take `multipart/form-data`.
const MULTIPART_PATHS: &[&str] = &["/settings/avatar", "/teach"];

/// Pages a file is sent to: those above, and a conversation (`/messages/{id}`).
fn takes_files(path: &str) -> bool {
    MULTIPART_PATHS.contains(&path)
        || path
            .strip_prefix("/messages/")
            .is_some_and(|id| uuid::Uuid::parse_str(id).is_ok())
}
pub const LANG_COOKIE: &str = "koine_lang";

#[derive(Clone)]
pub struct Ctx {
    pub principal: Option<Principal>,
    pub locale: UiLocale,
    pub csrf: String,
    /// What CSRF tokens are bound to: the session token or the pre-session cookie.
    binding: String,
    pub client: ClientInfo,
    pub tls: bool,
    pub path: String,
    /// Browser privacy signals sent with this request.
    pub signals: Signals,
    /// The cookie-banner choice this browser keeps, if any.
    pub visitor: Option<VisitorChoice>,
    /// Whether that choice answers the consent request made now (else the
    /// banner asks again).
    pub visitor_answered: bool,
    /// Notices the member has not read (for the navigation; pages only).
    pub unread: i64,
    /// Messages the member has not read (for the navigation; pages only).
    pub unread_messages: i64,
}

impl Ctx {
    /// The same request context after the session ended (to render the page
    /// that follows a deletion as a visitor's).
    pub fn signed_out(&self) -> Self {
        Self {
            principal: None,
            ..self.clone()
        }
    }

    /// The same request context rendered in another language.
    pub fn with_locale(&self, locale: UiLocale) -> Self {
        Self { locale, ..self.clone() }
    }

    pub fn i18n(&self) -> I18n {
        I18n { locale: self.locale }
    }

    pub fn csrf_ok(&self, st: &AppState, presented: &str) -> bool {
        st.svc.keys.csrf_valid(&self.binding, presented)
    }

    pub fn ip(&self) -> &str {
        self.client.ip.as_deref().unwrap_or("-")
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

pub fn session_cookie(tls: bool) -> &'static str {
    if tls { "__Host-koine_session" } else { "koine_session" }
}

/// Keeps the visitor's cookie-banner choice (strictly necessary: it is how
/// the choice is respected).
pub fn consent_cookie(tls: bool) -> &'static str {
    if tls { "__Host-koine_consent" } else { "koine_consent" }
}

fn anon_cookie(tls: bool) -> &'static str {
    if tls { "__Host-koine_anon" } else { "koine_anon" }
}

/// A `Set-Cookie` value; `max_age` 0 deletes.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, tls: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if tls {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie values are URL-safe")
}

pub fn cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    cookies(headers).find(|(k, _)| *k == name).map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The stream's session token, from where `session` took it: the bearer
/// token, or the page's session cookie.
pub(crate) fn stream_token(headers: &HeaderMap, tls: bool) -> Option<(String, StreamAuth)> {
    match bearer(headers) {
        Some(t) => Some((t.to_owned(), StreamAuth::Bearer)),
        None => cookie(headers, session_cookie(tls)).map(|t| (t.to_owned(), StreamAuth::Cookie)),
    }
}

/// How the stream's caller authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StreamAuth {
    Bearer,
    /// A browser sends the cookie from any page that opens a WebSocket to
    /// Koine, so the origin must be checked.
    Cookie,
}

fn is_plain_text(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"))
}

/// The client's address. Behind `hops` reverse proxies, each of which
/// appends the address it saw to `X-Forwarded-For`, the client is the entry
/// `hops` from the right; entries further left could be forged by the client.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, hops: usize) -> Option<IpAddr> {
    if hops == 0 {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().parse::<IpAddr>())
        .collect::<Result<_, _>>()
        .ok()?;
    forwarded
        .len()
        .checked_sub(hops)
        .and_then(|i| forwarded.get(i))
        .copied()
}

/// Builds the request's context in named steps — session, CSRF binding,
/// language, client, privacy signals, unread notices — then guards what
/// comes in (query, form, JSON body) before the handler, and finishes the
/// response (error pages, the pre-session cookie).
pub async fn middleware(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let is_api = parts.uri.path().starts_with("/api/");
    let tls = st.tls;
    let stream = parts.uri.path() == crate::api::STREAM_PATH;
    let (principal, token, refused) = session(&st, &parts.headers, is_api, stream).await;
    let (binding, new_anon) = csrf_binding(&parts.headers, token, tls);
    let locale = locale(principal.as_ref(), &parts.headers);
    let client = client(&st, &parts);
    let principal = principal.map(|p| Principal {
        client: client.clone(),
        ..p
    });
    let signals = privacy_signals(&st, principal.as_ref(), &parts.headers).await;
    let visitor = cookie(&parts.headers, consent_cookie(tls)).and_then(VisitorChoice::decode);
    let pages_get = !is_api && parts.method == Method::GET;
    let (unread, unread_messages) = unread(&st, principal.as_ref().filter(|_| pages_get)).await;
    let ctx = Ctx {
        principal,
        locale,
        csrf: st.svc.keys.csrf_token(&binding),
        binding,
        client,
        tls,
        path: parts.uri.path().to_owned(),
        signals,
        visitor_answered: visitor
            .as_ref()
            .is_some_and(|v| v.is_current(st.svc.consent_revision())),
        visitor,
        unread,
        unread_messages,
    };
    parts.extensions.insert(ctx.clone());
    if let Some(why) = refused {
        return why.response(is_api, &ctx);
    }
    if let Some(refusal) = hidden_in_query(&parts, is_api, &ctx) {
        return refusal;
    }
    let body = match guard_body(&st, &mut parts, body, is_api, &ctx).await {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    let res = next.run(Request::from_parts(parts, body)).await;
    finish(res, &ctx, is_api, new_anon).await
}

/// Who is asking: the session behind the cookie (pages) or the bearer token
/// (API), and the token itself while it names a live session. A session
/// that cannot be looked up (the database is overloaded or down) is refused
/// with a 503 once the visitor's context is built.
async fn session(
    st: &AppState,
    headers: &HeaderMap,
    is_api: bool,
    stream: bool,
) -> (Option<Principal>, Option<String>, Option<Overload>) {
    let token = if is_api {
        // The live stream is opened by pages too, with their cookie (its
        // handler checks the origin, as a browser sends no CSRF token).
        bearer(headers)
            .or_else(|| stream.then(|| cookie(headers, session_cookie(st.tls))).flatten())
            .map(str::to_owned)
    } else {
        cookie(headers, session_cookie(st.tls)).map(str::to_owned)
    };
    let mut refused = None;
    let principal = match &token {
        Some(t) if !t.is_empty() && t.len() < 100 => match st.svc.authenticate(t).await {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!("session lookup failed: {e}");
                refused = Some(Overload(match e {
                    koine_services::Error::Overloaded(_) => "database-busy",
                    koine_services::Error::Unavailable(_) => "database-unavailable",
                    _ => "session-lookup-failed",
                }));
                None
            }
        },
        _ => None,
    };
    let token = token.filter(|_| principal.is_some());
    (principal, token, refused)
}

/// What CSRF tokens are bound to: the session token, or for visitors a
/// random pre-session cookie (returned when it is new, to be set).
fn csrf_binding(headers: &HeaderMap, session_token: Option<String>, tls: bool) -> (String, Option<String>) {
    match (session_token, cookie(headers, anon_cookie(tls))) {
        (Some(t), _) => (t, None),
        (None, Some(a)) if a.len() == 43 => (a.to_owned(), None),
        _ => {
            let a = crypto::new_token();
            (a.clone(), Some(a))
        }
    }
}

/// The page's language: the member's setting, else the language cookie,
/// else the browser's `Accept-Language`, else English.
fn locale(principal: Option<&Principal>, headers: &HeaderMap) -> UiLocale {
    principal
        .and_then(|p| p.locale)
        .or_else(|| cookie(headers, LANG_COOKIE).and_then(|l| UiLocale::parse(l).ok()))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(UiLocale::negotiate)
        })
        .unwrap_or(UiLocale::En)
}

/// The client's address (through the configured proxies) and user agent.
fn client(st: &AppState, parts: &Parts) -> ClientInfo {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let ip = client_ip(peer, &parts.headers, st.proxy_hops).map(|ip| ip.to_string());
    let user_agent = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    ClientInfo { ip, user_agent }
}

/// Global Privacy Control and Do Not Track as sent; for a member they are
/// recorded as the refusals they stand for.
async fn privacy_signals(st: &AppState, principal: Option<&Principal>, headers: &HeaderMap) -> Signals {
    let is_one = |name: &str| headers.get(name).is_some_and(|v| v.as_bytes().trim_ascii() == b"1");
    let signals = Signals {
        gpc: is_one("sec-gpc"),
        dnt: is_one("dnt"),
    };
    if let (Some(p), true) = (principal, signals.gpc || signals.dnt)
        && let Err(e) = st.svc.honour_signals(p.account_id, signals).await
    {
        tracing::error!("recording a privacy signal failed: {e}");
    }
    signals
}

/// Notices and messages the member has not read, for the navigation of a
/// page.
async fn unread(st: &AppState, member: Option<&Principal>) -> (i64, i64) {
    let Some(p) = member else { return (0, 0) };
    let count = |what: &str, n: koine_services::Result<i64>| {
        n.unwrap_or_else(|e| {
            tracing::error!("counting unread {what} failed: {e}");
            0
        })
    };
    (
        count("notices", st.svc.unread_notifications(p.account_id).await),
        count("messages", st.svc.unread_messages(p.account_id).await),
    )
}

/// Query parameters are held to the same rule as form fields and JSON
/// strings: no invisible character.
fn hidden_in_query(parts: &Parts, is_api: bool, ctx: &Ctx) -> Option<Response> {
    let query = parts.uri.query().unwrap_or("");
    let (k, _) =
        form_urlencoded::parse(query.as_bytes()).find(|(k, v)| has_hidden_characters(k) || has_hidden_characters(v))?;
    Some(if is_api {
        crate::error::Problem::hidden_characters(&k).into_response()
    } else {
        PageErrorMarker::response(StatusCode::UNPROCESSABLE_ENTITY, "error-invisible-characters", ctx)
    })
}

/// The body a handler may see. Pages take only forms (CSRF checked and
/// removed here) or the uploads that check it themselves; API bodies are
/// refused when any string holds an invisible character (a processor's
/// signed webhook is taken as sent).
async fn guard_body(st: &AppState, parts: &mut Parts, body: Body, is_api: bool, ctx: &Ctx) -> Result<Body, Response> {
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !unsafe_method {
        return Ok(body);
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if is_api {
        let is_json = content_type.starts_with("application/json");
        if !is_json || parts.uri.path().starts_with("/api/v1/payments/webhooks/") {
            return Ok(body);
        }
        let Ok(bytes) = to_bytes(body, crate::BODY_LIMIT).await else {
            return Err(crate::error::Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "The body is too large.",
            )
            .into_response());
        };
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes)
            && let Some(at) = hidden_in_json(&value, "")
        {
            return Err(crate::error::Problem::hidden_characters(&at).into_response());
        }
        return Ok(Body::from(bytes));
    }
    let probe = Request::from_parts(parts.clone(), Body::empty());
    if crate::security::cross_site(&probe) {
        return Err(PageErrorMarker::response(StatusCode::FORBIDDEN, "error-csrf", ctx));
    }
    // Multipart is accepted only where a file is uploaded; those handlers
    // check the CSRF field themselves.
    if content_type.starts_with("multipart/form-data") && takes_files(parts.uri.path()) {
        return Ok(body);
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        // Pages only take forms; anything else is not from our pages.
        return Err(PageErrorMarker::response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "error-csrf",
            ctx,
        ));
    }
    let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
        return Err(PageErrorMarker::response(
            StatusCode::PAYLOAD_TOO_LARGE,
            "error-too-long",
            ctx,
        ));
    };
    let mut presented = None;
    let mut hidden = false;
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(&bytes) {
        if k == "csrf" {
            presented = Some(v.into_owned());
        } else {
            hidden |= !is_secret(&k) && (has_hidden_characters(&k) || has_hidden_characters(&v));
            rest.append_pair(&k, &v);
        }
    }
    if !presented.is_some_and(|p| ctx.csrf_ok(st, &p)) {
        return Err(PageErrorMarker::response(StatusCode::FORBIDDEN, "error-csrf", ctx));
    }
    if hidden {
        return Err(PageErrorMarker::response(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-invisible-characters",
            ctx,
        ));
    }
    let rest = rest.finish();
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(rest.len()));
    Ok(Body::from(rest))
}

/// The handler's answer as the visitor gets it: an error page in their
/// language (or a problem for the API) for every refusal, the framework's
/// own included, and a new pre-session cookie for pages.
async fn finish(mut res: Response, ctx: &Ctx, is_api: bool, new_anon: Option<String>) -> Response {
    if let Some(marker) = res.extensions_mut().remove::<PageErrorMarker>() {
        let overload = res.extensions().get::<Overload>().copied();
        res = marker.render(ctx);
        if let Some(o) = overload {
            res.extensions_mut().insert(o);
        }
    } else if res.status().is_client_error() && is_plain_text(&res) {
        res = if is_api {
            let status = res.status();
            let detail =
                String::from_utf8_lossy(&to_bytes(res.into_body(), 64 * 1024).await.unwrap_or_default()).into_owned();
            crate::error::Problem::new(status, "bad-request", "The request is not acceptable.")
                .detail(detail)
                .into_response()
        } else {
            PageErrorMarker::response(res.status(), "error-bad-request", ctx)
        };
    }
    if is_api && res.status() == StatusCode::UNPROCESSABLE_ENTITY {
        res = in_callers_language(res, ctx.locale).await;
    }
    // API clients authenticate with bearer tokens and get no cookie.
    if let Some(a) = new_anon.filter(|_| !is_api) {
        res.headers_mut()
            .append(header::SET_COOKIE, set_cookie(anon_cookie(ctx.tls), &a, None, ctx.tls));
    }
    res
}

/// A problem's field messages in `locale` (handlers build them without
/// knowing who asks).
async fn in_callers_language(res: Response, locale: UiLocale) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, crate::BODY_LIMIT).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let mut problem: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(_) => return Response::from_parts(parts, Body::from(bytes)),
    };
    for e in problem["errors"].as_array_mut().into_iter().flatten() {
        if let Some(code) = e["code"].as_str() {
            e["message"] = crate::error::field_message(locale, code).into();
        }
    }
    let bytes = serde_json::to_vec(&problem).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

/// Fields whose text is taken as typed, whatever it holds: passwords.
fn is_secret(field: &str) -> bool {
    field.contains("password")
}

/// The path (`a.b[2]`) of the first string or key in `v` holding an
/// invisible character, passwords aside.
fn hidden_in_json(v: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::String(s) if has_hidden_characters(s) => Some(at.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| hidden_in_json(x, &format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, x)| {
            let path = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
            if has_hidden_characters(k) {
                Some(path)
            } else if is_secret(k) {
                None
            } else {
                hidden_in_json(x, &path)
            }
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_found_anywhere_in_a_body_but_passwords() {
        let v = serde_json::json!({"a": "ok", "b": [{"c": "x\u{202E}y"}], "password": "p\u{200B}w"});
        assert_eq!(hidden_in_json(&v, "").as_deref(), Some("b[0].c"));
        let v = serde_json::json!({"password": "p\u{200B}w", "new_password": "\u{FEFF}"});
        assert_eq!(hidden_in_json(&v, ""), None);
        assert_eq!(
            hidden_in_json(&serde_json::json!({"k\u{200B}": 1}), "").as_deref(),
            Some("k\u{200B}")
        );
    }

    #[test]
    fn client_ip_respects_proxy_hops() {
        let peer: Option<IpAddr> = "10.0.0.1".parse().ok();
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_static("6.6.6.6, 203.0.113.7"));
        assert_eq!(client_ip(peer, &h, 0), peer, "no proxy: the socket peer");
        assert_eq!(
            client_ip(peer, &h, 1),
            "203.0.113.7".parse().ok(),
            "one proxy: its entry"
        );
        assert_eq!(client_ip(peer, &h, 2), "6.6.6.6".parse().ok());
        assert_eq!(client_ip(peer, &h, 3), None, "fewer entries than proxies");
        h.insert("x-forwarded-for", HeaderValue::from_static("junk, 203.0.113.7"));
        assert_eq!(client_ip(peer, &h, 1), None, "malformed header");
    }
}
