//! The built-in test card processor: no real money moves. Card numbers
//! decide what happens (README, "Test cards"):
//!
//! | number              | what happens                                   |
//! |---------------------|------------------------------------------------|
//! | 4242 4242 4242 4242 | succeeds                                       |
//! | 4000 0000 0000 0002 | declined (`card-declined`)                     |
//! | 4000 0000 0000 9995 | declined (`card-insufficient-funds`)           |
//! | 4000 0000 0000 0069 | declined (`expired-card`)                      |
//! | 4000 0000 0000 0119 | network error when authorising                 |
//! | 4000 0000 0000 0259 | authorised, then a network error on capture    |
//! | 4000 0000 0000 5126 | succeeds; refunds to it fail (network error)   |
//!
//! Any other valid number succeeds. It keeps no state: a charge's
//! reference is derived from the idempotency key (so a retry gets the same
//! one) and carries what the card will do on capture and refund. Its
//! webhooks are signed with HMAC-SHA256 like a real processor's.

use super::provider::{
    Authorisation, BoxFuture, CardProcessor, ChargeRequest, EventKind, ProviderError, ProviderEvent,
};
use crate::crypto::{constant_time_eq, hmac_sha256};
use koine_domain::refusal::Refusal;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// What the webhook-signing secret is derived from the master key for.
pub const WEBHOOK_KEY_PURPOSE: &[u8] = b"test-card-webhooks";

/// Webhooks older than this are refused (replay protection).
const WEBHOOK_TOLERANCE_SECS: i64 = 300;

pub struct TestCards {
    secret: [u8; 32],
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl TestCards {
    pub fn new(secret: [u8; 32]) -> Self {
        Self { secret }
    }

    fn sign(&self, timestamp: i64, body: &[u8]) -> String {
        let mut message = format!("{timestamp}.").into_bytes();
        message.extend_from_slice(body);
        hex(&hmac_sha256(&self.secret, &message))
    }

    /// A signed webhook as the processor would send it: (body, signature
    /// header value).
    pub fn signed_event(&self, id: &str, kind: &str, data: serde_json::Value, timestamp: i64) -> (Vec<u8>, String) {
        let body = serde_json::to_vec(&serde_json::json!({ "id": id, "type": kind, "data": data }))
            .expect("an event serializes");
        let header = format!("t={timestamp},v1={}", self.sign(timestamp, &body));
        (body, header)
    }
}

/// What a test card does after a successful authorisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Behaviour {
    Ok,
    CaptureFails,
    RefundFails,
}

impl Behaviour {
    fn tag(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::CaptureFails => "capfail",
            Self::RefundFails => "reffail",
        }
    }

    fn of(reference: &str) -> Self {
        match reference.rsplit('_').next() {
            Some("capfail") => Self::CaptureFails,
            Some("reffail") => Self::RefundFails,
            _ => Self::Ok,
        }
    }
}

fn unavailable() -> ProviderError {
    ProviderError::Unavailable("the test processor simulated a network error".into())
}

impl CardProcessor for TestCards {
    fn name(&self) -> &'static str {
        "test"
    }

    fn is_test(&self) -> bool {
        true
    }

    fn authorise<'a>(&'a self, req: ChargeRequest<'a>) -> BoxFuture<'a, Result<Authorisation, ProviderError>> {
        Box::pin(async move {
            let behaviour = match req.card.number() {
                "4000000000000002" => return Err(ProviderError::Declined(Refusal::CardDeclined)),
                "4000000000009995" => return Err(ProviderError::Declined(Refusal::CardInsufficientFunds)),
                "4000000000000069" => return Err(ProviderError::Declined(Refusal::ExpiredCard)),
                "4000000000000119" => return Err(unavailable()),
                "4000000000000259" => Behaviour::CaptureFails,
                "4000000000005126" => Behaviour::RefundFails,
                _ => Behaviour::Ok,
            };
            let digest = Sha256::digest(format!("{}|{}", req.account, req.idempotency_key).as_bytes());
            Ok(Authorisation {
                reference: format!("tch_{}_{}", hex(&digest[..12]), behaviour.tag()),
                brand: req.card.brand.to_owned(),
                last4: req.card.last4().to_owned(),
            })
        })
    }

    fn capture<'a>(&'a self, authorisation: &'a str, _amount: i64) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            match Behaviour::of(authorisation) {
                Behaviour::CaptureFails => Err(unavailable()),
                _ => Ok(()),
            }
        })
    }

    fn void<'a>(&'a self, _authorisation: &'a str) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move { Ok(()) })
    }

    fn refund<'a>(
        &'a self,
        charge: &'a str,
        _amount: i64,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            if Behaviour::of(charge) == Behaviour::RefundFails {
                return Err(unavailable());
            }
            let digest = Sha256::digest(format!("{charge}|{idempotency_key}").as_bytes());
            Ok(format!("tre_{}", hex(&digest[..12])))
        })
    }

    fn signature_header(&self) -> &'static str {
        "koine-test-signature"
    }

    fn webhook(&self, signature: &str, body: &[u8], now: i64) -> Result<ProviderEvent, ProviderError> {
        let mut timestamp = None;
        let mut given = None;
        for part in signature.split(',') {
            match part.trim().split_once('=') {
                Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
                Some(("v1", v)) => given = Some(v),
                _ => {}
            }
        }
        let (Some(timestamp), Some(given)) = (timestamp, given) else {
            return Err(ProviderError::BadWebhook("malformed-signature"));
        };
        if !constant_time_eq(self.sign(timestamp, body).as_bytes(), given.as_bytes()) {
            return Err(ProviderError::BadWebhook("bad-signature"));
        }
        if (now - timestamp).abs() > WEBHOOK_TOLERANCE_SECS {
            return Err(ProviderError::BadWebhook("stale-event"));
        }
        let v: serde_json::Value =
            serde_json::from_slice(body).map_err(|_| ProviderError::BadWebhook("malformed-body"))?;
        let id = v["id"]
            .as_str()
            .filter(|i| !i.is_empty() && i.len() <= 128)
            .ok_or(ProviderError::BadWebhook("malformed-body"))?
            .to_owned();
        let kind = v["type"].as_str().unwrap_or_default();
        let d = &v["data"];
        let text = |k: &str| d[k].as_str().map(str::to_owned);
        let kind = match kind {
            "payment.captured" => EventKind::PaymentCaptured {
                reference: text("reference").ok_or(ProviderError::BadWebhook("malformed-body"))?,
                amount: d["amount"]
                    .as_i64()
                    .filter(|a| *a > 0)
                    .ok_or(ProviderError::BadWebhook("malformed-body"))?,
                currency: text("currency").ok_or(ProviderError::BadWebhook("malformed-body"))?,
                account: text("account")
                    .and_then(|a| Uuid::parse_str(&a).ok())
                    .ok_or(ProviderError::BadWebhook("malformed-body"))?,
                brand: text("brand").unwrap_or_default(),
                last4: text("last4").unwrap_or_default(),
            },
            other => EventKind::Other(other.chars().take(64).collect()),
        };
        Ok(ProviderEvent { id, kind })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use koine_domain::cards::Card;

    fn card(n: &str) -> Card {
        Card::parse(n, "12/40", "123", jiff::civil::date(2026, 12, 1)).unwrap()
    }

    #[tokio::test]
    async fn cards_decide_and_retries_get_the_same_charge() {
        let p = TestCards::new([7; 32]);
        let account = Uuid::now_v7();
        let req = |c: &'static str| (card(c), account);
        let go = |c: Card, key: &'static str| {
            let p = &p;
            async move {
                p.authorise(ChargeRequest {
                    amount: 1000,
                    currency: "EUR",
                    card: &c,
                    idempotency_key: key,
                    account,
                })
                .await
            }
        };
        let (c, _) = req("4242424242424242");
        let a = go(c.clone(), "key-1").await.unwrap();
        assert_eq!(go(c.clone(), "key-1").await.unwrap(), a, "same key, same charge");
        assert_ne!(go(c, "key-2").await.unwrap().reference, a.reference);
        assert_eq!(a.last4, "4242");
        assert!(p.capture(&a.reference, 1000).await.is_ok());
        assert_eq!(
            go(card("4000000000000002"), "k3").await,
            Err(ProviderError::Declined(Refusal::CardDeclined))
        );
        assert!(matches!(
            go(card("4000000000000119"), "k4").await,
            Err(ProviderError::Unavailable(_))
        ));
        let late = go(card("4000000000000259"), "k5").await.unwrap();
        assert!(p.capture(&late.reference, 1000).await.is_err());
        let refunds_fail = go(card("4000000000005126"), "k6").await.unwrap();
        assert!(p.capture(&refunds_fail.reference, 1000).await.is_ok());
        assert!(p.refund(&refunds_fail.reference, 500, "r1").await.is_err());
        assert!(p.refund(&a.reference, 500, "r1").await.unwrap().starts_with("tre_"));
    }

    #[test]
    fn webhooks_are_signed_recent_and_readable() {
        let p = TestCards::new([9; 32]);
        let account = Uuid::now_v7();
        let data = serde_json::json!({
            "reference": "tch_x_ok", "amount": 500, "currency": "EUR",
            "account": account.to_string(), "brand": "visa", "last4": "4242"
        });
        let (body, sig) = p.signed_event("evt_1", "payment.captured", data, 1_000_000);
        let e = p.webhook(&sig, &body, 1_000_100).unwrap();
        assert_eq!(e.id, "evt_1");
        assert!(matches!(e.kind, EventKind::PaymentCaptured { amount: 500, .. }));
        assert_eq!(
            p.webhook(&sig, &body, 1_000_400),
            Err(ProviderError::BadWebhook("stale-event"))
        );
        let mut tampered = body.clone();
        tampered[10] ^= 1;
        assert_eq!(
            p.webhook(&sig, &tampered, 1_000_100),
            Err(ProviderError::BadWebhook("bad-signature"))
        );
        let other = TestCards::new([8; 32]);
        assert!(other.webhook(&sig, &body, 1_000_100).is_err(), "another secret");
        assert_eq!(
            p.webhook("nonsense", &body, 1_000_100),
            Err(ProviderError::BadWebhook("malformed-signature"))
        );
    }
}
