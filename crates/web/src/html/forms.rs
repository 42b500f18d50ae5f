//! What pages with forms share: the choices a select offers, the fields
//! of a checkout, an idempotency key from a hidden field, and how a
//! refused call is shown beside its field.

use crate::AppState;
use crate::error::{FieldError, PageError};
use axum::http::StatusCode;
use koine_domain::cards::Card;
use koine_services::Error;
use koine_services::booking::lessons::CardInput;
use koine_services::idempotency::IdempotencyKey;

pub fn key_of(raw: &str) -> Result<IdempotencyKey, PageError> {
    IdempotencyKey::parse(raw).map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error-invalid-idempotency-key"))
}

/// A card from the checkout's fields; none if the number is empty.
pub fn card_of(st: &AppState, number: &str, expiry: &str, cvc: &str) -> Result<Option<Card>, koine_domain::Invalid> {
    card_input(number, expiry, cvc)
        .map(|c| c.parse(st.svc.clock.today_utc()))
        .transpose()
}

/// A checkout's card fields as typed; none when the number is empty (the
/// wallet pays).
pub fn card_input(number: &str, expiry: &str, cvc: &str) -> Option<CardInput> {
    (!number.trim().is_empty()).then(|| CardInput {
        number: number.to_owned(),
        expiry: expiry.to_owned(),
        cvc: cvc.to_owned(),
    })
}

/// An optional id from a form's hidden field: empty is none, anything
/// else must be an id (a malformed one is refused, never dropped).
pub fn optional_id(raw: &str) -> Result<Option<uuid::Uuid>, PageError> {
    match raw.trim() {
        "" => Ok(None),
        id => id
            .parse()
            .map(Some)
            .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error-bad-request")),
    }
}

/// A refused booking or payment, for the form: a refusal shows at the top.
pub fn form_error(e: &Error) -> Option<FieldError> {
    FieldError::of(e, "booking")
}

/// Countries by their localized names, for a select.
pub fn country_choices(i18n: &crate::i18n::I18n) -> Vec<(&'static str, String)> {
    let mut v: Vec<_> = koine_domain::profile::COUNTRY_CODES
        .iter()
        .map(|c| (*c, i18n.country(c)))
        .collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

/// Languages by their localized names, for a select.
pub fn language_choices(i18n: &crate::i18n::I18n) -> Vec<(&'static str, String)> {
    let mut v: Vec<_> = koine_domain::profile::LANGUAGE_CODES
        .iter()
        .map(|c| (*c, i18n.language(c)))
        .collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

pub fn level_choices(i18n: &crate::i18n::I18n, levels: &[koine_domain::profile::Cefr]) -> Vec<(&'static str, String)> {
    levels
        .iter()
        .map(|l| (l.as_str(), i18n.t(&format!("level-{}", l.as_str()))))
        .collect()
}

/// The repeated language-and-level pickers of a form (a profile's
/// languages, the languages a teacher teaches), shown by
/// `language_rows.html`.
pub struct LanguageRows {
    pub slots: Vec<usize>,
    pub languages: Vec<(&'static str, String)>,
    pub levels: Vec<(&'static str, String)>,
}

impl LanguageRows {
    pub fn new(i18n: &crate::i18n::I18n, slots: usize, levels: &[koine_domain::profile::Cefr]) -> Self {
        Self {
            slots: (0..slots).collect(),
            languages: language_choices(i18n),
            levels: level_choices(i18n, levels),
        }
    }
}

/// Weekdays 1 (Monday) … 7 with their localized names.
pub fn weekday_choices(i18n: &crate::i18n::I18n) -> Vec<(u8, String)> {
    (1..=7).map(|d| (d, i18n.t(&format!("weekday-{d}")))).collect()
}

/// The personal-data categories staff can pick (breaches, disclosures),
/// with their localized names.
pub fn personal_categories(i18n: &crate::i18n::I18n) -> Vec<(&'static str, String)> {
    koine_domain::privacy::CATEGORIES
        .iter()
        .filter(|(c, _)| c.starts_with("user.") && *c != "user.unique_id")
        .map(|(c, _)| (*c, super::category_name(i18n, c)))
        .collect()
}
