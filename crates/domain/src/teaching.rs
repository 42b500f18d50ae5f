//! Teaching: teacher tiers, how an application moves through review,
//! lesson offerings (durations, prices, trials, packages), and the guard
//! that keeps contact details out of what teachers publish.

use crate::contact_guard::ContactDetail;
use crate::refusal::Refusal;
use crate::{Invalid, Valid};

named_enum!(
    /// Professional teachers hold a verified teaching certificate;
    /// community tutors teach from their own command of the language.
    Tier, "tier" {
        Professional => "professional",
        Community => "community",
    }
);

named_enum!(
    /// Whether a teacher's homepage is listed: an approved teacher can hide
    /// it (and staff restrictions hide it whatever it says).
    TeacherStatus, "status" {
        Active => "active",
        Hidden => "hidden",
    }
);

named_enum!(
    /// Where an application to teach stands.
    ApplicationStatus, "status" {
        Submitted => "submitted",
        InfoRequested => "info_requested",
        Approved => "approved",
        Rejected => "rejected",
    }
);

named_enum!(
    /// What happens to an application.
    Review, "action" {
        Approve => "approve",
        Reject => "reject",
        AskForInfo => "ask_for_info",
        Resubmit => "resubmit",
    }
);

impl ApplicationStatus {
    /// The state machine of review: staff approve, reject or ask for more;
    /// the applicant answers by resubmitting. Decisions are final.
    pub fn after(self, review: Review) -> Result<Self, Refusal> {
        use ApplicationStatus::*;
        match (self, review) {
            (Submitted, Review::Approve) => Ok(Approved),
            (Submitted | InfoRequested, Review::Reject) => Ok(Rejected),
            (Submitted, Review::AskForInfo) => Ok(InfoRequested),
            (InfoRequested, Review::Resubmit) => Ok(Submitted),
            _ => Err(Refusal::ImpossibleTransition),
        }
    }

    /// Whether the applicant may still change what they sent.
    pub fn editable(self) -> bool {
        matches!(self, Self::InfoRequested)
    }

    pub fn is_open(self) -> bool {
        matches!(self, Self::Submitted | Self::InfoRequested)
    }
}

named_enum!(
    /// Where an offering stands: on the homepage and bookable, paused (shown
    /// as unavailable), or unpublished (hidden).
    OfferingStatus, "status" {
        Active => "active",
        Paused => "paused",
        Unpublished => "unpublished",
    }
);

/// Lesson lengths Koine offers, in minutes.
pub const DURATIONS: [u16; 4] = [30, 45, 60, 90];
/// A trial lesson always lasts this long.
pub const TRIAL_MINUTES: u16 = 30;
/// Lesson counts a package may hold.
pub const PACKAGE_SIZES: [u16; 3] = [5, 10, 20];
/// A package can be used for this long after it is bought (6 months).
pub const PACKAGE_VALID_DAYS: u16 = 183;
/// The most a package may take off, in percent.
pub const MAX_PACKAGE_DISCOUNT: u8 = 50;
/// The highest price of one lesson, in minor units (10,000.00).
pub const MAX_PRICE: i64 = 1_000_000;

pub fn parse_duration(minutes: u16) -> Valid<u16> {
    if DURATIONS.contains(&minutes) {
        Ok(minutes)
    } else {
        Err(Invalid::new("duration", "invalid-choice"))
    }
}

/// A lesson price in minor units: more than nothing, less than absurd.
pub fn parse_price(field: &'static str, minor: i64) -> Valid<i64> {
    if minor <= 0 {
        Err(Invalid::new(field, "price-not-positive"))
    } else if minor > MAX_PRICE {
        Err(Invalid::new(field, "price-too-high"))
    } else {
        Ok(minor)
    }
}

/// "12.50" or "12" (in the platform currency) as minor units.
pub fn parse_amount(field: &'static str, text: &str) -> Valid<i64> {
    let text = text.trim();
    let bad = || Invalid::new(field, "invalid-amount");
    let (whole, cents) = match text.split_once(['.', ',']) {
        Some((w, c)) if c.len() == 2 => (w, c),
        Some((w, c)) if c.len() == 1 => (w, c),
        Some(_) => return Err(bad()),
        None => (text, "0"),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !cents.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let cents: i64 = if cents.len() == 1 {
        cents.parse::<i64>().map_err(|_| bad())? * 10
    } else {
        cents.parse().map_err(|_| bad())?
    };
    let minor = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(cents))
        .ok_or_else(bad)?;
    parse_price(field, minor)
}

/// Minor units as `12.50` (`-0.50` below zero).
pub fn format_amount(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// A trial costs something, and less than a regular lesson: it is a
/// reduced-price first lesson.
pub fn check_trial_price(trial: i64, regular: i64) -> Valid<i64> {
    let trial = parse_price("trial_price", trial)?;
    if trial >= regular {
        Err(Invalid::new("trial_price", "trial-not-reduced"))
    } else {
        Ok(trial)
    }
}

/// A package of `lessons` at `discount` percent off: the price of the
/// whole package, rounded down to a minor unit.
pub fn package_price(lesson_price: i64, lessons: u16, discount: u8) -> Valid<i64> {
    if !PACKAGE_SIZES.contains(&lessons) {
        return Err(Invalid::new("package_lessons", "invalid-choice"));
    }
    if discount > MAX_PACKAGE_DISCOUNT {
        return Err(Invalid::new("package_discount", "discount-too-high"));
    }
    Ok(lesson_price * i64::from(lessons) * i64::from(100 - discount) / 100)
}

/// Whether a text teachers publish holds a contact detail: lessons are
/// booked and paid through Koine, so emails, phone numbers, links and
/// messenger handles are not allowed in profiles and offerings.
fn find_contact_detail(text: &str) -> Option<ContactDetail> {
    crate::contact_guard::find(text).first().map(|f| f.kind)
}

/// Free text a teacher publishes: bounded, and free of contact details.
pub fn public_text(field: &'static str, raw: &str, max: usize) -> Valid<Option<String>> {
    let text = crate::validation::optional_text(field, raw, max)?;
    if text.as_deref().and_then(find_contact_detail).is_some() {
        return Err(Invalid::new(field, "contact-details-not-allowed"));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_moves_only_where_it_may() {
        use ApplicationStatus::*;
        assert_eq!(Submitted.after(Review::Approve), Ok(Approved));
        assert_eq!(Submitted.after(Review::AskForInfo), Ok(InfoRequested));
        assert_eq!(InfoRequested.after(Review::Resubmit), Ok(Submitted));
        assert_eq!(InfoRequested.after(Review::Reject), Ok(Rejected));
        for s in [Approved, Rejected] {
            for r in Review::ALL {
                assert!(s.after(*r).is_err(), "{s:?} is final");
            }
        }
        assert!(
            InfoRequested.after(Review::Approve).is_err(),
            "the answer is reviewed first"
        );
        assert!(Submitted.after(Review::Resubmit).is_err());
        assert!(InfoRequested.editable() && !Submitted.editable());
    }

    #[test]
    fn prices_and_packages() {
        assert_eq!(parse_amount("price", "12.50"), Ok(1250));
        assert_eq!(parse_amount("price", "12"), Ok(1200));
        assert_eq!(parse_amount("price", "12,5"), Ok(1250));
        for bad in ["", "-3", "0", "0.00", "1.234", "abc", "1e3", "99999999999999999999"] {
            assert!(parse_amount("price", bad).is_err(), "{bad}");
        }
        assert_eq!(parse_amount("price", "0").unwrap_err().code, "price-not-positive");
        assert_eq!(format_amount(1250), "12.50");
        assert_eq!(format_amount(-50), "-0.50");
        assert_eq!(format_amount(-1205), "-12.05");
        assert_eq!(check_trial_price(500, 1250), Ok(500));
        assert!(check_trial_price(1500, 1250).is_err());
        assert_eq!(check_trial_price(1250, 1250).unwrap_err().code, "trial-not-reduced");
        assert_eq!(package_price(1999, 10, 10), Ok(17991));
        assert!(package_price(1000, 7, 10).is_err());
        assert!(package_price(1000, 5, 60).is_err());
        assert_eq!(parse_duration(45), Ok(45));
        assert!(parse_duration(50).is_err());
    }

    #[test]
    fn contact_details_are_found() {
        for (text, kind) in [
            ("Write me at ana.perez@gmail.com!", ContactDetail::Email),
            ("ana at gmail dot com", ContactDetail::Email),
            ("Call +44 (0)20 7946-0018", ContactDetail::Phone),
            ("my number is 612 345 678", ContactDetail::Phone),
            ("see https://example.org/lessons", ContactDetail::Link),
            ("www.myschool.es", ContactDetail::Link),
            ("Add me on Skype: ana_teacher", ContactDetail::Messenger),
            ("WhatsApp me", ContactDetail::Messenger),
            ("find me @ana_teaches", ContactDetail::Messenger),
            ("t.me/anateacher", ContactDetail::Link),
        ] {
            assert_eq!(find_contact_detail(text), Some(kind), "{text}");
        }
        for fine in [
            "I have taught Spanish since 2010-2015 and love it.",
            "Lessons at 9.30 and at 18.00; 45 or 60 minutes.",
            "I studied at the University of Salamanca.",
            "Class sizes of 1 to 3, levels A1-C2.",
        ] {
            assert_eq!(find_contact_detail(fine), None, "{fine}");
        }
        assert_eq!(
            public_text("bio", "mail ana@x.org", 100).unwrap_err().code,
            "contact-details-not-allowed"
        );
        assert_eq!(public_text("bio", " ", 100), Ok(None));
    }
}
