//! Paying teachers: a payout account (bank or PayPal, sealed under the
//! teacher's key; the password is asked again to see or change it), payout
//! requests from a minimum amount, and finance staff who approve or refuse
//! them and mark them paid. Every staff step is audited; the teacher is
//! told each step.

use crate::accounts::Principal;
use crate::idempotency::{IdempotencyKey, Outcome};
use crate::notifications::Notice;
use crate::security_log::SecurityEvent;
use crate::{Error, Result, Services, crypto};
use koine_domain::Invalid;
use koine_domain::banking::{PayoutDetails, PayoutStatus};
use koine_domain::ledger::{self, Account};
use koine_domain::refusal::Refusal;
use koine_domain::teaching::format_amount;
use koine_domain::validation::optional_text;
use koine_store::repo::ledger::{self as ledger_repo, Refs, StatementLine};
use koine_store::repo::payouts::{self as repo, PayoutAccountRow, PayoutRow};
use uuid::Uuid;

const ACCOUNT_FIELD: &str = "payout_accounts.details";
const PAYOUT_FIELD: &str = "payouts.details";

/// A teacher's earnings: what they may be paid, where, and the history.
#[derive(Debug, Clone)]
pub struct Earnings {
    pub balance_minor: i64,
    /// In payouts asked for and not yet sent.
    pub pending_minor: i64,
    pub minimum_minor: i64,
    pub currency: String,
    /// The payout account, masked; none until set.
    pub destination: Option<String>,
    pub payouts: Vec<PayoutRow>,
    /// Recent movements of the earnings account.
    pub statement: Vec<StatementLine>,
}

/// A payout as finance staff see it: the destination opened (audited).
#[derive(Debug, Clone)]
pub struct PayoutForFinance {
    pub row: PayoutRow,
    pub teacher_name: String,
    pub details: Option<PayoutDetails>,
}

impl Services {
    /// Sets where the teacher is paid. Needs a recent password entry; the
    /// change is recorded in their security log and they are told by email.
    pub async fn set_payout_account(&self, p: &Principal, details: PayoutDetails) -> Result<()> {
        self.require_recent_auth(p)?;
        if !self.is_teacher(p.account_id).await? {
            return Err(Error::Forbidden);
        }
        let now = self.clock.now_us();
        let json = serde_json::to_vec(&details).map_err(Error::internal)?;
        let mut tx = self.db.begin().await?;
        let key = self.subject_key(tx.conn(), p.account_id).await?;
        repo::set_account(
            tx.conn(),
            &PayoutAccountRow {
                account_id: p.account_id,
                method: details.method(),
                details_enc: crypto::seal_field(&key, p.account_id, ACCOUNT_FIELD, &json),
                summary: details.summary(),
                updated_at: now,
            },
        )
        .await?;
        self.record_security_event(
            tx.conn(),
            p.account_id,
            SecurityEvent::PayoutAccountChanged,
            &p.client,
            now,
        )
        .await?;
        let notice = Notice {
            kind: "payout_account",
            subject_key: "mail-payout-subject",
            body_key: "payout-account-changed",
            args: vec![("name", details.summary())],
            link: Some("/earnings".into()),
            ics: None,
            about: None,
        };
        self.tell(tx.conn(), p.account_id, notice, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The teacher's payout details, opened. Needs a recent password entry.
    pub async fn payout_account(&self, p: &Principal) -> Result<Option<PayoutDetails>> {
        self.require_recent_auth(p)?;
        let mut c = self.db.acquire().await?;
        let Some(row) = repo::account(c.conn(), p.account_id).await? else {
            return Ok(None);
        };
        let key = self.subject_key(c.conn(), p.account_id).await?;
        let json = crypto::open_field(&key, p.account_id, ACCOUNT_FIELD, &row.details_enc).map_err(Error::internal)?;
        Ok(Some(serde_json::from_slice(&json).map_err(Error::internal)?))
    }

    /// What a teacher earned (lessons released to them) since `since`.
    pub async fn earned_since(&self, p: &Principal, since: i64) -> Result<i64> {
        let mut c = self.db.acquire().await?;
        Ok(
            match ledger_repo::find(c.conn(), Account::Earnings(p.account_id)).await? {
                Some(id) => ledger_repo::credited_since(c.conn(), id, since).await?,
                None => 0,
            },
        )
    }

    pub async fn earnings(&self, p: &Principal) -> Result<Earnings> {
        let mut c = self.db.acquire().await?;
        let account = ledger_repo::find(c.conn(), Account::Earnings(p.account_id)).await?;
        let (balance_minor, statement) = match account {
            Some(id) => (
                ledger_repo::balance(c.conn(), id).await?,
                ledger_repo::statement(c.conn(), id, 100).await?,
            ),
            None => (0, Vec::new()),
        };
        let payouts = repo::of_teacher(c.conn(), p.account_id).await?;
        Ok(Earnings {
            balance_minor,
            pending_minor: payouts
                .iter()
                .filter(|x| x.status.is_open())
                .map(|x| x.amount_minor)
                .sum(),
            minimum_minor: self.settings.booking.payout_minimum,
            currency: self.settings.currency.clone(),
            destination: repo::account(c.conn(), p.account_id).await?.map(|a| a.summary),
            payouts,
            statement,
        })
    }

    /// Asks for `amount` of the teacher's earnings to be paid to their
    /// payout account.
    pub async fn request_payout(&self, p: &Principal, amount: i64, key: &IdempotencyKey) -> Result<Uuid> {
        if amount < self.settings.booking.payout_minimum {
            return Err(Invalid::new("amount", "below-payout-minimum").into());
        }
        if amount > crate::payments::MAX_PAYMENT * 10 {
            return Err(Invalid::new("amount", "out-of-range").into());
        }
        let now = self.clock.now_us();
        let fingerprint = self.fingerprint(&[b"payout", &amount.to_le_bytes()]);
        let mut tx = self.db.begin().await?;
        if let Some(Outcome::Payout(id)) = self.claim_key(tx.conn(), p.account_id, key, &fingerprint).await? {
            return Ok(id);
        }
        let acct = repo::account(tx.conn(), p.account_id)
            .await?
            .ok_or(Error::Refused(Refusal::NoPayoutAccount))?;
        let subject_key = self.subject_key(tx.conn(), p.account_id).await?;
        let details = crypto::open_field(&subject_key, p.account_id, ACCOUNT_FIELD, &acct.details_enc)
            .map_err(Error::internal)?;
        let row = PayoutRow {
            id: Uuid::now_v7(),
            teacher_id: p.account_id,
            amount_minor: amount,
            currency: self.settings.currency.clone(),
            method: acct.method,
            destination: acct.summary.clone(),
            details_enc: Some(crypto::seal_field(&subject_key, p.account_id, PAYOUT_FIELD, &details)),
            status: PayoutStatus::Requested,
            requested_at: now,
            decided_at: None,
            decided_by: None,
            paid_at: None,
            paid_by: None,
            reference: None,
            reason: None,
        };
        repo::insert(tx.conn(), &row).await?;
        let entry = ledger::payout_request(p.account_id, amount).map_err(Error::internal)?;
        self.post(
            tx.conn(),
            &entry,
            Refs {
                payout: Some(row.id),
                ..Refs::default()
            },
            now,
        )
        .await
        .map_err(|e| match e {
            Error::Refused(Refusal::InsufficientBalance) => Invalid::new("amount", "more-than-earned").into(),
            other => other,
        })?;
        self.finish_key(tx.conn(), p.account_id, key, Outcome::Payout(row.id))
            .await?;
        tx.commit().await?;
        Ok(row.id)
    }

    /// Payouts waiting for finance.
    pub async fn payout_queue(&self, p: &Principal) -> Result<Vec<PayoutRow>> {
        if !crate::staff::role_of(p)?.can_handle_money() {
            return Err(Error::Forbidden);
        }
        let mut c = self.db.acquire().await?;
        Ok(repo::queue(c.conn(), 200).await?)
    }

    /// One payout with its destination opened for finance (audited).
    pub async fn payout_for_finance(&self, p: &Principal, id: Uuid) -> Result<PayoutForFinance> {
        if !crate::staff::role_of(p)?.can_handle_money() {
            return Err(Error::Forbidden);
        }
        let mut c = self.db.acquire().await?;
        let row = repo::get(c.conn(), id).await?.ok_or(Error::NotFound)?;
        let details = match &row.details_enc {
            Some(sealed) => {
                let key = self.subject_key(c.conn(), row.teacher_id).await?;
                let json = crypto::open_field(&key, row.teacher_id, PAYOUT_FIELD, sealed).map_err(Error::internal)?;
                Some(serde_json::from_slice(&json).map_err(Error::internal)?)
            }
            None => None,
        };
        let teacher_name = self.display_name_in(c.conn(), row.teacher_id).await?;
        drop(c);
        self.audit(p.account_id, Some(row.teacher_id), "view_payout", None)
            .await?;
        Ok(PayoutForFinance {
            row,
            teacher_name,
            details,
        })
    }

    /// Finance approves (`reason` none), refuses (with a reason; the money
    /// goes back to the earnings) or marks paid (with the bank reference).
    pub async fn decide_payout(&self, p: &Principal, id: Uuid, decision: PayoutDecision<'_>) -> Result<()> {
        if !crate::staff::role_of(p)?.can_handle_money() {
            return Err(Error::Forbidden);
        }
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let row = repo::get(tx.conn(), id).await?.ok_or(Error::NotFound)?;
        if row.teacher_id == p.account_id {
            return Err(Error::Forbidden);
        }
        let (from, to, text, body, action) = match decision {
            PayoutDecision::Approve => (
                PayoutStatus::Requested,
                PayoutStatus::Approved,
                None,
                "payout-approved",
                "approve_payout",
            ),
            PayoutDecision::Reject(reason) => (
                PayoutStatus::Requested,
                PayoutStatus::Rejected,
                Some(crate::staff::required_reason(reason)?),
                "payout-rejected",
                "reject_payout",
            ),
            PayoutDecision::Paid(reference) => (
                PayoutStatus::Approved,
                PayoutStatus::Paid,
                Some(
                    optional_text("reference", reference, crate::payments::REFERENCE_MAX)?
                        .ok_or(Invalid::new("reference", "required"))?,
                ),
                "payout-paid",
                "pay_payout",
            ),
        };
        if !repo::decide(tx.conn(), id, from, to, p.account_id, now, text.as_deref()).await? {
            return Err(Error::Refused(Refusal::ImpossibleTransition));
        }
        let entry = match to {
            PayoutStatus::Rejected => Some(ledger::payout_rejected(row.teacher_id, row.amount_minor)),
            PayoutStatus::Paid => Some(ledger::payout_paid(crate::payments::MANUAL, row.amount_minor)),
            _ => None,
        };
        if let Some(entry) = entry {
            let entry = entry.map_err(Error::internal)?;
            self.post(
                tx.conn(),
                &entry,
                Refs {
                    payout: Some(id),
                    ..Refs::default()
                },
                now,
            )
            .await?;
        }
        let notice = Notice {
            kind: "payout",
            subject_key: "mail-payout-subject",
            body_key: body,
            args: vec![
                (
                    "amount",
                    format!("{} {}", format_amount(row.amount_minor), row.currency),
                ),
                ("reason", text.clone().unwrap_or_default()),
            ],
            link: Some("/earnings".into()),
            ics: None,
            about: None,
        };
        self.tell(tx.conn(), row.teacher_id, notice, now).await?;
        tx.commit().await?;
        self.audit(p.account_id, Some(row.teacher_id), action, text).await?;
        Ok(())
    }
}

/// What finance does with a payout.
#[derive(Debug, Clone, Copy)]
pub enum PayoutDecision<'a> {
    Approve,
    Reject(&'a str),
    Paid(&'a str),
}
