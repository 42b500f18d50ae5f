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
    #[error("no master key is configured")]
    NoMasterKey,
    #[error("a master key is listed twice")]
    RepeatedMasterKey,
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

/// The master keys, newest first. The first wraps every key made from now
/// on; each of the others still opens what it wrapped, so the master key can
/// be rotated without a pause: list the new key after the old one on every
/// node, then before it, rewrap (`koine admin rewrap-keys`), then drop the old one.
#[derive(Clone)]
pub struct MasterKeys(Vec<[u8; 32]>);

/// Which master key opened a wrapped key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrappedUnder {
    /// The first: nothing to do.
    Current,
    /// An older one: rewrap it under the current key.
    Older,
}

impl MasterKeys {
    pub fn new(keys: Vec<[u8; 32]>) -> Result<Self, CryptoError> {
        if keys.is_empty() {
            return Err(CryptoError::NoMasterKey);
        }
        if keys.iter().enumerate().any(|(i, k)| keys[..i].contains(k)) {
            return Err(CryptoError::RepeatedMasterKey);
        }
        Ok(Self(keys))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn current(&self) -> &[u8; 32] {
        &self.0[0]
    }

    /// The key first stored for a platform purpose (see `PlatformKey::first`).
    pub fn first_platform_key(&self, which: PlatformKey) -> [u8; 32] {
        which.first(self.current())
    }

    fn wrap(&self, key: &[u8; 32], aad: &[u8]) -> Vec<u8> {
        seal(self.current(), key, aad)
    }

    fn unwrap(&self, wrapped: &[u8], aad: &[u8]) -> Result<([u8; 32], WrappedUnder), CryptoError> {
        for (i, master) in self.0.iter().enumerate() {
            if let Ok(raw) = open(master, wrapped, aad) {
                let key = raw.try_into().map_err(|_| CryptoError::Open)?;
                let under = if i == 0 {
                    WrappedUnder::Current
                } else {
                    WrappedUnder::Older
                };
                return Ok((key, under));
            }
        }
        Err(CryptoError::Open)
    }
}

/// The platform's own keys, each kept in the database wrapped under the
/// master key, so rotating the master key leaves the hashes made under
/// them valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformKey {
    BlindIndex,
    OneTimeCodes,
    Csrf,
    /// The base of secrets derived for one purpose (`Keyring::derive`).
    Derived,
}

impl PlatformKey {
    pub const ALL: [PlatformKey; 4] = [Self::BlindIndex, Self::OneTimeCodes, Self::Csrf, Self::Derived];

    pub fn name(self) -> &'static str {
        match self {
            Self::BlindIndex => "blind-index",
            Self::OneTimeCodes => "one-time-codes",
            Self::Csrf => "csrf",
            Self::Derived => "derived",
        }
    }

    /// The key first stored for this purpose: derived from the master key
    /// as it was before keys were stored, so hashes made then still match.
    pub fn first(self, master: &[u8; 32]) -> [u8; 32] {
        hmac(master, &[format!("koine/{}", self.name()).as_bytes()])
    }

    fn aad(self) -> Vec<u8> {
        [b"platform-key\0".as_slice(), self.name().as_bytes()].concat()
    }
}

pub struct Keyring {
    masters: MasterKeys,
    blind: [u8; 32],
    codes: [u8; 32],
    csrf: [u8; 32],
    derived: [u8; 32],
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
    /// A keyring of one master key whose platform keys are the first ones
    /// derived from it (tools and tests; a server loads them with
    /// `Services::load_keyring`).
    pub fn new(master: [u8; 32]) -> Self {
        let masters = MasterKeys(vec![master]);
        Self::with_platform_keys(masters, |k| k.first(&master))
    }

    /// A keyring from the master keys and the platform keys (unwrapped).
    pub fn with_platform_keys(masters: MasterKeys, mut key: impl FnMut(PlatformKey) -> [u8; 32]) -> Self {
        Self {
            blind: key(PlatformKey::BlindIndex),
            codes: key(PlatformKey::OneTimeCodes),
            csrf: key(PlatformKey::Csrf),
            derived: key(PlatformKey::Derived),
            masters,
        }
    }

    pub fn masters(&self) -> &MasterKeys {
        &self.masters
    }

    /// A platform key wrapped under the current master key, to be stored.
    pub fn wrap_platform_key(masters: &MasterKeys, which: PlatformKey, key: &[u8; 32]) -> Vec<u8> {
        masters.wrap(key, &which.aad())
    }

    pub fn unwrap_platform_key(
        masters: &MasterKeys,
        which: PlatformKey,
        wrapped: &[u8],
    ) -> Result<([u8; 32], WrappedUnder), CryptoError> {
        masters.unwrap(wrapped, &which.aad())
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
        (key, self.wrap_subject_key(subject, &key))
    }

    pub fn wrap_subject_key(&self, subject: Uuid, key: &[u8; 32]) -> Vec<u8> {
        self.masters.wrap(key, &subject_aad("subject-key", subject))
    }

    pub fn unwrap_subject_key(&self, subject: Uuid, wrapped: &[u8]) -> Result<[u8; 32], CryptoError> {
        self.unwrap_subject_key_from(subject, wrapped).map(|(key, _)| key)
    }

    /// The person's key, and whether an older master key wrapped it.
    pub fn unwrap_subject_key_from(
        &self,
        subject: Uuid,
        wrapped: &[u8],
    ) -> Result<([u8; 32], WrappedUnder), CryptoError> {
        self.masters.unwrap(wrapped, &subject_aad("subject-key", subject))
    }

    /// A key for one purpose (e.g. a webhook-signing secret shared with a
    /// test processor).
    pub fn derive(&self, purpose: &[u8]) -> [u8; 32] {
        hmac(&self.derived, &[b"koine/derived", purpose])
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

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn stored_platform_keys_keep_the_hashes_made_before() {
        // Values of the derivation used before platform keys were stored
        // (an independent HMAC-SHA256 computation): phone numbers and
        // one-time codes hashed then must still be found.
        let ring = Keyring::new([7; 32]);
        assert_eq!(
            hex(&ring.blind_index("phone", "+819012345678")),
            "10ea287f148a82a0310f566d635d6edc53fde05199004ee69b5eeddc086ebd59"
        );
        assert_eq!(
            hex(&ring.code_hash("verify-email", b"", "abc")),
            "08d0fee0b2e5c65e6eb2cc155a0256b05fa9b2ddeec28a8a911a90b38ad3cf3d"
        );
    }

    #[test]
    fn a_rotation_opens_old_keys_and_wraps_under_the_new() {
        let (old, new) = ([1; 32], [2; 32]);
        let who = Uuid::now_v7();
        let before = Keyring::new(old);
        let (key, wrapped_old) = before.new_subject_key(who);

        let during = Keyring::with_platform_keys(MasterKeys::new(vec![new, old]).unwrap(), |k| k.first(&old));
        assert_eq!(
            during.unwrap_subject_key_from(who, &wrapped_old).unwrap(),
            (key, WrappedUnder::Older)
        );
        let rewrapped = during.wrap_subject_key(who, &key);
        assert_eq!(
            during.unwrap_subject_key_from(who, &rewrapped).unwrap(),
            (key, WrappedUnder::Current)
        );

        let after = Keyring::with_platform_keys(MasterKeys::new(vec![new]).unwrap(), |k| k.first(&old));
        assert_eq!(after.unwrap_subject_key(who, &rewrapped).unwrap(), key);
        assert!(
            after.unwrap_subject_key(who, &wrapped_old).is_err(),
            "the dropped key is gone"
        );
        assert!(
            before.unwrap_subject_key(who, &rewrapped).is_err(),
            "the old key cannot open the new wrap"
        );

        let masters = MasterKeys::new(vec![new, old]).unwrap();
        let platform = Keyring::wrap_platform_key(&masters, PlatformKey::Csrf, &[9; 32]);
        assert_eq!(
            Keyring::unwrap_platform_key(&masters, PlatformKey::Csrf, &platform).unwrap(),
            ([9; 32], WrappedUnder::Current)
        );
        assert!(
            Keyring::unwrap_platform_key(&masters, PlatformKey::BlindIndex, &platform).is_err(),
            "bound to its purpose"
        );
    }

    #[test]
    fn a_master_key_list_is_not_empty_and_has_no_repeats() {
        assert!(matches!(MasterKeys::new(vec![]), Err(CryptoError::NoMasterKey)));
        assert!(matches!(
            MasterKeys::new(vec![[1; 32], [1; 32]]),
            Err(CryptoError::RepeatedMasterKey)
        ));
        assert_eq!(MasterKeys::new(vec![[1; 32], [2; 32]]).unwrap().len(), 2);
    }
}
