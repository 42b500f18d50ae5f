//! Profile values and who may see them.

use crate::validation::optional_text;
use crate::{Invalid, Valid};
use serde::Serialize;

pub const DISPLAY_NAME_MAX: usize = 60;
pub const BIO_MAX: usize = 2000;
pub const LOCATION_MAX: usize = 100;
pub const MAX_LANGUAGES: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Valid<Self> {
        match crate::validation::name_text("display_name", raw, DISPLAY_NAME_MAX)? {
            Some(s) if !s.contains(['\n', '\r', '<', '>']) => Ok(Self(s)),
            Some(_) => Err(Invalid::new("display_name", "invalid-characters")),
            None => Err(Invalid::new("display_name", "required")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn parse_bio(raw: &str) -> Valid<Option<String>> {
    optional_text("bio", raw, BIO_MAX)
}

pub fn parse_location(raw: &str) -> Valid<Option<String>> {
    crate::validation::name_text("location", raw, LOCATION_MAX)
}

/// Who is looking at a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Anonymous,
    Member,
    Owner,
}

named_enum!(
    /// Per-field visibility chosen by the owner.
    #[derive(Default)]
    Visibility, "visibility" { Public => "public", Members => "members", #[default] Private => "private" }
);

impl Visibility {
    pub fn visible_to(self, viewer: Viewer) -> bool {
        match (self, viewer) {
            (_, Viewer::Owner) | (Self::Public, _) => true,
            (Self::Members, Viewer::Member) => true,
            (Self::Members, Viewer::Anonymous) | (Self::Private, _) => false,
        }
    }
}

named_enum!(
    /// The interface languages Koine ships.
    UiLocale, "ui_locale" { En => "en", Ja => "ja", ZhCn => "zh-CN", Es => "es" }
);

impl UiLocale {
    /// A first guess at the time zone of someone who reads this language,
    /// until they say otherwise.
    pub fn likely_time_zone(self) -> &'static str {
        match self {
            Self::Ja => "Asia/Tokyo",
            Self::ZhCn => "Asia/Shanghai",
            Self::Es => "Europe/Madrid",
            Self::En => "UTC",
        }
    }

    /// The language a stored setting names: English when there is none,
    /// or it is not one Koine ships.
    pub fn of_setting(setting: Option<&str>) -> Self {
        setting.and_then(|l| Self::parse(l).ok()).unwrap_or(Self::En)
    }
}

named_enum!(
    /// Common European Framework of Reference levels, plus native.
    Cefr, "level" { A1 => "A1", A2 => "A2", B1 => "B1", B2 => "B2", C1 => "C1", C2 => "C2", Native => "native" }
);

impl Cefr {
    /// The levels at which one may teach a language.
    pub const TEACHABLE: &'static [Self] = &[Self::Native, Self::C2, Self::C1];
}

named_enum!(
    Gender, "gender" { Female => "female", Male => "male", NonBinary => "non_binary", Other => "other" }
);

impl UiLocale {
    /// Picks the best supported locale from an `Accept-Language` header.
    pub fn negotiate(accept_language: &str) -> Option<Self> {
        let mut prefs: Vec<(f32, &str)> = accept_language
            .split(',')
            .filter_map(|part| {
                let mut it = part.trim().split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.parse::<f32>().ok())?;
                (!tag.is_empty() && q > 0.0).then_some((q, tag))
            })
            .collect();
        // Stable sort keeps the header's order among equal weights.
        prefs.sort_by(|a, b| b.0.total_cmp(&a.0));
        prefs.into_iter().find_map(|(_, tag)| Self::from_tag(tag))
    }

    fn from_tag(tag: &str) -> Option<Self> {
        let lower = tag.to_ascii_lowercase();
        let primary = lower.split(['-', '_']).next().unwrap_or("");
        match primary {
            "en" => Some(Self::En),
            "ja" => Some(Self::Ja),
            "es" => Some(Self::Es),
            // Traditional-script Chinese readers get Simplified rather than nothing.
            "zh" => Some(Self::ZhCn),
            _ => None,
        }
    }
}

/// ISO 3166-1 alpha-2 country codes.
pub const COUNTRY_CODES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA",
    "ZM", "ZW",
];

/// Languages a person can speak or learn here (ISO 639-1, `yue` for Cantonese).
pub const LANGUAGE_CODES: &[&str] = &[
    "af", "am", "ar", "az", "bg", "bn", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et", "eu", "fa", "fi", "fr",
    "ga", "gl", "gu", "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja", "ka", "kk", "km", "kn", "ko", "lo", "lt",
    "lv", "mn", "mr", "ms", "my", "ne", "nl", "no", "pa", "pl", "pt", "ro", "ru", "si", "sk", "sl", "sr", "sv", "sw",
    "ta", "te", "th", "tl", "tr", "uk", "ur", "uz", "vi", "yo", "yue", "zh", "zu",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Country(&'static str);

impl Country {
    pub fn parse(raw: &str) -> Valid<Self> {
        let up = raw.trim().to_ascii_uppercase();
        COUNTRY_CODES
            .iter()
            .find(|c| **c == up)
            .map(|c| Self(c))
            .ok_or(Invalid::new("country", "invalid-choice"))
    }

    pub fn code(self) -> &'static str {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Language(&'static str);

impl Language {
    pub fn parse(raw: &str) -> Valid<Self> {
        let low = raw.trim().to_ascii_lowercase();
        LANGUAGE_CODES
            .iter()
            .find(|c| **c == low)
            .map(|c| Self(c))
            .ok_or(Invalid::new("language", "invalid-choice"))
    }

    pub fn code(self) -> &'static str {
        self.0
    }
}

/// An IANA time-zone name that the bundled tz database knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(raw: &str) -> Valid<Self> {
        let name = raw.trim();
        let bad = || Invalid::new("time_zone", "invalid-time-zone");
        if name.is_empty() || name.len() > 64 {
            return Err(bad());
        }
        let tz = jiff::tz::TimeZone::get(name).map_err(|_| bad())?;
        // Lookup is case-insensitive and knows "Etc/Unknown"; keep the canonical name.
        match tz.iana_name() {
            Some(canonical) if canonical != "Etc/Unknown" => Ok(Self(canonical.to_owned())),
            _ => Err(bad()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One spoken or learned language with its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LanguageSkill {
    pub language: Language,
    pub level: Cefr,
}

/// Native and learning languages; a language appears once.
pub fn check_languages(skills: &[LanguageSkill]) -> Valid<()> {
    if skills.len() > MAX_LANGUAGES {
        return Err(Invalid::new("languages", "too-many"));
    }
    let mut seen = std::collections::HashSet::new();
    if skills.iter().all(|s| seen.insert(s.language)) {
        Ok(())
    } else {
        Err(Invalid::new("languages", "duplicate-language"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visibility_matrix() {
        use Viewer::*;
        use Visibility::*;
        let expect = [
            (Public, [true, true, true]),
            (Members, [false, true, true]),
            (Private, [false, false, true]),
        ];
        for (vis, row) in expect {
            for (viewer, want) in [Anonymous, Member, Owner].into_iter().zip(row) {
                assert_eq!(vis.visible_to(viewer), want, "{vis:?} {viewer:?}");
            }
        }
    }

    #[test]
    fn code_lists_are_complete_and_sorted() {
        assert_eq!(COUNTRY_CODES.len(), 249);
        assert!(COUNTRY_CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(LANGUAGE_CODES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(Country::parse("jp").unwrap().code(), "JP");
        assert!(Country::parse("XX").is_err());
        assert!(Language::parse("klingon").is_err());
    }

    #[test]
    fn negotiates_locale() {
        assert_eq!(UiLocale::negotiate("ja-JP,ja;q=0.9,en;q=0.8"), Some(UiLocale::Ja));
        assert_eq!(UiLocale::negotiate("fr-FR, es;q=0.5, en;q=0.4"), Some(UiLocale::Es));
        assert_eq!(UiLocale::negotiate("en;q=0.1, zh-TW;q=0.9"), Some(UiLocale::ZhCn));
        assert_eq!(UiLocale::negotiate("de"), None);
        assert_eq!(UiLocale::negotiate("es;q=0, en"), Some(UiLocale::En));
        assert_eq!(UiLocale::negotiate(""), None);
    }

    #[test]
    fn time_zones_and_names() {
        assert!(TimeZoneName::parse("Australia/Lord_Howe").is_ok());
        assert!(TimeZoneName::parse("Mars/Olympus").is_err());
        assert!(DisplayName::parse("  ").is_err());
        assert!(DisplayName::parse("<b>x</b>").is_err());
        assert_eq!(DisplayName::parse(" Ana ").unwrap().as_str(), "Ana");
    }

    #[test]
    fn languages_unique() {
        let en = Language::parse("en").unwrap();
        let s = LanguageSkill {
            language: en,
            level: Cefr::Native,
        };
        assert!(check_languages(&[s]).is_ok());
        assert!(check_languages(&[s, s]).is_err());
    }
}
