//! Conversations between members: starting one, sending (with the contact
//! guard, the limits and an idempotency key), reading, replay by sequence,
//! blocks, search and preferences. Live delivery goes through the bus
//! after each commit (`bus.rs`).

use crate::accounts::Principal;
use crate::attachments::{self, Attachment, Upload};
use crate::bus::Event;
use crate::group_commit::{Batched, BoxFuture};
use crate::idempotency::{IdempotencyKey, Outcome, earlier_outcome_of};
use crate::mail::{self, Channel, Outgoing};
use crate::{Error, Result, Services};
use koine_domain::Invalid;
use koine_domain::messaging::{
    self as rules, BlockReason, EmailNotices, Guarded, MessageKind, MessageText, SendFacts, SendRefusal,
};
use koine_domain::profile::Visibility;
use koine_domain::refusal::Refusal;
use koine_domain::teaching::TeacherStatus;
use koine_domain::validation::optional_text;
use koine_store::Conn;
use koine_store::repo::conversations::{self as repo, KeyClaim, MessageRow, NewMessage, PreferencesRow};
use koine_store::repo::outbox::OutboxRow;
use koine_store::repo::{accounts, lessons, outbox, teaching};
use serde::Serialize;
use std::sync::Arc;
use uuid::Uuid;

/// The longest away message, in characters.
pub const AWAY_MAX: usize = 500;

/// The longest search over one's messages, in characters.
pub const QUERY_MAX: usize = 100;

/// How many conversations an inbox lists.
const INBOX_MAX: i64 = 200;

/// How many messages a conversation page shows at first.
const PAGE_MESSAGES: i64 = 100;

/// A message as its conversation's members see it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Message {
    pub id: Uuid,
    pub conversation: Uuid,
    pub seq: i64,
    /// The sender; none once they have left Koine ("a former member").
    pub sender: Option<Uuid>,
    pub kind: MessageKind,
    /// None once its sender has left Koine.
    pub body: Option<String>,
    /// Kinds of contact detail the guard took out (`email`, `phone`, …).
    pub redacted: Vec<String>,
    /// Files sent with it (none once its sender has left Koine).
    pub attachments: Vec<Attachment>,
    pub created_at: i64,
}

impl Message {
    fn of(row: MessageRow, members: &[Uuid]) -> Self {
        Self {
            id: row.id,
            conversation: row.conversation_id,
            seq: row.seq,
            sender: members.contains(&row.sender_id).then_some(row.sender_id),
            kind: row.kind,
            body: row.body,
            redacted: row
                .redacted_kinds
                .map(|k| k.split(',').map(str::to_owned).collect())
                .unwrap_or_default(),
            attachments: Vec::new(),
            created_at: row.created_at,
        }
    }
}

/// Lists each message's files beside it (one query for them all).
async fn with_attachments(conn: Conn<'_>, mut messages: Vec<Message>) -> Result<Vec<Message>> {
    let ids: Vec<Uuid> = messages.iter().map(|m| m.id).collect();
    let mut files: std::collections::HashMap<Uuid, Vec<Attachment>> = std::collections::HashMap::new();
    for line in repo::attachments_of(conn, &ids).await? {
        files.entry(line.message_id).or_default().push(line.into());
    }
    for m in &mut messages {
        m.attachments = files.remove(&m.id).unwrap_or_default();
    }
    Ok(messages)
}

/// The other member as a member sees them: public name and, as their
/// visibility allows, photo.
#[derive(Debug, Clone, Serialize)]
pub struct OtherMember {
    pub id: Uuid,
    pub name: String,
    pub avatar: Option<Uuid>,
}

fn other_member(
    id: Option<Uuid>,
    name: Option<String>,
    avatar: Option<Uuid>,
    visibility: Option<String>,
) -> Option<OtherMember> {
    let visible = visibility
        .and_then(|v| Visibility::try_from(v).ok())
        .is_some_and(|v| v != Visibility::Private);
    Some(OtherMember {
        id: id?,
        name: name.unwrap_or_default(),
        avatar: avatar.filter(|_| visible),
    })
}

/// One line of an inbox.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationLine {
    pub id: Uuid,
    /// None once the other member has left Koine.
    pub other: Option<OtherMember>,
    pub last_activity_at: i64,
    pub last_seq: i64,
    pub unread: i64,
    /// The newest message's text, and whether the member wrote it.
    pub preview: Option<String>,
    pub preview_mine: bool,
}

/// A conversation opened by one of its members.
#[derive(Debug, Clone, Serialize)]
pub struct Conversation {
    pub id: Uuid,
    pub other: Option<OtherMember>,
    /// The newest messages, in order.
    pub messages: Vec<Message>,
    /// Older messages exist than those listed.
    pub earlier: bool,
    pub last_seq: i64,
    pub last_read_seq: i64,
    /// How far the other member has read, where both send read receipts.
    pub other_read_seq: Option<i64>,
    /// Contact details are hidden until the two have had a paid lesson.
    pub guarded: bool,
    /// Files may be sent: the two have had a confirmed lesson.
    pub may_attach: bool,
    /// The viewer blocked the other member.
    pub blocked_by_me: bool,
    /// Why the viewer cannot write here now, if they cannot.
    pub cannot_send: Option<Refusal>,
}

/// Messages after a sequence number: at most [`rules::REPLAY_CAP`]; past
/// that, `reload` says the client should reload the conversation.
#[derive(Debug, Clone, Serialize)]
pub struct Replay {
    pub messages: Vec<Message>,
    pub reload: bool,
    pub last_seq: i64,
}

/// A member's messaging preferences, as they set them.
#[derive(Debug, Clone)]
pub struct MessagingPreferences {
    pub read_receipts: bool,
    pub typing_indicators: bool,
    pub email: EmailNotices,
    pub away_message: Option<String>,
}

/// The preferences form or body as given.
pub struct PreferencesInput<'a> {
    pub read_receipts: bool,
    pub typing_indicators: bool,
    pub email: &'a str,
    pub away_message: &'a str,
}

impl MessagingPreferences {
    pub fn parse(input: &PreferencesInput<'_>) -> std::result::Result<Self, Vec<Invalid>> {
        let mut errors = koine_domain::validation::FieldErrors::default();
        let email = errors.take(EmailNotices::parse(input.email));
        let away = errors.take(optional_text("away_message", input.away_message, AWAY_MAX));
        errors.finish(|| {
            Some(Self {
                read_receipts: input.read_receipts,
                typing_indicators: input.typing_indicators,
                email: email?,
                away_message: away?,
            })
        })
    }
}

impl From<PreferencesRow> for MessagingPreferences {
    fn from(r: PreferencesRow) -> Self {
        Self {
            read_receipts: r.read_receipts,
            typing_indicators: r.typing_indicators,
            email: r.email,
            away_message: r.away_message,
        }
    }
}

/// Who takes part in a conversation now (a message's sender outside it has
/// left Koine).
async fn member_ids(conn: Conn<'_>, conversation: Uuid) -> Result<Vec<Uuid>> {
    Ok(repo::members(conn, conversation)
        .await?
        .into_iter()
        .map(|m| m.account_id)
        .collect())
}

fn send_refusal(r: SendRefusal) -> Error {
    match r {
        SendRefusal::ToSelf => Invalid::new("member", "message-to-self").into(),
        SendRefusal::RecipientGone => Error::NotFound,
        SendRefusal::Refused(r) => Error::Refused(r),
    }
}

impl Services {
    /// Why `p` may not write to the other member of `f` now, if they may
    /// not; else whether the contact guard applies (no paid lesson between
    /// them yet).
    async fn send_check(&self, conn: Conn<'_>, p: &Principal, f: &repo::SendFactsRow) -> Result<bool> {
        let me = p.account_id;
        let now = self.clock.now_us();
        let Some(other) = f.other_id else {
            return Err(send_refusal(SendRefusal::RecipientGone));
        };
        let created_at = f.my_created_at.ok_or(Error::Unauthenticated)?;
        let new_account = now - created_at < rules::NEW_ACCOUNT_US;
        let minor = f.my_minor_until.is_some_and(|m| m > now);
        let facts = SendFacts {
            to_self: other == me,
            recipient_gone: other != me && !f.other_exists,
            blocked: f.blocked,
            minor_unconfirmed: minor && !f.guardian_confirmed,
            restricted: f.processing_restricted || f.messaging_restricted,
            new_account,
            had_lesson: f.had_lesson,
            unanswered: if new_account && !f.had_lesson && !f.answered_here {
                repo::unanswered(conn, me).await?
            } else {
                0
            },
            answered_here: f.answered_here,
        };
        rules::may_send(facts).map_err(send_refusal)?;
        Ok(!f.paid_lesson)
    }

    /// The conversation between the member and `with`, if there is one
    /// (looking starts nothing).
    pub async fn conversation_with(&self, p: &Principal, with: Uuid) -> Result<Option<Uuid>> {
        let mut c = self.db.acquire().await?;
        Ok(repo::between(c.conn(), p.account_id, with).await?)
    }

    /// Opens the conversation with `with` (starting it if the two have
    /// none): a member may start one with a teacher, or with someone they
    /// have a lesson with.
    pub async fn start_conversation(&self, p: &Principal, with: Uuid) -> Result<Uuid> {
        let me = p.account_id;
        if me == with {
            return Err(send_refusal(SendRefusal::ToSelf));
        }
        let mut c = self.db.acquire().await?;
        if let Some(id) = repo::between(c.conn(), me, with).await? {
            return Ok(id);
        }
        drop(c);
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        // Both accounts locked in one order: two first messages at once
        // still make one conversation.
        let (first, second) = if me < with { (me, with) } else { (with, me) };
        accounts::lock(tx.conn(), first).await?;
        accounts::lock(tx.conn(), second).await?;
        if let Some(id) = repo::between(tx.conn(), me, with).await? {
            return Ok(id);
        }
        let facts = repo::send_facts(tx.conn(), None, me, Some(with), None).await?;
        self.send_check(tx.conn(), p, &facts).await?;
        let is_teacher = teaching::teacher(tx.conn(), with)
            .await?
            .is_some_and(|t| t.status == TeacherStatus::Active);
        let had_any_lesson = lessons::between(tx.conn(), me, with).await?;
        if !is_teacher && !had_any_lesson {
            return Err(Error::NotFound);
        }
        let id = Uuid::now_v7();
        repo::create(tx.conn(), id, [me, with], now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Sends a message, with any files. A retry with the same key returns
    /// the first message and sends nothing.
    pub async fn send_message(
        &self,
        p: &Principal,
        conversation: Uuid,
        text: &MessageText,
        files: &[Upload],
        key: &IdempotencyKey,
    ) -> Result<Message> {
        let me = p.account_id;
        let now = self.clock.now_us();
        let mut parts: Vec<&[u8]> = vec![b"message", conversation.as_bytes(), text.as_str().as_bytes()];
        parts.extend(files.iter().flat_map(|f| [f.name.as_bytes(), f.bytes.as_slice()]));
        let fingerprint = self.fingerprint(&parts);
        // Everything that decides the message is read first, on a read
        // connection: the write transaction (one writer at a time on
        // SQLite) holds only the key's claim and the inserts.
        let mut c = self.db.acquire().await?;
        let f = repo::send_facts(c.conn(), Some(conversation), me, None, Some(key.as_str())).await?;
        if !f.member {
            return Err(Error::NotFound);
        }
        let earlier = f.key_fingerprint.clone().zip(f.key_outcome.clone());
        if let Some(Outcome::Message(earlier)) = earlier_outcome_of(earlier, &fingerprint)? {
            return self.message_by_id(c.conn(), earlier).await;
        }
        let guard_on = self.send_check(c.conn(), p, &f).await?;
        let other = f.other_id.ok_or(Error::NotFound)?;
        if !files.is_empty() && !f.had_lesson {
            return Err(Error::Refused(Refusal::AttachmentsNeedLesson));
        }
        let guarded = Guarded::apply(text, guard_on);
        let kinds = guarded.kinds();
        // A teacher who is away answers once per conversation, by itself.
        let away = f.other_away.filter(|_| !f.auto_replied);
        let email_setting = f.other_email.unwrap_or_default();
        // Asked in that order: whether they are online may ask the other nodes.
        let email = if rules::email_due(email_setting, f.other_emailed_at, true, now) && !self.bus.online(other).await {
            self.email_about_message(c.conn(), other, me, conversation, now).await?
        } else {
            None
        };
        drop(c);
        let files = attachments::clean(files).await?;
        let files = self.put_attachments(me, files).await?;
        // The rows are written in a batch with the other messages sent at
        // the same moment: one commit (one disk sync) for them all.
        let (reply, written) = tokio::sync::oneshot::channel();
        let write = MessageWrite {
            svc: self.clone(),
            id: Uuid::now_v7(),
            me,
            conversation,
            key: key.clone(),
            fingerprint,
            body: guarded.text,
            redactions: guarded.redacted.len() as i64,
            kinds,
            files,
            other,
            away,
            email: email.map(|mail| (mail, f.other_emailed_at)),
            now,
            written: None,
            reply: Some(reply),
        };
        self.message_writes.submit(&self.db, conversation, Box::new(write));
        let (sent, sent_files, away_reply) = match written.await.map_err(Error::internal)?? {
            Written::Earlier(earlier) => {
                let mut c = self.db.acquire().await?;
                return self.message_by_id(c.conn(), earlier).await;
            }
            Written::Sent(rows) => (rows.sent, rows.files, rows.away),
        };
        let members = [me, other];
        let published = std::iter::once((sent.clone(), sent_files.clone())).chain(away_reply.map(|r| (r, Vec::new())));
        for (row, files) in published {
            let message = Message {
                attachments: files,
                ..Message::of(row, &members)
            };
            self.bus.publish_to(&members, Arc::new(Event::Message(message)));
        }
        // Each open tab counts the new message itself; a count is sent
        // only when reading changes it (`mark_read`), so a send costs no
        // count of everything unread.
        Ok(Message {
            attachments: sent_files,
            ..Message::of(sent, &members)
        })
    }

    /// The email telling `account` that `from` wrote (never the text),
    /// if they have a confirmed address.
    async fn email_about_message(
        &self,
        mut conn: Conn<'_>,
        account: Uuid,
        from: Uuid,
        conversation: Uuid,
        now: i64,
    ) -> Result<Option<OutboxRow>> {
        let Some(a) = accounts::get(conn.reborrow(), account).await? else {
            return Ok(None);
        };
        let Some(email) = a.email.clone().filter(|_| a.email_verified_at.is_some()) else {
            return Ok(None);
        };
        let locale = crate::accounts::locale_of(conn, account).await?;
        let args = [("name", koine_domain::mention::MARK.to_owned())];
        let body = format!(
            "{}\n\n{}/messages/{conversation}",
            crate::i18n::t_args(locale, "message-email-body", &args),
            self.settings.public_url
        );
        Ok(Some(OutboxRow {
            about_id: Some(from),
            ..mail::outbox_row(
                now,
                Outgoing {
                    account: Some(account),
                    channel: Channel::Email,
                    to: email,
                    subject: crate::i18n::t(locale, "message-email-subject"),
                    body,
                },
                None,
            )
        }))
    }

    /// A message by id, as its sender sees it (an idempotent retry).
    async fn message_by_id(&self, mut conn: Conn<'_>, id: Uuid) -> Result<Message> {
        let row = repo::message(conn.reborrow(), id).await?.ok_or(Error::NotFound)?;
        let members = member_ids(conn.reborrow(), row.conversation_id).await?;
        let mut one = with_attachments(conn, vec![Message::of(row, &members)]).await?;
        one.pop().ok_or(Error::NotFound)
    }

    /// The member's conversations, most recently active first.
    pub async fn inbox(&self, p: &Principal) -> Result<Vec<ConversationLine>> {
        let mut c = self.db.acquire().await?;
        let rows = repo::inbox(c.conn(), p.account_id, INBOX_MAX).await?;
        Ok(rows
            .into_iter()
            .map(|r| ConversationLine {
                id: r.id,
                other: other_member(r.other_id, r.other_name, r.other_avatar, r.other_avatar_visibility),
                last_activity_at: r.last_activity_at,
                last_seq: r.last_seq,
                unread: r.unread,
                preview: r.last_body,
                preview_mine: r.last_sender == Some(p.account_id),
            })
            .collect())
    }

    /// Messages from others the member has not read yet.
    pub async fn unread_messages(&self, account: Uuid) -> Result<i64> {
        let mut c = self.db.acquire().await?;
        Ok(repo::unread_total(c.conn(), account).await?)
    }

    async fn publish_unread(&self, account: Uuid) {
        if !self.bus.online(account).await {
            return;
        }
        match self.unread_messages(account).await {
            Ok(count) => self.bus.publish(account, Arc::new(Event::Unread { count })),
            Err(e) => tracing::warn!("unread count for the stream: {e}"),
        }
    }

    /// One conversation, for one of its members.
    pub async fn conversation(&self, p: &Principal, id: Uuid) -> Result<Conversation> {
        let me = p.account_id;
        let mut c = self.db.acquire().await?;
        let mine = repo::member(c.conn(), id, me).await?.ok_or(Error::NotFound)?;
        let other = repo::others(c.conn(), id, me).await?.into_iter().next();
        let mut messages = repo::latest(c.conn(), id, PAGE_MESSAGES + 1).await?;
        let earlier = messages.len() as i64 > PAGE_MESSAGES;
        if earlier {
            messages.remove(0);
        }
        let last_seq = repo::last_seq(c.conn(), id).await?.unwrap_or_default();
        let members: Vec<Uuid> = std::iter::once(me)
            .chain(other.as_ref().map(|o| o.account_id))
            .collect();
        let facts = repo::send_facts(c.conn(), Some(id), me, None, None).await?;
        let (other_view, other_read_seq, blocked_by_me) = match &other {
            Some(o) => {
                let profile = koine_store::repo::profiles::get(c.conn(), o.account_id).await?;
                let view = other_member(
                    Some(o.account_id),
                    profile.as_ref().map(|p| p.display_name.clone()),
                    profile.as_ref().and_then(|p| p.avatar_id),
                    profile.as_ref().map(|p| p.avatar_visibility.as_str().to_owned()),
                );
                let mine_prefs = repo::preferences(c.conn(), me).await?;
                let theirs = repo::preferences(c.conn(), o.account_id).await?;
                let receipts = rules::sees_signal(mine_prefs.read_receipts, theirs.read_receipts);
                (
                    view,
                    receipts.then_some(o.last_read_seq),
                    repo::blocks(c.conn(), me, o.account_id).await?,
                )
            }
            None => (None, None, false),
        };
        let (guarded, may_attach) = match other {
            Some(_) => (!facts.paid_lesson, facts.had_lesson),
            None => (false, false),
        };
        let cannot_send = match self.send_check(c.conn(), p, &facts).await {
            Ok(_) => None,
            Err(Error::Refused(r)) => Some(r),
            Err(Error::NotFound) => Some(Refusal::RecipientLeft),
            Err(e) => return Err(e),
        };
        Ok(Conversation {
            id,
            other: other_view,
            messages: with_attachments(
                c.conn(),
                messages.into_iter().map(|m| Message::of(m, &members)).collect(),
            )
            .await?,
            earlier,
            last_seq,
            last_read_seq: mine.last_read_seq,
            other_read_seq,
            guarded,
            may_attach,
            blocked_by_me,
            cannot_send,
        })
    }

    /// Every message after `after`, in order, with no gap: at most
    /// [`rules::REPLAY_CAP`], then `reload`.
    pub async fn messages_after(&self, p: &Principal, id: Uuid, after: i64) -> Result<Replay> {
        let me = p.account_id;
        let mut c = self.db.acquire().await?;
        let members = member_ids(c.conn(), id).await?;
        if !members.contains(&me) {
            return Err(Error::NotFound);
        }
        let mut rows = repo::after(c.conn(), id, after, rules::REPLAY_CAP + 1).await?;
        let reload = rows.len() as i64 > rules::REPLAY_CAP;
        rows.truncate(rules::REPLAY_CAP as usize);
        let last_seq = repo::last_seq(c.conn(), id).await?.unwrap_or_default();
        Ok(Replay {
            messages: with_attachments(c.conn(), rows.into_iter().map(|m| Message::of(m, &members)).collect()).await?,
            reload,
            last_seq,
        })
    }

    /// Marks the conversation read up to `seq` (everything when `None`);
    /// returns the read mark. The member's other tabs and devices hear of
    /// the new unread count, the other member of the receipt (where both
    /// send receipts).
    pub async fn mark_read(&self, p: &Principal, id: Uuid, seq: Option<i64>) -> Result<i64> {
        let me = p.account_id;
        let mut c = self.db.acquire().await?;
        repo::member(c.conn(), id, me).await?.ok_or(Error::NotFound)?;
        let seq = seq.unwrap_or(i64::MAX);
        let mark = repo::mark_read(c.conn(), id, me, seq).await?;
        let others = repo::others(c.conn(), id, me).await?;
        let mine = repo::preferences(c.conn(), me).await?;
        for o in others {
            let theirs = repo::preferences(c.conn(), o.account_id).await?;
            if rules::sees_signal(theirs.read_receipts, mine.read_receipts) {
                self.bus.publish(
                    o.account_id,
                    Arc::new(Event::Read {
                        conversation: id,
                        seq: mark,
                    }),
                );
            }
        }
        drop(c);
        self.publish_unread(me).await;
        Ok(mark)
    }

    /// Tells the other member that `p` is typing, where both send typing
    /// indicators.
    pub async fn typing(&self, p: &Principal, id: Uuid) -> Result<()> {
        let me = p.account_id;
        let mut c = self.db.acquire().await?;
        repo::member(c.conn(), id, me).await?.ok_or(Error::NotFound)?;
        let mine = repo::preferences(c.conn(), me).await?;
        for o in repo::others(c.conn(), id, me).await? {
            let theirs = repo::preferences(c.conn(), o.account_id).await?;
            if rules::sees_signal(theirs.typing_indicators, mine.typing_indicators) {
                self.bus
                    .publish(o.account_id, Arc::new(Event::Typing { conversation: id }));
            }
        }
        Ok(())
    }

    /// Blocks another member: neither can write to the other, and they
    /// cannot book the blocker. History stays.
    pub async fn block_member(&self, p: &Principal, who: Uuid, reason: BlockReason) -> Result<()> {
        if who == p.account_id {
            return Err(Invalid::new("member", "block-self").into());
        }
        let mut tx = self.db.begin().await?;
        accounts::get(tx.conn(), who).await?.ok_or(Error::NotFound)?;
        repo::block(tx.conn(), p.account_id, who, reason, self.clock.now_us()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lifts the member's block; `NotFound` if there was none.
    pub async fn unblock_member(&self, p: &Principal, who: Uuid) -> Result<()> {
        let mut c = self.db.acquire().await?;
        if repo::unblock(c.conn(), p.account_id, who).await? {
            Ok(())
        } else {
            Err(Error::NotFound)
        }
    }

    /// Messages in the member's conversations holding `words`, newest first.
    pub async fn search_messages(&self, p: &Principal, words: &str) -> Result<Vec<Message>> {
        let words = optional_text("q", words, QUERY_MAX)?.ok_or(Invalid::new("q", "required"))?;
        let mut c = self.db.acquire().await?;
        let rows = repo::search(c.conn(), p.account_id, &words, 50).await?;
        // Members read once per conversation, however many matches it has.
        let mut members: std::collections::HashMap<Uuid, Vec<Uuid>> = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            if let std::collections::hash_map::Entry::Vacant(e) = members.entry(r.conversation_id) {
                e.insert(member_ids(c.conn(), r.conversation_id).await?);
            }
            let ids = &members[&r.conversation_id];
            out.push(Message::of(r, ids));
        }
        with_attachments(c.conn(), out).await
    }

    pub async fn messaging_preferences(&self, account: Uuid) -> Result<MessagingPreferences> {
        let mut c = self.db.acquire().await?;
        Ok(repo::preferences(c.conn(), account).await?.into())
    }

    pub async fn set_messaging_preferences(&self, p: &Principal, prefs: MessagingPreferences) -> Result<()> {
        let mut c = self.db.acquire().await?;
        let row = PreferencesRow {
            read_receipts: prefs.read_receipts,
            typing_indicators: prefs.typing_indicators,
            email: prefs.email,
            away_message: prefs.away_message,
        };
        repo::set_preferences(c.conn(), p.account_id, &row, self.clock.now_us()).await?;
        Ok(())
    }

    /// Contact details the guard took out of the member's messages (for
    /// trust and safety).
    pub async fn redactions_of(&self, account: Uuid) -> Result<i64> {
        let mut c = self.db.acquire().await?;
        Ok(repo::redactions_of(c.conn(), account).await?)
    }
}

/// What a batched message write did.
enum Written {
    /// The idempotency key had already sent this message.
    Earlier(Uuid),
    Sent(Box<SentRows>),
}

struct SentRows {
    sent: MessageRow,
    files: Vec<Attachment>,
    /// The other member's away message, sent back once.
    away: Option<MessageRow>,
}

/// A message's rows, written in one batch with those sent at the same
/// moment (`group_commit`).
struct MessageWrite {
    svc: Services,
    id: Uuid,
    me: Uuid,
    conversation: Uuid,
    key: IdempotencyKey,
    fingerprint: Vec<u8>,
    body: String,
    redactions: i64,
    kinds: Option<String>,
    /// Put in the store already; indexed with the message.
    files: Vec<attachments::PutFile>,
    other: Uuid,
    away: Option<String>,
    /// The email to the other member, and when they were last emailed.
    email: Option<(OutboxRow, Option<i64>)>,
    now: i64,
    written: Option<Written>,
    reply: Option<tokio::sync::oneshot::Sender<Result<Written>>>,
}

impl Batched for MessageWrite {
    fn write<'a>(&'a mut self, mut conn: Conn<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let svc = self.svc.clone();
            let outcome = Outcome::Message(self.id).encode();
            let claim = KeyClaim {
                account: self.me,
                key: self.key.as_str(),
                fingerprint: &self.fingerprint,
                outcome: &outcome,
            };
            let message = NewMessage {
                id: self.id,
                conversation_id: self.conversation,
                sender_id: self.me,
                kind: MessageKind::Text,
                body: &self.body,
                redactions: self.redactions,
                redacted_kinds: self.kinds.as_deref(),
                created_at: self.now,
            };
            let Some(sent) = repo::append_claimed(conn.reborrow(), &message, &claim).await? else {
                // The same key, sent twice at once: the first one stands
                // (another text under it is refused).
                let earlier = svc.claim_key_as(conn.reborrow(), self.me, &self.key, &self.fingerprint, None);
                match earlier.await? {
                    Some(Outcome::Message(earlier)) => self.written = Some(Written::Earlier(earlier)),
                    _ => return Err(Error::Refused(Refusal::IdempotencyKeyInUse)),
                }
                return Ok(());
            };
            let files = svc
                .store_attachments(conn.reborrow(), self.id, self.conversation, &self.files, self.now)
                .await?;
            let away = match &self.away {
                Some(text) => Some(
                    repo::append(
                        conn.reborrow(),
                        &NewMessage {
                            id: Uuid::now_v7(),
                            conversation_id: self.conversation,
                            sender_id: self.other,
                            kind: MessageKind::AutoReply,
                            body: text,
                            redactions: 0,
                            redacted_kinds: None,
                            created_at: self.now,
                        },
                    )
                    .await?,
                ),
                None => None,
            };
            // Whoever records the email first sends it: two messages at
            // once make one email.
            if let Some((mail, emailed_at)) = &self.email
                && repo::mark_emailed(
                    conn.reborrow(),
                    self.conversation,
                    self.other,
                    sent.seq,
                    self.now,
                    *emailed_at,
                )
                .await?
            {
                outbox::enqueue_many(conn, std::slice::from_ref(mail)).await?;
            }
            self.written = Some(Written::Sent(Box::new(SentRows { sent, files, away })));
            Ok(())
        })
    }

    fn finish(mut self: Box<Self>, outcome: Result<()>) {
        let written = outcome.and_then(|()| {
            self.written
                .take()
                .ok_or_else(|| Error::Internal("a batched message wrote nothing".into()))
        });
        // Files put for a message that was not written (or was, under the
        // same key, earlier) leave the store.
        if !matches!(written, Ok(Written::Sent(_))) && !self.files.is_empty() {
            let (svc, files) = (self.svc.clone(), std::mem::take(&mut self.files));
            tokio::spawn(async move { svc.discard_attachments(&files).await });
        }
        if let Some(reply) = self.reply.take() {
            // The sender may have gone (its request ended): the message stands.
            let _ = reply.send(written);
        }
    }
}
