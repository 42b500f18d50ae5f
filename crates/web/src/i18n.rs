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
            .map(|t| i18n::dates::utc(self.locale, t))
            .unwrap_or_default()
    }

    /// A moment in the zone it carries: `Mon 7 Dec 2026, 18:00`.
    pub fn date_time(&self, at: &jiff::Zoned) -> String {
        i18n::dates::date_time(self.locale, at)
    }

    /// A day: `Monday 7 December 2026`.
    pub fn long_date(&self, d: jiff::civil::Date) -> String {
        i18n::dates::long_date(self.locale, d)
    }

    /// A day without its weekday: `7 Dec 2026`.
    pub fn date(&self, d: jiff::civil::Date) -> String {
        i18n::dates::plain_date(self.locale, d)
    }

    /// The same for a day kept as `YYYY-MM-DD` text (shown as it is if it
    /// is not one).
    pub fn iso_date(&self, d: &str) -> String {
        d.parse().map_or_else(|_| d.to_owned(), |d| self.date(d))
    }
}
