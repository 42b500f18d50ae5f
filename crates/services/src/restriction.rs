//! Restriction of processing (GDPR Art. 18) and objection (Art. 21), and
//! the one gate every optional processing point asks: `may_process`.

use crate::accounts::Principal;
use crate::consent::Signals;
use crate::{Error, Result, Services};
use koine_domain::consent::{ConsentPurpose, ConsentSource};
use koine_domain::refusal::Refusal;
use koine_domain::validation::optional_text;
use koine_store::repo::restrictions::{self, RestrictionRow};
use koine_store::repo::{accounts, consent as ledger};
use uuid::Uuid;

pub use restrictions::RestrictionRow as Restriction;

/// What a person may object to (GDPR Art. 21): direct marketing (absolute),
/// profiling for recommendations, and analytics.
pub const OBJECTABLE: [ConsentPurpose; 3] = [
    ConsentPurpose::MarketingEmail,
    ConsentPurpose::PersonalisedRecommendations,
    ConsentPurpose::Analytics,
];

/// The longest reason a member may give for a restriction.
pub const REASON_MAX: usize = 1000;

impl Services {
    /// The account's active restriction, if any.
    pub async fn restriction(&self, account: Uuid) -> Result<Option<Restriction>> {
        let mut c = self.db.acquire().await?;
        Ok(restrictions::active(c.conn(), account).await?)
    }

    /// Restricts processing of the caller's data until they lift it: kept,
    /// but used for nothing beyond storage and legal claims.
    pub async fn restrict_processing(&self, p: &Principal, reason: &str) -> Result<()> {
        let reason = optional_text("reason", reason, REASON_MAX)?;
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        accounts::lock(tx.conn(), p.account_id).await?;
        if restrictions::active(tx.conn(), p.account_id).await?.is_some() {
            return Err(Error::Refused(Refusal::AlreadyRestricted));
        }
        let row = RestrictionRow {
            id: Uuid::now_v7(),
            account_id: p.account_id,
            reason,
            requested_at: now,
            lifted_at: None,
        };
        restrictions::insert(tx.conn(), &row).await?;
        tx.commit().await?;
        // A restricted teacher leaves search (GDPR Art. 18).
        self.teachers_changed(p.account_id).await;
        Ok(())
    }

    pub async fn lift_restriction(&self, p: &Principal) -> Result<()> {
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        if !restrictions::lift(tx.conn(), p.account_id, now).await? {
            return Err(Error::NotFound);
        }
        tx.commit().await?;
        self.teachers_changed(p.account_id).await;
        Ok(())
    }

    /// Objects to one kind of processing: recorded in the consent ledger as
    /// a withdrawal with source "objection", effective at once.
    pub async fn object(&self, account: Uuid, purpose: ConsentPurpose) -> Result<()> {
        if !OBJECTABLE.contains(&purpose) {
            return Err(koine_domain::Invalid::new("purpose", "invalid-choice").into());
        }
        self.set_consents(account, &[(purpose, false)], ConsentSource::Objection)
            .await?;
        Ok(())
    }

    /// Whether Koine may use the person's data for `purpose` now: they
    /// consented (and have not withdrawn or objected since), no browser
    /// signal of theirs opts out, and processing is not restricted. Every
    /// optional processing point (marketing mail, analytics,
    /// recommendations, sharing, recordings) asks this first.
    pub async fn may_process(&self, account: Uuid, purpose: ConsentPurpose, signals: Signals) -> Result<bool> {
        if signals.covers(purpose) {
            return Ok(false);
        }
        let mut c = self.db.acquire().await?;
        if restrictions::active(c.conn(), account).await?.is_some() {
            return Ok(false);
        }
        let rows = ledger::history(c.conn(), account).await?;
        Ok(
            koine_domain::consent::current(crate::consent::events(&rows), self.consent_revision())
                .into_iter()
                .any(|(p, granted)| p == purpose && granted),
        )
    }
}
