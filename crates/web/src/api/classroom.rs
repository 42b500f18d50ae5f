//! The online classroom of a lesson (the page: `html/classroom.rs`).

use super::{ApiJson, ApiResult, principal};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::Problem;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The other member of the lesson, by their public name.
#[derive(Serialize, ToSchema)]
pub struct RoomMember {
    id: Uuid,
    /// "" once they left Koine.
    display_name: String,
}

/// A relay for the browser's `RTCPeerConnection` (`iceServers`).
#[derive(Serialize, ToSchema)]
pub struct RoomIceServer {
    /// `turn:` and `turns:` URLs.
    urls: Vec<String>,
    /// Valid until the room closes, and only for this member in this lesson.
    username: String,
    credential: String,
}

/// Whether each member agreed to recording the lesson. A recording runs
/// only while both have; it is made in the recorder's own browser and
/// never reaches Koine.
#[derive(Serialize, ToSchema)]
pub struct RecordingInfo {
    mine: bool,
    theirs: bool,
    /// Both agreed: either may record now.
    allowed: bool,
}

impl From<koine_services::classroom::Recording> for RecordingInfo {
    fn from(r: koine_services::classroom::Recording) -> Self {
        Self {
            mine: r.mine,
            theirs: r.theirs,
            allowed: r.allowed(),
        }
    }
}

/// A lesson's room as one of its two members enters it (times in
/// microseconds since the epoch).
#[derive(Serialize, ToSchema)]
pub struct RoomInfo {
    lesson_id: Uuid,
    /// `learner` or `teacher`.
    role: &'static str,
    starts_at: i64,
    ends_at: i64,
    opens_at: i64,
    closes_at: i64,
    other: RoomMember,
    ice_servers: Vec<RoomIceServer>,
    /// `relay` when this member's media may only go through the relay (their
    /// address stays hidden from the other member), else `all`.
    ice_transport_policy: &'static str,
    recording: RecordingInfo,
}

impl From<koine_services::classroom::Room> for RoomInfo {
    fn from(r: koine_services::classroom::Room) -> Self {
        Self {
            lesson_id: r.lesson.id,
            role: r.side.as_str(),
            starts_at: r.lesson.starts_at,
            ends_at: r.lesson.ends_at,
            opens_at: r.window.opens_at,
            closes_at: r.window.closes_at,
            other: RoomMember {
                id: r.other_id,
                display_name: r.other_name,
            },
            ice_servers: r
                .ice_servers
                .into_iter()
                .map(|s| RoomIceServer {
                    urls: s.urls,
                    username: s.username,
                    credential: s.credential,
                })
                .collect(),
            ice_transport_policy: if r.relay_only { "relay" } else { "all" },
            recording: r.recording.into(),
        }
    }
}

/// Enter a lesson's room: for its learner and teacher only, from shortly
/// before the start until shortly after the end (409 outside that window or
/// when the lesson is not going ahead; 404 for anyone else).
#[utoipa::path(get, path = "/api/v1/lessons/{id}/room", tag = "classroom", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = RoomInfo), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn room(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(RoomInfo::from(st.svc.room(p, id).await?)).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordingConsentBody {
    /// `true` to agree to recording this lesson, `false` to withdraw.
    granted: bool,
}

/// Agree to recording a lesson, or withdraw (recorded in the consent
/// ledger). From booking until its room closes; the answer says whether
/// both members now agree.
#[utoipa::path(post, path = "/api/v1/lessons/{id}/recording-consent", tag = "classroom", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = RecordingConsentBody,
    responses((status = 200, body = RecordingInfo), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn recording_consent(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<RecordingConsentBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let r = st.svc.set_recording_consent(p, id, b.granted).await?;
    Ok(Json(RecordingInfo::from(r)).into_response())
}

/// How the caller takes part in classrooms.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassroomPreferences {
    /// Media only through the relay, so the other member never learns the
    /// caller's IP address (the default for members under 18).
    hide_ip: bool,
}

#[utoipa::path(get, path = "/api/v1/me/classroom-preferences", tag = "classroom", security(("bearer" = [])),
    responses((status = 200, body = ClassroomPreferences)))]
pub async fn preferences(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(ClassroomPreferences {
        hide_ip: st.svc.hides_ip(p).await?,
    })
    .into_response())
}

#[utoipa::path(put, path = "/api/v1/me/classroom-preferences", tag = "classroom", security(("bearer" = [])),
    request_body = ClassroomPreferences,
    responses((status = 200, body = ClassroomPreferences), (status = 422, body = Problem)))]
pub async fn set_preferences(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<ClassroomPreferences>,
) -> ApiResult {
    let p = principal(&ctx)?;
    st.svc.set_hide_ip(p, b.hide_ip).await?;
    Ok(Json(b).into_response())
}

/// A lesson's shared notes pad.
#[derive(Serialize, ToSchema)]
pub struct NotesInfo {
    body: String,
    /// 0 before anything was saved; a save names the version it changes.
    version: i64,
    /// When it was last saved (µs since the epoch).
    updated_at: Option<i64>,
}

impl From<koine_services::classroom::Notes> for NotesInfo {
    fn from(n: koine_services::classroom::Notes) -> Self {
        Self {
            body: n.body,
            version: n.version,
            updated_at: n.updated_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotesBody {
    /// The whole pad (free text; empty clears it).
    #[schema(schema_with = super::shapes::shared_notes)]
    body: String,
    /// The version this text was edited from.
    #[serde(deserialize_with = "super::whole")]
    #[schema(minimum = 0)]
    version: i64,
}

/// A lesson's shared notes pad, for either of its members at any time.
#[utoipa::path(get, path = "/api/v1/lessons/{id}/notes", tag = "classroom", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = NotesInfo), (status = 404, body = Problem)))]
pub async fn notes(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(NotesInfo::from(st.svc.notes(p, id).await?)).into_response())
}

/// Save the shared notes while the lesson's room is open. 409
/// `notes-changed` if someone saved since `version` (get the pad again),
/// or when the room is not open.
#[utoipa::path(put, path = "/api/v1/lessons/{id}/notes", tag = "classroom", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = NotesBody,
    responses((status = 200, body = NotesInfo), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn save_notes(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<NotesBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let body = koine_domain::classroom::SharedNotes::parse(&b.body).map_err(super::invalid)?;
    Ok(Json(NotesInfo::from(st.svc.save_notes(p, id, &body, b.version).await?)).into_response())
}
