//! Fraud bans: trust & safety closes an account for fraud; it is erased like
//! any other, but keyed hashes of its email address and phone number stay
//! (data map: `fraud_bans`) so the same identifiers cannot sign up again.

use crate::accounts::Principal;
use crate::i18n::t;
use crate::mail::{self, Channel, Outgoing};
use crate::{Error, Result, Services, crypto};
use koine_domain::contact::{Email, Phone};
use koine_domain::profile::UiLocale;
use koine_store::Conn;
use koine_store::repo::{accounts::AccountRow, bans};
use uuid::Uuid;

/// Who closed an account for fraud, and why (both kept with the ban).
pub(crate) struct Ban<'a> {
    pub by: Uuid,
    pub reason: &'a str,
}

impl Services {
    fn email_ban_hash(&self, email: &Email) -> Vec<u8> {
        self.keys.blind_index("ban-email", &email.ban_key())
    }

    fn phone_ban_hash(&self, phone: &Phone) -> Vec<u8> {
        self.keys.blind_index("ban-phone", phone.as_str())
    }

    /// Records bans on the account's identifiers, inside the erasure's
    /// transaction (so either both happen or neither).
    pub(crate) async fn record_bans(
        &self,
        mut conn: Conn<'_>,
        account: &AccountRow,
        ban: &Ban<'_>,
        now: i64,
    ) -> Result<()> {
        if let Some(email) = account.email.as_deref().and_then(|e| Email::parse(e).ok()) {
            let hash = self.email_ban_hash(&email);
            bans::insert(conn.reborrow(), &hash, "email", ban.reason, ban.by, now).await?;
        }
        if let Some(enc) = &account.phone_enc {
            let key = self.subject_key(conn.reborrow(), account.id).await?;
            let raw = crypto::open_field(&key, account.id, "accounts.phone", enc).map_err(Error::internal)?;
            let phone = Phone::parse(&String::from_utf8_lossy(&raw)).map_err(Error::internal)?;
            let hash = self.phone_ban_hash(&phone);
            bans::insert(conn, &hash, "phone", ban.reason, ban.by, now).await?;
        }
        Ok(())
    }

    /// Whether an identifier someone wants to sign up or switch to is
    /// banned. If so its owner is told (the requester gets the usual
    /// answer, so the ban list cannot be probed).
    pub(crate) async fn refuse_if_banned(
        &self,
        mut conn: Conn<'_>,
        email: Option<&Email>,
        phone: Option<&Phone>,
        locale: UiLocale,
        now: i64,
    ) -> Result<bool> {
        let mut banned = false;
        if let Some(e) = email
            && bans::is_banned(conn.reborrow(), &self.email_ban_hash(e)).await?
        {
            let message = Outgoing {
                account: None,
                channel: Channel::Email,
                to: e.as_str().into(),
                subject: t(locale, "mail-banned-subject"),
                body: t(locale, "mail-banned-body"),
            };
            mail::enqueue(conn.reborrow(), now, message).await?;
            banned = true;
        }
        if let Some(p) = phone
            && bans::is_banned(conn.reborrow(), &self.phone_ban_hash(p)).await?
        {
            let message = Outgoing {
                account: None,
                channel: Channel::Sms,
                to: p.as_str().into(),
                subject: String::new(),
                body: t(locale, "sms-banned"),
            };
            mail::enqueue(conn, now, message).await?;
            banned = true;
        }
        Ok(banned)
    }

    /// Trust & safety closes an account for fraud: it is erased at once,
    /// its identifiers banned, and the reason recorded (audited).
    pub async fn ban_for_fraud(&self, p: &Principal, account: Uuid, reason: &str) -> Result<()> {
        if !crate::staff::role_of(p)?.can_ban_for_fraud() {
            return Err(Error::Forbidden);
        }
        let reason = crate::staff::required_reason(reason)?;
        if account == p.account_id {
            return Err(Error::Forbidden);
        }
        let ban = Ban {
            by: p.account_id,
            reason: &reason,
        };
        self.erase_account(account, "mail-deleted-fraud-body", Some(ban))
            .await?;
        self.audit(p.account_id, None, "ban_fraud", Some(reason.clone()))
            .await?;
        tracing::info!("an account was closed for fraud and its identifiers banned");
        Ok(())
    }
}
