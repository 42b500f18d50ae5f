//! The live stream: one WebSocket per browser tab or client, carrying
//! events for the member (`koine_services::bus::Event`) as JSON envelopes
//! `{"kind": "...", "data": {...}}`. It only speeds things up: whatever a
//! client misses it catches up on from the conversation's messages by
//! sequence number, so a dropped or slow connection loses nothing.

use super::{ApiResult, principal};
use crate::AppState;
use crate::ctx::{Ctx, StreamAuth, stream_token};
use crate::error::Problem;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use koine_services::accounts::Principal;
use koine_services::bus::Received;
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;
use uuid::Uuid;

/// Where the stream is served (the request middleware takes a page's
/// session cookie here, as well as a bearer token).
pub const STREAM_PATH: &str = "/api/v1/stream";

/// How often the connection is pinged and its session checked again.
const HEARTBEAT: Duration = Duration::from_secs(25);

/// When a new stream's first heartbeat falls: at random within the first
/// period. Streams opened together (every client of a stopped node
/// reconnecting elsewhere at once) would otherwise check their sessions
/// together every period, a burst of reads that delays everyone's requests.
fn first_heartbeat() -> Duration {
    let r = u64::from_le_bytes(koine_services::crypto::random_bytes());
    Duration::from_millis(1 + r % HEARTBEAT.as_millis() as u64)
}

/// The largest frame a client may send: a call's session description, with
/// room for JSON escaping.
const MAX_CLIENT_FRAME: usize = 2 * koine_domain::classroom::MAX_SDP_BYTES + 1024;

/// Bytes read from the socket at a time.
const READ_BUFFER: usize = 4096;

/// Unsent bytes a connection may hold before it is closed.
const MAX_BACKLOG_BYTES: usize = 1 << 20;

/// What a client may send.
#[derive(Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case", deny_unknown_fields)]
enum ClientFrame {
    /// The member is typing in a conversation.
    Typing { conversation: Uuid },
    /// A call signal for the other member of a lesson.
    Signal {
        lesson: Uuid,
        call: koine_domain::classroom::CallId,
        #[serde(default)]
        to: Option<koine_domain::classroom::CallId>,
        signal: koine_domain::classroom::Signal,
    },
}

/// Whether the request comes from a page of this site: a cookie-borne
/// WebSocket from another site's page would otherwise act as the member.
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    match (host, origin) {
        (Some(host), Some(origin)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host)),
        _ => false,
    }
}

/// Opens the live stream (a WebSocket). Server frames: `hello` (with the
/// unread count), `message`, `read`, `typing`, `unread`, `signal` (a call
/// signal from the other member of a lesson), `signal_refused`, and
/// `resync` — events were missed, so fetch each open conversation's
/// messages after the last sequence number held. A client may send
/// `typing` and `signal` (`{"lesson": id, "signal": {"type": "ready" |
/// "offer" | "answer" | "candidate" | "leave", …}}`, while the room is open).
#[utoipa::path(get, path = "/api/v1/stream", tag = "conversations", security(("bearer" = [])),
    responses((status = 101, description = "Switched to the WebSocket protocol"),
              (status = 403, description = "Opened with a cookie from another site's page", body = Problem),
              (status = 426, description = "Not a WebSocket upgrade request", body = Problem),
              (status = 503, description = "The server is restarting: connect again (to another node)", body = Problem)))]
pub async fn stream(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> ApiResult {
    let p = principal(&ctx)?.clone();
    let Some((token, auth)) = stream_token(&headers, st.tls) else {
        return Err(koine_services::Error::Unauthenticated.into());
    };
    if auth == StreamAuth::Cookie && !same_origin(&headers) {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "cross-origin",
            "Open the stream from Koine's own pages.",
        ));
    }
    if st.svc.lifecycle.is_draining() {
        return Err(Problem::draining());
    }
    let upgrade = upgrade.map_err(|_| {
        Problem::new(
            StatusCode::UPGRADE_REQUIRED,
            "websocket-required",
            "This endpoint speaks the WebSocket protocol.",
        )
    })?;
    Ok(upgrade
        .max_message_size(MAX_CLIENT_FRAME)
        .max_frame_size(MAX_CLIENT_FRAME)
        // Small buffers keep an idle socket cheap; frames go out at once.
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        // A reader too slow to take this much is cut off, and its client
        // reconnects and catches up from the database.
        .max_write_buffer_size(MAX_BACKLOG_BYTES)
        .on_upgrade(move |socket| run(socket, st, p, token))
        .into_response())
}

async fn run(socket: WebSocket, st: AppState, p: Principal, token: String) {
    let mut in_calls = std::collections::HashSet::new();
    converse(socket, &st, &p, &token, &mut in_calls).await;
    // A closed tab or a lost connection ends the member's stay in any
    // lesson call this stream had joined.
    for lesson in in_calls {
        if let Err(e) = st.svc.leave_room(&p, lesson).await {
            tracing::warn!("recording a classroom leave failed: {e}");
        }
    }
}

/// Until the socket closes: events out, frames in. `in_calls` holds the
/// lessons whose call this stream joined and has not left.
async fn converse(
    mut socket: WebSocket,
    st: &AppState,
    p: &Principal,
    token: &str,
    in_calls: &mut std::collections::HashSet<Uuid>,
) {
    // Held while open: a stopping node waits for its streams to close.
    let mut draining = st.svc.lifecycle.watch();
    if *draining.borrow() {
        // The drain began as this stream opened: heard at once below.
        draining.mark_changed();
    }
    let mut events = st.svc.bus.subscribe(p.account_id);
    let unread = st.svc.unread_messages(p.account_id).await.unwrap_or_default();
    let hello = json!({ "kind": "hello", "data": { "unread": unread } }).to_string();
    if socket.send(Message::Text(hello.into())).await.is_err() {
        return;
    }
    let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + first_heartbeat(), HEARTBEAT);
    loop {
        tokio::select! {
            received = events.recv() => {
                let frame = match received {
                    Received::Event(e) => serde_json::to_string(&*e).expect("events serialize"),
                    Received::Missed => json!({ "kind": "resync" }).to_string(),
                };
                if socket.send(Message::Text(frame.into())).await.is_err() {
                    return;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(t))) => {
                    // A malformed frame is ignored: the stream carries only
                    // signals, and an old client must not lose its stream.
                    match serde_json::from_str(t.as_str()) {
                        Ok(ClientFrame::Typing { conversation }) => {
                            if let Err(e) = st.svc.typing(p, conversation).await {
                                tracing::debug!("typing signal refused: {e}");
                            }
                        }
                        Ok(ClientFrame::Signal { lesson, call, to, signal }) => {
                            match signal {
                                koine_domain::classroom::Signal::Ready => { in_calls.insert(lesson); }
                                koine_domain::classroom::Signal::Leave => { in_calls.remove(&lesson); }
                                _ => {}
                            }
                            // A call signal refused is said, so the room can explain it.
                            let signal = koine_domain::classroom::CallSignal { call, to, signal };
                            if let Err(e) = st.svc.relay_signal(p, lesson, signal).await {
                                // The refusal's code, else its kind (`not-found`).
                                let problem = crate::error::Problem::from(e);
                                let code = problem.code.unwrap_or(problem.kind);
                                let refused = json!({ "kind": "signal_refused", "data": { "lesson": lesson, "code": code } });
                                if socket.send(Message::Text(refused.to_string().into())).await.is_err() {
                                    return;
                                }
                            }
                        }
                        Err(_) => {}
                    }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
            _ = draining.changed() => {
                // The node is stopping: the client reconnects, and catches
                // up from the database, wherever it lands.
                let close = CloseFrame { code: close_code::AWAY, reason: "server restarting".into() };
                let _ = socket.send(Message::Close(Some(close))).await;
                return;
            }
            _ = heartbeat.tick() => {
                // A session ended elsewhere (sign-out, deletion) ends its stream.
                if !matches!(st.svc.authenticate(token).await, Ok(Some(s)) if s.session_id == p.session_id) {
                    let close = CloseFrame { code: close_code::POLICY, reason: "session ended".into() };
                    let _ = socket.send(Message::Close(Some(close))).await;
                    return;
                }
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_opened_together_are_checked_at_moments_spread_over_a_period() {
        let firsts: Vec<Duration> = (0..64).map(|_| first_heartbeat()).collect();
        assert!(firsts.iter().all(|d| !d.is_zero() && *d <= HEARTBEAT));
        let (min, max) = (firsts.iter().min().unwrap(), firsts.iter().max().unwrap());
        // 64 uniform draws all within half a period: odds below 1e-17.
        assert!(*max - *min > HEARTBEAT / 2, "{firsts:?}");
    }

    #[test]
    fn only_this_sites_pages_may_use_the_cookie() {
        let headers = |host: &str, origin: Option<&str>| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, host.parse().unwrap());
            if let Some(o) = origin {
                h.insert(header::ORIGIN, o.parse().unwrap());
            }
            h
        };
        assert!(same_origin(&headers("koine.example", Some("https://koine.example"))));
        assert!(same_origin(&headers("127.0.0.1:8080", Some("http://127.0.0.1:8080"))));
        assert!(!same_origin(&headers("koine.example", Some("https://evil.example"))));
        assert!(!same_origin(&headers(
            "koine.example",
            Some("https://koine.example.evil.example")
        )));
        assert!(!same_origin(&headers("koine.example", None)));
    }
}
