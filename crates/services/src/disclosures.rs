//! The disclosure log: staff record each time a member's data is given to
//! someone outside Koine (an authority answering a court order, say), so
//! the member's access report can say to whom it went (GDPR Art. 15(1)(c)).

use crate::accounts::Principal;
use crate::{Error, Result, Services};
use koine_domain::Invalid;
use koine_domain::disclosure::RecipientKind;
use koine_domain::privacy::is_known_category;
use koine_domain::validation::optional_text;
use koine_store::repo::{accounts, disclosures};
use uuid::Uuid;

pub use koine_store::repo::disclosures::DisclosureRow as Disclosure;

pub struct NewDisclosure<'a> {
    pub recipient_kind: &'a str,
    pub recipient: &'a str,
    pub categories: Vec<String>,
    pub reason: &'a str,
    /// When the data was given (microseconds); not in the future.
    pub disclosed_at: i64,
}

impl Services {
    /// Records a disclosure of `account`'s data (audited).
    pub async fn record_disclosure(&self, p: &Principal, account: Uuid, d: NewDisclosure<'_>) -> Result<Uuid> {
        if !crate::staff::role_of(p)?.can_record_disclosures() {
            return Err(Error::Forbidden);
        }
        let now = self.clock.now_us();
        let kind = RecipientKind::parse(d.recipient_kind).ok_or(Invalid::new("recipient_kind", "invalid-choice"))?;
        let recipient = optional_text("recipient", d.recipient, 200)?.ok_or(Invalid::new("recipient", "required"))?;
        if d.categories.is_empty()
            || !d
                .categories
                .iter()
                .all(|c| is_known_category(c) && c.starts_with("user."))
        {
            return Err(Invalid::new("categories", "invalid-choice").into());
        }
        let reason = crate::staff::required_reason(d.reason)?;
        if d.disclosed_at > now {
            return Err(Invalid::new("disclosed_at", "in-future").into());
        }
        let row = Disclosure {
            id: Uuid::now_v7(),
            account_id: Some(account),
            recipient_kind: kind.as_str().into(),
            recipient,
            categories: d.categories.join(","),
            reason,
            disclosed_at: d.disclosed_at,
            recorded_by: p.account_id,
            recorded_at: now,
        };
        let mut tx = self.db.begin().await?;
        accounts::get(tx.conn(), account).await?.ok_or(Error::NotFound)?;
        disclosures::insert(tx.conn(), &row).await?;
        tx.commit().await?;
        self.audit(
            p.account_id,
            Some(account),
            "record_disclosure",
            Some(row.recipient.clone()),
        )
        .await?;
        Ok(row.id)
    }

    /// To whom the member's data was given, newest first (for their access
    /// report, and for the staff who handle legal requests).
    pub async fn disclosures_of(&self, account: Uuid) -> Result<Vec<Disclosure>> {
        let mut c = self.db.acquire().await?;
        Ok(disclosures::of_account(c.conn(), account).await?)
    }
}
