//! Breach notification (GDPR Art. 33/34): the privacy officer records an
//! incident, Koine finds the affected people through the data map, tells
//! them by email and in the app, and tracks the 72-hour report clock.

use crate::accounts::{Principal, locale_of};
use crate::i18n::{t, t_args};
use crate::mail::{self, Channel, Outgoing};
use crate::{Error, Result, Services};
use koine_domain::privacy::is_known_category;
use koine_domain::refusal::Refusal;
use koine_domain::validation::optional_text;
use koine_store::repo::{accounts, breaches};
use uuid::Uuid;

pub use koine_store::repo::breaches::BreachRow as Breach;

/// The supervisory authority must hear within 72 hours of discovery.
pub const REPORT_WITHIN_US: i64 = 72 * 3_600_000_000;

pub struct NewBreach<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub categories: Vec<String>,
    /// When it was discovered (microseconds); the clock runs from here.
    pub discovered_at: i64,
}

fn required(field: &'static str, text: &str, max: usize) -> Result<String> {
    Ok(optional_text(field, text, max)?.ok_or(koine_domain::Invalid::new(field, "required"))?)
}

impl Services {
    fn require_officer(&self, p: &Principal) -> Result<()> {
        match p.staff_role {
            Some(r) if r.can_handle_privacy_requests() => Ok(()),
            _ => Err(Error::Forbidden),
        }
    }

    pub async fn record_breach(&self, p: &Principal, b: NewBreach<'_>) -> Result<Uuid> {
        self.require_officer(p)?;
        let now = self.clock.now_us();
        if b.categories.is_empty() || !b.categories.iter().all(|c| is_known_category(c)) {
            return Err(koine_domain::Invalid::new("categories", "invalid-choice").into());
        }
        if b.discovered_at > now {
            return Err(koine_domain::Invalid::new("discovered_at", "in-future").into());
        }
        let row = Breach {
            id: Uuid::now_v7(),
            title: required("title", b.title, 200)?,
            description: required("description", b.description, 4000)?,
            categories: b.categories.join(","),
            discovered_at: b.discovered_at,
            recorded_by: p.account_id,
            recorded_at: now,
            reported_at: None,
            authority_reference: None,
            notified_at: None,
            affected_count: None,
        };
        let mut c = self.db.acquire().await?;
        breaches::insert(c.conn(), &row).await?;
        Ok(row.id)
    }

    pub async fn breaches(&self, p: &Principal) -> Result<Vec<Breach>> {
        self.require_officer(p)?;
        let mut c = self.db.acquire().await?;
        Ok(breaches::list(c.conn()).await?)
    }

    /// A breach and how many people it affects now.
    pub async fn breach(&self, p: &Principal, id: Uuid) -> Result<(Breach, usize)> {
        self.require_officer(p)?;
        let mut c = self.db.acquire().await?;
        let b = breaches::get(c.conn(), id).await?.ok_or(Error::NotFound)?;
        let cats: Vec<&str> = b.categories.split(',').collect();
        let n = koine_store::breach::affected(c.conn(), &cats).await?.len();
        Ok((b, n))
    }

    /// Records that the supervisory authority was told, with its reference.
    pub async fn report_breach(&self, p: &Principal, id: Uuid, reference: &str) -> Result<()> {
        self.require_officer(p)?;
        let reference = required("reference", reference, 200)?;
        let mut c = self.db.acquire().await?;
        if !breaches::mark_reported(c.conn(), id, self.clock.now_us(), &reference).await? {
            return Err(Error::Refused(Refusal::AlreadyReported));
        }
        Ok(())
    }

    /// Tells every affected member, once, by email and in the app.
    pub async fn notify_breach(&self, p: &Principal, id: Uuid) -> Result<usize> {
        self.require_officer(p)?;
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let b = breaches::get(tx.conn(), id).await?.ok_or(Error::NotFound)?;
        let cats: Vec<&str> = b.categories.split(',').collect();
        let affected = koine_store::breach::affected(tx.conn(), &cats).await?;
        let count = i64::try_from(affected.len()).unwrap_or(i64::MAX);
        if !breaches::mark_notified(tx.conn(), id, now, count).await? {
            return Err(Error::Refused(Refusal::AlreadyNotified));
        }
        for account in &affected {
            breaches::insert_notice(tx.conn(), id, *account, now).await?;
            let Some(a) = accounts::get(tx.conn(), *account).await? else {
                continue;
            };
            let Some(email) = a.email.filter(|_| a.email_verified_at.is_some()) else {
                continue;
            };
            let locale = locale_of(tx.conn(), *account).await?;
            let body = t_args(
                locale,
                "mail-breach-body",
                &[("title", b.title.clone()), ("description", b.description.clone())],
            );
            let message = Outgoing {
                account: Some(*account),
                channel: Channel::Email,
                to: email,
                subject: t(locale, "mail-breach-subject"),
                body,
            };
            mail::enqueue(tx.conn(), now, message).await?;
        }
        tx.commit().await?;
        tracing::warn!(affected = affected.len(), "members were told of a personal-data breach");
        Ok(affected.len())
    }

    /// Breach notices the member received (shown in the app).
    pub async fn breach_notices(&self, account: Uuid) -> Result<Vec<(String, String, i64)>> {
        let mut c = self.db.acquire().await?;
        Ok(breaches::notices_for(c.conn(), account).await?)
    }
}
