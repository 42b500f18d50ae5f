//! The shapes of the values the API takes, as the server parses them: what
//! the OpenAPI document states for each field (`#[schema(schema_with = …)]`).
//! The rules are read from where the domain keeps them (closed sets,
//! lengths, the characters a kind of text refuses), so the document follows
//! the code. What no schema can say (a password's strength, a card's check
//! digit, a date relative to today) the operation's description says, and
//! `scripts/schemathesis.toml` names it for the fuzzer.

use koine_domain::validation::{TextRule, whitespace_ranges};
use std::ops::RangeInclusive;
use utoipa::openapi::schema::{AdditionalProperties, SchemaType};
use utoipa::openapi::{Array, ArrayBuilder, KnownFormat, Object, ObjectBuilder, SchemaFormat, Type};

/// A regular-expression class body matching `ranges` (Python's and
/// ECMA-262's `\uXXXX` in the Basic Multilingual Plane, the character
/// itself beyond it).
fn class(ranges: &[RangeInclusive<u32>]) -> String {
    let one = |u: u32| match char::from_u32(u) {
        Some(c) if u > 0xFFFF => c.to_string(),
        _ => format!("\\u{u:04X}"),
    };
    ranges
        .iter()
        .map(|r| match (*r.start(), *r.end()) {
            (a, b) if a == b => one(a),
            (a, b) => format!("{}-{}", one(a), one(b)),
        })
        .collect()
}

/// The class of characters `rule` refuses: read once, as finding the
/// ranges walks every code point.
fn refused(rule: TextRule, also: &str) -> String {
    use std::sync::LazyLock;
    static CLASSES: LazyLock<[(TextRule, String); 3]> = LazyLock::new(|| {
        [TextRule::Visible, TextRule::FreeText, TextRule::Name].map(|r| (r, class(&r.refused_ranges())))
    });
    let (_, refused) = CLASSES.iter().find(|(r, _)| *r == rule).expect("every rule is listed");
    format!("{refused}{also}")
}

/// The class of the characters `trim` takes off, read once.
fn whitespace() -> &'static str {
    use std::sync::LazyLock;
    static WHITESPACE: LazyLock<String> = LazyLock::new(|| class(&whitespace_ranges()));
    &WHITESPACE
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn pattern(p: String) -> ObjectBuilder {
    string().pattern(Some(p))
}

/// Text under `rule`, possibly empty, up to `max` characters.
fn text(rule: TextRule, max: usize) -> ObjectBuilder {
    pattern(format!("^[^{}]*$", refused(rule, ""))).max_length(Some(max))
}

/// Text under `rule` with something in it besides spaces (the server trims),
/// without the characters in `also`, up to `max` characters.
fn filled(rule: TextRule, also: &str, max: usize) -> ObjectBuilder {
    let no = refused(rule, also);
    let space = whitespace();
    pattern(format!("^[^{no}]*[^{no}{space}][^{no}]*$")).max_length(Some(max))
}

fn integer(min: i64, max: i64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min as f64))
        .maximum(Some(max as f64))
}

fn one_of<V: Into<serde_json::Value>>(values: impl IntoIterator<Item = V>) -> ObjectBuilder {
    string().enum_values(Some(values))
}

/// One of `values`, or empty.
fn blank_or<V: Into<serde_json::Value>>(values: impl IntoIterator<Item = V>) -> ObjectBuilder {
    one_of(std::iter::once(serde_json::Value::from("")).chain(values.into_iter().map(Into::into)))
}

/// The names of a closed set.
fn names<T: std::fmt::Display>(all: &[T]) -> ObjectBuilder {
    one_of(all.iter().map(ToString::to_string))
}

/// The same shape, or `null` (which the server takes as "not given").
fn or_null(b: ObjectBuilder) -> Object {
    let mut o = b.build();
    if let SchemaType::Type(t) = o.schema_type {
        o.schema_type = SchemaType::from_iter([t, Type::Null]);
    }
    if let Some(values) = o.enum_values.as_mut() {
        values.push(serde_json::Value::Null);
    }
    o
}

/// Declares `name()` for a shape a field requires, `/ name_or_null()` for
/// one a field may leave out, or both.
macro_rules! shapes {
    ($($($name:ident)? $(/ $nullable:ident)? => $shape:expr;)*) => {$(
        $(
            pub fn $name() -> Object {
                $shape.build()
            }
        )?
        $(
            pub fn $nullable() -> Object {
                or_null($shape)
            }
        )?
    )*};
}

const EMAIL: &str = r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+";
const PHONE: &str = r"\+[1-9][0-9]{7,14}";

shapes! {
    // Any string the edge takes: no invisible character but the joiners.
    visible => text(TextRule::Visible, 1000);
    // An email address as `Email` takes it (a subset: the server also
    // takes other characters in the local part).
    email / email_or_null => pattern(format!("^{EMAIL}$")).max_length(Some(254));
    // A phone number in E.164 form (the server also drops spaces, dots,
    // dashes and brackets people type).
    phone / phone_or_null => pattern(format!("^{PHONE}$"));
    // An email address or an E.164 phone number.
    identifier => pattern(format!("^({EMAIL}|{PHONE})$")).max_length(Some(254));
    // A new password: 8–128 characters, taken as typed, and refused (422,
    // `password-too-guessable`) when a strength estimator finds it guessable.
    new_password => string()
        .description(Some("8–128 characters, taken as typed; refused (422, password-too-guessable) when a strength estimator finds it guessable."))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
        .min_length(Some(koine_domain::password::MIN_CHARS))
        .max_length(Some(koine_domain::password::MAX_CHARS));
    // A password to check: taken as typed.
    password => string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)));
    display_name =>
        filled(TextRule::Name, "<>", koine_domain::profile::DISPLAY_NAME_MAX);
    / bio_or_null => text(TextRule::FreeText, koine_domain::profile::BIO_MAX);
    / location_or_null => text(TextRule::Name, koine_domain::profile::LOCATION_MAX);
    // `YYYY-MM-DD`; the server also refuses a date after today or more
    // than 120 years ago.
    birth_date => string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)));
    time_zone / time_zone_or_null => one_of(time_zones());
    / country_or_null => one_of(koine_domain::profile::COUNTRY_CODES.iter().copied());
    language => one_of(koine_domain::profile::LANGUAGE_CODES.iter().copied());
    level => names(koine_domain::profile::Cefr::ALL);
    / gender_or_null => names(koine_domain::profile::Gender::ALL);
    visibility / visibility_or_null => names(koine_domain::profile::Visibility::ALL);
    ui_locale / ui_locale_or_null => names(koine_domain::profile::UiLocale::ALL);
    // What a member may object to (GDPR Art. 21).
    objectable =>
        one_of(koine_services::restriction::OBJECTABLE.iter().map(|p| p.as_str()));
    correctable_field =>
        names(koine_domain::requests::CorrectableField::ALL);
    lesson_kind => names(koine_domain::booking::LessonKind::ALL);
    lesson_status => names(koine_domain::booking::LessonStatus::ALL);
    coupon_kind => names(koine_domain::coupons::CouponKind::ALL);
    outcome / outcome_or_null => names(koine_domain::booking::Outcome::ALL);
    / cancelled_by_or_null => names(koine_domain::booking::CancelledBy::ALL);
    proposal_status => names(koine_domain::booking::ProposalStatus::ALL);
    payout_method => names(koine_domain::banking::PayoutMethod::ALL);
    payout_status => names(koine_domain::banking::PayoutStatus::ALL);
    entry_kind => names(koine_domain::ledger::EntryKind::ALL);
    payment_method => names(koine_domain::payments::PaymentMethod::ALL);
    payment_status => names(koine_domain::payments::PaymentStatus::ALL);
    refund_status => names(koine_domain::payments::RefundStatus::ALL);
    invoice_kind => names(koine_domain::payments::InvoiceKind::ALL);
    / problem_kind_or_null =>
        names(koine_domain::booking::ProblemKind::ALL);
    // A coupon code (any case).
    coupon / coupon_or_null => pattern(r"^[A-Za-z0-9-]{4,32}$".into())
        .description(Some("Must name a coupon that exists and has not expired."));
    // A card number, digits only here (the server also drops spaces and
    // dashes); it must pass the Luhn check.
    card_number => pattern(r"^[0-9]{12,19}$".into()).description(Some("Must pass the Luhn check."));
    // `MM/YY` or `MM/YYYY`, not before this month.
    card_expiry => pattern(r"^(0[1-9]|1[0-2])/([0-9]{2}|[0-9]{4})$".into())
        .description(Some("`MM/YY` or `MM/YYYY`, not before this month."));
    card_cvc => pattern(r"^[0-9]{3,4}$".into());
    // An IBAN; it must pass the ISO 13616 check.
    iban => pattern(r"^[A-Za-z]{2}[0-9]{2}[A-Za-z0-9]{11,30}$".into())
        .description(Some("Must pass the ISO 13616 check digits."));
    / bic_or_null => pattern(r"^([A-Za-z0-9]{8}|[A-Za-z0-9]{11})?$".into());
    account_holder => filled(TextRule::Name, "", koine_domain::banking::HOLDER_MAX);
    // A reason staff give, kept in the audit log.
    staff_reason / staff_reason_or_null => filled(TextRule::FreeText, "", koine_services::staff::REASON_MAX);
    // Why a member restricts processing (may be empty).
    restriction_reason =>
        text(TextRule::FreeText, koine_services::restriction::REASON_MAX);
    // A note to the teacher with a booking; shown to them, so contact
    // details are refused.
    / booking_note_or_null => text(TextRule::FreeText, koine_services::booking::lessons::NOTE_MAX)
        .description(Some("Shown to the teacher: email addresses, phone numbers and links are refused."));
    // A review's text; public, so contact details are refused.
    / review_body_or_null => text(TextRule::FreeText, koine_services::booking::reviews::REVIEW_MAX)
        .description(Some("Public: email addresses, phone numbers and links are refused."));
    // A problem's description or a step's reason.
    / step_text_or_null => text(TextRule::FreeText, koine_services::booking::lessons::STEP_TEXT_MAX);
    // A bank reference or a payout refusal's reason.
    reference => filled(TextRule::FreeText, "", koine_services::payments::REFERENCE_MAX);
    // A corrected value: a date (`YYYY-MM-DD`) for `birth_date`, a name
    // for `real_name`.
    correction_value => filled(TextRule::FreeText, "", koine_services::corrections::VALUE_MAX)
        .description(Some("`YYYY-MM-DD` for `birth_date`; a name for `real_name`, which only a teacher has."));
    correction_note => text(TextRule::FreeText, koine_services::corrections::NOTE_MAX);
    // A message between members; until the two have had a paid lesson,
    // contact details in it are hidden.
    message_body / message_body_or_null => filled(TextRule::FreeText, "", koine_domain::messaging::MAX_CHARS)
        .description(Some("Until the two members have had a paid lesson, email addresses, phone numbers, messenger handles and links are hidden."));
    // A lesson's shared notes pad (empty clears it).
    shared_notes => text(TextRule::FreeText, koine_domain::classroom::MAX_NOTES_CHARS);
    message_kind => names(koine_domain::messaging::MessageKind::ALL);
    block_reason => names(koine_domain::messaging::BlockReason::ALL);
    report_reason => names(koine_domain::messaging::ReportReason::ALL);
    report_status => names(koine_domain::messaging::ReportStatus::ALL);
    report_outcome / report_outcome_or_null => names(koine_domain::messaging::ReportOutcome::ALL);
    / report_details_or_null => text(TextRule::FreeText, koine_domain::messaging::REPORT_DETAILS_MAX);
    message_query => filled(TextRule::FreeText, "", koine_services::messaging::QUERY_MAX);
    rating => integer(1, 5);
    duration => ObjectBuilder::new()
        .schema_type(Type::Integer)
        .enum_values(Some(koine_domain::teaching::DURATIONS));
    // Why staff open a record (may be empty).
    view_reason => text(TextRule::FreeText, koine_services::staff::REASON_MAX);
    member_query => text(TextRule::FreeText, koine_services::staff::QUERY_MAX);
    // Teacher search, where an empty filter is no filter (as a form sends
    // it). An amount like `10`, `10.5` or `10.50` (`,` too).
    price => pattern(r"^([0-9]{1,5}([.,][0-9]{1,2})?)?$".into())
        .description(Some("More than 0 and at most 10000.00; `min_price` not above `max_price`."));
    flag => one_of(koine_services::teaching::search::NATIVE_FLAGS.iter().map(|(name, _)| *name));
    tier => blank_or(koine_domain::teaching::Tier::ALL.iter().map(|t| t.as_str()));
    any_language => blank_or(koine_domain::profile::LANGUAGE_CODES.iter().copied());
    any_country => blank_or(koine_domain::profile::COUNTRY_CODES.iter().copied());
    any_time_zone => blank_or(time_zones());
    min_rating => pattern(r"^([1-4](\.[0-9]{1,2})?|5(\.0{1,2})?)?$".into());
    weekdays => pattern(r"^([1-7](,[1-7])*)?$".into());
    quarter_hour => pattern(r"^(([01][0-9]|2[0-3]):(00|15|30|45)|24:00)?$".into())
        .description(Some("`from` and `to` are given together and differ."));
    search_words => pattern(format!("^[^{}]*$", refused(TextRule::Visible, "")));
    sort => blank_or(koine_domain::search::Sort::ALL.iter().map(|s| s.as_str()));
    result_page => integer(0, koine_services::teaching::search::MAX_PAGE as i64);
    package_size => ObjectBuilder::new()
        .schema_type(Type::Integer)
        .enum_values(Some(koine_domain::teaching::PACKAGE_SIZES));
    // A card payment into the wallet, in minor units.
    card_payment =>
        integer(koine_services::payments::MIN_CARD_PAYMENT, koine_services::payments::MAX_PAYMENT);
    // A bank transfer, in minor units.
    transfer_amount => integer(1, koine_services::payments::MAX_PAYMENT);
    // A refund to a card, in minor units (at most what is left of the payment).
    refund_amount => integer(1, i64::MAX);
    // A payout, in minor units (at least the operator's minimum).
    payout_amount => integer(1, koine_services::payments::MAX_PAYMENT * 10)
        .description(Some("In minor units; at least the operator's payout minimum."));
    // What a split gives back to the learner, in minor units.
    / split_refund_or_null => integer(0, i64::MAX);
}

/// A profile's languages, each once, with its level.
pub fn languages() -> Array {
    let skill = ObjectBuilder::new()
        .property("language", language())
        .property("level", level())
        .required("language")
        .required("level")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    ArrayBuilder::new()
        .items(skill)
        .max_items(Some(koine_domain::profile::MAX_LANGUAGES))
        .description(Some("Each language once."))
        .build()
}

/// Consent choices: purpose → `true` (give) or `false` (withdraw).
pub fn consent_choices() -> Object {
    koine_domain::consent::ConsentPurpose::ALL
        .iter()
        .fold(ObjectBuilder::new(), |b, p| {
            b.property(p.as_str(), ObjectBuilder::new().schema_type(Type::Boolean))
        })
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .build()
}

/// A message with files, as `multipart/form-data`: its text (may be left
/// out) and one to five files.
pub fn message_with_files() -> Object {
    let max = koine_domain::messaging::MAX_ATTACHMENTS;
    ObjectBuilder::new()
        // Beside files the text may be empty: a message of files alone.
        .property("body", text(TextRule::FreeText, koine_domain::messaging::MAX_CHARS))
        .property(
            "files",
            ArrayBuilder::new()
                .items(string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary))))
                .min_items(Some(1))
                .max_items(Some(max)),
        )
        .required("files")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .description(Some(
            "Each file a PDF, JPEG or PNG (judged by its bytes) of at most 10 MB; pictures are re-encoded, which drops their metadata. Files may be sent once the two members have had a confirmed lesson.",
        ))
        .build()
}

/// Every IANA name the bundled time-zone database knows, as `TimeZoneName`
/// takes it.
fn time_zones() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_owned())
        .filter(|n| koine_domain::profile::TimeZoneName::parse(n).is_ok_and(|t| t.as_str() == n))
        .collect();
    names.sort();
    names
}
