//! Where teachers are paid: a bank account (IBAN) or a PayPal address,
//! checked as typed and shown masked.

use crate::contact::Email;
use crate::{Invalid, Valid};

/// An IBAN: country, check digits, account; spaces dropped, upper case,
/// the ISO 13616 mod-97 check passing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iban(String);

impl Iban {
    pub fn parse(raw: &str) -> Valid<Self> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let bad = || Invalid::new("iban", "invalid-iban");
        if !(15..=34).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(bad());
        }
        let b = s.as_bytes();
        if !b[0].is_ascii_alphabetic()
            || !b[1].is_ascii_alphabetic()
            || !b[2].is_ascii_digit()
            || !b[3].is_ascii_digit()
        {
            return Err(bad());
        }
        // Move the first four characters to the end, letters to numbers, mod 97.
        let rotated = s[4..].bytes().chain(s[..4].bytes());
        let mut rem: u32 = 0;
        for c in rotated {
            let v = if c.is_ascii_digit() {
                u32::from(c - b'0')
            } else {
                u32::from(c - b'A') + 10
            };
            rem = if v >= 10 {
                (rem * 100 + v) % 97
            } else {
                (rem * 10 + v) % 97
            };
        }
        if rem != 1 {
            return Err(bad());
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// In groups of four, as printed on bank statements and read aloud.
    pub fn grouped(iban: &str) -> String {
        iban.as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// `DE89 •••• 3000`: country and check digits, and the last four.
    pub fn masked(&self) -> String {
        format!("{} •••• {}", &self.0[..4], &self.0[self.0.len() - 4..])
    }
}

/// A bank's identifier (8 or 11 letters and digits), optional.
fn parse_bic(raw: &str) -> Valid<Option<String>> {
    let bic = raw.trim().to_ascii_uppercase();
    if bic.is_empty() {
        Ok(None)
    } else if (bic.len() == 8 || bic.len() == 11) && bic.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(Some(bic))
    } else {
        Err(Invalid::new("bic", "invalid-bic"))
    }
}

named_enum!(
    /// Where a payout goes.
    PayoutMethod, "method" {
        Bank => "bank",
        Paypal => "paypal",
    }
);

named_enum!(
    /// Where a payout request stands: finance approves or rejects it, then
    /// marks an approved one paid.
    PayoutStatus {
        Requested => "requested",
        Approved => "approved",
        Paid => "paid",
        Rejected => "rejected",
    }
);

impl PayoutStatus {
    /// Still owed to the teacher and not yet sent.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Requested | Self::Approved)
    }
}

/// The longest account holder name taken.
pub const HOLDER_MAX: usize = 140;

/// A payout destination as the teacher gave it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum PayoutDetails {
    Bank {
        holder: String,
        iban: String,
        bic: Option<String>,
    },
    Paypal {
        email: String,
    },
}

/// A payout destination as typed, on the page or in the API, before it is
/// checked.
#[derive(Debug, Clone)]
pub enum PayoutInput {
    Bank { holder: String, iban: String, bic: String },
    Paypal { email: String },
}

impl PayoutDetails {
    /// The one reading of a payout destination: the details, or every
    /// field's error at once.
    pub fn parse(input: &PayoutInput) -> Result<Self, Vec<Invalid>> {
        let mut errors = crate::validation::FieldErrors::default();
        match input {
            PayoutInput::Bank { holder, iban, bic } => {
                let holder = errors.take(
                    crate::validation::name_text("holder", holder, HOLDER_MAX)
                        .and_then(|h| h.ok_or(Invalid::new("holder", "required"))),
                );
                let iban = errors.take(Iban::parse(iban));
                let bic = errors.take(parse_bic(bic));
                errors.finish(|| {
                    Some(Self::Bank {
                        holder: holder?,
                        iban: iban?.0,
                        bic: bic?,
                    })
                })
            }
            PayoutInput::Paypal { email } => {
                let email = errors.take(Email::parse(email));
                errors.finish(|| {
                    Some(Self::Paypal {
                        email: email?.as_str().to_owned(),
                    })
                })
            }
        }
    }

    pub fn method(&self) -> PayoutMethod {
        match self {
            Self::Bank { .. } => PayoutMethod::Bank,
            Self::Paypal { .. } => PayoutMethod::Paypal,
        }
    }

    /// Safe to show anywhere: the holder's initial and the IBAN masked, or
    /// the address masked.
    pub fn summary(&self) -> String {
        match self {
            Self::Bank { iban, .. } => format!("IBAN {}", Iban(iban.clone()).masked()),
            Self::Paypal { email } => {
                let (local, domain) = email.split_once('@').unwrap_or((email, ""));
                let first: String = local.chars().take(1).collect();
                format!("PayPal {first}•••@{domain}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_grouped_by_four() {
        assert_eq!(
            Iban::grouped("ES9121000418450200051332"),
            "ES91 2100 0418 4502 0005 1332"
        );
        assert_eq!(Iban::grouped("NO9386011117947"), "NO93 8601 1117 947");
    }

    #[test]
    fn ibans_are_checked_and_masked() {
        let i = Iban::parse("de89 3704 0044 0532 0130 00").unwrap();
        assert_eq!(i.as_str(), "DE89370400440532013000");
        assert_eq!(i.masked(), "DE89 •••• 3000");
        assert!(Iban::parse("GB82 WEST 1234 5698 7654 32").is_ok());
        for bad in [
            "DE89 3704 0044 0532 0130 01",
            "DE89",
            "1234567890123456",
            "DE89-3704-0044-0532-0130-00",
        ] {
            assert!(Iban::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn details_and_summaries() {
        let bank = |holder: &str, iban: &str, bic: &str| {
            PayoutDetails::parse(&PayoutInput::Bank {
                holder: holder.into(),
                iban: iban.into(),
                bic: bic.into(),
            })
        };
        let paypal = |email: &str| PayoutDetails::parse(&PayoutInput::Paypal { email: email.into() });
        let b = bank("Ana López", "ES91 2100 0418 4502 0005 1332", "caixesbbxxx").unwrap();
        assert_eq!(b.summary(), "IBAN ES91 •••• 1332");
        assert_eq!(b.method(), PayoutMethod::Bank);
        assert!(bank("", "ES91 2100 0418 4502 0005 1332", "").is_err());
        assert!(bank("Ana", "ES91 2100 0418 4502 0005 1332", "XX").is_err());
        let fields = |e: Vec<Invalid>| e.iter().map(|i| i.field).collect::<Vec<_>>();
        assert_eq!(fields(bank("", "ES00", "XX").unwrap_err()), ["holder", "iban", "bic"]);
        let p = paypal("ana.teacher@example.org").unwrap();
        assert_eq!(p.summary(), "PayPal a•••@example.org");
        assert!(paypal("not an email").is_err());
    }
}
