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
