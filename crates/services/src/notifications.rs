//! Telling a member something: a notice in Koine (the bell) and, if their
//! email is confirmed, the same by email — written in the transaction of
//! the change, in the member's language.

use crate::accounts::locale_of;
use crate::i18n::t_args;
use crate::mail::{self, Channel, Outgoing};
use crate::{Result, Services};
use koine_domain::mention;
use koine_domain::profile::UiLocale;
use koine_store::Conn;
use koine_store::repo::accounts::{self, AccountRow};
use koine_store::repo::notifications::{self as repo, NotificationRow};
use koine_store::repo::outbox::{self, OutboxRow};
use uuid::Uuid;

/// A message for one member: Fluent keys and their arguments, a link
/// inside Koine, and an optional calendar event for the email. Another
/// member it names is `about`, and the arguments carry [`mention::MARK`]
/// in place of their name, which is put in when the notice is shown or the
/// email sent — never stored in the recipient's records.
pub struct Notice<'a> {
    pub kind: &'a str,
    pub subject_key: &'a str,
    pub body_key: &'a str,
    pub args: Vec<(&'static str, String)>,
    pub link: Option<String>,
    pub ics: Option<String>,
    pub about: Option<Uuid>,
}

/// A notice as its recipient sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Notification {
    pub id: Uuid,
    pub kind: String,
    /// With the name of the member it is about, as they are called now
    /// (or "a former member").
    pub body: String,
    pub link: Option<String>,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// What a reader in `locale` sees in place of the mark: the person's name,
/// or "a former member" once they are gone.
pub(crate) fn name_or_former(locale: UiLocale, name: Option<&str>) -> String {
    name.map_or_else(|| crate::i18n::t(locale, "former-member"), str::to_owned)
}

/// A notice made ready (read and worded) before the transaction that
/// writes it, so the transaction holds the write lock only for the writes.
pub(crate) struct Prepared {
    notification: NotificationRow,
    mail: Option<OutboxRow>,
}

impl Services {
    /// Notifies `account` in Koine and by email.
    pub(crate) async fn tell(&self, mut conn: Conn<'_>, account: Uuid, n: Notice<'_>, now: i64) -> Result<()> {
        let prepared = self.prepare_notice(conn.reborrow(), account, n, now).await?;
        write_notices(conn, prepared.as_slice()).await
    }

    /// Words a notice for `account` in their language (nothing if the
    /// account is gone); `write_notices` then writes it.
    pub(crate) async fn prepare_notice(
        &self,
        mut conn: Conn<'_>,
        account: Uuid,
        n: Notice<'_>,
        now: i64,
    ) -> Result<Option<Prepared>> {
        let Some(a) = accounts::get(conn.reborrow(), account).await? else {
            return Ok(None);
        };
        let locale = locale_of(conn.reborrow(), account).await?;
        Ok(Some(self.word_notice(&a, locale, n, now)))
    }

    /// Words a notice for the holder of account `a`, in `locale`.
    pub(crate) fn word_notice(&self, a: &AccountRow, locale: UiLocale, n: Notice<'_>, now: i64) -> Prepared {
        let account = a.id;
        let body = t_args(locale, n.body_key, &n.args);
        let notification = NotificationRow {
            id: Uuid::now_v7(),
            account_id: account,
            kind: n.kind.into(),
            body: body.clone(),
            link: n.link.clone(),
            created_at: now,
            read_at: None,
            about_id: n.about,
        };
        let mail = a.email.clone().filter(|_| a.email_verified_at.is_some()).map(|email| {
            let link = n
                .link
                .map(|l| format!("\n\n{}{l}", self.settings.public_url))
                .unwrap_or_default();
            let outgoing = Outgoing {
                account: Some(account),
                channel: Channel::Email,
                to: email,
                subject: t_args(locale, n.subject_key, &n.args),
                body: format!("{body}{link}"),
            };
            OutboxRow {
                about_id: n.about,
                ..mail::outbox_row(now, outgoing, n.ics)
            }
        });
        Prepared { notification, mail }
    }

    /// The member's notices, newest first, in their language.
    pub async fn notifications(&self, account: Uuid) -> Result<Vec<Notification>> {
        let mut c = self.db.acquire().await?;
        let locale = locale_of(c.conn(), account).await?;
        let rows = repo::of_account(c.conn(), account, 100).await?;
        Ok(rows
            .into_iter()
            .map(|r| Notification {
                id: r.row.id,
                kind: r.row.kind,
                body: mention::render(&r.row.body, &name_or_former(locale, r.about_name.as_deref())),
                link: r.row.link,
                created_at: r.row.created_at,
                read_at: r.row.read_at,
            })
            .collect())
    }

    pub async fn unread_notifications(&self, account: Uuid) -> Result<i64> {
        let mut c = self.db.acquire().await?;
        Ok(repo::unread(c.conn(), account).await?)
    }

    pub async fn mark_notifications_read(&self, account: Uuid) -> Result<()> {
        let mut c = self.db.acquire().await?;
        Ok(repo::mark_all_read(c.conn(), account, self.clock.now_us()).await?)
    }
}

/// Writes prepared notices: all in-app notices in one statement, all
/// emails in another.
pub(crate) async fn write_notices(mut conn: Conn<'_>, prepared: &[Prepared]) -> Result<()> {
    let notices: Vec<NotificationRow> = prepared.iter().map(|p| p.notification.clone()).collect();
    let mails: Vec<OutboxRow> = prepared.iter().filter_map(|p| p.mail.clone()).collect();
    repo::insert_many(conn.reborrow(), &notices).await?;
    outbox::enqueue_many(conn, &mails).await?;
    Ok(())
}
