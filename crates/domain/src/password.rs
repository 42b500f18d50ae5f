//! Password rules (OWASP ASVS 5.0 §6.2): length 8–128, no composition rules,
//! common and guessable passwords rejected by a strength estimator.

use crate::{Invalid, Valid};

pub const MIN_CHARS: usize = 8;
/// ASVS asks that at least 64 characters be allowed; we allow 128.
pub const MAX_CHARS: usize = 128;
/// zxcvbn score (0–4) a password must reach: 3 means "safely unguessable"
/// against online attacks and hard offline.
pub const MIN_SCORE: u8 = 3;

/// A password that passed the policy. Never `Debug`-printed or logged.
pub struct NewPassword(String);

impl NewPassword {
    /// `context` holds what the person typed elsewhere (email, name) so that a
    /// password built from them is rejected.
    pub fn parse(raw: &str, context: &[&str]) -> Valid<Self> {
        let n = raw.chars().count();
        if n < MIN_CHARS {
            return Err(Invalid::new("password", "password-too-short"));
        }
        if n > MAX_CHARS {
            return Err(Invalid::new("password", "password-too-long"));
        }
        let score = u8::from(zxcvbn::zxcvbn(raw, context).score());
        if score < MIN_SCORE {
            return Err(Invalid::new("password", "password-too-guessable"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_short_long_and_common() {
        assert_eq!(NewPassword::parse("Ab1!", &[]).unwrap_err().code, "password-too-short");
        assert_eq!(
            NewPassword::parse(&"x".repeat(129), &[]).unwrap_err().code,
            "password-too-long"
        );
        for common in ["password", "password123", "qwertyuiop", "iloveyou1", "12345678"] {
            assert_eq!(
                NewPassword::parse(common, &[]).unwrap_err().code,
                "password-too-guessable",
                "{common}"
            );
        }
    }

    #[test]
    fn rejects_password_built_from_own_email() {
        assert!(NewPassword::parse("mariagonzalez", &["mariagonzalez@example.com"]).is_err());
    }

    #[test]
    fn accepts_long_passphrases_and_64_chars() {
        assert!(NewPassword::parse("violet-tractor-harbour-91", &[]).is_ok());
        let long: String = "correct horse battery staple ".repeat(3);
        assert!(long.chars().count() >= 64);
        assert!(NewPassword::parse(&long, &[]).is_ok());
    }
}
