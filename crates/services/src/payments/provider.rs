//! The interface Koine uses to take card payments. The built-in test
//! processor implements it; a real processor's adapter (Stripe, Adyen, …)
//! implements the same calls: authorise, capture, void, refund, and
//! webhooks checked by signature and deduplicated by event id.

use koine_domain::cards::Card;
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A charge Koine asks for.
#[derive(Debug, Clone)]
pub struct ChargeRequest<'a> {
    pub amount: i64,
    pub currency: &'a str,
    pub card: &'a Card,
    /// The same key always gets the same authorisation: a retried request
    /// is never charged twice.
    pub idempotency_key: &'a str,
    /// Who pays (sent as metadata, so a webhook can name them).
    pub account: Uuid,
}

/// An authorisation: money held on the card, not yet taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorisation {
    pub reference: String,
    pub brand: String,
    pub last4: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The card was refused; `code` says why (`card-declined`,
    /// `card-insufficient-funds`, `expired-card`).
    #[error("declined: {0}")]
    Declined(koine_domain::refusal::Refusal),
    /// The processor could not be reached or failed; nothing was charged.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A webhook whose signature or timestamp does not check out.
    #[error("bad webhook: {0}")]
    BadWebhook(&'static str),
}

/// What a processor tells Koine by webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderEvent {
    /// Unique per event: a repeated delivery is recognised by it.
    pub id: String,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A charge was captured (sent even when Koine's own call saw no
    /// answer, so a payment is recorded whatever happened in between).
    PaymentCaptured {
        reference: String,
        amount: i64,
        currency: String,
        account: Uuid,
        brand: String,
        last4: String,
    },
    /// Something Koine does not act on.
    Other(String),
}

/// A card processor.
pub trait CardProcessor: Send + Sync {
    /// The name payments are recorded under.
    fn name(&self) -> &'static str;

    /// Whether cards are simulated (checkout then says no real money moves).
    fn is_test(&self) -> bool;

    fn authorise<'a>(&'a self, req: ChargeRequest<'a>) -> BoxFuture<'a, Result<Authorisation, ProviderError>>;

    fn capture<'a>(&'a self, authorisation: &'a str, amount: i64) -> BoxFuture<'a, Result<(), ProviderError>>;

    /// Releases an authorisation that will not be captured.
    fn void<'a>(&'a self, authorisation: &'a str) -> BoxFuture<'a, Result<(), ProviderError>>;

    /// Refunds part or all of a captured charge; returns the refund's reference.
    fn refund<'a>(
        &'a self,
        charge: &'a str,
        amount: i64,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<String, ProviderError>>;

    /// The header its webhooks carry their signature in.
    fn signature_header(&self) -> &'static str;

    /// Checks a webhook's signature header against its body (and that it
    /// is recent, `now` in seconds), and reads it.
    fn webhook(&self, signature: &str, body: &[u8], now: i64) -> Result<ProviderEvent, ProviderError>;
}
