//! Payment card details as typed at checkout, checked before any provider
//! sees them. Koine keeps only the brand and the last four digits.

use crate::{Invalid, Valid};
use jiff::civil::Date;

/// A card as entered. Not `Debug`-printable in full: the number stays out
/// of logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Card {
    number: String,
    pub brand: &'static str,
    pub exp_month: u8,
    pub exp_year: i16,
}

impl std::fmt::Debug for Card {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Card({} ••••{})", self.brand, self.last4())
    }
}

impl Card {
    /// Number (spaces and dashes allowed), expiry `MM/YY` or `MM/YYYY`, CVC;
    /// a card that expired before `today` is refused.
    pub fn parse(number: &str, expiry: &str, cvc: &str, today: Date) -> Valid<Self> {
        let digits: String = number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) || !luhn(&digits) {
            return Err(Invalid::new("card_number", "invalid-card-number"));
        }
        let bad_expiry = || Invalid::new("card_expiry", "invalid-card-expiry");
        let (m, y) = expiry.trim().split_once('/').ok_or_else(bad_expiry)?;
        let month: u8 = m
            .trim()
            .parse()
            .ok()
            .filter(|m| (1..=12).contains(m))
            .ok_or_else(bad_expiry)?;
        let year: i16 = match y.trim() {
            y if y.len() == 2 => 2000 + y.parse::<i16>().map_err(|_| bad_expiry())?,
            y if y.len() == 4 => y.parse().map_err(|_| bad_expiry())?,
            _ => return Err(bad_expiry()),
        };
        if (year, month as i8) < (today.year(), today.month()) {
            return Err(Invalid::new("card_expiry", "card-expired"));
        }
        let cvc = cvc.trim();
        if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new("card_cvc", "invalid-card-cvc"));
        }
        Ok(Self {
            brand: brand(&digits),
            number: digits,
            exp_month: month,
            exp_year: year,
        })
    }

    /// The full number, for the provider only.
    pub fn number(&self) -> &str {
        &self.number
    }

    pub fn last4(&self) -> &str {
        &self.number[self.number.len() - 4..]
    }
}

/// The Luhn check digit test every card number passes.
pub fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn brand(digits: &str) -> &'static str {
    let prefix = |n: usize| digits[..n].parse::<u32>().unwrap_or(0);
    match digits.as_bytes()[0] {
        b'4' => "visa",
        b'5' if (51..=55).contains(&prefix(2)) => "mastercard",
        b'2' if (2221..=2720).contains(&prefix(4)) => "mastercard",
        b'3' if matches!(prefix(2), 34 | 37) => "amex",
        _ => "card",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        jiff::civil::date(2026, 12, 1)
    }

    #[test]
    fn numbers_expiry_and_cvc() {
        let c = Card::parse("4242 4242 4242 4242", "12/26", "123", today()).unwrap();
        assert_eq!((c.brand, c.last4()), ("visa", "4242"));
        assert_eq!(format!("{c:?}"), "Card(visa ••••4242)");
        assert_eq!(
            Card::parse("5555-5555-5555-4444", "01/2030", "1234", today())
                .unwrap()
                .brand,
            "mastercard"
        );
        assert_eq!(
            Card::parse("4242 4242 4242 4241", "12/30", "123", today())
                .unwrap_err()
                .code,
            "invalid-card-number"
        );
        assert_eq!(
            Card::parse("4242424242424242", "11/26", "123", today())
                .unwrap_err()
                .code,
            "card-expired"
        );
        for bad in ["13/30", "1230", "ab/cd", "12/3"] {
            assert_eq!(
                Card::parse("4242424242424242", bad, "123", today()).unwrap_err().field,
                "card_expiry",
                "{bad}"
            );
        }
        assert!(Card::parse("4242424242424242", "12/30", "12", today()).is_err());
        assert!(Card::parse("4242424242424242", "12/30", "12a", today()).is_err());
    }

    #[test]
    fn luhn_check() {
        assert!(luhn("4000000000000002"));
        assert!(luhn("4000000000009995"));
        assert!(!luhn("4000000000000003"));
    }
}
