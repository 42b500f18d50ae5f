//! Conversations, their members and messages, blocks and messaging
//! preferences.

use crate::{Conn, Result, on_conn};
use koine_domain::messaging::{BlockReason, EmailNotices, MessageKind, ReportOutcome, ReportReason, ReportStatus};
use uuid::Uuid;

/// Lesson statuses that mean the teacher accepted and the learner paid:
/// the two have "had a lesson" for messaging's rules.
const CONFIRMED: &str =
    "('confirmed', 'awaiting_confirmation', 'completed', 'problem_reported', 'disputed', 'settled')";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageRow {
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub seq: i64,
    pub sender_id: Uuid,
    #[sqlx(try_from = "String")]
    pub kind: MessageKind,
    /// None once its sender was erased.
    pub body: Option<String>,
    pub redactions: i64,
    pub redacted_kinds: Option<String>,
    pub created_at: i64,
}

const MESSAGE: &str = "id, conversation_id, seq, sender_id, kind, body, redactions, redacted_kinds, created_at";

fn prefixed(columns: &str, alias: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A member's own state in a conversation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub conversation_id: Uuid,
    pub account_id: Uuid,
    pub joined_at: i64,
    pub last_read_seq: i64,
    pub emailed_seq: i64,
    pub emailed_at: Option<i64>,
}

/// One line of a member's inbox.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InboxRow {
    pub id: Uuid,
    pub last_activity_at: i64,
    pub last_seq: i64,
    pub last_read_seq: i64,
    /// The other member; None once they have left.
    pub other_id: Option<Uuid>,
    pub other_name: Option<String>,
    pub other_avatar: Option<Uuid>,
    pub other_avatar_visibility: Option<String>,
    pub unread: i64,
    pub last_body: Option<String>,
    pub last_sender: Option<Uuid>,
}

/// The conversation the two members share, if they have one.
pub async fn between(conn: Conn<'_>, a: Uuid, b: Uuid) -> Result<Option<Uuid>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar(
        "SELECT m1.conversation_id FROM conversation_members m1 \
         JOIN conversation_members m2 ON m2.conversation_id = m1.conversation_id \
         WHERE m1.account_id = $1 AND m2.account_id = $2 LIMIT 1")
        .bind(a).bind(b).fetch_optional(&mut *c).await)?)
}

/// A new conversation between `members`.
pub async fn create(mut conn: Conn<'_>, id: Uuid, members: [Uuid; 2], now: i64) -> Result<()> {
    on_conn!(conn.reborrow(), c => sqlx::query(
        "INSERT INTO conversations (id, created_at, last_activity_at, last_seq) VALUES ($1, $2, $2, 0)")
        .bind(id).bind(now).execute(&mut *c).await.map(|_| ()))?;
    for m in members {
        on_conn!(conn.reborrow(), c => sqlx::query(
            "INSERT INTO conversation_members (conversation_id, account_id, joined_at) VALUES ($1, $2, $3)")
            .bind(id).bind(m).bind(now).execute(&mut *c).await.map(|_| ()))?;
    }
    Ok(())
}

pub async fn member(conn: Conn<'_>, conversation: Uuid, account: Uuid) -> Result<Option<MemberRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, MemberRow>(
        "SELECT conversation_id, account_id, joined_at, last_read_seq, emailed_seq, emailed_at \
         FROM conversation_members WHERE conversation_id = $1 AND account_id = $2")
        .bind(conversation).bind(account).fetch_optional(&mut *c).await)?)
}

/// The other members of a conversation (none once they have all left).
pub async fn others(conn: Conn<'_>, conversation: Uuid, account: Uuid) -> Result<Vec<MemberRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, MemberRow>(
        "SELECT conversation_id, account_id, joined_at, last_read_seq, emailed_seq, emailed_at \
         FROM conversation_members WHERE conversation_id = $1 AND account_id <> $2 ORDER BY account_id")
        .bind(conversation).bind(account).fetch_all(&mut *c).await)?)
}

/// What a new message records.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub sender_id: Uuid,
    pub kind: MessageKind,
    pub body: &'a str,
    pub redactions: i64,
    pub redacted_kinds: Option<&'a str>,
    pub created_at: i64,
}

impl NewMessage<'_> {
    /// The row as written with sequence number `seq`.
    fn written(&self, seq: i64) -> MessageRow {
        MessageRow {
            id: self.id,
            conversation_id: self.conversation_id,
            seq,
            sender_id: self.sender_id,
            kind: self.kind,
            body: Some(self.body.to_owned()),
            redactions: self.redactions,
            redacted_kinds: self.redacted_kinds.map(str::to_owned),
            created_at: self.created_at,
        }
    }
}

/// Appends a message with the conversation's next sequence number. The
/// update takes the conversation's row lock first, so concurrent senders
/// get consecutive numbers with no gap; run it inside a transaction.
pub async fn append(mut conn: Conn<'_>, m: &NewMessage<'_>) -> Result<MessageRow> {
    let seq: i64 = on_conn!(conn.reborrow(), c => sqlx::query_scalar(
        "UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = $2 WHERE id = $1 RETURNING last_seq")
        .bind(m.conversation_id).bind(m.created_at).fetch_one(&mut *c).await)?;
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO messages ({MESSAGE}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ));
    on_conn!(conn.reborrow(), c => sqlx::query(sql)
        .bind(m.id).bind(m.conversation_id).bind(seq).bind(m.sender_id).bind(m.kind.as_str()).bind(m.body)
        .bind(m.redactions).bind(m.redacted_kinds).bind(m.created_at).execute(&mut *c).await.map(|_| ()))?;
    Ok(m.written(seq))
}

/// The idempotency key a message is sent under, claimed as it is written.
pub struct KeyClaim<'a> {
    pub account: Uuid,
    pub key: &'a str,
    pub fingerprint: &'a [u8],
    pub outcome: &'a str,
}

/// Claims the key and appends the message ([`append`]); None, with
/// nothing written, when the key was claimed before. On PostgreSQL in one
/// statement: a message is sent often, and each statement there costs a
/// round trip and the server's time to take it in (SQLite, in process,
/// has neither cost and no data-modifying `WITH`).
pub async fn append_claimed(mut conn: Conn<'_>, m: &NewMessage<'_>, k: &KeyClaim<'_>) -> Result<Option<MessageRow>> {
    let seq = match conn.reborrow() {
        Conn::Postgres(c) => {
            let sql = sqlx::AssertSqlSafe(format!(
                "WITH k AS (INSERT INTO idempotency_keys (account_id, key, fingerprint, outcome, created_at) \
                   VALUES ($9, $10, $11, $12, $8) ON CONFLICT DO NOTHING RETURNING 1), \
                 s AS (UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = $8 \
                   WHERE id = $2 AND EXISTS (SELECT 1 FROM k) RETURNING last_seq) \
                 INSERT INTO messages ({MESSAGE}) SELECT $1, $2, s.last_seq, $3, $4, $5, $6, $7, $8 FROM s \
                 RETURNING seq"
            ));
            let seq: Option<i64> = sqlx::query_scalar(sql)
                .bind(m.id)
                .bind(m.conversation_id)
                .bind(m.sender_id)
                .bind(m.kind.as_str())
                .bind(m.body)
                .bind(m.redactions)
                .bind(m.redacted_kinds)
                .bind(m.created_at)
                .bind(k.account)
                .bind(k.key)
                .bind(k.fingerprint)
                .bind(k.outcome)
                .fetch_optional(&mut *c)
                .await?;
            let Some(seq) = seq else { return Ok(None) };
            seq
        }
        Conn::Sqlite(_) => {
            let claim = super::idempotency::claim(
                conn.reborrow(),
                k.account,
                k.key,
                k.fingerprint,
                Some(k.outcome),
                m.created_at,
            )
            .await?;
            if !matches!(claim, super::idempotency::Claim::New) {
                return Ok(None);
            }
            return append(conn, m).await.map(Some);
        }
    };
    Ok(Some(m.written(seq)))
}

pub async fn message(conn: Conn<'_>, id: Uuid) -> Result<Option<MessageRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {MESSAGE} FROM messages WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, MessageRow>(sql).bind(id).fetch_optional(&mut *c).await)?)
}

/// Messages after `after`, in order, at most `limit`.
pub async fn after(conn: Conn<'_>, conversation: Uuid, after: i64, limit: i64) -> Result<Vec<MessageRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {MESSAGE} FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, MessageRow>(sql)
        .bind(conversation).bind(after).bind(limit).fetch_all(&mut *c).await)?)
}

/// The newest `limit` messages, in order.
pub async fn latest(conn: Conn<'_>, conversation: Uuid, limit: i64) -> Result<Vec<MessageRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {MESSAGE} FROM messages WHERE conversation_id = $1 ORDER BY seq DESC LIMIT $2"
    ));
    let mut rows = on_conn!(conn, c => sqlx::query_as::<_, MessageRow>(sql)
        .bind(conversation).bind(limit).fetch_all(&mut *c).await)?;
    rows.reverse();
    Ok(rows)
}

/// A file sent with a message, as listed: the file itself lies in the
/// file store (`objects`), with the attachment's id.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentRow {
    pub id: Uuid,
    pub message_id: Uuid,
    pub conversation_id: Uuid,
    pub sender_id: Uuid,
    pub position: i64,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: i64,
}

/// A message's file as listed beside it (without its contents).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentLine {
    pub id: Uuid,
    pub message_id: Uuid,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

const ATTACHMENT: &str =
    "id, message_id, conversation_id, sender_id, position, name, content_type, size_bytes, created_at";

pub async fn insert_attachment(conn: Conn<'_>, a: &AttachmentRow) -> Result<()> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO message_attachments ({ATTACHMENT}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ));
    on_conn!(conn, c => sqlx::query(sql)
        .bind(a.id).bind(a.message_id).bind(a.conversation_id).bind(a.sender_id).bind(a.position).bind(&a.name)
        .bind(&a.content_type).bind(a.size_bytes).bind(a.created_at)
        .execute(&mut *c).await.map(|_| ()))?;
    Ok(())
}

/// The files of these messages, in their order within each.
pub async fn attachments_of(conn: Conn<'_>, messages: &[Uuid]) -> Result<Vec<AttachmentLine>> {
    if messages.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id, message_id, name, content_type, size_bytes FROM message_attachments \
         WHERE message_id IN ({}) ORDER BY message_id, position",
        super::placeholders(1, messages.len())
    ));
    Ok(on_conn!(conn, c => {
        let mut q = sqlx::query_as::<_, AttachmentLine>(sql);
        for m in messages {
            q = q.bind(*m);
        }
        q.fetch_all(&mut *c).await
    })?)
}

/// A file of a message, with the message's sequence number.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NumberedFile {
    pub seq: i64,
    #[sqlx(flatten)]
    pub file: AttachmentLine,
}

/// The files of a conversation's messages numbered `first` to `last`, in order.
pub async fn files_between(conn: Conn<'_>, conversation: Uuid, first: i64, last: i64) -> Result<Vec<NumberedFile>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, NumberedFile>(
        "SELECT m.seq, a.id, a.message_id, a.name, a.content_type, a.size_bytes \
         FROM message_attachments a JOIN messages m ON m.id = a.message_id \
         WHERE a.conversation_id = $1 AND m.seq BETWEEN $2 AND $3 ORDER BY m.seq, a.position")
        .bind(conversation).bind(first).bind(last).fetch_all(&mut *c).await)?)
}

pub async fn attachment(conn: Conn<'_>, id: Uuid) -> Result<Option<AttachmentRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {ATTACHMENT} FROM message_attachments WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, AttachmentRow>(sql).bind(id).fetch_optional(&mut *c).await)?)
}

/// The newest sequence number of a conversation.
pub async fn last_seq(conn: Conn<'_>, conversation: Uuid) -> Result<Option<i64>> {
    Ok(
        on_conn!(conn, c => sqlx::query_scalar("SELECT last_seq FROM conversations WHERE id = $1")
        .bind(conversation).fetch_optional(&mut *c).await)?,
    )
}

/// A member's conversations, most recently active first.
pub async fn inbox(conn: Conn<'_>, account: Uuid, limit: i64) -> Result<Vec<InboxRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, InboxRow>(
        "SELECT cv.id, cv.last_activity_at, cv.last_seq, me.last_read_seq, \
           o.account_id AS other_id, p.display_name AS other_name, p.avatar_id AS other_avatar, \
           p.avatar_visibility AS other_avatar_visibility, \
           (SELECT COUNT(*) FROM messages u WHERE u.conversation_id = cv.id AND u.seq > me.last_read_seq \
              AND u.sender_id <> $1) AS unread, \
           lm.body AS last_body, lm.sender_id AS last_sender \
         FROM conversation_members me \
         JOIN conversations cv ON cv.id = me.conversation_id \
         LEFT JOIN conversation_members o ON o.conversation_id = cv.id AND o.account_id <> $1 \
         LEFT JOIN profiles p ON p.account_id = o.account_id \
         LEFT JOIN messages lm ON lm.conversation_id = cv.id AND lm.seq = cv.last_seq \
         WHERE me.account_id = $1 \
         ORDER BY cv.last_activity_at DESC, cv.id LIMIT $2")
        .bind(account).bind(limit).fetch_all(&mut *c).await)?)
}

/// Messages from others the member has not read, over all conversations.
pub async fn unread_total(conn: Conn<'_>, account: Uuid) -> Result<i64> {
    Ok(on_conn!(conn, c => sqlx::query_scalar(
        // Counted conversation by conversation, so each count reads only
        // the unread end of one conversation's index (a join may be
        // planned as a scan of every message).
        "SELECT CAST(COALESCE(SUM((SELECT COUNT(*) FROM messages u WHERE u.conversation_id = me.conversation_id \
           AND u.seq > me.last_read_seq AND u.sender_id <> $1)), 0) AS BIGINT) \
         FROM conversation_members me WHERE me.account_id = $1")
        .bind(account).fetch_one(&mut *c).await)?)
}

/// Moves the member's read mark forward to `seq` (never back, never past
/// the newest message); returns the mark.
pub async fn mark_read(mut conn: Conn<'_>, conversation: Uuid, account: Uuid, seq: i64) -> Result<i64> {
    on_conn!(conn.reborrow(), c => sqlx::query(
        "UPDATE conversation_members SET last_read_seq = (SELECT CASE WHEN $3 < cv.last_seq THEN $3 ELSE cv.last_seq END \
           FROM conversations cv WHERE cv.id = $1) \
         WHERE conversation_id = $1 AND account_id = $2 AND last_read_seq < $3")
        .bind(conversation).bind(account).bind(seq).execute(&mut *c).await.map(|_| ()))?;
    Ok(on_conn!(conn, c => sqlx::query_scalar(
        "SELECT last_read_seq FROM conversation_members WHERE conversation_id = $1 AND account_id = $2")
        .bind(conversation).bind(account).fetch_one(&mut *c).await)?)
}

/// Messages in the member's conversations whose text holds `words`
/// (case-insensitively for ASCII on SQLite, fully on PostgreSQL), newest
/// first.
pub async fn search(conn: Conn<'_>, account: Uuid, words: &str, limit: i64) -> Result<Vec<MessageRow>> {
    let pattern = format!(
        "%{}%",
        words.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
    );
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM messages m JOIN conversation_members me ON me.conversation_id = m.conversation_id \
         WHERE me.account_id = $1 AND LOWER(m.body) LIKE LOWER($2) ESCAPE '\\' \
         ORDER BY m.created_at DESC, m.id LIMIT $3",
        prefixed(MESSAGE, "m")
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, MessageRow>(sql)
        .bind(account).bind(pattern).bind(limit).fetch_all(&mut *c).await)?)
}

/// Messages `sender` wrote that nobody answered, in conversations with
/// people it has had no lesson with.
pub async fn unanswered(conn: Conn<'_>, sender: Uuid) -> Result<i64> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM messages m WHERE m.sender_id = $1 AND m.kind = 'text' \
         AND NOT EXISTS (SELECT 1 FROM messages r WHERE r.conversation_id = m.conversation_id \
             AND r.sender_id <> $1 AND r.kind = 'text') \
         AND NOT EXISTS (SELECT 1 FROM conversation_members o JOIN lessons l \
             ON (l.learner_id = $1 AND l.teacher_id = o.account_id) OR (l.teacher_id = $1 AND l.learner_id = o.account_id) \
             WHERE o.conversation_id = m.conversation_id AND o.account_id <> $1 AND l.status IN {CONFIRMED})"
    ));
    Ok(on_conn!(conn, c => sqlx::query_scalar(sql).bind(sender).fetch_one(&mut *c).await)?)
}

/// Contact details the guard took out of `account`'s messages.
pub async fn redactions_of(conn: Conn<'_>, account: Uuid) -> Result<i64> {
    Ok(on_conn!(conn, c => sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(redactions), 0) AS BIGINT) FROM messages WHERE sender_id = $1")
        .bind(account).fetch_one(&mut *c).await)?)
}

/// Records the email about the conversation up to `seq`, if nobody
/// recorded one since `seen` (the last email's time read before); `false`
/// if another message's email came first.
pub async fn mark_emailed(
    conn: Conn<'_>,
    conversation: Uuid,
    account: Uuid,
    seq: i64,
    now: i64,
    seen: Option<i64>,
) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE conversation_members SET emailed_seq = $3, emailed_at = $4 WHERE conversation_id = $1 AND account_id = $2 \
         AND ((emailed_at IS NULL AND $5 IS NULL) OR emailed_at = $5)")
        .bind(conversation).bind(account).bind(seq).bind(now).bind(seen).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Blocks `blocked` for `blocker` (again: the reason is updated).
pub async fn block(conn: Conn<'_>, blocker: Uuid, blocked: Uuid, reason: BlockReason, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO member_blocks (blocker_id, blocked_id, reason, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (blocker_id, blocked_id) DO UPDATE SET reason = $3")
        .bind(blocker).bind(blocked).bind(reason.as_str()).bind(now).execute(&mut *c).await.map(|_| ()))?;
    Ok(())
}

/// `false` if there was no such block.
pub async fn unblock(conn: Conn<'_>, blocker: Uuid, blocked: Uuid) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query("DELETE FROM member_blocks WHERE blocker_id = $1 AND blocked_id = $2")
        .bind(blocker).bind(blocked).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Whether `blocker` blocked `blocked`.
pub async fn blocks(conn: Conn<'_>, blocker: Uuid, blocked: Uuid) -> Result<bool> {
    let n: i64 = on_conn!(conn, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM member_blocks WHERE blocker_id = $1 AND blocked_id = $2")
        .bind(blocker).bind(blocked).fetch_one(&mut *c).await)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct PreferencesRow {
    pub read_receipts: bool,
    pub typing_indicators: bool,
    #[sqlx(try_from = "String")]
    pub email: EmailNotices,
    pub away_message: Option<String>,
}

/// A member's messaging preferences (the defaults until they change one).
pub async fn preferences(conn: Conn<'_>, account: Uuid) -> Result<PreferencesRow> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, PreferencesRow>(
        "SELECT read_receipts, typing_indicators, email, away_message FROM messaging_preferences WHERE account_id = $1")
        .bind(account).fetch_optional(&mut *c).await)?
    .unwrap_or_default())
}

pub async fn set_preferences(conn: Conn<'_>, account: Uuid, p: &PreferencesRow, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO messaging_preferences (account_id, read_receipts, typing_indicators, email, away_message, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id) DO UPDATE SET read_receipts = $2, \
         typing_indicators = $3, email = $4, away_message = $5, updated_at = $6")
        .bind(account).bind(p.read_receipts).bind(p.typing_indicators).bind(p.email.as_str())
        .bind(&p.away_message).bind(now).execute(&mut *c).await.map(|_| ()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRow {
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub message_id: Option<Uuid>,
    pub reporter_id: Uuid,
    pub reported_id: Uuid,
    #[sqlx(try_from = "String")]
    pub reason: ReportReason,
    pub details: Option<String>,
    pub evidence: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ReportStatus,
    #[sqlx(try_from = "super::OptionalName")]
    pub outcome: Option<ReportOutcome>,
    pub decision_note: Option<String>,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    /// The messages the report copied, by sequence number: while it is
    /// open, they are kept even if their sender leaves.
    pub first_seq: i64,
    pub last_seq: i64,
}

const REPORT: &str = "id, conversation_id, message_id, reporter_id, reported_id, reason, details, evidence, status, \
    outcome, decision_note, created_at, closed_at, first_seq, last_seq";

pub async fn insert_report(conn: Conn<'_>, r: &ReportRow) -> Result<()> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO message_reports ({REPORT}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    ));
    on_conn!(conn, c => sqlx::query(sql)
        .bind(r.id).bind(r.conversation_id).bind(r.message_id).bind(r.reporter_id).bind(r.reported_id)
        .bind(r.reason.as_str()).bind(&r.details).bind(&r.evidence).bind(r.status.as_str()).bind(r.outcome.map(ReportOutcome::as_str))
        .bind(&r.decision_note).bind(r.created_at).bind(r.closed_at).bind(r.first_seq).bind(r.last_seq)
        .execute(&mut *c).await.map(|_| ()))?;
    Ok(())
}

/// The files of `sender` that an open report keeps past their erasure
/// (the map's hold on `message_attachments`), as the file store indexes them.
pub async fn held_files(conn: Conn<'_>, sender: Uuid) -> Result<Vec<super::objects::ObjectRow>> {
    let held = crate::datamap::table("message_attachments")
        .and_then(|t| t.held)
        .map_or("1 = 0", |h| h.while_sql);
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM objects o JOIN message_attachments ON message_attachments.id = o.id \
         WHERE message_attachments.sender_id = $1 AND ({held})",
        super::objects::COLUMNS_OF_O
    ));
    Ok(on_conn!(conn, c => sqlx::query_as(sql).bind(sender).fetch_all(&mut *c).await)?)
}

/// The files the other members sent in `account`'s conversations, as the
/// file store indexes them (each person's copy of their data holds them).
pub async fn files_shared_with(conn: Conn<'_>, account: Uuid) -> Result<Vec<super::objects::ObjectRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM objects o JOIN message_attachments a ON a.id = o.id \
         JOIN conversation_members m ON m.conversation_id = a.conversation_id \
         WHERE m.account_id = $1 AND a.sender_id <> $1 ORDER BY o.created_at, o.id",
        super::objects::COLUMNS_OF_O
    ));
    Ok(on_conn!(conn, c => sqlx::query_as(sql).bind(account).fetch_all(&mut *c).await)?)
}

/// Whether `reporter` has an open report of this message (or, with none,
/// of this conversation as a whole).
pub async fn open_report_exists(
    conn: Conn<'_>,
    reporter: Uuid,
    conversation: Uuid,
    message: Option<Uuid>,
) -> Result<bool> {
    let n: i64 = on_conn!(conn, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM message_reports WHERE reporter_id = $1 AND conversation_id = $2 AND status = 'open' \
         AND ((message_id IS NULL AND $3 IS NULL) OR message_id = $3)")
        .bind(reporter).bind(conversation).bind(message).fetch_one(&mut *c).await)?;
    Ok(n > 0)
}

pub async fn report(conn: Conn<'_>, id: Uuid) -> Result<Option<ReportRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {REPORT} FROM message_reports WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, ReportRow>(sql).bind(id).fetch_optional(&mut *c).await)?)
}

/// Reports in `status`, oldest first.
pub async fn reports(conn: Conn<'_>, status: ReportStatus, limit: i64) -> Result<Vec<ReportRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {REPORT} FROM message_reports WHERE status = $1 ORDER BY created_at, id LIMIT $2"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, ReportRow>(sql)
        .bind(status.as_str()).bind(limit).fetch_all(&mut *c).await)?)
}

/// Closes an open report with its outcome; `false` if it was not open.
pub async fn close_report(
    conn: Conn<'_>,
    id: Uuid,
    outcome: ReportOutcome,
    note: Option<&str>,
    now: i64,
) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE message_reports SET status = 'closed', outcome = $2, decision_note = $3, closed_at = $4 \
         WHERE id = $1 AND status = 'open'")
        .bind(id).bind(outcome.as_str()).bind(note).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Stops `account` sending messages (again: the reason is updated).
pub async fn restrict_messaging(
    conn: Conn<'_>,
    account: Uuid,
    report: Option<Uuid>,
    reason: &str,
    now: i64,
) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO messaging_restrictions (account_id, report_id, reason, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (account_id) DO UPDATE SET report_id = $2, reason = $3")
        .bind(account).bind(report).bind(reason).bind(now).execute(&mut *c).await.map(|_| ()))?;
    Ok(())
}

/// Everything that decides whether `me` may write to the other member of
/// a conversation, and how, read in one statement (a message is sent
/// often; each statement costs a round trip).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SendFactsRow {
    /// `me` takes part in the conversation.
    pub member: bool,
    /// The other member (None: they left, or there is no such person).
    pub other_id: Option<Uuid>,
    /// When the other member was last emailed about this conversation.
    pub other_emailed_at: Option<i64>,
    /// None: the sender's account is gone.
    pub my_created_at: Option<i64>,
    pub my_minor_until: Option<i64>,
    pub guardian_confirmed: bool,
    pub other_exists: bool,
    pub blocked: bool,
    pub processing_restricted: bool,
    pub messaging_restricted: bool,
    /// A lesson the teacher accepted, between the two.
    pub had_lesson: bool,
    /// The same, at a price above nothing: the contact guard lifts.
    pub paid_lesson: bool,
    /// The other member wrote here (not an automatic reply).
    pub answered_here: bool,
    /// The other member's away message answered here already.
    pub auto_replied: bool,
    /// The other member's email notices (None: the default).
    #[sqlx(try_from = "super::OptionalName")]
    pub other_email: Option<EmailNotices>,
    pub other_away: Option<String>,
    /// What `me` sent under the idempotency key asked about, if anything.
    pub key_fingerprint: Option<Vec<u8>>,
    pub key_outcome: Option<String>,
}

/// The facts for `me` writing in `conversation` (to its other member), or
/// starting one with `other`; `key`, an idempotency key to look up.
pub async fn send_facts(
    conn: Conn<'_>,
    conversation: Option<Uuid>,
    me: Uuid,
    other: Option<Uuid>,
    key: Option<&str>,
) -> Result<SendFactsRow> {
    let between = "((l.learner_id = $1 AND l.teacher_id = o.id) OR (l.learner_id = o.id AND l.teacher_id = $1))";
    // `o` MATERIALIZED: inlined, each of its dozen mentions would look the
    // other member up again (measured: the statement a tenth faster). `ls`,
    // the dearest lesson between the two, answers both lesson questions in
    // one look at `lessons`.
    let sql = sqlx::AssertSqlSafe(format!(
        "WITH o AS MATERIALIZED (SELECT COALESCE($2, (SELECT account_id FROM conversation_members \
                    WHERE conversation_id = $3 AND account_id <> $1 LIMIT 1)) AS id), \
         ls AS MATERIALIZED (SELECT MAX(l.price_minor) AS top FROM o, lessons l \
                    WHERE {between} AND l.status IN {CONFIRMED}) \
         SELECT \
           EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = $3 AND account_id = $1) AS member, \
           o.id AS other_id, \
           (SELECT emailed_at FROM conversation_members WHERE conversation_id = $3 AND account_id = o.id) AS other_emailed_at, \
           me.created_at AS my_created_at, me.minor_until AS my_minor_until, \
           EXISTS (SELECT 1 FROM guardian_consents WHERE account_id = $1 AND confirmed_at IS NOT NULL) AS guardian_confirmed, \
           EXISTS (SELECT 1 FROM accounts WHERE id = o.id) AS other_exists, \
           EXISTS (SELECT 1 FROM member_blocks WHERE (blocker_id = $1 AND blocked_id = o.id) \
              OR (blocker_id = o.id AND blocked_id = $1)) AS blocked, \
           EXISTS (SELECT 1 FROM processing_restrictions WHERE account_id = $1 AND lifted_at IS NULL) AS processing_restricted, \
           EXISTS (SELECT 1 FROM messaging_restrictions WHERE account_id = $1) AS messaging_restricted, \
           ls.top IS NOT NULL AS had_lesson, COALESCE(ls.top > 0, FALSE) AS paid_lesson, \
           EXISTS (SELECT 1 FROM messages WHERE conversation_id = $3 AND sender_id = o.id AND kind = 'text') AS answered_here, \
           EXISTS (SELECT 1 FROM messages WHERE conversation_id = $3 AND sender_id = o.id AND kind = 'auto_reply') AS auto_replied, \
           pr.email AS other_email, pr.away_message AS other_away, \
           k.fingerprint AS key_fingerprint, k.outcome AS key_outcome \
         FROM o CROSS JOIN ls \
         LEFT JOIN accounts me ON me.id = $1 \
         LEFT JOIN messaging_preferences pr ON pr.account_id = o.id \
         LEFT JOIN idempotency_keys k ON k.account_id = $1 AND k.key = $4"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, SendFactsRow>(sql)
        .bind(me).bind(other).bind(conversation).bind(key).fetch_one(&mut *c).await)?)
}

/// The members of a conversation (none: no such conversation).
pub async fn members(conn: Conn<'_>, conversation: Uuid) -> Result<Vec<MemberRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, MemberRow>(
        "SELECT conversation_id, account_id, joined_at, last_read_seq, emailed_seq, emailed_at \
         FROM conversation_members WHERE conversation_id = $1 ORDER BY account_id")
        .bind(conversation).fetch_all(&mut *c).await)?)
}
