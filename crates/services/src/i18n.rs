//! Interface and message text in English, Japanese, Simplified Chinese and
//! Spanish (Fluent files under `locales/`, compiled into the binary).

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use koine_domain::profile::UiLocale;
use std::borrow::Cow;
use std::collections::HashMap;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Without this, arguments are wrapped in invisible isolation marks.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN: LanguageIdentifier = langid!("en");
static JA: LanguageIdentifier = langid!("ja");
static ZH_CN: LanguageIdentifier = langid!("zh-CN");
static ES: LanguageIdentifier = langid!("es");

fn lang(locale: UiLocale) -> &'static LanguageIdentifier {
    match locale {
        UiLocale::En => &EN,
        UiLocale::Ja => &JA,
        UiLocale::ZhCn => &ZH_CN,
        UiLocale::Es => &ES,
    }
}

pub fn t(locale: UiLocale, key: &str) -> String {
    LOCALES.lookup(lang(locale), key)
}

pub fn t_args(locale: UiLocale, key: &str, args: &[(&'static str, String)]) -> String {
    let map: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
        .collect();
    LOCALES.lookup_with_args(lang(locale), key, &map)
}

/// Dates and times written the way `locale` writes them: weekday and
/// month names and the order of the parts come from the Fluent files.
pub mod dates {
    use super::{UiLocale, t, t_args};
    use jiff::Zoned;
    use jiff::civil::Date;

    fn parts(locale: UiLocale, d: Date, long: bool) -> Vec<(&'static str, String)> {
        let weekday = d.weekday().to_monday_one_offset();
        let month = d.month();
        let (w, m) = if long {
            ("date-weekday", "date-month")
        } else {
            ("date-weekday-short", "date-month-short")
        };
        vec![
            ("weekday", t(locale, &format!("{w}-{weekday}"))),
            ("day", d.day().to_string()),
            ("month", t(locale, &format!("{m}-{month}"))),
            ("monthnum", month.to_string()),
            ("year", d.year().to_string()),
        ]
    }

    /// `Mon 7 Dec 2026, 18:00`, `2026年12月7日(月) 18:00`: a moment in the
    /// zone it carries.
    pub fn date_time(locale: UiLocale, at: &Zoned) -> String {
        let mut args = parts(locale, at.date(), false);
        args.push(("time", time(at)));
        t_args(locale, "date-time", &args)
    }

    /// `Monday 7 December 2026`, `lunes, 7 de diciembre de 2026`.
    pub fn long_date(locale: UiLocale, d: Date) -> String {
        t_args(locale, "date-long", &parts(locale, d, true))
    }

    /// `7 Dec 2026`, `2026年12月7日`.
    pub fn plain_date(locale: UiLocale, d: Date) -> String {
        t_args(locale, "date-plain", &parts(locale, d, false))
    }

    /// `7 Dec 2026, 18:00 UTC`: an instant in records and tables.
    pub fn utc(locale: UiLocale, at: jiff::Timestamp) -> String {
        let z = at.to_zoned(jiff::tz::TimeZone::UTC);
        let mut args = parts(locale, z.date(), false);
        args.push(("time", time(&z)));
        t_args(locale, "date-time-utc", &args)
    }

    /// `18:00`: every locale Koine ships writes the 24-hour clock.
    pub fn time(at: &Zoned) -> String {
        at.strftime("%H:%M").to_string()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn monday() -> Zoned {
            "2026-12-07T18:05:00[Europe/Madrid]".parse().unwrap()
        }

        #[test]
        fn each_locale_writes_its_own_way() {
            let z = monday();
            assert_eq!(date_time(UiLocale::En, &z), "Mon 7 Dec 2026, 18:05");
            assert_eq!(date_time(UiLocale::Es, &z), "lun 7 dic 2026, 18:05");
            assert_eq!(date_time(UiLocale::Ja, &z), "2026年12月7日(月) 18:05");
            assert_eq!(date_time(UiLocale::ZhCn, &z), "2026年12月7日 周一 18:05");
            assert_eq!(long_date(UiLocale::En, z.date()), "Monday 7 December 2026");
            assert_eq!(long_date(UiLocale::Es, z.date()), "lunes, 7 de diciembre de 2026");
            assert_eq!(long_date(UiLocale::Ja, z.date()), "2026年12月7日 月曜日");
            assert_eq!(long_date(UiLocale::ZhCn, z.date()), "2026年12月7日 星期一");
            assert_eq!(plain_date(UiLocale::Es, z.date()), "7 dic 2026");
            assert_eq!(utc(UiLocale::En, z.timestamp()), "7 Dec 2026, 17:05 UTC");
        }

        #[test]
        fn no_english_names_outside_english() {
            let english = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Dec", "Jan"];
            let mut day: Date = "2026-01-05".parse().unwrap();
            for _ in 0..400 {
                for l in [UiLocale::Es, UiLocale::Ja, UiLocale::ZhCn] {
                    let z = day.at(9, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).unwrap();
                    for text in [date_time(l, &z), long_date(l, day)] {
                        assert!(!english.iter().any(|e| text.contains(e)), "{l:?}: {text}");
                    }
                }
                day = day.tomorrow().unwrap();
            }
        }
    }
}

/// A language's name (by its code) in `locale`.
pub fn language_name(locale: UiLocale, code: &str) -> String {
    t(locale, &format!("lang-{code}"))
}

/// Whether `key` exists and formats in `locale` itself (not through the
/// fallback), given values for the arguments our messages use.
pub fn has_own(locale: UiLocale, key: &str) -> bool {
    let args: HashMap<Cow<'static, str>, FluentValue> = [
        "name",
        "age",
        "url",
        "code",
        "minutes",
        "days",
        "years",
        "version",
        "count",
        "when",
        "date",
        "kind",
        "reason",
        "outcome",
        "title",
        "message",
        "lessons",
        "zone",
        "price",
        "description",
        "other",
        "language",
        "proposed",
        "amount",
        "rating",
        "number",
        "weekday",
        "day",
        "month",
        "monthnum",
        "year",
        "time",
        "purposes",
        "purpose",
        "field",
        "before",
        "after",
        "what",
    ]
    .into_iter()
    .map(|k| (Cow::Borrowed(k), FluentValue::from("x")))
    .collect();
    LOCALES
        .lookup_no_default_fallback(lang(locale), key, Some(&args))
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_refusal_has_its_message_in_every_language() {
        let missing: Vec<String> = koine_domain::refusal::Refusal::ALL
            .iter()
            .flat_map(|r| UiLocale::ALL.iter().map(move |l| (*r, *l)))
            .filter(|(r, l)| !has_own(*l, r.message_key()))
            .map(|(r, l)| format!("{} in {}", r.message_key(), l.as_str()))
            .collect();
        assert!(missing.is_empty(), "refusals without a message: {missing:?}");
    }

    /// Message keys of every `.ftl` file of a locale.
    fn keys(locale: &str) -> BTreeSet<String> {
        let dir = format!("{}/locales/{locale}", env!("CARGO_MANIFEST_DIR"));
        let mut keys = BTreeSet::new();
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            keys.extend(
                text.lines()
                    .filter(|l| !l.starts_with([' ', '#', '.', '\t']) && l.contains(" ="))
                    .map(|l| l.split(" =").next().unwrap().trim().to_owned()),
            );
        }
        keys
    }

    #[test]
    fn every_locale_translates_every_key() {
        let en = keys("en");
        assert!(en.len() > 50, "English catalogue looks truncated");
        for (code, locale) in [("ja", UiLocale::Ja), ("zh-CN", UiLocale::ZhCn), ("es", UiLocale::Es)] {
            let other = keys(code);
            let missing: Vec<_> = en.difference(&other).collect();
            assert!(missing.is_empty(), "{code} lacks {missing:?}");
            let extra: Vec<_> = other.difference(&en).collect();
            assert!(extra.is_empty(), "{code} has keys English lacks: {extra:?}");
            for k in &en {
                assert!(has_own(locale, k), "{code}: {k} does not parse");
            }
        }
    }

    #[test]
    fn arguments_are_substituted() {
        let s = t_args(UiLocale::En, "mail-verify-subject", &[]);
        assert!(!s.contains("Unknown localization key"), "{s}");
        let s = t_args(UiLocale::Ja, "mail-greeting", &[("name", "Ana".into())]);
        assert!(s.contains("Ana"), "{s}");
    }
}
