//! Idempotency keys on requests that must not happen twice (money moving,
//! a message sent): a retry with the same key
//! gets the first request's result, never a second charge or booking; the
//! same key with a different request is refused.

use crate::{Error, Result, Services};
use koine_domain::refusal::Refusal;
use koine_domain::{Invalid, Valid};
use koine_store::Conn;
use koine_store::repo::idempotency::{self as repo, Claim};
use uuid::Uuid;

/// A key chosen by the client (the `Idempotency-Key` header, or a form's
/// hidden field): 8–128 printable ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// What `parse` accepts, as a regular expression for the API document:
    /// 8 to 128 printable ASCII characters.
    pub const PATTERN: &'static str = "^[!-~]{8,128}$";

    pub fn parse(raw: &str) -> Valid<Self> {
        let k = raw.trim();
        if (8..=128).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(Self(k.to_owned()))
        } else {
            Err(Invalid::new("idempotency_key", "invalid-idempotency-key"))
        }
    }

    /// A fresh key, for forms and for callers inside Koine.
    pub fn fresh() -> Self {
        Self(Uuid::now_v7().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a finished request produced, as its key remembers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Lesson(Uuid),
    Package(Uuid),
    Payment(Uuid),
    Refund(Uuid),
    Payout(Uuid),
    Message(Uuid),
}

impl Outcome {
    pub(crate) fn encode(self) -> String {
        let (kind, id) = match self {
            Self::Lesson(id) => ("lesson", id),
            Self::Package(id) => ("package", id),
            Self::Payment(id) => ("payment", id),
            Self::Refund(id) => ("refund", id),
            Self::Payout(id) => ("payout", id),
            Self::Message(id) => ("message", id),
        };
        format!("{kind}:{id}")
    }

    fn decode(s: &str) -> Option<Self> {
        let (kind, id) = s.split_once(':')?;
        let id = Uuid::parse_str(id).ok()?;
        Some(match kind {
            "lesson" => Self::Lesson(id),
            "package" => Self::Package(id),
            "payment" => Self::Payment(id),
            "refund" => Self::Refund(id),
            "payout" => Self::Payout(id),
            "message" => Self::Message(id),
            _ => return None,
        })
    }
}

impl Services {
    /// The request's fingerprint: its kind and its parts, keyed.
    pub(crate) fn fingerprint(&self, parts: &[&[u8]]) -> Vec<u8> {
        self.keys.fingerprint(parts)
    }

    /// Claims `key` for a request inside its transaction: `None` to go on,
    /// or the outcome of the earlier request with the same key.
    pub(crate) async fn claim_key(
        &self,
        conn: Conn<'_>,
        account: Uuid,
        key: &IdempotencyKey,
        fingerprint: &[u8],
    ) -> Result<Option<Outcome>> {
        self.claim_key_as(conn, account, key, fingerprint, None).await
    }

    /// The same, recording the outcome the request will have if its
    /// transaction commits (its id chosen up front), so `finish_key` is
    /// not needed.
    pub(crate) async fn claim_key_as(
        &self,
        conn: Conn<'_>,
        account: Uuid,
        key: &IdempotencyKey,
        fingerprint: &[u8],
        outcome: Option<Outcome>,
    ) -> Result<Option<Outcome>> {
        let encoded = outcome.map(Outcome::encode);
        match repo::claim(
            conn,
            account,
            key.as_str(),
            fingerprint,
            encoded.as_deref(),
            self.clock.now_us(),
        )
        .await?
        {
            Claim::New => Ok(None),
            Claim::Done { fingerprint: f, .. } if f != fingerprint => {
                Err(Error::Refused(Refusal::IdempotencyKeyReused))
            }
            Claim::Done { outcome, .. } => outcome
                .as_deref()
                .and_then(Outcome::decode)
                .map(Some)
                .ok_or(Error::Refused(Refusal::IdempotencyKeyInUse)),
        }
    }

    /// Records the outcome under the key, in the same transaction.
    pub(crate) async fn finish_key(
        &self,
        conn: Conn<'_>,
        account: Uuid,
        key: &IdempotencyKey,
        outcome: Outcome,
    ) -> Result<()> {
        Ok(repo::complete(conn, account, key.as_str(), &outcome.encode()).await?)
    }

    /// The outcome of an earlier request with this key, read before
    /// anything is sent to a payment provider.
    pub(crate) async fn earlier_outcome(
        &self,
        account: Uuid,
        key: &IdempotencyKey,
        fingerprint: &[u8],
    ) -> Result<Option<Outcome>> {
        let mut c = self.db.acquire().await?;
        self.earlier_outcome_in(c.conn(), account, key, fingerprint).await
    }

    /// The same, read on the caller's connection.
    pub(crate) async fn earlier_outcome_in(
        &self,
        conn: Conn<'_>,
        account: Uuid,
        key: &IdempotencyKey,
        fingerprint: &[u8],
    ) -> Result<Option<Outcome>> {
        earlier_outcome_of(repo::outcome(conn, account, key.as_str()).await?, fingerprint)
    }
}

/// The outcome found under a key (its request's fingerprint and what it
/// did), for a request with `fingerprint`: another request under the same
/// key is refused.
pub(crate) fn earlier_outcome_of(found: Option<(Vec<u8>, String)>, fingerprint: &[u8]) -> Result<Option<Outcome>> {
    match found {
        None => Ok(None),
        Some((f, _)) if f != fingerprint => Err(Error::Refused(Refusal::IdempotencyKeyReused)),
        Some((_, o)) => Ok(Outcome::decode(&o)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_outcomes() {
        assert!(IdempotencyKey::parse("short").is_err());
        assert!(IdempotencyKey::parse("has a space in it").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(129)).is_err());
        assert_eq!(IdempotencyKey::parse(" abcdefgh ").unwrap().as_str(), "abcdefgh");
        let id = Uuid::now_v7();
        for o in [
            Outcome::Lesson(id),
            Outcome::Payout(id),
            Outcome::Refund(id),
            Outcome::Message(id),
        ] {
            assert_eq!(Outcome::decode(&o.encode()), Some(o));
        }
        assert_eq!(Outcome::decode("lesson:nope"), None);
    }
}
