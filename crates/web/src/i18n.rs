//! The translator handed to templates.

use koine_domain::profile::UiLocale;
use koine_services::i18n;

#[derive(Debug, Clone, Copy)]
pub struct I18n {
    pub locale: UiLocale,
}

impl I18n {
    pub fn t(&self, key: &str) -> String {
        i18n::t(self.locale, key)
    }

    pub fn t1(&self, key: &str, name: &'static str, value: impl ToString) -> String {
        i18n::t_args(self.locale, key, &[(name, value.to_string())])
    }

    /// The `lang` attribute value.
    pub fn lang(&self) -> &'static str {
        self.locale.as_str()
    }

    pub fn country(&self, code: &str) -> String {
        self.t(&format!("country-{code}"))
    }

    pub fn language(&self, code: &str) -> String {
        self.t(&format!("lang-{code}"))
    }

    /// Formats an instant (µs) in UTC for tables.
    pub fn instant(&self, us: &i64) -> String {
        jiff::Timestamp::from_microsecond(*us)
            .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default()
    }
}
