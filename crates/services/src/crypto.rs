//! Keys and secrets (ARCHITECTURE P5).
//!
//! A master key from configuration wraps one random key per person; personal
//! fields are sealed with AES-256-GCM under that person's key, bound to the
//! field's name and the person's id. Destroying the person's key makes every
//! copy of those fields unreadable (crypto-shredding). Lookups on encrypted
//! values (a phone number at login) use a keyed hash ("blind index").

use aes_gcm::aead::{Aead, Nonce, Payload};
use aes_gcm::{Aes256Gcm, Key, KeyInit};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use uuid::Uuid;

const VERSION: u8 = 1;
const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the master key must be 32 bytes, base64url or hex encoded")]
    BadMasterKey,
    #[error("ciphertext could not be opened (wrong key or tampered)")]
    Open,
    #[error("random number generator failed")]
    Random,
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's CSPRNG is available");
    b
}

/// A 256-bit random token for links and session cookies, base64url.
pub fn new_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// Tokens have 256 bits of entropy, so a plain hash is enough to store them.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

pub struct Keyring {
    master: [u8; 32],
    blind: [u8; 32],
    codes: [u8; 32],
    csrf: [u8; 32],
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keyring(…)")
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        mac.update(&(p.len() as u64).to_be_bytes());
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

impl Keyring {
    pub fn new(master: [u8; 32]) -> Self {
        Self {
            master,
            blind: hmac(&master, &[b"koine/blind-index"]),
            codes: hmac(&master, &[b"koine/one-time-codes"]),
            csrf: hmac(&master, &[b"koine/csrf"]),
        }
    }

    /// Parses a master key written as 64 hex digits or 43 base64url characters.
    pub fn parse_master(text: &str) -> Result<[u8; 32], CryptoError> {
        let t = text.trim();
        let bytes = if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&t[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|_| CryptoError::BadMasterKey)?
        } else {
            URL_SAFE_NO_PAD.decode(t).map_err(|_| CryptoError::BadMasterKey)?
        };
        bytes.try_into().map_err(|_| CryptoError::BadMasterKey)
    }

    pub fn encode_master(key: &[u8; 32]) -> String {
        URL_SAFE_NO_PAD.encode(key)
    }

    /// A fresh personal key, returned raw and wrapped under the master key.
    pub fn new_subject_key(&self, subject: Uuid) -> ([u8; 32], Vec<u8>) {
        let key = random_bytes::<32>();
        let wrapped = seal(&self.master, &key, &subject_aad("subject-key", subject));
        (key, wrapped)
    }

    pub fn unwrap_subject_key(&self, subject: Uuid, wrapped: &[u8]) -> Result<[u8; 32], CryptoError> {
        let raw = open(&self.master, wrapped, &subject_aad("subject-key", subject))?;
        raw.try_into().map_err(|_| CryptoError::Open)
    }

    /// A key for one purpose, derived from the master key (e.g. a
    /// webhook-signing secret shared with a test processor).
    pub fn derive(&self, purpose: &[u8]) -> [u8; 32] {
        hmac(&self.master, &[b"koine/derived", purpose])
    }

    /// A keyed hash of a member's request, so a retried idempotent request
    /// can be told from a different one under the same key.
    pub fn fingerprint(&self, parts: &[&[u8]]) -> Vec<u8> {
        hmac(&self.codes, parts).to_vec()
    }

    /// Keyed hash of a normalized identifier, for equality lookups.
    pub fn blind_index(&self, kind: &str, value: &str) -> Vec<u8> {
        hmac(&self.blind, &[kind.as_bytes(), value.as_bytes()]).to_vec()
    }

    /// Keyed hash of a one-time code; short codes are bound to their account
    /// so equal codes of two people never collide.
    pub fn code_hash(&self, purpose: &str, scope: &[u8], code: &str) -> Vec<u8> {
        hmac(&self.codes, &[purpose.as_bytes(), scope, code.as_bytes()]).to_vec()
    }

    /// CSRF token bound to a browser's session or pre-session cookie.
    pub fn csrf_token(&self, binding: &str) -> String {
        URL_SAFE_NO_PAD.encode(hmac(&self.csrf, &[binding.as_bytes()]))
    }

    pub fn csrf_valid(&self, binding: &str, presented: &str) -> bool {
        let expected = self.csrf_token(binding);
        constant_time_eq(expected.as_bytes(), presented.as_bytes())
    }
}

/// HMAC-SHA256 of `message` under `key`, for signatures on provider webhooks.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn subject_aad(label: &str, subject: Uuid) -> Vec<u8> {
    let mut aad = Vec::with_capacity(label.len() + 17);
    aad.extend_from_slice(label.as_bytes());
    aad.push(0);
    aad.extend_from_slice(subject.as_bytes());
    aad
}

/// Seals a field under a person's key, bound to the field name and person.
pub fn seal_field(key: &[u8; 32], subject: Uuid, field: &str, plaintext: &[u8]) -> Vec<u8> {
    seal(key, plaintext, &subject_aad(field, subject))
}

pub fn open_field(key: &[u8; 32], subject: Uuid, field: &str, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    open(key, sealed, &subject_aad(field, subject))
}

fn seal(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key));
    let nonce_bytes = random_bytes::<NONCE_LEN>();
    let nonce = Nonce::<Aes256Gcm>::from(nonce_bytes);
    let ct = cipher
        .encrypt(&nonce, Payload { msg: plaintext, aad })
        .expect("AES-GCM encryption of in-memory data cannot fail");
    let mut out = Vec::with_capacity(1 + NONCE_LEN + ct.len());
    out.push(VERSION);
    out.extend_from_slice(&nonce_bytes);
    out.extend_from_slice(&ct);
    out
}

fn open(key: &[u8; 32], sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if sealed.len() < 1 + NONCE_LEN + 16 || sealed[0] != VERSION {
        return Err(CryptoError::Open);
    }
    let nonce = Nonce::<Aes256Gcm>::try_from(&sealed[1..1 + NONCE_LEN]).map_err(|_| CryptoError::Open)?;
    let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key));
    cipher
        .decrypt(
            &nonce,
            Payload {
                msg: &sealed[1 + NONCE_LEN..],
                aad,
            },
        )
        .map_err(|_| CryptoError::Open)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_round_trip_and_binding() {
        let ring = Keyring::new([7; 32]);
        let who = Uuid::now_v7();
        let (key, wrapped) = ring.new_subject_key(who);
        assert_eq!(ring.unwrap_subject_key(who, &wrapped).unwrap(), key);
        assert!(
            ring.unwrap_subject_key(Uuid::now_v7(), &wrapped).is_err(),
            "bound to its person"
        );
        let sealed = seal_field(&key, who, "accounts.phone", b"+819012345678");
        assert!(
            !sealed.windows(5).any(|w| w == b"+8190"),
            "no plaintext in the ciphertext"
        );
        assert_eq!(
            open_field(&key, who, "accounts.phone", &sealed).unwrap(),
            b"+819012345678"
        );
        assert!(
            open_field(&key, who, "accounts.birth_date", &sealed).is_err(),
            "bound to its field"
        );
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(open_field(&key, who, "accounts.phone", &tampered).is_err());
    }

    #[test]
    fn master_key_formats() {
        let k = [0xab; 32];
        assert_eq!(Keyring::parse_master(&Keyring::encode_master(&k)).unwrap(), k);
        assert_eq!(Keyring::parse_master(&"ab".repeat(32)).unwrap(), k);
        assert!(Keyring::parse_master("short").is_err());
    }

    #[test]
    fn csrf_tokens_are_bound() {
        let ring = Keyring::new([1; 32]);
        let t = ring.csrf_token("session-a");
        assert!(ring.csrf_valid("session-a", &t));
        assert!(!ring.csrf_valid("session-b", &t));
        assert!(!ring.csrf_valid("session-a", ""));
    }
}
