//! Conversations between members, blocks, and the live stream (the pages:
//! `html/conversations.rs`).

use super::{ApiJson, ApiResult, all, created, idempotency, invalid, no_content, principal};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::Problem;
use crate::files::{MessageForm, Sent};
use axum::Json;
use axum::extract::{FromRequest, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use koine_domain::messaging::{BlockReason, MessageKind, MessageText, ReportOutcome, ReportReason, ReportStatus};
use koine_services::attachments::Attachment;
use koine_services::messaging as svc;
use koine_services::reports::{Evidence, Report, ReportFile, Reported};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A message as the API answers it.
#[derive(Serialize, ToSchema)]
pub struct Message {
    id: Uuid,
    conversation: Uuid,
    /// Its place in the conversation: 1, 2, 3 … with no gap.
    seq: i64,
    /// The sender; null once they have left Koine (a former member).
    sender: Option<Uuid>,
    #[schema(schema_with = super::shapes::message_kind)]
    kind: MessageKind,
    /// Null once its sender has left Koine.
    body: Option<String>,
    /// Kinds of contact detail hidden by the guard: `email`, `phone`,
    /// `link`, `messenger`.
    redacted: Vec<String>,
    /// Files sent with it (`GET /api/v1/attachments/{id}` fetches one).
    attachments: Vec<AttachmentInfo>,
    /// Microseconds since the Unix epoch.
    created_at: i64,
}

/// A file sent with a message.
#[derive(Serialize, ToSchema)]
pub struct AttachmentInfo {
    id: Uuid,
    /// Its name, ending in its real type's extension.
    name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`.
    content_type: String,
    size_bytes: i64,
}

impl From<Attachment> for AttachmentInfo {
    fn from(a: Attachment) -> Self {
        Self {
            id: a.id,
            name: a.name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
        }
    }
}

/// A message with files, sent as `multipart/form-data` (read by
/// `files::MessageForm`).
pub struct MessageWithFiles;

impl utoipa::PartialSchema for MessageWithFiles {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        super::shapes::message_with_files().into()
    }
}

impl ToSchema for MessageWithFiles {}

impl From<svc::Message> for Message {
    fn from(m: svc::Message) -> Self {
        Self {
            id: m.id,
            conversation: m.conversation,
            seq: m.seq,
            sender: m.sender,
            kind: m.kind,
            body: m.body,
            redacted: m.redacted,
            attachments: all(m.attachments),
            created_at: m.created_at,
        }
    }
}

/// The other member of a conversation.
#[derive(Serialize, ToSchema)]
pub struct Member {
    id: Uuid,
    /// Their public display name.
    name: String,
    /// Their photo (`/avatars/{id}.png`), where they show it.
    avatar: Option<Uuid>,
}

impl From<svc::OtherMember> for Member {
    fn from(m: svc::OtherMember) -> Self {
        Self {
            id: m.id,
            name: m.name,
            avatar: m.avatar,
        }
    }
}

/// One conversation of the caller's inbox.
#[derive(Serialize, ToSchema)]
pub struct ConversationLine {
    id: Uuid,
    /// Null once the other member has left Koine.
    other: Option<Member>,
    last_activity_at: i64,
    last_seq: i64,
    /// Messages from the other member not read yet.
    unread: i64,
    /// The newest message's text.
    preview: Option<String>,
    /// Whether the caller wrote the newest message.
    preview_mine: bool,
}

impl From<svc::ConversationLine> for ConversationLine {
    fn from(c: svc::ConversationLine) -> Self {
        Self {
            id: c.id,
            other: c.other.map(Member::from),
            last_activity_at: c.last_activity_at,
            last_seq: c.last_seq,
            unread: c.unread,
            preview: c.preview,
            preview_mine: c.preview_mine,
        }
    }
}

/// Messages after a sequence number.
#[derive(Serialize, ToSchema)]
pub struct Replay {
    /// In order, with no gap, at most 200.
    messages: Vec<Message>,
    /// More messages follow than were sent: reload the conversation.
    reload: bool,
    /// The newest message's sequence number.
    last_seq: i64,
}

/// What starting a conversation answers.
#[derive(Serialize, ToSchema)]
pub struct Started {
    id: Uuid,
    /// The first message, when one was sent.
    message: Option<Message>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartBody {
    /// The member to write to: a teacher, or someone the caller has a
    /// lesson with.
    member: Uuid,
    /// A first message (then the Idempotency-Key header is required).
    #[schema(schema_with = super::shapes::message_body_or_null)]
    body: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    #[schema(schema_with = super::shapes::message_body)]
    body: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ReadBody {
    /// Read up to this message; everything when left out.
    #[serde(default, deserialize_with = "super::whole_or_null")]
    #[schema(minimum = 0)]
    seq: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ReadMark {
    /// Everything up to here is read.
    last_read_seq: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockBody {
    #[schema(schema_with = super::shapes::block_reason)]
    reason: String,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AfterParams {
    /// The last sequence number the client has (0: from the start).
    #[param(minimum = 0)]
    after: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find in the caller's conversations.
    #[param(schema_with = super::shapes::message_query)]
    q: String,
}

fn text(raw: &str) -> Result<MessageText, Problem> {
    MessageText::parse(raw).map_err(invalid)
}

/// The caller's conversations, most recently active first.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "conversations", security(("bearer" = [])),
    responses((status = 200, description = "The inbox", body = Vec<ConversationLine>)))]
pub async fn conversations(State(st): State<AppState>, ctx: Ctx) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(all::<_, ConversationLine>(st.svc.inbox(p).await?)).into_response())
}

/// Opens the conversation with a member (starting it if there is none),
/// optionally with a first message.
#[utoipa::path(post, path = "/api/v1/conversations", tag = "conversations", security(("bearer" = [])), request_body = StartBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Required with a first message; a retry returns the same message")),
    responses((status = 201, description = "The conversation", body = Started, links(
                  ("messages" = (operation_id = "messages", parameters(("id" = "$response.body#/id")))),
                  ("send" = (operation_id = "send", parameters(("id" = "$response.body#/id")))))),
              (status = 404, description = "No such member, or not one the caller may write to", body = Problem),
              (status = 409, description = "Blocked, restricted or limited", body = Problem), (status = 422, body = Problem)))]
pub async fn start(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<StartBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let first = b.body.as_deref().map(text).transpose()?;
    let key = first.as_ref().map(|_| idempotency(&headers)).transpose()?;
    let id = st.svc.start_conversation(p, b.member).await?;
    let message = match (first, key) {
        (Some(text), Some(key)) => Some(st.svc.send_message(p, id, &text, &[], &key).await?.into()),
        _ => None,
    };
    Ok(created(Started { id, message }))
}

/// Messages of a conversation after a sequence number, gap-free: how a
/// client catches up after a dropped connection.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages", tag = "conversations", security(("bearer" = [])),
    params(("id" = Uuid, Path), AfterParams),
    responses((status = 200, description = "Messages after `after`", body = Replay), (status = 404, body = Problem)))]
pub async fn messages(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<AfterParams>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let after = q.after.unwrap_or(0);
    if after < 0 {
        return Err(invalid(koine_domain::Invalid::new("after", "invalid")));
    }
    let r = st.svc.messages_after(p, id, after).await?;
    Ok(Json(Replay {
        messages: all(r.messages),
        reload: r.reload,
        last_seq: r.last_seq,
    })
    .into_response())
}

/// Sends a message: JSON, or `multipart/form-data` with files. Until the
/// two have had a paid lesson, contact details in it are hidden (the
/// answer says which kinds).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "conversations", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("Idempotency-Key" = String, Header, description = "Unique per message; a retry returns the same message")),
    request_body(content((MessageBody = "application/json"), (MessageWithFiles = "multipart/form-data"))),
    responses((status = 201, description = "The message, as sent", body = Message), (status = 404, body = Problem),
              (status = 409, description = "Blocked, restricted, limited, the other member left, or files before a confirmed lesson", body = Problem),
              (status = 413, description = "A file or the body is too large", body = Problem),
              (status = 422, body = Problem)))]
pub async fn send(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    req: axum::extract::Request,
) -> ApiResult {
    let p = principal(&ctx)?;
    let key = idempotency(req.headers())?;
    let (text, files) = match MessageForm::of(req, false).await.map_err(Problem::from)? {
        Sent::Multipart(f) => {
            // Text alone goes as JSON; this form is for files.
            if f.files.is_empty() {
                return Err(invalid(koine_domain::Invalid::new("files", "required")));
            }
            let text = MessageText::parse_beside_files(&f.body, f.files.len()).map_err(invalid)?;
            (text, f.files)
        }
        // A body that is not the JSON asked for answers as ApiJson words it.
        Sent::Other(req) => match ApiJson::<MessageBody>::from_request(req, &st).await {
            Ok(ApiJson(b)) => (text(&b.body)?, Vec::new()),
            Err(refused) => return Ok(refused),
        },
    };
    Ok(created(Message::from(
        st.svc.send_message(p, id, &text, &files, &key).await?,
    )))
}

/// A file sent in one of the caller's conversations.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "conversations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The file: a picture shown in place, a PDF downloaded under its name",
                content(("application/pdf"), ("image/jpeg"), ("image/png"))),
              (status = 404, body = Problem)))]
pub async fn attachment(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> ApiResult {
    let f = st.svc.attachment(principal(&ctx)?, id).await?;
    Ok(crate::files::stored_file(f.content_type, f.bytes, &f.name))
}

/// Marks a conversation read (up to `seq`).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/read", tag = "conversations", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body(content = Option<ReadBody>, description = "Up to which message; everything when left out"),
    responses((status = 200, description = "The read mark", body = ReadMark), (status = 404, body = Problem)))]
pub async fn read(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, body: axum::body::Bytes) -> ApiResult {
    let p = principal(&ctx)?;
    // Left out, empty or null: everything is read.
    let b: ReadBody = super::optional_json::<Option<ReadBody>>(&body)?.unwrap_or_default();
    if b.seq.is_some_and(|s| s < 0) {
        return Err(invalid(koine_domain::Invalid::new("seq", "invalid")));
    }
    let last_read_seq = st.svc.mark_read(p, id, b.seq).await?;
    Ok(Json(ReadMark { last_read_seq }).into_response())
}

/// Finds messages in the caller's conversations.
#[utoipa::path(get, path = "/api/v1/messages", tag = "conversations", security(("bearer" = [])), params(SearchParams),
    responses((status = 200, description = "Matching messages, newest first (at most 50)", body = Vec<Message>), (status = 422, body = Problem)))]
pub async fn search(State(st): State<AppState>, ctx: Ctx, Query(q): Query<SearchParams>) -> ApiResult {
    let p = principal(&ctx)?;
    Ok(Json(all::<_, Message>(st.svc.search_messages(p, &q.q).await?)).into_response())
}

/// Blocks a member: neither can write to the other, and they cannot book
/// the caller. The conversation's history stays.
#[utoipa::path(post, path = "/api/v1/members/{id}/block", tag = "conversations", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = BlockBody,
    responses((status = 204, description = "Blocked"), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn block(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<BlockBody>,
) -> ApiResult {
    let p = principal(&ctx)?;
    let reason = BlockReason::parse(&b.reason).map_err(invalid)?;
    st.svc.block_member(p, id, reason).await?;
    Ok(no_content())
}

/// Lifts the caller's block of a member.
#[utoipa::path(delete, path = "/api/v1/members/{id}/block", tag = "conversations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204, description = "No longer blocked"), (status = 404, description = "Not blocked", body = Problem)))]
pub async fn unblock(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> ApiResult {
    let p = principal(&ctx)?;
    st.svc.unblock_member(p, id).await?;
    Ok(no_content())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    #[schema(schema_with = super::shapes::report_reason)]
    reason: String,
    /// What happened, in the reporter's words.
    #[schema(schema_with = super::shapes::report_details_or_null)]
    details: Option<String>,
}

async fn report(st: &AppState, ctx: &Ctx, what: Reported, b: ReportBody) -> ApiResult {
    let p = principal(ctx)?;
    let reason = ReportReason::parse(&b.reason).map_err(invalid)?;
    let id = st
        .svc
        .report(p, what, reason, b.details.as_deref().unwrap_or_default())
        .await?;
    Ok(created(super::Created { id }))
}

/// Reports a message the other member wrote to trust & safety, with the
/// messages before it as context.
#[utoipa::path(post, path = "/api/v1/messages/{id}/report", tag = "conversations", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ReportBody,
    responses((status = 201, description = "Reported", body = super::Created), (status = 404, body = Problem),
              (status = 409, description = "Already reported, one's own message, or the other member left", body = Problem),
              (status = 422, body = Problem)))]
pub async fn report_message(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<ReportBody>,
) -> ApiResult {
    report(&st, &ctx, Reported::Message(id), b).await
}

/// Reports a whole conversation to trust & safety (its newest 50 messages go
/// with the report).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/report", tag = "conversations", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ReportBody,
    responses((status = 201, description = "Reported", body = super::Created), (status = 404, body = Problem),
              (status = 409, description = "Already reported, or the other member left", body = Problem),
              (status = 422, body = Problem)))]
pub async fn report_conversation(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<ReportBody>,
) -> ApiResult {
    report(&st, &ctx, Reported::Conversation(id), b).await
}

/// A line of the copy of the messages a report keeps.
#[derive(Serialize, ToSchema)]
pub struct EvidenceLine {
    seq: i64,
    /// `reported`, `reporter`, or `former` (someone who has left).
    from: String,
    body: Option<String>,
    created_at: i64,
    /// The message the report is about (the others are context).
    reported: bool,
}

impl From<Evidence> for EvidenceLine {
    fn from(e: Evidence) -> Self {
        Self {
            seq: e.seq,
            from: e.from,
            body: e.body,
            created_at: e.created_at,
            reported: e.reported,
        }
    }
}

/// A file of a message a report covers.
#[derive(Serialize, ToSchema)]
pub struct ReportFileInfo {
    id: Uuid,
    /// The message it was sent with (`seq` of an evidence line).
    seq: i64,
    name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`.
    content_type: String,
    size_bytes: i64,
}

impl From<ReportFile> for ReportFileInfo {
    fn from(f: ReportFile) -> Self {
        Self {
            id: f.id,
            seq: f.seq,
            name: f.name,
            content_type: f.content_type,
            size_bytes: f.size_bytes,
        }
    }
}

/// A report to trust & safety, as staff see it.
#[derive(Serialize, ToSchema)]
pub struct ReportInfo {
    id: Uuid,
    reporter: Uuid,
    reported: Uuid,
    #[schema(schema_with = super::shapes::report_reason)]
    reason: ReportReason,
    details: Option<String>,
    #[schema(schema_with = super::shapes::report_status)]
    status: ReportStatus,
    #[schema(schema_with = super::shapes::report_outcome_or_null)]
    outcome: Option<ReportOutcome>,
    decision_note: Option<String>,
    created_at: i64,
    closed_at: Option<i64>,
    /// The copy of the messages: only when one report is opened (audited).
    evidence: Option<Vec<EvidenceLine>>,
    /// The files of those messages, while the report keeps its copy
    /// (`GET /api/v1/staff/reports/{id}/files/{file}` fetches one, audited).
    files: Option<Vec<ReportFileInfo>>,
    /// The two members' display names, when one report is opened (null
    /// once one has left Koine).
    reporter_name: Option<String>,
    reported_name: Option<String>,
}

impl From<Report> for ReportInfo {
    fn from(r: Report) -> Self {
        Self {
            id: r.id,
            reporter: r.reporter,
            reported: r.reported,
            reason: r.reason,
            details: r.details,
            status: r.status,
            outcome: r.outcome,
            decision_note: r.decision_note,
            created_at: r.created_at,
            closed_at: r.closed_at,
            evidence: r.evidence.map(all),
            files: r.files.map(all),
            reporter_name: r.reporter_name,
            reported_name: r.reported_name,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// `open` (the default) or `closed`.
    #[param(schema_with = super::shapes::report_status)]
    status: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportDecision {
    #[schema(schema_with = super::shapes::report_outcome)]
    outcome: String,
    /// Why (kept with the report and in the audit log).
    #[schema(schema_with = super::shapes::staff_reason)]
    note: String,
}

/// Trust & safety: the reports waiting (or closed), oldest first, without
/// the messages.
#[utoipa::path(get, path = "/api/v1/staff/reports", tag = "staff", security(("bearer" = [])), params(QueueParams),
    responses((status = 200, description = "The queue", body = Vec<ReportInfo>), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn report_queue(State(st): State<AppState>, ctx: Ctx, Query(q): Query<QueueParams>) -> ApiResult {
    let status = match q.status.as_deref() {
        None => ReportStatus::Open,
        Some(s) => {
            ReportStatus::parse(s).ok_or_else(|| invalid(koine_domain::Invalid::new("status", "invalid-choice")))?
        }
    };
    Ok(Json(all::<_, ReportInfo>(
        st.svc.report_queue(principal(&ctx)?, status).await?,
    ))
    .into_response())
}

/// Trust & safety: one report with its copy of the messages; the opening
/// is recorded in the reported member's audit log.
#[utoipa::path(get, path = "/api/v1/staff/reports/{id}", tag = "staff", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The report", body = ReportInfo), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn staff_report(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> ApiResult {
    Ok(Json(ReportInfo::from(st.svc.open_report(principal(&ctx)?, id).await?)).into_response())
}

/// Trust & safety: a file of a message the report covers, while it keeps
/// its copy of the messages; the opening is recorded in the reported
/// member's audit log.
#[utoipa::path(get, path = "/api/v1/staff/reports/{id}/files/{file}", tag = "staff", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("file" = Uuid, Path)),
    responses((status = 200, description = "The file: a picture shown in place, a PDF downloaded under its name",
                content(("application/pdf"), ("image/jpeg"), ("image/png"))),
              (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn staff_report_file(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, file)): Path<(Uuid, Uuid)>,
) -> ApiResult {
    let f = st.svc.report_file(principal(&ctx)?, id, file).await?;
    Ok(crate::files::stored_file(f.content_type, f.bytes, &f.name))
}

/// Trust & safety: decides an open report — dismiss it, warn the member,
/// stop them sending messages, or close the account for fraud (trust &
/// safety only). Audited.
#[utoipa::path(post, path = "/api/v1/staff/reports/{id}/decision", tag = "staff", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ReportDecision,
    responses((status = 204, description = "Decided"), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, description = "Already decided", body = Problem), (status = 422, body = Problem)))]
pub async fn decide_report(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<ReportDecision>,
) -> ApiResult {
    let outcome = ReportOutcome::parse(&b.outcome).map_err(invalid)?;
    st.svc.decide_report(principal(&ctx)?, id, outcome, &b.note).await?;
    Ok(no_content())
}
