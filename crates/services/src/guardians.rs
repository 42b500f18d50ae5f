//! Members under 18 have limited use (no messaging, no payments) until a
//! parent or guardian confirms by an emailed link.

use crate::accounts::{Principal, locale_of};
use crate::i18n::{t, t_args};
use crate::mail::{self, Channel, Outgoing};
use crate::{Error, Result, Services, crypto, throttle};
use koine_domain::contact::Email;
use koine_store::Conn;
use koine_store::repo::{accounts, guardians};
use uuid::Uuid;

impl Services {
    /// Whether the member may use features closed to unconfirmed minors
    /// (messaging, payments): adults always; minors once a guardian confirmed.
    /// Those features call this before doing anything.
    pub async fn full_use_allowed(&self, account: Uuid) -> Result<bool> {
        let mut c = self.db.acquire().await?;
        self.full_use_allowed_in(c.conn(), account).await
    }

    /// The same, read on the caller's connection.
    pub(crate) async fn full_use_allowed_in(&self, mut conn: Conn<'_>, account: Uuid) -> Result<bool> {
        let now = self.clock.now_us();
        let a = accounts::get(conn.reborrow(), account).await?.ok_or(Error::NotFound)?;
        if a.minor_until.is_none_or(|m| m <= now) {
            return Ok(true);
        }
        Ok(guardians::confirmed_at(conn, account).await?.is_some())
    }

    /// When a guardian confirmed for the member, if one has.
    pub async fn guardian_confirmed_at(&self, account: Uuid) -> Result<Option<i64>> {
        let mut c = self.db.acquire().await?;
        Ok(guardians::confirmed_at(c.conn(), account).await?)
    }

    /// A minor asks a parent or guardian to confirm; they get a link.
    pub async fn ask_guardian(&self, p: &Principal, guardian: &Email) -> Result<()> {
        if !p.minor {
            return Err(Error::Forbidden);
        }
        let now = self.clock.now_us();
        self.throttle
            .messages
            .acquire(
                throttle::MESSAGES_PER_IDENTIFIER,
                &format!("guardian:{}", p.account_id),
                now,
            )
            .await?;
        let token = crypto::new_token();
        let url = format!("{}/guardian/confirm?token={token}", self.settings.public_url);
        let mut tx = self.db.begin().await?;
        let locale = locale_of(tx.conn(), p.account_id).await?;
        guardians::insert(
            tx.conn(),
            p.account_id,
            guardian.as_str(),
            &crypto::token_hash(&token),
            now,
        )
        .await?;
        let body = t_args(
            locale,
            "mail-guardian-body",
            &[("name", p.display_name.clone()), ("url", url)],
        );
        let message = Outgoing {
            account: Some(p.account_id),
            channel: Channel::Email,
            to: guardian.as_str().into(),
            subject: t(locale, "mail-guardian-subject"),
            body,
        };
        mail::enqueue(tx.conn(), now, message).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The guardian confirms from the emailed link; the member is told.
    pub async fn confirm_guardian(&self, token: &str) -> Result<()> {
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let account = guardians::confirm(tx.conn(), &crypto::token_hash(token), now)
            .await?
            .ok_or(Error::BadCode)?;
        if let Some(a) = accounts::get(tx.conn(), account).await? {
            self.notify_account(
                tx.conn(),
                &a,
                "mail-guardian-confirmed-subject",
                "mail-guardian-confirmed-body",
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
