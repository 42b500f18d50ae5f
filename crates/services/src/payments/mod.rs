//! Money in and out of wallets: card payments through the card processor
//! (a top-up, or the part of a booking the wallet does not cover), bank
//! transfers recorded by finance staff (the manual provider), refunds of
//! credit to the card it came from, processor webhooks, and the receipt
//! and invoice of each.
//!
//! A card is charged before the payment is recorded; if recording fails
//! the charge is refunded, so money is never taken without being credited.
//! A refund reserves the credit first and gives it back if the processor
//! fails, so the wallet can never be spent twice meanwhile.

pub mod provider;
pub mod test_cards;

pub use provider::{Authorisation, CardProcessor, ChargeRequest, EventKind, ProviderError, ProviderEvent};

use crate::accounts::Principal;
use crate::i18n::t_args;
use crate::idempotency::{IdempotencyKey, Outcome};
use crate::{Error, Result, Services};
use koine_domain::cards::Card;
use koine_domain::ledger::{self, Account};
use koine_domain::payments::{InvoiceKind, PaymentMethod, PaymentStatus, RefundStatus};
use koine_domain::refusal::Refusal;
use koine_domain::teaching::format_amount;
use koine_store::Conn;
use koine_store::repo::ledger::Refs;
use koine_store::repo::payments::{self as repo, InvoiceRow, PaymentRow, RefundRow};
use koine_store::repo::{accounts, profiles};
use std::sync::Arc;
use uuid::Uuid;

/// The provider bank transfers and payouts are recorded under.
pub const MANUAL: &str = "manual";
/// The largest single payment (10,000.00 in the platform currency).
pub const MAX_PAYMENT: i64 = 1_000_000;
/// The smallest card payment (1.00): processors charge fees below that.
pub const MIN_CARD_PAYMENT: i64 = 100;
/// The longest bank reference recorded.
pub const REFERENCE_MAX: usize = 100;

/// How a payment failed at the processor, for the member.
pub(crate) fn provider_error(e: ProviderError) -> Error {
    match e {
        ProviderError::Declined(refusal) => Error::Refused(refusal),
        ProviderError::Unavailable(why) => {
            tracing::warn!("card processor unavailable: {why}");
            Error::ProviderUnavailable
        }
        ProviderError::BadWebhook(code) => Error::Invalid(koine_domain::Invalid::new("signature", code)),
    }
}

/// A payment as its payer sees it, with what can still go back to the card.
#[derive(Debug, Clone)]
pub struct Payment {
    pub row: PaymentRow,
    pub refundable_minor: i64,
    pub invoice_id: Option<Uuid>,
}

/// A member's wallet: credit, payments, refunds and invoices.
#[derive(Debug, Clone)]
pub struct Wallet {
    pub balance_minor: i64,
    pub currency: String,
    pub payments: Vec<Payment>,
    pub refunds: Vec<RefundRow>,
    pub invoices: Vec<InvoiceRow>,
}

impl Services {
    pub(crate) fn card_processor(&self) -> Result<&Arc<dyn CardProcessor>> {
        self.cards.as_ref().ok_or(Error::Refused(Refusal::CardPaymentsOff))
    }

    /// Whether card payments are simulated (shown at checkout).
    pub fn test_cards(&self) -> bool {
        self.cards.as_ref().is_some_and(|c| c.is_test())
    }

    /// Paying is for members who may use everything: minors need their
    /// guardian's confirmation, and a restricted account is only stored.
    pub(crate) async fn require_may_pay(&self, account: Uuid) -> Result<()> {
        let mut c = self.db.acquire().await?;
        self.require_may_pay_in(c.conn(), account).await
    }

    /// The same, read on the caller's connection.
    pub(crate) async fn require_may_pay_in(&self, mut conn: Conn<'_>, account: Uuid) -> Result<()> {
        if !self.full_use_allowed_in(conn.reborrow(), account).await? {
            return Err(Error::Refused(Refusal::GuardianConfirmationNeeded));
        }
        if koine_store::repo::restrictions::active(conn, account).await?.is_some() {
            return Err(Error::Refused(Refusal::ProcessingRestricted));
        }
        Ok(())
    }

    /// Charges a card `amount` into the member's wallet. A retry with the
    /// same key returns the same payment and charges nothing more.
    pub async fn pay_by_card(&self, p: &Principal, amount: i64, card: &Card, key: &IdempotencyKey) -> Result<Uuid> {
        if !(MIN_CARD_PAYMENT..=MAX_PAYMENT).contains(&amount) {
            return Err(koine_domain::Invalid::new("amount", "out-of-range").into());
        }
        self.require_may_pay(p.account_id).await?;
        let fingerprint = self.fingerprint(&[b"card-payment", &amount.to_le_bytes(), card.last4().as_bytes()]);
        if let Some(Outcome::Payment(id)) = self.earlier_outcome(p.account_id, key, &fingerprint).await? {
            return Ok(id);
        }
        let cards = self.card_processor()?;
        let auth = cards
            .authorise(ChargeRequest {
                amount,
                currency: &self.settings.currency,
                card,
                idempotency_key: key.as_str(),
                account: p.account_id,
            })
            .await
            .map_err(provider_error)?;
        if let Err(e) = cards.capture(&auth.reference, amount).await {
            if let Err(v) = cards.void(&auth.reference).await {
                tracing::error!(reference = %auth.reference, "an authorisation could not be voided: {v}");
            }
            return Err(provider_error(e));
        }
        let recorded = self
            .record_card_payment(p.account_id, amount, &auth, Some((key, &fingerprint)))
            .await;
        if let Err(e) = &recorded {
            // Taken but not credited must not happen: give it back.
            tracing::error!(reference = %auth.reference, "a captured payment could not be recorded: {e}");
            if let Err(r) = cards.refund(&auth.reference, amount, key.as_str()).await {
                tracing::error!(reference = %auth.reference, "… and refunding it failed too: {r}");
            }
        }
        recorded
    }

    /// Records a captured card charge: the payment, its funding of the
    /// wallet and its invoice, in one transaction. Recording the same
    /// charge again (a webhook after Koine's own call) changes nothing.
    async fn record_card_payment(
        &self,
        account: Uuid,
        amount: i64,
        auth: &Authorisation,
        key: Option<(&IdempotencyKey, &[u8])>,
    ) -> Result<Uuid> {
        let cards = self.card_processor()?;
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        if let Some((key, fingerprint)) = key
            && let Some(Outcome::Payment(id)) = self.claim_key(tx.conn(), account, key, fingerprint).await?
        {
            return Ok(id);
        }
        let row = PaymentRow {
            id: Uuid::now_v7(),
            account_id: account,
            provider: cards.name().into(),
            provider_ref: auth.reference.clone(),
            method: PaymentMethod::Card,
            card_brand: Some(auth.brand.clone()),
            card_last4: Some(auth.last4.clone()),
            amount_minor: amount,
            refunded_minor: 0,
            currency: self.settings.currency.clone(),
            status: PaymentStatus::Captured,
            reference: None,
            recorded_by: None,
            created_at: now,
            captured_at: Some(now),
        };
        let id = self.record_payment(tx.conn(), &row, cards.name()).await?;
        if let Some((key, _)) = key {
            self.finish_key(tx.conn(), account, key, Outcome::Payment(id)).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Inserts a payment with its funding entry and invoice; an already
    /// recorded processor reference is returned as it is.
    async fn record_payment(&self, mut conn: Conn<'_>, row: &PaymentRow, provider: &'static str) -> Result<Uuid> {
        if !repo::insert(conn.reborrow(), row).await? {
            return repo::by_reference(conn, &row.provider, &row.provider_ref)
                .await?
                .map(|p| p.id)
                .ok_or(Error::Internal("a payment vanished".into()));
        }
        let entry = ledger::funding(provider, row.account_id, row.amount_minor).map_err(Error::internal)?;
        let refs = Refs {
            payment: Some(row.id),
            ..Refs::default()
        };
        self.post(conn.reborrow(), &entry, refs, row.created_at).await?;
        self.issue_invoice(conn, InvoiceFor::Payment(row), row.created_at)
            .await?;
        Ok(row.id)
    }

    /// Finance staff record a bank transfer a member made: it is credited
    /// to their wallet, invoiced, and audited. The bank's reference is
    /// recorded once only.
    pub async fn record_bank_transfer(
        &self,
        p: &Principal,
        member: Uuid,
        amount: i64,
        reference: &str,
        key: &IdempotencyKey,
    ) -> Result<Uuid> {
        if !crate::staff::role_of(p)?.can_handle_money() {
            return Err(Error::Forbidden);
        }
        if !(1..=MAX_PAYMENT).contains(&amount) {
            return Err(koine_domain::Invalid::new("amount", "out-of-range").into());
        }
        let reference = koine_domain::validation::optional_text("reference", reference, REFERENCE_MAX)?
            .ok_or(koine_domain::Invalid::new("reference", "required"))?;
        let now = self.clock.now_us();
        let fingerprint = self.fingerprint(&[
            b"bank-transfer",
            member.as_bytes(),
            &amount.to_le_bytes(),
            reference.as_bytes(),
        ]);
        let mut tx = self.db.begin().await?;
        if let Some(Outcome::Payment(id)) = self.claim_key(tx.conn(), p.account_id, key, &fingerprint).await? {
            return Ok(id);
        }
        accounts::get(tx.conn(), member).await?.ok_or(Error::NotFound)?;
        let row = PaymentRow {
            id: Uuid::now_v7(),
            account_id: member,
            provider: MANUAL.into(),
            provider_ref: reference.to_uppercase(),
            method: PaymentMethod::BankTransfer,
            card_brand: None,
            card_last4: None,
            amount_minor: amount,
            refunded_minor: 0,
            currency: self.settings.currency.clone(),
            status: PaymentStatus::Captured,
            reference: Some(reference),
            recorded_by: Some(p.account_id),
            created_at: now,
            captured_at: Some(now),
        };
        if repo::by_reference(tx.conn(), MANUAL, &row.provider_ref)
            .await?
            .is_some()
        {
            return Err(Error::Refused(Refusal::TransferAlreadyRecorded));
        }
        let id = self.record_payment(tx.conn(), &row, MANUAL).await?;
        self.finish_key(tx.conn(), p.account_id, key, Outcome::Payment(id))
            .await?;
        tx.commit().await?;
        self.audit(p.account_id, Some(member), "record_bank_transfer", None)
            .await?;
        Ok(id)
    }

    /// Sends `amount` of the member's credit back to the card of one of
    /// their payments. Returns the refund; it is `failed` (and the credit
    /// back in the wallet) if the processor did not take it.
    pub async fn refund_to_card(
        &self,
        p: &Principal,
        payment: Uuid,
        amount: i64,
        key: &IdempotencyKey,
    ) -> Result<Uuid> {
        if amount <= 0 {
            return Err(koine_domain::Invalid::new("amount", "out-of-range").into());
        }
        let cards = self.card_processor()?;
        let now = self.clock.now_us();
        let fingerprint = self.fingerprint(&[b"card-refund", payment.as_bytes(), &amount.to_le_bytes()]);
        // Reserve: the credit leaves the wallet before the processor is asked.
        let refund = {
            let mut tx = self.db.begin().await?;
            if let Some(Outcome::Refund(id)) = self.claim_key(tx.conn(), p.account_id, key, &fingerprint).await? {
                return Ok(id);
            }
            let pay = repo::get(tx.conn(), payment)
                .await?
                .filter(|x| {
                    x.account_id == p.account_id && x.method == PaymentMethod::Card && x.provider == cards.name()
                })
                .ok_or(Error::NotFound)?;
            if !repo::reserve_refund(tx.conn(), payment, amount).await? {
                return Err(koine_domain::Invalid::new("amount", "more-than-refundable").into());
            }
            let entry = ledger::card_refund(cards.name(), p.account_id, amount).map_err(Error::internal)?;
            let refs = Refs {
                payment: Some(payment),
                ..Refs::default()
            };
            self.post(tx.conn(), &entry, refs, now).await?;
            let row = RefundRow {
                id: Uuid::now_v7(),
                payment_id: payment,
                account_id: p.account_id,
                amount_minor: amount,
                currency: pay.currency.clone(),
                provider_ref: String::new(),
                status: RefundStatus::Pending,
                created_at: now,
            };
            repo::insert_refund(tx.conn(), &row).await?;
            self.finish_key(tx.conn(), p.account_id, key, Outcome::Refund(row.id))
                .await?;
            tx.commit().await?;
            (row, pay)
        };
        let (row, pay) = refund;
        let outcome = cards.refund(&pay.provider_ref, amount, key.as_str()).await;
        let mut tx = self.db.begin().await?;
        match outcome {
            Ok(reference) => {
                repo::finish_refund(tx.conn(), row.id, RefundStatus::Succeeded, &reference).await?;
                self.issue_invoice(tx.conn(), InvoiceFor::Refund(&row), now).await?;
            }
            Err(e) => {
                tracing::warn!(refund = %row.id, "a card refund failed: {e}");
                repo::finish_refund(tx.conn(), row.id, RefundStatus::Failed, "").await?;
                repo::release_refund(tx.conn(), payment, amount).await?;
                let entry = ledger::card_refund_failed(cards.name(), p.account_id, amount).map_err(Error::internal)?;
                let refs = Refs {
                    payment: Some(payment),
                    ..Refs::default()
                };
                self.post(tx.conn(), &entry, refs, now).await?;
            }
        }
        tx.commit().await?;
        Ok(row.id)
    }

    /// A processor's webhook: checked by signature, handled once per event.
    /// A captured charge Koine has not recorded (its own call saw no
    /// answer) is recorded now.
    pub async fn handle_card_webhook(&self, signature: &str, body: &[u8]) -> Result<()> {
        let cards = self.card_processor()?;
        let event = cards
            .webhook(signature, body, self.clock.now_us() / 1_000_000)
            .map_err(provider_error)?;
        let now = self.clock.now_us();
        let kind = match &event.kind {
            EventKind::PaymentCaptured { .. } => "payment.captured",
            EventKind::Other(k) => k.as_str(),
        };
        {
            let mut tx = self.db.begin().await?;
            if !repo::record_event(tx.conn(), cards.name(), &event.id, kind, now).await? {
                return Ok(());
            }
            tx.commit().await?;
        }
        if let EventKind::PaymentCaptured {
            reference,
            amount,
            currency,
            account,
            brand,
            last4,
        } = event.kind
        {
            let known = {
                let mut c = self.db.acquire().await?;
                repo::by_reference(c.conn(), cards.name(), &reference).await?.is_some()
            };
            let member = {
                let mut c = self.db.acquire().await?;
                accounts::get(c.conn(), account).await?
            };
            if known {
                return Ok(());
            }
            if member.is_none() || currency != self.settings.currency {
                tracing::error!(reference = %reference, "a captured charge names no member or another currency; left to finance");
                return Ok(());
            }
            let auth = Authorisation {
                reference,
                brand,
                last4,
            };
            self.record_card_payment(account, amount, &auth, None).await?;
        }
        Ok(())
    }

    /// The member's wallet: credit, payments (with what can go back to the
    /// card), refunds and invoices.
    pub async fn wallet(&self, account: Uuid) -> Result<Wallet> {
        let mut c = self.db.acquire().await?;
        let balance_minor = self.balance_in(c.conn(), Account::Wallet(account)).await?;
        let invoices = repo::invoices_of(c.conn(), account, 200).await?;
        let payments = repo::of_account(c.conn(), account, 200)
            .await?
            .into_iter()
            .map(|row| Payment {
                refundable_minor: if row.method == PaymentMethod::Card
                    && Some(row.provider.as_str()) == self.cards.as_ref().map(|c| c.name())
                {
                    (row.amount_minor - row.refunded_minor).min(balance_minor).max(0)
                } else {
                    0
                },
                invoice_id: invoices.iter().find(|i| i.payment_id == Some(row.id)).map(|i| i.id),
                row,
            })
            .collect();
        Ok(Wallet {
            balance_minor,
            currency: self.settings.currency.clone(),
            payments,
            refunds: repo::refunds_of(c.conn(), account, 200).await?,
            invoices,
        })
    }

    /// A payment's receipt, for its payer.
    pub async fn receipt(&self, p: &Principal, payment: Uuid) -> Result<PaymentRow> {
        let mut c = self.db.acquire().await?;
        repo::get(c.conn(), payment)
            .await?
            .filter(|x| x.account_id == p.account_id)
            .ok_or(Error::NotFound)
    }

    /// An invoice or credit note, for the member it was issued to.
    pub async fn invoice(&self, p: &Principal, id: Uuid) -> Result<InvoiceRow> {
        let mut c = self.db.acquire().await?;
        repo::invoice(c.conn(), id)
            .await?
            .filter(|i| i.account_id == p.account_id)
            .ok_or(Error::NotFound)
    }

    /// Issues the invoice of a payment (or the credit note of a refund)
    /// with the next number of its year.
    async fn issue_invoice(&self, mut conn: Conn<'_>, what: InvoiceFor<'_>, now: i64) -> Result<()> {
        let year = jiff::Timestamp::from_microsecond(now)
            .map_err(Error::internal)?
            .to_zoned(jiff::tz::TimeZone::UTC)
            .year();
        let n = repo::next_invoice_number(conn.reborrow(), i64::from(year)).await?;
        let (account, kind, prefix, total, currency, payment_id, refund_id, description_key) = match what {
            InvoiceFor::Payment(p) => (
                p.account_id,
                InvoiceKind::Invoice,
                "KOI",
                p.amount_minor,
                p.currency.clone(),
                Some(p.id),
                None,
                "invoice-description-credit",
            ),
            InvoiceFor::Refund(r) => (
                r.account_id,
                InvoiceKind::CreditNote,
                "KOC",
                -r.amount_minor,
                r.currency.clone(),
                Some(r.payment_id),
                Some(r.id),
                "invoice-description-refund",
            ),
        };
        let buyer_name = profiles::get(conn.reborrow(), account)
            .await?
            .map(|p| p.display_name)
            .unwrap_or_default();
        let locale = crate::accounts::locale_of(conn.reborrow(), account).await?;
        let c = &self.settings.controller;
        let row = InvoiceRow {
            id: Uuid::now_v7(),
            number: format!("{prefix}-{year}-{n:06}"),
            kind,
            payment_id,
            refund_id,
            account_id: account,
            buyer_name,
            description: t_args(
                locale,
                description_key,
                &[("amount", format!("{} {currency}", format_amount(total.abs())))],
            ),
            total_minor: total,
            currency,
            seller: [c.name.as_str(), c.address.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
            issued_at: now,
        };
        repo::insert_invoice(conn, &row).await?;
        Ok(())
    }
}

enum InvoiceFor<'a> {
    Payment(&'a PaymentRow),
    Refund(&'a RefundRow),
}
