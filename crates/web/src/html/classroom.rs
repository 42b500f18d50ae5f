//! The classroom page of a lesson (the API: `api/classroom.rs`): who it is
//! with, when, the lesson's note and materials, the two members' chat, the
//! shared notes and the recording switch.

use super::conversations::{FileLine, MessageLine, line, open_conversation};
use super::format::{local, name_or_former};
use super::teachers::viewer_zone;
use super::templates::Page;
use super::{StrictForm, signed_in};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::tz::TimeZone;
use koine_domain::classroom::{SharedNotes, Side};
use koine_services::classroom::Recording;
use koine_services::idempotency::IdempotencyKey;
use koine_services::messaging::Conversation;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/lessons/{id}/room", get(room_page))
        .route("/lessons/{id}/room/recording-consent", post(recording_consent))
        .route("/lessons/{id}/room/hide-ip", post(hide_ip))
        .route("/lessons/{id}/room/notes", post(save_notes))
        .route("/lessons/{id}/room/chat", post(start_chat))
        .route("/static/room.js", get(script))
}

const SCRIPT: &str = include_str!("../../static/room.js");

async fn script() -> Response {
    super::script_response(SCRIPT)
}

/// What the room's script needs to place the call.
struct CallView {
    /// This side makes the offers (the teacher); the other answers.
    offers: bool,
    /// The browser's `iceServers`, as JSON.
    ice_servers: String,
    /// `relay` or `all`.
    policy: &'static str,
    starts_ms: i64,
    ends_ms: i64,
    /// Relay-only with no relay: no call can connect.
    no_relay: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "room.html")]
struct RoomPage {
    page: Page,
    lesson_id: Uuid,
    with: String,
    language: String,
    when: String,
    ends: String,
    closes: String,
    zone: String,
    note: Option<String>,
    recording: Recording,
    hide_ip: bool,
    call: CallView,
    notes: NotesView,
    /// The two members' conversation, if they have one.
    chat: Option<Conversation>,
    lines: Vec<MessageLine>,
    /// Why the member cannot write in it now, worded.
    cannot_send: Option<String>,
    /// The key the chat's next message is sent with.
    key: String,
    /// Files either member sent in the conversation's latest messages.
    materials: Vec<FileLine>,
}

impl RoomPage {
    /// The other member has read up to here (where both share receipts).
    fn seen(&self, seq: &i64) -> bool {
        self.chat
            .as_ref()
            .and_then(|c| c.other_read_seq)
            .is_some_and(|r| r >= *seq)
    }
}

/// The shared notes pad as the page shows it: the text (the member's own
/// draft after a refused save), the version it was edited from, and why a
/// save was refused.
struct NotesView {
    body: String,
    version: i64,
    refused: Option<String>,
}

/// Enter a lesson's room: its two members, while it is open; otherwise the
/// reason, worded.
async fn room_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    room_view(&st, &ctx, id, None, StatusCode::OK).await
}

/// The room; `draft`: the notes a refused save sent, with the reason.
async fn room_view(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    draft: Option<(String, String)>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = signed_in(ctx)?;
    let room = st.svc.room(p, id).await?;
    let saved = st.svc.notes(p, id).await?;
    let notes = match draft {
        Some((body, refused)) => NotesView {
            body,
            version: saved.version,
            refused: Some(refused),
        },
        None => NotesView {
            body: saved.body,
            version: saved.version,
            refused: None,
        },
    };
    let i18n = ctx.i18n();
    let zone_name = viewer_zone(st, ctx).await;
    let zone = TimeZone::get(&zone_name).unwrap_or(TimeZone::UTC);
    // The room shows the chat, so it reads what it shows.
    let (chat, ctx) = match st.svc.conversation_with(p, room.other_id).await? {
        Some(id) => {
            let (c, ctx) = open_conversation(st, ctx, p, id).await?;
            (Some(c), ctx)
        }
        None => (None, ctx.clone()),
    };
    let lines: Vec<MessageLine> = chat
        .iter()
        .flat_map(|c| c.messages.iter().cloned())
        .map(|m| line(&i18n, &zone, p.account_id, m))
        .collect();
    let materials = lines.iter().flat_map(|l| l.files.iter().cloned()).collect();
    let ctx = &ctx;
    let page = RoomPage {
        page: Page::new(ctx, "room-title"),
        lesson_id: room.lesson.id,
        with: name_or_former(&i18n, &room.other_name),
        language: i18n.language(&room.lesson.language),
        when: local(&i18n, room.lesson.starts_at, &zone),
        ends: local(&i18n, room.lesson.ends_at, &zone),
        closes: local(&i18n, room.window.closes_at, &zone),
        zone: zone_name,
        note: room.lesson.note.clone(),
        recording: room.recording,
        hide_ip: room.relay_only,
        call: CallView {
            offers: room.side == Side::Teacher,
            ice_servers: serde_json::to_string(&room.ice_servers).unwrap_or_else(|_| "[]".into()),
            policy: if room.relay_only { "relay" } else { "all" },
            starts_ms: room.lesson.starts_at / 1000,
            ends_ms: room.lesson.ends_at / 1000,
            no_relay: room.relay_only && room.ice_servers.is_empty(),
        },
        notes,
        cannot_send: chat
            .as_ref()
            .and_then(|c| c.cannot_send)
            .map(|r| i18n.t(r.message_key())),
        chat,
        lines,
        key: IdempotencyKey::fresh().as_str().to_owned(),
        materials,
    };
    Ok((status, [crate::security::CALL_PERMISSIONS], page).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsentForm {
    /// `yes` or `no`.
    granted: String,
}

fn yes_or_no(s: &str) -> Result<bool, PageError> {
    match s {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(PageError::Status(StatusCode::BAD_REQUEST, "error-invalid-choice")),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HideIpForm {
    /// `yes` or `no`.
    hide: String,
}

/// Starts the two members' conversation from the room, then the room
/// again, with the chat in it.
async fn start_chat(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let room = st.svc.room(p, id).await?;
    st.svc.start_conversation(p, room.other_id).await?;
    Ok(Redirect::to(&format!("/lessons/{id}/room#chat")).into_response())
}

/// The hide-my-address switch (for every classroom), then the room again.
async fn hide_ip(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<HideIpForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    st.svc.set_hide_ip(p, yes_or_no(&f.hide)?).await?;
    Ok(Redirect::to(&format!("/lessons/{id}/room#address")).into_response())
}

/// The recording switch, then the room again.
async fn recording_consent(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<ConsentForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    st.svc.set_recording_consent(p, id, yes_or_no(&f.granted)?).await?;
    Ok(Redirect::to(&format!("/lessons/{id}/room#recording")).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotesForm {
    body: String,
    version: i64,
}

/// Saves the shared notes: the room again, or (for the room's script,
/// asking for JSON) the new version. A save refused keeps the member's text
/// on the page with the reason.
async fn save_notes(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    headers: axum::http::HeaderMap,
    StrictForm(f): StrictForm<NotesForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let wants_json = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let saved = match SharedNotes::parse(&f.body) {
        Ok(body) => st.svc.save_notes(p, id, &body, f.version).await,
        Err(e) => Err(koine_services::Error::Invalid(e)),
    };
    match saved {
        Ok(n) if wants_json => Ok(axum::Json(serde_json::json!({ "version": n.version })).into_response()),
        Ok(_) => Ok(Redirect::to(&format!("/lessons/{id}/room#notes")).into_response()),
        // The script merges: it gets the notes as they are now.
        Err(koine_services::Error::Refused(koine_domain::refusal::Refusal::NotesChanged)) if wants_json => {
            let now = st.svc.notes(p, id).await?;
            let body = serde_json::json!({ "code": "notes-changed", "version": now.version, "body": now.body });
            Ok((StatusCode::CONFLICT, axum::Json(body)).into_response())
        }
        Err(e) if wants_json => Ok(crate::error::Problem::from(e).into_response()),
        Err(e) => match crate::error::FieldError::of(&e, "body") {
            Some(refused) => {
                let reason = ctx.i18n().t(&refused.message_key);
                room_view(&st, &ctx, id, Some((f.body, reason)), refused.status).await
            }
            None => Err(e.into()),
        },
    }
}
