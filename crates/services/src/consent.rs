//! The consent ledger: choices from settings, the API and browser privacy
//! signals (Global Privacy Control, Do Not Track) are appended; the current
//! state is derived from it.

use crate::{Result, Services};
use koine_domain::consent::{self, ConsentPurpose, ConsentSource, VisitorChoice};
use koine_store::repo::accounts;
use koine_store::repo::consent::{self as ledger, ConsentRow};
use uuid::Uuid;

/// (account, (GPC, DNT)) pairs already honoured in this process.
pub type SignalsSeen = std::sync::Mutex<std::collections::HashSet<(Uuid, (bool, bool))>>;

/// Privacy signals a browser sent with a request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signals {
    /// `Sec-GPC: 1`.
    pub gpc: bool,
    /// `DNT: 1`.
    pub dnt: bool,
}

impl Signals {
    /// The purposes these signals opt out of.
    pub fn covers(self, purpose: ConsentPurpose) -> bool {
        (self.gpc && ConsentPurpose::GPC.contains(&purpose)) || (self.dnt && ConsentPurpose::DNT.contains(&purpose))
    }

    /// What a choice about `purpose` made from this browser is recorded as
    /// coming from: the signal that decides it, else the banner.
    pub fn source_for(self, purpose: ConsentPurpose) -> ConsentSource {
        if self.gpc && ConsentPurpose::GPC.contains(&purpose) {
            ConsentSource::Gpc
        } else if self.dnt && ConsentPurpose::DNT.contains(&purpose) {
            ConsentSource::Dnt
        } else {
            ConsentSource::Banner
        }
    }

    /// Choices with the signals applied: a signal wins over a ticked box
    /// sent from the same browser, so nothing is granted only to be withdrawn.
    pub fn apply(self, choices: &[(ConsentPurpose, bool)]) -> Vec<(ConsentPurpose, bool)> {
        choices.iter().map(|(p, g)| (*p, *g && !self.covers(*p))).collect()
    }
}

/// The ledger's rows about the account as a whole (not one lesson) as the
/// domain reads them.
pub(crate) fn events(rows: &[ConsentRow]) -> impl Iterator<Item = consent::Event<'_>> {
    rows.iter()
        .filter(|r| r.lesson_id.is_none())
        .map(|r| (r.purpose.as_str(), r.granted, r.created_at, r.consent_revision))
}

impl Services {
    /// The revision of the consent request this server makes: its purposes
    /// and the recipients the notice lists. When it changes, consents given
    /// before no longer count and people are asked again.
    pub fn consent_revision(&self) -> u32 {
        let recipients: Vec<String> = self
            .settings
            .controller
            .processors
            .iter()
            .map(|p| format!("{}|{}|{}|{}", p.name, p.purpose, p.location, p.transfer_mechanism))
            .collect();
        consent::consent_revision(recipients.iter().map(String::as_str))
    }

    pub async fn consent_state(&self, account: Uuid) -> Result<Vec<(ConsentPurpose, bool)>> {
        let mut c = self.db.acquire().await?;
        let rows = ledger::history(c.conn(), account).await?;
        Ok(consent::current(events(&rows), self.consent_revision()))
    }

    /// The purposes the member consented to before the consent request
    /// changed: they no longer count, and the member is asked again.
    pub async fn consents_to_ask_again(&self, account: Uuid) -> Result<Vec<ConsentPurpose>> {
        Ok(self
            .consent_answers(account)
            .await?
            .into_iter()
            .filter(|(_, a)| *a == Some(consent::Answer::GivenBefore))
            .map(|(p, _)| p)
            .collect())
    }

    /// Each purpose's latest answer, telling consents given to an earlier
    /// request (to be asked again) from current ones.
    pub async fn consent_answers(&self, account: Uuid) -> Result<Vec<(ConsentPurpose, Option<consent::Answer>)>> {
        let mut c = self.db.acquire().await?;
        let rows = ledger::history(c.conn(), account).await?;
        Ok(consent::answers(events(&rows), self.consent_revision()))
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
        let mut tx = self.db.begin().await?;
        // The ledger is read under the account's lock, so parallel requests
        // (a page and its assets, each carrying GPC) record a change once.
        accounts::lock(tx.conn(), account).await?;
        let rows = ledger::history(tx.conn(), account).await?;
        let revision = self.consent_revision();
        let recorded = consent::latest(events(&rows), revision);
        // A choice is recorded unless the ledger already says the same, so a
        // first refusal is on record too.
        let changed: Vec<_> = choices
            .iter()
            .filter(|(p, g)| recorded.iter().any(|(q, h)| q == p && *h != Some(*g)))
            .collect();
        if source != ConsentSource::Gpc && source != ConsentSource::Dnt {
            self.signals_seen
                .lock()
                .expect("signals cache")
                .retain(|(a, _)| *a != account);
        }
        if changed.is_empty() {
            return Ok(0);
        }
        let version = self.policy_version_id();
        for (purpose, granted) in &changed {
            let row = ConsentRow {
                id: Uuid::now_v7(),
                lesson_id: None,
                account_id: account,
                purpose: purpose.as_str().into(),
                granted: *granted,
                policy_version: version.clone(),
                consent_revision: Some(i64::from(revision)),
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
        // Signals repeat on every request; once honoured for this account
        // (and until its choices change), there is nothing to look up.
        let key = (account, (signals.gpc, signals.dnt));
        if self.signals_seen.lock().expect("signals cache").contains(&key) {
            return Ok(());
        }
        if signals.gpc {
            let off: Vec<_> = ConsentPurpose::GPC.iter().map(|p| (*p, false)).collect();
            self.set_consents(account, &off, ConsentSource::Gpc).await?;
        }
        if signals.dnt {
            let off: Vec<_> = ConsentPurpose::DNT.iter().map(|p| (*p, false)).collect();
            self.set_consents(account, &off, ConsentSource::Dnt).await?;
        }
        let mut seen = self.signals_seen.lock().expect("signals cache");
        if seen.len() > 100_000 {
            seen.clear();
        }
        seen.insert(key);
        Ok(())
    }

    /// Records a visitor's cookie-banner choice (every purpose, given or
    /// refused, with browser signals applied) under their random visitor id,
    /// or a new one; returns what their browser should keep.
    pub async fn record_visitor_choice(
        &self,
        visitor: Option<Uuid>,
        granted: &[ConsentPurpose],
        signals: Signals,
    ) -> Result<VisitorChoice> {
        let visitor = visitor.unwrap_or_else(Uuid::now_v7);
        let choices: Vec<_> = ConsentPurpose::ALL.iter().map(|p| (*p, granted.contains(p))).collect();
        let choices = signals.apply(&choices);
        let now = self.clock.now_us();
        let version = self.policy_version_id();
        let revision = self.consent_revision();
        let mut tx = self.db.begin().await?;
        for (purpose, granted) in &choices {
            let row = ConsentRow {
                id: Uuid::now_v7(),
                lesson_id: None,
                account_id: visitor,
                purpose: purpose.as_str().into(),
                granted: *granted,
                policy_version: version.clone(),
                consent_revision: Some(i64::from(revision)),
                source: signals.source_for(*purpose).as_str().into(),
                created_at: now,
            };
            ledger::append_visitor(tx.conn(), &row).await?;
        }
        tx.commit().await?;
        Ok(VisitorChoice {
            visitor,
            revision,
            granted: choices.into_iter().filter(|(_, g)| *g).map(|(p, _)| p).collect(),
        })
    }
}
