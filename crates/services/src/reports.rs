//! Reports of messages and conversations: a member reports, trust and
//! safety read a copy of the reported messages (every opening audited, P6)
//! and decide: dismiss, warn, stop the member messaging, or close the
//! account for fraud.

use crate::accounts::Principal;
use crate::attachments::OpenedFile;
use crate::notifications::Notice;
use crate::{Error, Result, Services};
use koine_domain::messaging::{
    REPORT_CONTEXT, REPORT_CONVERSATION, REPORT_DETAILS_MAX, ReportOutcome, ReportReason, ReportStatus,
};
use koine_domain::refusal::Refusal;
use koine_domain::validation::optional_text;
use koine_store::Conn;
use koine_store::repo::conversations::{self as repo, NumberedFile, ReportRow};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How many reports a queue lists.
const QUEUE_MAX: i64 = 200;

/// What is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reported {
    Message(Uuid),
    Conversation(Uuid),
}

/// One reported message as the report keeps it: who wrote it is said by
/// role, never by name or id.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Evidence {
    pub seq: i64,
    /// `reported`, `reporter`, or `former` (someone who has left).
    pub from: String,
    pub body: Option<String>,
    pub created_at: i64,
    /// The message the report is about (others are context).
    pub reported: bool,
}

/// A file of a message the report covers (opened by staff only through
/// the report, audited).
#[derive(Debug, Clone, Serialize)]
pub struct ReportFile {
    pub id: Uuid,
    /// The message it was sent with.
    pub seq: i64,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// A report as staff see it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub id: Uuid,
    pub reporter: Uuid,
    pub reported: Uuid,
    pub reason: ReportReason,
    pub details: Option<String>,
    pub status: ReportStatus,
    pub outcome: Option<ReportOutcome>,
    pub decision_note: Option<String>,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    /// Only in an opened report (audited), never in the queue.
    pub evidence: Option<Vec<Evidence>>,
    /// The files of the messages the report covers, while it keeps its
    /// copy of them; only in an opened report.
    pub files: Option<Vec<ReportFile>>,
    /// The two members' display names, in an opened report (none once one
    /// has left Koine).
    pub reporter_name: Option<String>,
    pub reported_name: Option<String>,
}

impl Report {
    fn of(r: ReportRow, with_evidence: bool) -> Self {
        let evidence = with_evidence.then(|| {
            r.evidence
                .as_deref()
                .and_then(|e| serde_json::from_str(e).ok())
                .unwrap_or_default()
        });
        Self {
            id: r.id,
            reporter: r.reporter_id,
            reported: r.reported_id,
            reason: r.reason,
            details: r.details,
            status: r.status,
            outcome: r.outcome,
            decision_note: r.decision_note,
            created_at: r.created_at,
            closed_at: r.closed_at,
            evidence,
            files: None,
            reporter_name: None,
            reported_name: None,
        }
    }
}

/// The files of the messages a report covers, while it keeps its copy of
/// them.
async fn covered_files(conn: Conn<'_>, row: &ReportRow) -> Result<Vec<NumberedFile>> {
    Ok(match row.evidence {
        Some(_) => repo::files_between(conn, row.conversation_id, row.first_seq, row.last_seq).await?,
        None => Vec::new(),
    })
}

fn require_reports_role(p: &Principal) -> Result<()> {
    if crate::staff::role_of(p)?.can_handle_reports() {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

impl Services {
    /// A member reports a message the other member wrote, or their whole
    /// conversation. The report keeps a copy of the messages concerned.
    pub async fn report(&self, p: &Principal, what: Reported, reason: ReportReason, details: &str) -> Result<Uuid> {
        let me = p.account_id;
        let details = optional_text("details", details, REPORT_DETAILS_MAX)?;
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let (conversation, message) = match what {
            Reported::Message(id) => {
                let m = repo::message(tx.conn(), id).await?.ok_or(Error::NotFound)?;
                (m.conversation_id, Some(m))
            }
            Reported::Conversation(id) => (id, None),
        };
        repo::member(tx.conn(), conversation, me)
            .await?
            .ok_or(Error::NotFound)?;
        if message.as_ref().is_some_and(|m| m.sender_id == me) {
            return Err(Error::Refused(Refusal::ReportOwnMessage));
        }
        let Some(reported) = repo::others(tx.conn(), conversation, me).await?.into_iter().next() else {
            return Err(Error::Refused(Refusal::RecipientLeft));
        };
        let message_id = message.as_ref().map(|m| m.id);
        if repo::open_report_exists(tx.conn(), me, conversation, message_id).await? {
            return Err(Error::Refused(Refusal::AlreadyReported));
        }
        let rows = match &message {
            Some(m) => repo::after(
                tx.conn(),
                conversation,
                (m.seq - 1 - REPORT_CONTEXT as i64).max(0),
                REPORT_CONTEXT as i64 + 1,
            )
            .await?
            .into_iter()
            .filter(|r| r.seq <= m.seq)
            .collect(),
            None => repo::latest(tx.conn(), conversation, REPORT_CONVERSATION).await?,
        };
        let first_seq = rows.first().map_or(0, |r| r.seq);
        let last_seq = rows.last().map_or(0, |r| r.seq);
        let evidence: Vec<Evidence> = rows
            .into_iter()
            .map(|r| Evidence {
                seq: r.seq,
                from: if r.sender_id == me {
                    "reporter"
                } else if r.sender_id == reported.account_id {
                    "reported"
                } else {
                    "former"
                }
                .into(),
                reported: message_id.is_none_or(|id| id == r.id),
                body: r.body,
                created_at: r.created_at,
            })
            .collect();
        let id = Uuid::now_v7();
        repo::insert_report(
            tx.conn(),
            &ReportRow {
                id,
                conversation_id: conversation,
                message_id,
                reporter_id: me,
                reported_id: reported.account_id,
                reason,
                details,
                evidence: Some(serde_json::to_string(&evidence).map_err(Error::internal)?),
                status: ReportStatus::Open,
                outcome: None,
                decision_note: None,
                created_at: now,
                closed_at: None,
                first_seq,
                last_seq,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The reports waiting for trust and safety (or closed ones), oldest
    /// first, without the messages.
    pub async fn report_queue(&self, p: &Principal, status: ReportStatus) -> Result<Vec<Report>> {
        require_reports_role(p)?;
        let mut c = self.db.acquire().await?;
        Ok(repo::reports(c.conn(), status, QUEUE_MAX)
            .await?
            .into_iter()
            .map(|r| Report::of(r, false))
            .collect())
    }

    /// Opens a report with its copy of the messages; the opening is
    /// recorded in the audit log of the reported member.
    pub async fn open_report(&self, p: &Principal, id: Uuid) -> Result<Report> {
        require_reports_role(p)?;
        let (row, mut names, files) = {
            let mut c = self.db.acquire().await?;
            let row = repo::report(c.conn(), id).await?.ok_or(Error::NotFound)?;
            let names =
                koine_store::repo::profiles::names_and_locales(c.conn(), &[row.reporter_id, row.reported_id]).await?;
            let files = covered_files(c.conn(), &row).await?;
            (row, names, files)
        };
        self.audit_report(p, &row, "view_report").await?;
        let mut name = |id: Uuid| names.remove(&id).map(|(name, _)| name);
        let files = files
            .into_iter()
            .map(|f| ReportFile {
                id: f.file.id,
                seq: f.seq,
                name: f.file.name,
                content_type: f.file.content_type,
                size_bytes: f.file.size_bytes,
            })
            .collect();
        Ok(Report {
            reporter_name: name(row.reporter_id),
            reported_name: name(row.reported_id),
            files: Some(files),
            ..Report::of(row, true)
        })
    }

    /// A file of a message the report covers, while the report keeps its
    /// copy of the messages; the opening is recorded in the audit log of
    /// the reported member.
    pub async fn report_file(&self, p: &Principal, id: Uuid, file: Uuid) -> Result<OpenedFile> {
        require_reports_role(p)?;
        let mut c = self.db.acquire().await?;
        let row = repo::report(c.conn(), id).await?.ok_or(Error::NotFound)?;
        if !covered_files(c.conn(), &row).await?.iter().any(|f| f.file.id == file) {
            return Err(Error::NotFound);
        }
        let file = repo::attachment(c.conn(), file).await?.ok_or(Error::NotFound)?;
        drop(c);
        self.audit_report(p, &row, "view_report_file").await?;
        self.open_attachment(file).await
    }

    /// Records staff opening a report (or one of its files) in the audit
    /// log of the reported member.
    async fn audit_report(&self, p: &Principal, row: &ReportRow, action: &str) -> Result<()> {
        self.audit(
            p.account_id,
            Some(row.reported_id),
            action,
            Some(format!("report {}", row.id)),
        )
        .await
    }

    /// Decides an open report. A warning tells the reported member; a
    /// restriction stops them sending messages; a ban closes the account
    /// for fraud (trust and safety only). Audited.
    pub async fn decide_report(&self, p: &Principal, id: Uuid, outcome: ReportOutcome, note: &str) -> Result<()> {
        require_reports_role(p)?;
        let note = crate::staff::required_reason(note)?;
        if outcome == ReportOutcome::Banned {
            if !crate::staff::role_of(p)?.can_ban_for_fraud() {
                return Err(Error::Forbidden);
            }
            let row = {
                let mut c = self.db.acquire().await?;
                repo::report(c.conn(), id).await?.ok_or(Error::NotFound)?
            };
            if row.status != ReportStatus::Open {
                return Err(Error::Refused(Refusal::RequestNotOpen));
            }
            // The account goes first: if it cannot (a legal hold), the
            // report stays open.
            self.ban_for_fraud(p, row.reported_id, &format!("report {id}: {note}"))
                .await?;
        }
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let row = repo::report(tx.conn(), id).await?.ok_or(Error::NotFound)?;
        if !repo::close_report(tx.conn(), id, outcome, Some(&note), now).await? {
            return Err(Error::Refused(Refusal::RequestNotOpen));
        }
        let reported = row.reported_id;
        let gone = koine_store::repo::accounts::get(tx.conn(), reported).await?.is_none();
        match outcome {
            ReportOutcome::Dismissed | ReportOutcome::Banned => {}
            _ if gone => return Err(Error::Refused(Refusal::RecipientLeft)),
            ReportOutcome::Warned => {
                self.tell(
                    tx.conn(),
                    reported,
                    Notice {
                        kind: "messaging_warning",
                        subject_key: "report-warning-subject",
                        body_key: "report-warning-body",
                        args: Vec::new(),
                        link: Some("/messages".into()),
                        ics: None,
                        about: None,
                    },
                    now,
                )
                .await?;
            }
            ReportOutcome::Restricted => {
                repo::restrict_messaging(tx.conn(), reported, Some(id), &note, now).await?;
                self.tell(
                    tx.conn(),
                    reported,
                    Notice {
                        kind: "messaging_restricted",
                        subject_key: "report-restricted-subject",
                        body_key: "report-restricted-body",
                        args: Vec::new(),
                        link: None,
                        ics: None,
                        about: None,
                    },
                    now,
                )
                .await?;
            }
        }
        // What the report kept of a member who has left goes with it, its
        // files from the store.
        let pseudonyms = koine_store::erasure::held_pseudonyms(tx.conn()).await?;
        let released = koine_store::erasure::release_held(tx.conn()).await?;
        let files = koine_store::repo::objects::release_unreferenced_of(tx.conn(), &pseudonyms, now).await?;
        tx.commit().await?;
        self.delete_from_store(files).await;
        if released.iter().any(|(_, n)| *n > 0) {
            self.after_erasing().await;
        }
        self.audit(
            p.account_id,
            Some(reported).filter(|_| !gone),
            &format!("report_{}", outcome.as_str()),
            Some(note.clone()),
        )
        .await?;
        Ok(())
    }
}
