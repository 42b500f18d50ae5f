//! Contact identifiers a person signs up and logs in with.

use crate::{Invalid, Valid};
use serde::Serialize;

/// A normalized email address: trimmed, lower-cased, structurally plausible.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Valid<Self> {
        use unicode_normalization::UnicodeNormalization;
        let s: String = raw.trim().nfc().collect::<String>().to_lowercase();
        let bad = || Invalid::new("email", "invalid-email");
        if s.is_empty() || s.len() > 254 || s.chars().any(|c| c.is_control() || crate::validation::is_invisible(c)) {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains(char::is_whitespace)
            && !local.contains(['<', '>', '(', ')', ',', ';', ':', '\\', '"', '[', ']', '@']);
        if domain_ok && local_ok { Ok(Self(s)) } else { Err(bad()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form a fraud ban matches on: the address without a `+tag` in its
    /// local part, so `name+2@x` cannot slip past a ban on `name@x`.
    pub fn ban_key(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or((&self.0, ""));
        let local = match local.split_once('+') {
            Some((base, _)) if !base.is_empty() => base,
            _ => local,
        };
        format!("{local}@{domain}")
    }
}

/// A phone number in E.164 form (`+` and 8–15 digits); spaces, dots, dashes
/// and parentheses typed by people are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Valid<Self> {
        let compact: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let digits = compact.strip_prefix('+').unwrap_or("");
        if (8..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) && !digits.starts_with('0') {
            Ok(Self(compact))
        } else {
            Err(Invalid::new("phone", "invalid-phone"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last digits only, for showing which number a code went to.
    pub fn masked(&self) -> String {
        let tail: String = self
            .0
            .chars()
            .rev()
            .take(2)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("+••• ••• ••{tail}")
    }
}

/// What a person types in a "email or phone" login box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identifier {
    Email(Email),
    Phone(Phone),
}

impl Identifier {
    pub fn parse(raw: &str) -> Valid<Self> {
        let t = raw.trim();
        if t.contains('@') {
            Email::parse(t).map(Self::Email)
        } else {
            Phone::parse(t)
                .map(Self::Phone)
                .map_err(|_| Invalid::new("identifier", "invalid-identifier"))
        }
    }

    /// A stable string used for per-identifier throttling (never logged).
    pub fn throttle_key(&self) -> String {
        match self {
            Self::Email(e) => format!("e:{}", e.as_str()),
            Self::Phone(p) => format!("p:{}", p.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ban_keys_ignore_plus_tags() {
        let key = |s: &str| Email::parse(s).unwrap().ban_key();
        assert_eq!(key("Ana+2@Example.org"), "ana@example.org");
        assert_eq!(key("ana@example.org"), key("ana+x+y@example.org"));
        assert_ne!(key("ana@example.org"), key("anna@example.org"));
        assert_eq!(key("+only@example.org"), "+only@example.org");
    }

    #[test]
    fn emails() {
        assert_eq!(Email::parse(" Ana@Example.ORG ").unwrap().as_str(), "ana@example.org");
        for bad in [
            "",
            "a",
            "a@b",
            "@b.c",
            "a@.b",
            "a b@c.d",
            "a@b..c",
            "a@b.c.",
            "<a>@b.c",
            "a\0b@c.org",
            "a\tb@c.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones() {
        assert_eq!(Phone::parse("+81 (90) 1234-5678").unwrap().as_str(), "+819012345678");
        for bad in [
            "",
            "0901234567",
            "+0123456789",
            "+12",
            "+1234567890123456",
            "+81abc45678",
        ] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Phone::parse("+819012345678").unwrap().masked(), "+••• ••• ••78");
    }

    #[test]
    fn identifiers() {
        assert!(matches!(Identifier::parse("x@y.jp"), Ok(Identifier::Email(_))));
        assert!(matches!(Identifier::parse("+4915112345678"), Ok(Identifier::Phone(_))));
        assert_eq!(Identifier::parse("nonsense").unwrap_err().code, "invalid-identifier");
    }
}
