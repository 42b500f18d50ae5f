//! Age rules: the operator's minimum learner age, minors, and the teacher age.

use crate::{Invalid, Valid};
use jiff::civil::Date;

pub const ADULT_AGE: i16 = 18;
/// Oldest plausible person; anything earlier is a typo.
const MAX_AGE: i16 = 130;

/// The operator's minimum learner age: 13–18, 16 by default (the strictest
/// GDPR default for consent without a guardian).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinimumAge(i16);

impl MinimumAge {
    pub const DEFAULT: Self = Self(16);

    pub fn new(years: i64) -> Result<Self, String> {
        if (13..=18).contains(&years) {
            Ok(Self(years as i16))
        } else {
            Err(format!("minimum learner age must be between 13 and 18, got {years}"))
        }
    }

    pub fn years(self) -> i16 {
        self.0
    }
}

impl Default for MinimumAge {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Whole years of age on `today` (a 29 February birthday counts from 1 March
/// in common years).
pub fn age_on(birth: Date, today: Date) -> i16 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// The first day on which a person born on `birth` is `years` old.
pub fn birthday_reaching(birth: Date, years: i16) -> Date {
    let year = birth.year() + years;
    Date::new(year, birth.month(), birth.day()).unwrap_or_else(|_| Date::new(year, 3, 1).expect("1 March exists"))
}

/// What the age gate decides at sign-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeDecision {
    /// Below the operator's minimum: sign-up is refused and nothing is kept.
    TooYoung,
    /// Allowed, but a minor until the given date (limited use until a guardian confirms).
    Minor {
        adult_on: Date,
    },
    Adult,
}

pub fn parse_birth_date(raw: &str, today: Date) -> Valid<Date> {
    let raw = raw.trim();
    // jiff also accepts a datetime here; only a plain YYYY-MM-DD is a birth date.
    if raw.len() != 10 {
        return Err(Invalid::new("birth_date", "invalid-date"));
    }
    let date: Date = raw.parse().map_err(|_| Invalid::new("birth_date", "invalid-date"))?;
    if date > today || age_on(date, today) > MAX_AGE {
        return Err(Invalid::new("birth_date", "implausible-birth-date"));
    }
    Ok(date)
}

pub fn decide(birth: Date, today: Date, minimum: MinimumAge) -> AgeDecision {
    let age = age_on(birth, today);
    if age < minimum.years() {
        AgeDecision::TooYoung
    } else if age < ADULT_AGE {
        AgeDecision::Minor {
            adult_on: birthday_reaching(birth, ADULT_AGE),
        }
    } else {
        AgeDecision::Adult
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn minimum_age_bounds() {
        assert!(MinimumAge::new(12).is_err());
        assert!(MinimumAge::new(19).is_err());
        assert_eq!(MinimumAge::new(13).unwrap().years(), 13);
    }

    #[test]
    fn decides_at_exact_birthdays() {
        let min = MinimumAge::DEFAULT;
        let today = date(2026, 11, 22);
        assert_eq!(decide(date(2010, 11, 23), today, min), AgeDecision::TooYoung);
        assert_eq!(
            decide(date(2010, 11, 22), today, min),
            AgeDecision::Minor {
                adult_on: date(2028, 11, 22)
            }
        );
        assert_eq!(decide(date(2008, 11, 22), today, min), AgeDecision::Adult);
        assert!(matches!(
            decide(date(2008, 11, 23), today, min),
            AgeDecision::Minor { .. }
        ));
    }

    #[test]
    fn leap_day_birthdays() {
        assert_eq!(age_on(date(2008, 2, 29), date(2026, 2, 28)), 17);
        assert_eq!(age_on(date(2008, 2, 29), date(2026, 3, 1)), 18);
        assert_eq!(birthday_reaching(date(2008, 2, 29), 18), date(2026, 3, 1));
    }

    #[test]
    fn birth_date_parsing() {
        let today = date(2026, 11, 22);
        assert!(parse_birth_date("2030-01-01", today).is_err());
        assert!(parse_birth_date("1850-01-01", today).is_err());
        assert!(parse_birth_date("22/11/2000", today).is_err());
        assert!(parse_birth_date("2000-01-31T10:00", today).is_err());
        assert_eq!(parse_birth_date(" 2000-01-31 ", today).unwrap(), date(2000, 1, 31));
    }

    proptest! {
        #[test]
        fn age_grows_by_one_each_birthday(y in 1900i16..2020, m in 1i8..=12, d in 1i8..=28, later in 0i16..100) {
            let birth = date(y, m, d);
            let bday = birthday_reaching(birth, later);
            prop_assert_eq!(age_on(birth, bday), later);
            if later > 0 {
                let eve = bday.yesterday().unwrap();
                prop_assert_eq!(age_on(birth, eve), later - 1);
            }
        }
    }
}
