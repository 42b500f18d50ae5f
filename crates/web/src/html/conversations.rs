//! The member's conversations (`/messages`; the API: `api/conversations.rs`).
//! Every page works without JavaScript (a form post, then the page);
//! `messages.js` makes them live over the stream.

use super::format::local;
use super::forms::key_of;
use super::teachers::viewer_zone;
use super::templates::{FormState, Page};
use super::{StrictForm, signed_in};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use crate::files::{MessageForm, Sent};
use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::Router;
use axum::extract::{FromRequest, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::tz::TimeZone;
use koine_domain::messaging::{BlockReason, MessageKind, MessageText, ReportOutcome, ReportReason, ReportStatus};
use koine_services::Error;
use koine_services::idempotency::IdempotencyKey;
use koine_services::messaging::{self as svc, MessagingPreferences, PreferencesInput};
use koine_services::reports::{Report, Reported};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/messages", get(inbox))
        .route("/messages/start", post(start))
        .route("/messages/settings", get(settings_page).post(save_settings))
        .route(
            "/messages/{id}",
            get(conversation)
                .post(send)
                .layer(axum::extract::DefaultBodyLimit::max(crate::files::MESSAGE_BODY_LIMIT)),
        )
        .route("/messages/{id}/files/{file}", get(file))
        .route("/messages/{id}/after", get(after))
        .route("/messages/{id}/read", post(read))
        .route("/messages/{id}/block", post(block))
        .route("/messages/{id}/unblock", post(unblock))
        .route("/messages/{id}/report", post(report))
        .route("/staff/reports", get(report_queue))
        .route("/staff/reports/{id}", get(report_page).post(decide))
        .route("/staff/reports/{id}/files/{file}", get(report_file))
        .route("/static/messages.js", get(script))
}

const SCRIPT: &str = include_str!("../../static/messages.js");

async fn script() -> Response {
    super::script_response(SCRIPT)
}

/// A message as a page shows it.
pub struct MessageLine {
    pub id: Uuid,
    pub seq: i64,
    pub mine: bool,
    pub auto_reply: bool,
    /// None: its sender has left Koine.
    pub body: Option<String>,
    pub redacted: bool,
    pub when: String,
    pub files: Vec<FileLine>,
}

/// A file beside its message: where to fetch it, its name, its size
/// worded, and whether it is a picture (shown in place).
#[derive(Clone)]
pub struct FileLine {
    pub href: String,
    pub name: String,
    pub size: String,
    pub picture: bool,
}

fn file_line(conversation: Uuid, a: koine_services::attachments::Attachment) -> FileLine {
    FileLine {
        href: format!("/messages/{conversation}/files/{}", a.id),
        picture: a.content_type.starts_with("image/"),
        size: size_text(a.size_bytes),
        name: a.name,
    }
}

/// A size as people read it: 512 B, 84 KB, 3.2 MB.
fn size_text(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} KB", b / 1024),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

pub(super) fn line(i18n: &crate::i18n::I18n, zone: &TimeZone, me: Uuid, m: svc::Message) -> MessageLine {
    MessageLine {
        id: m.id,
        seq: m.seq,
        mine: m.sender == Some(me),
        auto_reply: m.kind == MessageKind::AutoReply,
        redacted: !m.redacted.is_empty(),
        body: m.body,
        when: local(i18n, m.created_at, zone),
        files: m
            .attachments
            .into_iter()
            .map(|a| file_line(m.conversation, a))
            .collect(),
    }
}

/// One conversation in the inbox.
pub struct InboxLine {
    pub id: Uuid,
    pub name: Option<String>,
    pub avatar: Option<Uuid>,
    pub unread: i64,
    pub preview: Option<String>,
    pub preview_mine: bool,
    pub when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "messages.html")]
struct InboxPage {
    page: Page,
    lines: Vec<InboxLine>,
    q: String,
    /// Search results: (conversation, message).
    found: Option<Vec<(Uuid, MessageLine)>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InboxQuery {
    q: Option<String>,
}

async fn inbox(State(st): State<AppState>, ctx: Ctx, Query(query): Query<InboxQuery>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let i18n = ctx.i18n();
    let zone = TimeZone::get(&viewer_zone(&st, &ctx).await).unwrap_or(TimeZone::UTC);
    let lines = st
        .svc
        .inbox(p)
        .await?
        .into_iter()
        .map(|c| InboxLine {
            id: c.id,
            name: c.other.as_ref().map(|o| o.name.clone()),
            avatar: c.other.and_then(|o| o.avatar),
            unread: c.unread,
            preview: c.preview,
            preview_mine: c.preview_mine,
            when: local(&i18n, c.last_activity_at, &zone),
        })
        .collect();
    let q = query.q.unwrap_or_default();
    let found = match q.trim() {
        "" => None,
        words => Some(
            st.svc
                .search_messages(p, words)
                .await?
                .into_iter()
                .map(|m| (m.conversation, line(&i18n, &zone, p.account_id, m)))
                .collect(),
        ),
    };
    Ok(InboxPage {
        page: Page::new(&ctx, "messages-title"),
        lines,
        q,
        found,
    }
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartForm {
    member: Uuid,
}

/// "Message" on a teacher's homepage or a lesson: opens the conversation.
async fn start(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<StartForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let id = st.svc.start_conversation(p, f.member).await?;
    Ok(Redirect::to(&format!("/messages/{id}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "conversation.html")]
struct ConversationPage {
    page: Page,
    c: svc::Conversation,
    lines: Vec<MessageLine>,
    /// The viewer's time zone, in which times are shown.
    zone: String,
    /// Why the member cannot write now, worded.
    cannot_send: Option<String>,
    body: String,
    key: String,
    form: FormState,
    reasons: Vec<(&'static str, String)>,
    report_reasons: Vec<(&'static str, String)>,
}

impl ConversationPage {
    /// What the viewer may report: the other member's newest messages.
    fn reportable(&self) -> Vec<(Uuid, String)> {
        self.lines
            .iter()
            .rev()
            .filter(|m| !m.mine && !m.auto_reply)
            .filter_map(|m| m.body.as_ref().map(|b| (m.id, b.chars().take(60).collect())))
            .take(10)
            .collect()
    }

    fn other_name(&self) -> String {
        self.c
            .other
            .as_ref()
            .map_or_else(|| self.page.i18n.t("former-member"), |o| o.name.clone())
    }

    /// The other member has read up to here (where both share receipts).
    fn seen(&self, seq: &i64) -> bool {
        self.c.other_read_seq.is_some_and(|r| r >= *seq)
    }
}

/// A conversation as a page opens it: read up to what the page shows, and
/// the page's context counting the member's unread messages after that.
pub(super) async fn open_conversation(
    st: &AppState,
    ctx: &Ctx,
    p: &koine_services::accounts::Principal,
    id: Uuid,
) -> Result<(svc::Conversation, Ctx), PageError> {
    let c = st.svc.conversation(p, id).await?;
    if c.last_seq > c.last_read_seq {
        st.svc.mark_read(p, id, Some(c.last_seq)).await?;
    }
    let mut ctx = ctx.clone();
    ctx.unread_messages = st.svc.unread_messages(p.account_id).await?;
    Ok((c, ctx))
}

async fn conversation_page(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    body: String,
    form: FormState,
) -> Result<ConversationPage, PageError> {
    let p = signed_in(ctx)?;
    let i18n = ctx.i18n();
    let zone_name = viewer_zone(st, ctx).await;
    let zone = TimeZone::get(&zone_name).unwrap_or(TimeZone::UTC);
    let (c, ctx) = open_conversation(st, ctx, p, id).await?;
    let lines = c
        .messages
        .iter()
        .cloned()
        .map(|m| line(&i18n, &zone, p.account_id, m))
        .collect();
    Ok(ConversationPage {
        cannot_send: c.cannot_send.map(|r| i18n.t(r.message_key())),
        page: Page::new(&ctx, "conversation-title"),
        lines,
        zone: zone_name,
        c,
        body,
        key: IdempotencyKey::fresh().as_str().to_owned(),
        form,
        reasons: BlockReason::ALL
            .iter()
            .map(|r| (r.as_str(), i18n.t(&format!("block-reason-{}", r.as_str()))))
            .collect(),
        report_reasons: ReportReason::ALL
            .iter()
            .map(|r| (r.as_str(), i18n.t(&format!("report-reason-{}", r.as_str()))))
            .collect(),
    })
}

async fn conversation(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    Ok(conversation_page(&st, &ctx, id, String::new(), FormState::default())
        .await?
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendForm {
    body: String,
    idempotency_key: String,
}

/// A message from the page: a plain form, or a multipart one with files.
async fn send(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let f = match MessageForm::of(req, true).await? {
        Sent::Multipart(f) => {
            if !f.csrf.as_deref().is_some_and(|t| ctx.csrf_ok(&st, t)) {
                return Err(PageError::Status(axum::http::StatusCode::FORBIDDEN, "error-csrf"));
            }
            f
        }
        Sent::Other(req) => {
            let StrictForm(f) = StrictForm::<SendForm>::from_request(req, &st).await?;
            MessageForm {
                body: f.body,
                idempotency_key: Some(f.idempotency_key),
                ..MessageForm::default()
            }
        }
    };
    let key = key_of(f.idempotency_key.as_deref().unwrap_or_default())?;
    let i18n = ctx.i18n();
    let mut form = FormState::default();
    let sent = match MessageText::parse_beside_files(&f.body, f.files.len()) {
        Ok(text) => st.svc.send_message(p, id, &text, &f.files, &key).await,
        Err(e) => Err(e.into()),
    };
    match sent {
        Ok(m) => Ok(Redirect::to(&format!("/messages/{id}#m{}", m.seq)).into_response()),
        Err(Error::Invalid(e)) => {
            form.invalid(&i18n, &[e]);
            let page = conversation_page(&st, &ctx, id, f.body, form).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(Error::Refused(r)) => {
            form.error(&i18n, "body", r.code());
            let page = conversation_page(&st, &ctx, id, f.body, form).await?;
            Ok((crate::error::refusal_status(r), page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A file sent in the conversation, for one of its members.
async fn file(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((conversation, id)): Path<(Uuid, Uuid)>,
) -> Result<Response, PageError> {
    let f = st.svc.attachment(signed_in(&ctx)?, id).await?;
    if f.conversation != conversation {
        return Err(Error::NotFound.into());
    }
    Ok(crate::files::stored_file(f.content_type, f.bytes, &f.name))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AfterQuery {
    after: i64,
}

/// The messages after a sequence number, for the page's script to catch
/// up after a dropped connection (the API's replay, with the page's cookie).
async fn after(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<AfterQuery>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let r = st.svc.messages_after(p, id, q.after.max(0)).await?;
    Ok(Json(r).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadForm {
    seq: i64,
}

async fn read(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<ReadForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let mark = st.svc.mark_read(p, id, Some(f.seq.max(0))).await?;
    Ok(Json(serde_json::json!({ "last_read_seq": mark })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockForm {
    reason: String,
}

/// The other member of a conversation the viewer belongs to.
async fn other_of(st: &AppState, p: &koine_services::accounts::Principal, id: Uuid) -> Result<Uuid, PageError> {
    st.svc
        .conversation(p, id)
        .await?
        .other
        .map(|o| o.id)
        .ok_or(PageError::from(Error::NotFound))
}

async fn block(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<BlockForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let reason = BlockReason::parse(&f.reason).map_err(Error::from)?;
    let other = other_of(&st, p, id).await?;
    st.svc.block_member(p, other, reason).await?;
    Ok(Redirect::to(&format!("/messages/{id}")).into_response())
}

async fn unblock(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let other = other_of(&st, p, id).await?;
    st.svc.unblock_member(p, other).await?;
    Ok(Redirect::to(&format!("/messages/{id}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "messages_settings.html")]
struct SettingsPage {
    page: Page,
    prefs: MessagingPreferences,
    form: FormState,
    saved: bool,
}

impl SettingsPage {
    fn email_options(&self) -> Vec<(&'static str, String, bool)> {
        koine_domain::messaging::EmailNotices::ALL
            .iter()
            .map(|e| {
                (
                    e.as_str(),
                    self.page.i18n.t(&format!("messages-email-{}", e.as_str())),
                    *e == self.prefs.email,
                )
            })
            .collect()
    }
}

async fn settings_page(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    Ok(SettingsPage {
        page: Page::new(&ctx, "messages-settings-title"),
        prefs: st.svc.messaging_preferences(p.account_id).await?,
        form: FormState::default(),
        saved: false,
    }
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsForm {
    #[serde(default)]
    read_receipts: Option<String>,
    #[serde(default)]
    typing_indicators: Option<String>,
    email: String,
    #[serde(default)]
    away_message: String,
}

async fn save_settings(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<SettingsForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let input = PreferencesInput {
        read_receipts: f.read_receipts.is_some(),
        typing_indicators: f.typing_indicators.is_some(),
        email: &f.email,
        away_message: &f.away_message,
    };
    match MessagingPreferences::parse(&input) {
        Ok(prefs) => {
            st.svc.set_messaging_preferences(p, prefs.clone()).await?;
            Ok(SettingsPage {
                page: Page::new(&ctx, "messages-settings-title"),
                prefs,
                form: FormState::default(),
                saved: true,
            }
            .into_response())
        }
        Err(errors) => {
            let mut form = FormState::default();
            form.invalid(&ctx.i18n(), &errors);
            let prefs = MessagingPreferences {
                read_receipts: input.read_receipts,
                typing_indicators: input.typing_indicators,
                email: koine_domain::messaging::EmailNotices::parse(&f.email).unwrap_or_default(),
                away_message: Some(f.away_message.clone()),
            };
            Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                SettingsPage {
                    page: Page::new(&ctx, "messages-settings-title"),
                    prefs,
                    form,
                    saved: false,
                },
            )
                .into_response())
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportForm {
    /// `conversation`, or the id of one of the other member's messages.
    target: String,
    reason: String,
    #[serde(default)]
    details: String,
}

async fn report(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<ReportForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let what = match f.target.as_str() {
        "conversation" => Reported::Conversation(id),
        other => Reported::Message(
            other
                .parse()
                .map_err(|_| Error::from(koine_domain::Invalid::new("target", "invalid-choice")))?,
        ),
    };
    let reason = ReportReason::parse(&f.reason).map_err(Error::from)?;
    st.svc.report(p, what, reason, &f.details).await?;
    Ok(super::templates::message(
        &ctx,
        "report-sent-title",
        ctx.i18n().t("report-sent-body"),
        Some(("messages-back", "/messages")),
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_reports.html")]
struct QueuePage {
    page: Page,
    open: bool,
    reports: Vec<(Report, String, String)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueQuery {
    status: Option<String>,
}

/// Trust and safety's queue of reported messages (without the messages).
async fn report_queue(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let status = match q.status.as_deref() {
        Some("closed") => ReportStatus::Closed,
        _ => ReportStatus::Open,
    };
    let i18n = ctx.i18n();
    let reports = st
        .svc
        .report_queue(p, status)
        .await?
        .into_iter()
        .map(|r| {
            let when = local(&i18n, r.created_at, &TimeZone::UTC);
            let reason = i18n.t(&format!("report-reason-{}", r.reason.as_str()));
            (r, when, reason)
        })
        .collect();
    Ok(QueuePage {
        page: Page::new(&ctx, "reports-title"),
        open: status == ReportStatus::Open,
        reports,
    }
    .into_response())
}

/// One message of a report's copy, as the page shows it.
struct EvidenceItem {
    who: String,
    body: Option<String>,
    when: String,
    /// The message the report is about (the others are context).
    reported: bool,
    /// Its files: id and name.
    files: Vec<(Uuid, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_report.html")]
struct ReportPage {
    page: Page,
    report: Report,
    evidence: Vec<EvidenceItem>,
    outcomes: Vec<(&'static str, String)>,
    form: FormState,
}

async fn report_page_for(st: &AppState, ctx: &Ctx, id: Uuid, form: FormState) -> Result<ReportPage, PageError> {
    let p = signed_in(ctx)?;
    let report = st.svc.open_report(p, id).await?;
    let i18n = ctx.i18n();
    let files = report.files.clone().unwrap_or_default();
    let evidence = report
        .evidence
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|e| EvidenceItem {
            who: i18n.t(&format!("report-from-{}", e.from)),
            body: e.body,
            when: local(&i18n, e.created_at, &TimeZone::UTC),
            reported: e.reported,
            files: files
                .iter()
                .filter(|f| f.seq == e.seq)
                .map(|f| (f.id, f.name.clone()))
                .collect(),
        })
        .collect();
    let can_ban = p.staff_role.is_some_and(|r| r.can_ban_for_fraud());
    Ok(ReportPage {
        page: Page::new(ctx, "report-title"),
        report,
        evidence,
        outcomes: ReportOutcome::ALL
            .iter()
            .filter(|o| **o != ReportOutcome::Banned || can_ban)
            .map(|o| (o.as_str(), i18n.t(&format!("report-outcome-{}", o.as_str()))))
            .collect(),
        form,
    })
}

/// One report with its copy of the messages (the opening is audited).
async fn report_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    Ok(report_page_for(&st, &ctx, id, FormState::default())
        .await?
        .into_response())
}

/// A file of a message the report covers (the opening is audited).
async fn report_file(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, file)): Path<(Uuid, Uuid)>,
) -> Result<Response, PageError> {
    let f = st.svc.report_file(signed_in(&ctx)?, id, file).await?;
    Ok(crate::files::stored_file(f.content_type, f.bytes, &f.name))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionForm {
    outcome: String,
    #[serde(default)]
    reason: String,
}

async fn decide(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<DecisionForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let outcome = ReportOutcome::parse(&f.outcome).map_err(Error::from)?;
    match st.svc.decide_report(p, id, outcome, &f.reason).await {
        Ok(()) => Ok(Redirect::to("/staff/reports").into_response()),
        Err(Error::Invalid(e)) => {
            let mut form = FormState::default();
            form.invalid(&ctx.i18n(), &[e]);
            let page = report_page_for(&st, &ctx, id, form).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
