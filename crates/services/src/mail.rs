//! Outgoing messages: an outbox table filled inside the same transaction as
//! the change that caused it, and a delivery job that sends what is due.
//!
//! Email goes to an SMTP server when configured (lettre over rustls), else
//! each message is written as an `.eml` file under `<data>/outbox/mail/`.
//! Text messages go through an [`SmsGateway`]; with no provider reachable the
//! default writes them under `<data>/outbox/sms/`.

use crate::clock::micros;
use crate::{Error, Result, Services, Settings};
use koine_domain::mention;
use koine_domain::profile::UiLocale;
use koine_store::repo::outbox::{self, OutboxRow};
use koine_store::repo::profiles;
use koine_store::{Conn, Db};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// `starttls` (default), `tls` (implicit, port 465) or `none` (loopback/testing only).
    pub security: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }
}

/// A message to queue.
pub struct Outgoing {
    pub account: Option<Uuid>,
    pub channel: Channel,
    pub to: String,
    pub subject: String,
    pub body: String,
}

pub async fn enqueue(conn: Conn<'_>, now: i64, m: Outgoing) -> Result<()> {
    enqueue_with_calendar(conn, now, m, None).await
}

/// Queues an email carrying a calendar event (`lesson.ics`).
pub async fn enqueue_with_calendar(conn: Conn<'_>, now: i64, m: Outgoing, ics: Option<String>) -> Result<()> {
    outbox::enqueue(conn, &outbox_row(now, m, ics)).await?;
    Ok(())
}

/// The outbox row of a message, due at once.
pub(crate) fn outbox_row(now: i64, m: Outgoing, ics: Option<String>) -> OutboxRow {
    OutboxRow {
        id: Uuid::now_v7(),
        account_id: m.account,
        channel: m.channel.as_str().into(),
        recipient: m.to,
        subject: m.subject,
        body: m.body,
        created_at: now,
        attempts: 0,
        attachment: ics,
        about_id: None,
    }
}

/// The interface a real SMS provider's adapter implements.
pub trait SmsGateway: Send + Sync {
    fn send<'a>(
        &'a self,
        to: &'a str,
        text: &'a str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send + 'a>>;
}

/// Writes each text message to a file, for operators without a provider.
pub struct FileSms {
    dir: PathBuf,
}

impl SmsGateway for FileSms {
    fn send<'a>(
        &'a self,
        to: &'a str,
        text: &'a str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            tokio::fs::create_dir_all(&self.dir).await.map_err(|e| e.to_string())?;
            let name = format!("{}.txt", Uuid::now_v7());
            let content = format!("To: {to}\n\n{text}\n");
            write_private(&self.dir.join(name), content.as_bytes()).await
        })
    }
}

enum MailTransport {
    Files(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

pub struct Delivery {
    mail: MailTransport,
    sms: Box<dyn SmsGateway>,
    from: Mailbox,
}

/// Writes a message file readable by its owner only, whole or not at all:
/// it is written beside the folder (in `.partial`) and then renamed into
/// it, so whatever reads the folder never sees half a message, nor a file
/// with wider permissions.
async fn write_private(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    use tokio::io::AsyncWriteExt;
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(format!("not a file path: {}", path.display()));
    };
    let partial_dir = dir.with_file_name(".partial");
    tokio::fs::create_dir_all(&partial_dir)
        .await
        .map_err(|e| e.to_string())?;
    let partial = partial_dir.join(name);
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(&partial).await.map_err(|e| e.to_string())?;
    file.write_all(bytes).await.map_err(|e| e.to_string())?;
    file.flush().await.map_err(|e| e.to_string())?;
    drop(file);
    tokio::fs::rename(&partial, path).await.map_err(|e| e.to_string())
}

impl Delivery {
    pub fn new(settings: &Settings) -> Result<Self> {
        let outbox_dir = settings.data_dir.join("outbox");
        let mail = match &settings.smtp {
            None => MailTransport::Files(outbox_dir.join("mail")),
            Some(s) => {
                let builder = match s.security.as_str() {
                    "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
                    "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host).map_err(Error::internal)?,
                    _ => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host).map_err(Error::internal)?,
                };
                let mut builder = builder.port(s.port).timeout(Some(Duration::from_secs(20)));
                if let (Some(u), Some(p)) = (&s.username, &s.password) {
                    builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
                }
                MailTransport::Smtp(builder.build())
            }
        };
        let from = settings
            .mail_from
            .parse::<Mailbox>()
            .map_err(|e| Error::Internal(format!("mail_from: {e}")))?;
        Ok(Self {
            mail,
            sms: Box::new(FileSms {
                dir: outbox_dir.join("sms"),
            }),
            from,
        })
    }

    pub fn with_sms_gateway(mut self, gateway: Box<dyn SmsGateway>) -> Self {
        self.sms = gateway;
        self
    }

    async fn send_one(&self, m: &OutboxRow) -> Result<(), String> {
        match m.channel.as_str() {
            "sms" => self.sms.send(&m.recipient, &m.body).await,
            _ => {
                let to = m.recipient.parse::<Mailbox>().map_err(|e| e.to_string())?;
                let builder = Message::builder()
                    .from(self.from.clone())
                    .to(to)
                    .subject(m.subject.clone())
                    .message_id(Some(format!("<{}@koine>", m.id)));
                let msg = match &m.attachment {
                    None => builder
                        .header(ContentType::TEXT_PLAIN)
                        .body(m.body.clone())
                        .map_err(|e| e.to_string())?,
                    Some(ics) => {
                        let calendar = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                            .map_err(|e| e.to_string())?;
                        builder
                            .multipart(
                                MultiPart::mixed()
                                    .singlepart(SinglePart::plain(m.body.clone()))
                                    .singlepart(Attachment::new("lesson.ics".into()).body(ics.clone(), calendar)),
                            )
                            .map_err(|e| e.to_string())?
                    }
                };
                match &self.mail {
                    MailTransport::Smtp(t) => t.send(msg).await.map(|_| ()).map_err(|e| e.to_string()),
                    MailTransport::Files(dir) => {
                        tokio::fs::create_dir_all(dir).await.map_err(|e| e.to_string())?;
                        write_private(&dir.join(format!("{}.eml", m.id)), &msg.formatted()).await
                    }
                }
            }
        }
    }
}

/// How often a batch being sent records what happened so far.
const RECORD_EVERY: Duration = Duration::from_secs(5);

/// How many messages one run of the delivery job claims.
pub const BATCH: i64 = 50;
/// How long a claim keeps other nodes from sending a message.
const CLAIM: Duration = Duration::from_secs(120);
/// A batch sends no more once its claim is this old (the node may have
/// been paused): what is left goes to whoever claims it once the claim
/// lapses, and what was sent is recorded well before then.
const SEND_WITHIN: Duration = Duration::from_secs(60);

/// What happened to messages sent but not yet recorded.
#[derive(Default)]
struct Outcomes {
    sent: Vec<Uuid>,
    failed: Vec<(Uuid, String, i64)>,
    /// Claimed, but left for another node (this one is stopping, or its
    /// attempt lost the job).
    left: Vec<Uuid>,
}

/// How long recording what was sent is tried again while the database does
/// not answer (a restart, a failover): well within the rows' two-minute
/// claim, during which no other node sends them.
const RECORD_PATIENCE: Duration = Duration::from_secs(30);

impl Outcomes {
    /// Records what happened, trying again while the database does not
    /// answer: a message sent but never recorded goes out a second time
    /// once its claim lapses.
    async fn record(&mut self, svc: &Services, now: i64) -> Result<()> {
        if self.sent.is_empty() && self.failed.is_empty() && self.left.is_empty() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        let mut wait = Duration::from_millis(250);
        loop {
            match self.record_once(svc, now).await {
                Ok(()) => break,
                Err(e) if started.elapsed() + wait < RECORD_PATIENCE => {
                    tracing::warn!(sent = self.sent.len(), "recording mail sent failed, trying again: {e}");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(5));
                }
                Err(e) => return Err(e),
            }
        }
        self.sent.clear();
        self.failed.clear();
        self.left.clear();
        Ok(())
    }

    async fn record_once(&self, svc: &Services, now: i64) -> Result<()> {
        let mut tx = svc.db.begin().await?;
        outbox::mark_sent(tx.conn(), &self.sent, now).await?;
        for (id, error, retry) in &self.failed {
            outbox::mark_failed(tx.conn(), *id, error, *retry).await?;
        }
        outbox::release(tx.conn(), &self.left).await?;
        svc.faults.check(crate::faults::MAIL_RECORD)?;
        tx.commit().await?;
        Ok(())
    }
}

/// The messages with the names of the members they mention put in, as
/// those members are called now ("a former member", in the recipient's
/// language, once they are gone). Only the copy being sent holds the name.
async fn with_names(db: &Db, mut rows: Vec<OutboxRow>) -> Result<Vec<OutboxRow>> {
    let mentioning = |m: &OutboxRow| {
        [Some(&m.subject), Some(&m.body), m.attachment.as_ref()]
            .into_iter()
            .flatten()
            .any(|t| mention::mentions(t))
    };
    let people: Vec<Uuid> = rows
        .iter()
        .filter(|m| mentioning(m))
        .flat_map(|m| [m.about_id, m.account_id])
        .flatten()
        .collect();
    if people.is_empty() {
        return Ok(rows);
    }
    let known = {
        let mut c = db.acquire().await?;
        profiles::names_and_locales(c.conn(), &people).await?
    };
    for m in rows.iter_mut().filter(|m| mentioning(m)) {
        let locale = UiLocale::of_setting(m.account_id.and_then(|a| known.get(&a)).and_then(|(_, l)| l.as_deref()));
        let name = crate::notifications::name_or_former(
            locale,
            m.about_id.and_then(|a| known.get(&a)).map(|(n, _)| n.as_str()),
        );
        m.subject = mention::render(&m.subject, &name);
        m.body = mention::render(&m.body, &name);
        m.attachment = m
            .attachment
            .as_deref()
            .map(|cal| koine_domain::ics::replace_text(cal, mention::MARK, &name));
    }
    Ok(rows)
}

/// How long one run of the delivery job goes on claiming batch after batch
/// while full ones keep coming (a burst); the next run carries on. Short
/// (the default period), so that a node's job slots turn over and the
/// other jobs, and a dead node's lapsed ones, are not kept waiting.
const RUN_FOR: Duration = Duration::from_secs(2);

/// Sends every due message once (the mail delivery job): a batch, and
/// another while the last was full, for up to `RUN_FOR`; returns how many
/// were delivered.
pub async fn deliver_due(svc: &Services) -> Result<usize> {
    let started = std::time::Instant::now();
    let mut sent = 0;
    loop {
        let (delivered, full) = deliver_batch(svc).await?;
        sent += delivered;
        let stop = svc.lifecycle.is_draining() || crate::jobs::attempt_lost();
        if !full || stop || started.elapsed() >= RUN_FOR {
            return Ok(sent);
        }
    }
}

/// Claims and sends one batch of due messages: how many were delivered,
/// and whether the batch was full (more may be due).
async fn deliver_batch(svc: &Services) -> Result<(usize, bool)> {
    let (db, delivery, now) = (&svc.db, &svc.mailer, svc.clock.now_us());
    // Before the claim, so its age is never underestimated (the monotonic
    // clock runs on while the process is stopped).
    let claimed_at = std::time::Instant::now();
    let claimed = {
        // Fenced: an attempt that lost its job claims nothing more. What
        // it claimed and sent is still recorded below, on transactions of
        // their own: the rows' claim, not the job's, keeps a message from
        // being sent twice, and recording a sent one keeps it from going
        // out again once that claim lapses.
        let mut tx = svc.begin_write().await?;
        let rows = outbox::claim_due(tx.conn(), now, micros(CLAIM), BATCH).await?;
        tx.commit().await?;
        rows
    };
    let full = claimed.len() as i64 == BATCH;
    let claimed = with_names(db, claimed).await?;
    let mut sent = 0;
    let mut unlinked_sent = false;
    let mut outcomes = Outcomes::default();
    let mut since = std::time::Instant::now();
    for m in claimed {
        if claimed_at.elapsed() >= SEND_WITHIN {
            break;
        }
        // A stopping node, or an attempt that lost its job, sends no more:
        // what it sent is recorded below, and the rest goes to another node
        // at once (the claim is still this node's).
        if svc.lifecycle.is_draining() || crate::jobs::attempt_lost() {
            outcomes.left.push(m.id);
            continue;
        }
        match delivery.send_one(&m).await {
            Ok(()) => {
                outcomes.sent.push(m.id);
                sent += 1;
                unlinked_sent |= m.account_id.is_none();
            }
            Err(e) => {
                // Back off 1, 2, 4 … minutes, at most a day.
                let backoff = 60_000_000i64 << m.attempts.clamp(0, 10);
                let retry = now + backoff.min(86_400_000_000);
                tracing::warn!(message_id = %m.id, channel = %m.channel, attempt = m.attempts + 1, "delivery failed: {e}");
                outcomes.failed.push((m.id, e, retry));
            }
        }
        // Outcomes are written together (one write turn, not one per
        // message), but at least every few seconds: a crash resends only
        // what was sent since, and never after the claim has lapsed.
        if since.elapsed() >= RECORD_EVERY {
            outcomes.record(svc, now).await?;
            since = std::time::Instant::now();
        }
    }
    outcomes.record(svc, now).await?;
    // A message to no account (an erasure's confirmation, a note to an
    // address's owner) held the last copy of its address, dropped on
    // sending: it must not linger in SQLite's write-ahead log either.
    if unlinked_sent && let Err(e) = db.purge_wal().await {
        tracing::error!("the write-ahead log could not be checkpointed: {e}");
    }
    Ok((sent, full))
}
