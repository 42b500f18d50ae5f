//! The privacy taxonomy the data map is written in (ARCHITECTURE P1).
//!
//! Categories follow Fides' dotted style. Purposes, legal bases, retention
//! rules and erasure actions are closed sets so the notice, export, erasure
//! and retention code can match on them exhaustively.

use serde::Serialize;

/// Data categories Koine uses. The map may only name these.
pub const CATEGORIES: &[(&str, &str)] = &[
    ("system.operations", "Technical records with no personal content"),
    ("user.account.username", "Display name"),
    ("user.name", "Your name, as you gave it in a request"),
    ("user.account.settings", "Account and interface settings"),
    (
        "user.authorization.credentials",
        "Password hashes and secret tokens (stored hashed)",
    ),
    ("user.contact", "Email address or phone number"),
    ("user.contact.email", "Email address"),
    ("user.contact.phone_number", "Phone number"),
    ("user.contact.address.city", "Location you chose to share"),
    ("user.contact.address.country", "Country"),
    ("user.demographic.date_of_birth", "Date of birth and age status"),
    ("user.demographic.gender", "Gender"),
    ("user.demographic.language", "Languages you speak or learn"),
    ("user.content.public", "Profile texts you write"),
    ("user.content.video", "Your self-introduction video"),
    (
        "user.professional",
        "Education, teaching experience, expertise and certificates",
    ),
    ("user.government_id", "Identity document"),
    (
        "user.teaching",
        "What you teach, your prices and availability, and how you appear as a teacher",
    ),
    (
        "user.teaching.application",
        "Your application to teach and how it was reviewed",
    ),
    ("user.content.self_image", "Profile picture"),
    ("user.content.message", "Messages we send you"),
    (
        "user.content.conversation",
        "Messages you exchange with other members, and who takes part",
    ),
    ("user.account.blocks", "Members you blocked, and why"),
    (
        "user.content.report",
        "Reports of messages to trust & safety, and what was decided",
    ),
    ("user.content.request", "What you wrote in a request to us"),
    ("user.device.ip_address", "IP address"),
    (
        "user.device.ip_network",
        "The network an IP address belongs to (the address cut short)",
    ),
    ("user.device.device_type", "Browser and device description"),
    ("user.behavior.session", "Sign-in sessions and their activity times"),
    (
        "user.behavior.security_event",
        "Sign-ins, failed sign-ins and changes to your password, email or phone",
    ),
    (
        "user.behavior.attendance",
        "When you joined and left each lesson's classroom",
    ),
    (
        "user.behavior.attempts",
        "How many attempts came from one address or for one account in the last hour",
    ),
    ("user.unique_id", "Internal identifiers"),
    ("user.security.audit", "Records of staff access to your data"),
    ("user.security.breach", "Records of personal-data breaches"),
    (
        "user.security.fraud_ban",
        "Records that an account was closed for fraud, and why",
    ),
    ("user.security.encryption_key", "Your personal encryption key (wrapped)"),
    ("user.legal.hold", "Legal holds that keep your data for a legal claim"),
    (
        "user.legal.disclosure",
        "Records of your data given to someone outside Koine, such as an authority",
    ),
    ("user.privacy_preferences", "Your consent choices and privacy signals"),
    (
        "user.financial.transaction",
        "Lessons and packages you booked, what they cost and how they went",
    ),
    (
        "user.financial.payment",
        "Payments and refunds: amount, method, card brand and last four digits",
    ),
    ("user.financial.invoice", "Invoices and credit notes issued to you"),
    ("user.financial.balance", "Your credit and earnings accounts"),
    (
        "user.financial.ledger",
        "Ledger entries recording each movement of money",
    ),
    (
        "user.financial.bank_account",
        "Where your earnings are paid: bank account or PayPal",
    ),
    ("user.financial.payout", "Payouts of your earnings"),
    ("user.financial.coupon", "Coupons you added to your account"),
    (
        "user.content.lesson_note",
        "What you wrote about a lesson: notes to your teacher and problem reports",
    ),
    (
        "user.content.review",
        "Reviews and ratings of lessons, and teachers' replies",
    ),
    (
        "user.privacy_request",
        "Your data-protection requests and the exports you asked for",
    ),
];

/// Categories that describe a record itself (who did what, when) rather
/// than the person it is about. In a row someone appears in only as staff,
/// these are theirs to see; everything else belongs to the row's subject.
pub fn is_record_category(c: &str) -> bool {
    c.starts_with("system.")
        || matches!(
            c,
            "user.unique_id"
                | "user.security.audit"
                | "user.security.breach"
                | "user.security.fraud_ban"
                | "user.legal.hold"
                | "user.legal.disclosure"
                | "user.privacy_request"
        )
}

pub fn is_known_category(c: &str) -> bool {
    CATEGORIES.iter().any(|(k, _)| *k == c)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Running the account and the features the person asked for.
    ProvideService,
    /// Signing in, keeping accounts safe, preventing abuse.
    Security,
    /// Messages the service must send (verification, password reset, notices).
    ServiceMessages,
    /// Showing the profile to others as the person chose.
    Profile,
    /// Keeping records the law requires, and accountability for staff access.
    LegalCompliance,
    /// Keeping the system running (no personal content).
    Operations,
    /// Taking payments, holding them until lessons are done, paying
    /// teachers and keeping the accounts.
    Payments,
    /// Showing reviews of lessons on teachers' pages and in search.
    Reviews,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProvideService => "provide_service",
            Self::Security => "security",
            Self::ServiceMessages => "service_messages",
            Self::Profile => "profile",
            Self::LegalCompliance => "legal_compliance",
            Self::Operations => "operations",
            Self::Payments => "payments",
            Self::Reviews => "reviews",
        }
    }
}

/// GDPR Art. 6(1) legal bases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    Consent,
    Contract,
    LegalObligation,
    VitalInterests,
    PublicTask,
    LegitimateInterests,
}

impl LegalBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Consent => "consent",
            Self::Contract => "contract",
            Self::LegalObligation => "legal_obligation",
            Self::VitalInterests => "vital_interests",
            Self::PublicTask => "public_task",
            Self::LegitimateInterests => "legitimate_interests",
        }
    }

    /// The article letter, e.g. "6(1)(b)".
    pub fn article(self) -> &'static str {
        match self {
            Self::Consent => "6(1)(a)",
            Self::Contract => "6(1)(b)",
            Self::LegalObligation => "6(1)(c)",
            Self::VitalInterests => "6(1)(d)",
            Self::PublicTask => "6(1)(e)",
            Self::LegitimateInterests => "6(1)(f)",
        }
    }
}

/// How long a value is kept. Column names refer to the same table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Retention {
    /// As long as the account exists; erasure then applies.
    AccountLifetime,
    /// Until the instant held in `column` (e.g. a token's expiry).
    UntilInstant { column: &'static str },
    /// `days` after the instant held in `column`.
    DaysAfter { days: u32, column: &'static str },
    /// `days` after the instant held in `column`, unless the operator set
    /// another period for `setting` in configuration: read it through
    /// [`Retention::under`].
    DaysAfterSet {
        days: u32,
        column: &'static str,
        setting: RetentionSetting,
    },
    /// `years` after the instant held in `column`, because a law requires it.
    YearsAfter { years: u32, column: &'static str },
    /// Not personal data: kept as long as the system needs it.
    System,
    /// Ledger rows: kept `years` after the instant in `column`, as the law
    /// requires of accounts, then folded into one opening balance per
    /// account (a ledger cannot drop rows without changing its balances).
    CarriedForward { years: u32, column: &'static str },
    /// As long as the row of `parent` that `column` names (a message and
    /// its conversation): deleted with it, by the database's cascade.
    WithParent { column: &'static str, parent: &'static str },
}

named_enum!(
    /// Retention periods an operator may set in configuration.
    RetentionSetting {
        /// How long a conversation nobody writes in is kept.
        Conversations => "conversations",
    }
);

/// The retention periods set in configuration, in days; a period not set
/// keeps the data map's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionSettings(std::collections::BTreeMap<RetentionSetting, u32>);

impl RetentionSettings {
    pub fn set(&mut self, setting: RetentionSetting, days: u32) {
        self.0.insert(setting, days);
    }

    pub fn days(&self, setting: RetentionSetting) -> Option<u32> {
        self.0.get(&setting).copied()
    }
}

impl Retention {
    /// The rule as this server applies it: a period set in configuration
    /// in place of the map's default.
    pub fn under(self, settings: &RetentionSettings) -> Self {
        match self {
            Self::DaysAfterSet { days, column, setting } => Self::DaysAfter {
                days: settings.days(setting).unwrap_or(days),
                column,
            },
            other => other,
        }
    }
}

/// Where a value comes from (GDPR Art. 14(2)(f), 15(1)(g)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The person gave it (a form, a setting, an upload).
    Subject,
    /// Their browser or device sent it (address, browser name, activity).
    Device,
    /// Koine made it (identifiers, keys, records of what happened).
    Service,
    /// Staff wrote it (reasons, outcomes, incident records).
    Staff,
    /// Someone else gave it (a parent or guardian).
    OtherPerson,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Subject => "subject",
            Self::Device => "device",
            Self::Service => "service",
            Self::Staff => "staff",
            Self::OtherPerson => "other_person",
        }
    }

    /// The usual source of a category; the map states exceptions.
    pub const fn of_category(category: &str) -> Self {
        let b = category.as_bytes();
        if starts_with(b, b"user.device.") || starts_with(b, b"user.behavior.") {
            Self::Device
        } else if starts_with(b, b"user.security.audit")
            || starts_with(b, b"user.security.breach")
            || starts_with(b, b"user.security.fraud_ban")
            || starts_with(b, b"user.legal.")
        {
            Self::Staff
        } else if starts_with(b, b"system.")
            || starts_with(b, b"user.unique_id")
            || starts_with(b, b"user.security.encryption_key")
            || starts_with(b, b"user.authorization.")
            || starts_with(b, b"user.content.message")
        {
            Self::Service
        } else {
            Self::Subject
        }
    }
}

/// `str::starts_with` for const contexts (the map is built at compile time).
const fn starts_with(s: &[u8], prefix: &[u8]) -> bool {
    if s.len() < prefix.len() {
        return false;
    }
    let mut i = 0;
    while i < prefix.len() {
        if s[i] != prefix[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// What erasing the subject does to a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Erasure {
    /// The whole row goes.
    DeleteRow,
    /// The column is set to NULL; the row stays for others' sake.
    Null,
    /// Replaced by a value that no longer identifies the person.
    Pseudonymise,
    /// Kept because a law requires it, until the retention rule ends.
    RetainLegal,
    /// Not about the subject (ids, system timestamps): goes with the row.
    WithRow,
}

/// The network an IP address belongs to, kept once the address itself is
/// cleared: an IPv4 address cut to its /24, an IPv6 address to its /48 — a
/// household's or an office's network, not a device. `None` if `ip` is
/// not an address.
pub fn ip_network(ip: &str) -> Option<String> {
    match ip.trim().parse::<std::net::IpAddr>().ok()?.to_canonical() {
        std::net::IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            Some(format!("{a}.{b}.{c}.0/24"))
        }
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], 0, 0, 0, 0, 0);
            Some(format!("{prefix}/48"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_period_replaces_the_default_and_nothing_else() {
        let rule = Retention::DaysAfterSet {
            days: 1095,
            column: "last_activity_at",
            setting: RetentionSetting::Conversations,
        };
        let none = RetentionSettings::default();
        assert_eq!(
            rule.under(&none),
            Retention::DaysAfter {
                days: 1095,
                column: "last_activity_at"
            }
        );
        let mut set = RetentionSettings::default();
        set.set(RetentionSetting::Conversations, 30);
        assert_eq!(
            rule.under(&set),
            Retention::DaysAfter {
                days: 30,
                column: "last_activity_at"
            }
        );
        let other = Retention::DaysAfter {
            days: 7,
            column: "created_at",
        };
        assert_eq!(other.under(&set), other);
    }

    #[test]
    fn sources_follow_the_category() {
        assert_eq!(Source::of_category("user.contact.email"), Source::Subject);
        assert_eq!(Source::of_category("user.device.ip_address"), Source::Device);
        assert_eq!(Source::of_category("user.behavior.session"), Source::Device);
        assert_eq!(Source::of_category("user.unique_id"), Source::Service);
        assert_eq!(Source::of_category("system.operations"), Source::Service);
        assert_eq!(Source::of_category("user.security.audit"), Source::Staff);
        assert_eq!(Source::of_category("user.legal.hold"), Source::Staff);
        assert_eq!(Source::of_category("user"), Source::Subject);
    }

    #[test]
    fn ip_networks_keep_only_the_prefix() {
        assert_eq!(ip_network("203.0.113.77").as_deref(), Some("203.0.113.0/24"));
        assert_eq!(
            ip_network("2001:db8:85a3:8d3:1319:8a2e:370:7348").as_deref(),
            Some("2001:db8:85a3::/48")
        );
        assert_eq!(ip_network("::ffff:198.51.100.9").as_deref(), Some("198.51.100.0/24"));
        assert_eq!(ip_network("not an ip"), None);
        assert_eq!(ip_network(""), None);
    }

    #[test]
    fn categories_are_dotted_unique_and_known() {
        let mut seen = std::collections::HashSet::new();
        for (c, _) in CATEGORIES {
            assert!(c.starts_with("user.") || c.starts_with("system."), "{c}");
            assert!(seen.insert(*c), "duplicate {c}");
        }
        assert!(is_known_category("user.contact.email"));
        assert!(!is_known_category("user.contact.fax"));
    }
}
