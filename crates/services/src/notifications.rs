//! Telling a member something: a notice in Koine (the bell) and, if their
//! email is confirmed, the same by email — written in the transaction of
//! the change, in the member's language.

use crate::accounts::locale_of;
use crate::i18n::t_args;
use crate::mail::{self, Channel, Outgoing};
use crate::{Result, Services};
use koine_store::Conn;
use koine_store::repo::accounts;
use koine_store::repo::notifications::{self as repo, NotificationRow};
use uuid::Uuid;

/// A message for one member: Fluent keys and their arguments, a link
/// inside Koine, and an optional calendar event for the email.
pub struct Notice<'a> {
    pub kind: &'a str,
    pub subject_key: &'a str,
    pub body_key: &'a str,
    pub args: Vec<(&'static str, String)>,
    pub link: Option<String>,
    pub ics: Option<String>,
}

impl Services {
    /// Notifies `account` in Koine and by email.
    pub(crate) async fn tell(&self, mut conn: Conn<'_>, account: Uuid, n: Notice<'_>, now: i64) -> Result<()> {
        let Some(a) = accounts::get(conn.reborrow(), account).await? else {
            return Ok(());
        };
        let locale = locale_of(conn.reborrow(), account).await?;
        let body = t_args(locale, n.body_key, &n.args);
        repo::insert(
            conn.reborrow(),
            &NotificationRow {
                id: Uuid::now_v7(),
                account_id: account,
                kind: n.kind.into(),
                body: body.clone(),
                link: n.link.clone(),
                created_at: now,
                read_at: None,
            },
        )
        .await?;
        let Some(email) = a.email.filter(|_| a.email_verified_at.is_some()) else {
            return Ok(());
        };
        let link = n
            .link
            .map(|l| format!("\n\n{}{l}", self.settings.public_url))
            .unwrap_or_default();
        mail::enqueue_with_calendar(
            conn,
            now,
            Outgoing {
                account: Some(account),
                channel: Channel::Email,
                to: email,
                subject: t_args(locale, n.subject_key, &n.args),
                body: format!("{body}{link}"),
            },
            n.ics,
        )
        .await
    }

    /// The member's notices, newest first.
    pub async fn notifications(&self, account: Uuid) -> Result<Vec<NotificationRow>> {
        let mut c = self.db.acquire().await?;
        Ok(repo::of_account(c.conn(), account, 100).await?)
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
