//! How values read on a page: money, instants in the viewer's zone and
//! language, names of members who left.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use koine_domain::teaching::format_amount;

pub fn money(minor: i64, currency: &str) -> String {
    format!("{} {currency}", format_amount(minor))
}

/// `Tue 8 Dec 2026, 18:00` (as the page's language writes it) in `zone`.
pub fn local(i18n: &crate::i18n::I18n, us: i64, zone: &TimeZone) -> String {
    Timestamp::from_microsecond(us)
        .map(|t| i18n.date_time(&t.to_zoned(zone.clone())))
        .unwrap_or_default()
}

pub fn name_or_former(i18n: &crate::i18n::I18n, name: &str) -> String {
    if name.is_empty() {
        i18n.t("former-member")
    } else {
        name.to_owned()
    }
}
