//! The consent ledger: choices from settings, the API and browser privacy
//! signals (Global Privacy Control, Do Not Track) are appended; the current
//! state is derived from it.

use crate::{Result, Services};
use koine_domain::consent::{self, ConsentPurpose, ConsentSource};
use koine_store::datamap;
use koine_store::repo::consent::{self as ledger, ConsentRow};
use uuid::Uuid;

/// Privacy signals a browser sent with a request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signals {
    /// `Sec-GPC: 1`.
    pub gpc: bool,
    /// `DNT: 1`.
    pub dnt: bool,
}

impl Services {
    pub async fn consent_state(&self, account: Uuid) -> Result<Vec<(ConsentPurpose, bool)>> {
        let mut c = self.db.acquire().await?;
        let rows = ledger::history(c.conn(), account).await?;
        Ok(consent::current(
            rows.iter().map(|r| (r.purpose.as_str(), r.granted, r.created_at)),
        ))
    }

    pub async fn consent_history(&self, account: Uuid) -> Result<Vec<ConsentRow>> {
        let mut c = self.db.acquire().await?;
        Ok(ledger::history(c.conn(), account).await?)
    }

    /// Records the choices that differ from what the ledger says; returns how
    /// many events were appended.
    pub async fn set_consents(
        &self,
        account: Uuid,
        choices: &[(ConsentPurpose, bool)],
        source: ConsentSource,
    ) -> Result<usize> {
        let now = self.clock.now_us();
        let recorded = {
            let mut c = self.db.acquire().await?;
            let rows = ledger::history(c.conn(), account).await?;
            consent::latest(rows.iter().map(|r| (r.purpose.as_str(), r.granted, r.created_at)))
        };
        // A choice is recorded unless the ledger already says the same, so a
        // first refusal is on record too.
        let changed: Vec<_> = choices
            .iter()
            .filter(|(p, g)| recorded.iter().any(|(q, h)| q == p && *h != Some(*g)))
            .collect();
        if changed.is_empty() {
            return Ok(0);
        }
        let version = datamap::version();
        let mut tx = self.db.begin().await?;
        for (purpose, granted) in &changed {
            let row = ConsentRow {
                id: Uuid::now_v7(),
                account_id: account,
                purpose: purpose.as_str().into(),
                granted: *granted,
                policy_version: version.clone(),
                source: source.as_str().into(),
                created_at: now,
            };
            ledger::append(tx.conn(), &row).await?;
        }
        tx.commit().await?;
        Ok(changed.len())
    }

    /// Honours browser signals for a member: GPC opts out of sale/sharing and
    /// personalised recommendations, DNT objects to analytics. Recorded only
    /// when it changes something, so repeated requests add nothing.
    pub async fn honour_signals(&self, account: Uuid, signals: Signals) -> Result<()> {
        if signals.gpc {
            let off: Vec<_> = ConsentPurpose::GPC.iter().map(|p| (*p, false)).collect();
            self.set_consents(account, &off, ConsentSource::Gpc).await?;
        }
        if signals.dnt {
            let off: Vec<_> = ConsentPurpose::DNT.iter().map(|p| (*p, false)).collect();
            self.set_consents(account, &off, ConsentSource::Dnt).await?;
        }
        Ok(())
    }
}
