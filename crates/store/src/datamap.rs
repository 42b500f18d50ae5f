//! The data map (ARCHITECTURE P1): every column of every table, classified.
//!
//! This is the one list of personal data Koine holds. The published notice,
//! `koine privacy map`, export, erasure and retention read it; a test compares
//! it with the live schema of both backends, column for column.

use koine_domain::consent::ConsentPurpose;
use koine_domain::privacy::{Erasure, LegalBasis, Purpose, Retention, Source};
use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ColumnMap {
    pub column: &'static str,
    pub category: &'static str,
    pub purposes: &'static [Purpose],
    pub basis: LegalBasis,
    pub retention: Retention,
    /// Part of the person's export (secrets such as hashes are not).
    pub export: bool,
    pub erasure: Erasure,
    /// Encrypted at rest under the key of the person the table's first
    /// subject column names (P5), with this field label bound in.
    #[serde(serialize_with = "serialize_is_some")]
    pub encrypted: Option<&'static str>,
    /// Where the value comes from: by default what its category says.
    pub source: Source,
    /// Binary content, exported as a file rather than inline.
    pub file: bool,
    /// Names a person the row mentions without being theirs (the learner a
    /// notice to the teacher is about): their name is rendered from it when
    /// the row is shown or sent, erasing them clears it, and an export shows
    /// it as a pseudonym.
    pub mention: bool,
}

/// The published map says whether a column is encrypted; the field label
/// bound into the ciphertext is an implementation detail.
fn serialize_is_some<S: serde::Serializer>(v: &Option<&'static str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bool(v.is_some())
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct TableMap {
    pub table: &'static str,
    pub about: &'static str,
    /// Columns naming the account(s) a row is about; empty for system tables.
    pub subjects: &'static [&'static str],
    pub columns: &'static [ColumnMap],
    /// For account-like tables: a row whose identifiers were never confirmed
    /// is erased this many days after it was created.
    pub unconfirmed_erased_after_days: Option<u32>,
}

impl TableMap {
    pub fn column(&self, name: &str) -> Option<&ColumnMap> {
        self.columns.iter().find(|c| c.column == name)
    }

    /// The columns naming people the row mentions without being theirs.
    pub fn mentions(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().filter(|c| c.mention).map(|c| c.column)
    }

    /// The subject columns naming the people a row is about (a lesson's
    /// learner and teacher). The others, kept under a legal obligation,
    /// name the staff who acted on it.
    pub fn parties(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.subjects
            .iter()
            .copied()
            .filter(|s| self.column(s).is_some_and(|c| c.erasure != Erasure::RetainLegal))
    }
}

const fn col(
    column: &'static str,
    category: &'static str,
    purposes: &'static [Purpose],
    basis: LegalBasis,
    retention: Retention,
    erasure: Erasure,
) -> ColumnMap {
    ColumnMap {
        column,
        category,
        purposes,
        basis,
        retention,
        export: true,
        erasure,
        encrypted: None,
        source: Source::of_category(category),
        file: false,
        mention: false,
    }
}

impl ColumnMap {
    /// Secrets (hashes, wrapped keys) are never exported.
    const fn secret(mut self) -> Self {
        self.export = false;
        self
    }

    const fn encrypted(mut self, label: &'static str) -> Self {
        self.encrypted = Some(label);
        self
    }

    /// Binary content (a document, a scan): exported as a file of its own.
    const fn file(mut self) -> Self {
        self.file = true;
        self
    }

    /// A source other than the category's usual one.
    const fn from(mut self, source: Source) -> Self {
        self.source = source;
        self
    }

    /// A person the row mentions (see [`ColumnMap::mention`]).
    const fn mention(mut self) -> Self {
        self.mention = true;
        self
    }
}

use Erasure::{DeleteRow, Null, Pseudonymise, RetainLegal, WithRow};
use LegalBasis::{Contract, LegalObligation, LegitimateInterests};
use Purpose::{LegalCompliance, Operations, Payments, Profile, ProvideService, Security, ServiceMessages};
use Retention::{AccountLifetime, DaysAfter, UntilInstant, YearsAfter};

const ACCOUNT: Retention = AccountLifetime;
const SVC: &[Purpose] = &[ProvideService];
const SEC: &[Purpose] = &[Security];
const SVC_SEC: &[Purpose] = &[ProvideService, Security];
const PROFILE: &[Purpose] = &[ProvideService, Profile];
const APPLY: &[Purpose] = &[ProvideService, Security];
const OPS: &[Purpose] = &[Operations];
const UID: &str = "user.unique_id";
const SYS: &str = "system.operations";

/// Sessions end 30 days after last use at most; their rows go then.
const SESSION_END: Retention = UntilInstant { column: "expires_at" };
const CODE_END: Retention = UntilInstant { column: "expires_at" };
/// Full IP addresses are cleared 7 days after they were recorded (long
/// enough to investigate an attack); the network part stays with its row.
const IP_KEEP: Retention = DaysAfter {
    days: 7,
    column: "created_at",
};
/// Security events are kept 90 days, for the member's own review and for
/// investigating account takeovers.
const SECURITY_EVENT_KEEP: Retention = DaysAfter {
    days: 90,
    column: "created_at",
};
/// Sent messages are kept 30 days for delivery troubleshooting.
const OUTBOX_KEEP: Retention = DaysAfter {
    days: 30,
    column: "created_at",
};
/// Lifted legal holds are kept 3 years as a record; active ones stay.
const HOLD_KEEP: Retention = YearsAfter {
    years: 3,
    column: "lifted_at",
};
/// Export archives can be downloaded for 7 days after they are ready.
const EXPORT_END: Retention = UntilInstant { column: "expires_at" };
/// A lifted restriction is kept a year as a record of the request.
const RESTRICTION_KEEP: Retention = YearsAfter {
    years: 1,
    column: "lifted_at",
};
/// A visitor's choice lasts 13 months (the consent cookie's life); the
/// record of it is kept as long.
const VISITOR_CONSENT_KEEP: Retention = DaysAfter {
    days: 395,
    column: "created_at",
};
/// Data-subject requests are kept 2 years after receipt as a record.
const REQUEST_KEEP: Retention = YearsAfter {
    years: 2,
    column: "received_at",
};
/// Breach records are kept 5 years after discovery for accountability.
const BREACH_KEEP: Retention = YearsAfter {
    years: 5,
    column: "discovered_at",
};
/// A fraud ban lasts 5 years, long enough to stop repeat fraud, short
/// enough that a person is not shut out for life.
const BAN_KEEP: Retention = YearsAfter {
    years: 5,
    column: "created_at",
};
/// Records of disclosures are kept 3 years, like staff access.
const DISCLOSURE_KEEP: Retention = YearsAfter {
    years: 3,
    column: "recorded_at",
};
/// An application is kept a year after it was decided, as the record of
/// the review; an undecided one as long as the account.
const APPLICATION_KEEP: Retention = YearsAfter {
    years: 1,
    column: "decided_at",
};
/// An identity document is deleted 30 days after the application is
/// decided (time to answer a question about it); only the result stays.
const ID_DOCUMENT_KEEP: Retention = DaysAfter {
    days: 30,
    column: "decided_at",
};
/// Billing records are kept ten years after the transaction (commercial
/// and tax law; the strictest of the policies Koine follows).
const BILLING_YEARS: u32 = 10;
/// A lesson: ten years after it ended one way or another.
const LESSON_KEEP: Retention = YearsAfter {
    years: BILLING_YEARS,
    column: "closed_at",
};
const LESSON_EVENT_KEEP: Retention = YearsAfter {
    years: BILLING_YEARS,
    column: "created_at",
};
const PACKAGE_KEEP: Retention = YearsAfter {
    years: BILLING_YEARS,
    column: "purchased_at",
};
const PAYMENT_KEEP: Retention = YearsAfter {
    years: BILLING_YEARS,
    column: "created_at",
};
const REFUND_KEEP: Retention = YearsAfter {
    years: BILLING_YEARS,
    column: "created_at",
};
const INVOICE_KEEP: Retention = YearsAfter {
    years: BILLING_YEARS,
    column: "issued_at",
};
const PAYOUT_KEEP: Retention = YearsAfter {
    years: BILLING_YEARS,
    column: "requested_at",
};
const LEDGER_KEEP: Retention = Retention::CarriedForward {
    years: BILLING_YEARS,
    column: "created_at",
};
/// A proposed new time is kept a year, for questions about the lesson.
const PROPOSAL_KEEP: Retention = YearsAfter {
    years: 1,
    column: "created_at",
};
/// In-app notices are kept half a year.
const NOTIFICATION_KEEP: Retention = DaysAfter {
    days: 180,
    column: "created_at",
};
const IDEMPOTENCY_KEEP: Retention = DaysAfter {
    days: 1,
    column: "created_at",
};
const PROVIDER_EVENT_KEEP: Retention = DaysAfter {
    days: 90,
    column: "received_at",
};
const PAY: &[Purpose] = &[Payments, LegalCompliance];
const REVIEWS: &[Purpose] = &[Purpose::Reviews];
const TXN: &str = "user.financial.transaction";
const PAYMENT: &str = "user.financial.payment";
const INVOICE: &str = "user.financial.invoice";
const BAL: &str = "user.financial.balance";
const LEDGER: &str = "user.financial.ledger";
const BANK: &str = "user.financial.bank_account";
const PAYOUT: &str = "user.financial.payout";
const NOTE: &str = "user.content.lesson_note";
const REVIEW: &str = "user.content.review";

/// Staff-access records are kept 3 years for accountability.
const AUDIT_KEEP: Retention = YearsAfter {
    years: 3,
    column: "created_at",
};

pub static DATA_MAP: &[TableMap] = &[
    TableMap {
        table: "accounts",
        about: "Your account: how you sign in and how we reach you.",
        subjects: &["id"],
        // Sign-ups nobody confirmed hold someone's address for nothing.
        unconfirmed_erased_after_days: Some(7),
        columns: &[
            col("id", UID, SVC, Contract, ACCOUNT, DeleteRow),
            col(
                "email",
                "user.contact.email",
                &[ProvideService, Security, ServiceMessages],
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "email_verified_at",
                "user.contact.email",
                SVC_SEC,
                Contract,
                ACCOUNT,
                DeleteRow,
            )
            .from(Source::Service),
            col(
                "phone_hash",
                "user.contact.phone_number",
                SEC,
                Contract,
                ACCOUNT,
                DeleteRow,
            )
            .secret()
            .from(Source::Service),
            col(
                "phone_enc",
                "user.contact.phone_number",
                &[ProvideService, Security, ServiceMessages],
                Contract,
                ACCOUNT,
                DeleteRow,
            )
            .encrypted("accounts.phone"),
            col(
                "phone_verified_at",
                "user.contact.phone_number",
                SVC_SEC,
                Contract,
                ACCOUNT,
                DeleteRow,
            )
            .from(Source::Service),
            col(
                "password_hash",
                "user.authorization.credentials",
                SEC,
                Contract,
                ACCOUNT,
                DeleteRow,
            )
            .secret(),
            col(
                "password_changed_at",
                "user.authorization.credentials",
                SEC,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "birth_date_enc",
                "user.demographic.date_of_birth",
                &[ProvideService, LegalCompliance],
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            )
            .encrypted("accounts.birth_date"),
            col(
                "minor_until",
                "user.demographic.date_of_birth",
                &[ProvideService, LegalCompliance],
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            )
            .from(Source::Service),
            col(
                "staff_role",
                "user.account.settings",
                SVC_SEC,
                Contract,
                ACCOUNT,
                DeleteRow,
            )
            .from(Source::Staff),
            col("created_at", "user.account.settings", SVC, Contract, ACCOUNT, DeleteRow).from(Source::Service),
        ],
    },
    TableMap {
        table: "subject_keys",
        about: "Your personal encryption key, itself encrypted; destroying it makes encrypted copies unreadable.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("account_id", UID, SEC, Contract, ACCOUNT, DeleteRow),
            col(
                "wrapped_key",
                "user.security.encryption_key",
                SEC,
                Contract,
                ACCOUNT,
                DeleteRow,
            )
            .secret(),
            col("created_at", SYS, SEC, Contract, ACCOUNT, WithRow),
        ],
    },
    TableMap {
        table: "profiles",
        about: "Your profile, shown to others as you choose.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("account_id", UID, SVC, Contract, ACCOUNT, DeleteRow),
            col(
                "display_name",
                "user.account.username",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col("bio", "user.content.public", PROFILE, Contract, ACCOUNT, DeleteRow),
            col(
                "country",
                "user.contact.address.country",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col("time_zone", "user.account.settings", SVC, Contract, ACCOUNT, DeleteRow),
            col("ui_locale", "user.account.settings", SVC, Contract, ACCOUNT, DeleteRow),
            col(
                "avatar_id",
                "user.content.self_image",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "avatar_visibility",
                "user.account.settings",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "birth_date_visibility",
                "user.account.settings",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "gender",
                "user.demographic.gender",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "gender_visibility",
                "user.account.settings",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "location",
                "user.contact.address.city",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "location_visibility",
                "user.account.settings",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col("updated_at", SYS, SVC, Contract, ACCOUNT, WithRow),
        ],
    },
    TableMap {
        table: "profile_languages",
        about: "Languages you speak natively or are learning, with your level.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("account_id", UID, SVC, Contract, ACCOUNT, DeleteRow),
            col(
                "language",
                "user.demographic.language",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "level",
                "user.demographic.language",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
        ],
    },
    TableMap {
        table: "sessions",
        about: "Devices signed in to your account.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, SEC, Contract, SESSION_END, DeleteRow),
            col("account_id", UID, SEC, Contract, SESSION_END, DeleteRow),
            col(
                "token_hash",
                "user.authorization.credentials",
                SEC,
                Contract,
                SESSION_END,
                DeleteRow,
            )
            .secret(),
            col(
                "created_at",
                "user.behavior.session",
                SEC,
                Contract,
                SESSION_END,
                DeleteRow,
            ),
            col(
                "last_seen_at",
                "user.behavior.session",
                SEC,
                Contract,
                SESSION_END,
                DeleteRow,
            ),
            col(
                "authenticated_at",
                "user.behavior.session",
                SEC,
                Contract,
                SESSION_END,
                DeleteRow,
            ),
            col(
                "expires_at",
                "user.behavior.session",
                SEC,
                Contract,
                SESSION_END,
                DeleteRow,
            ),
            col(
                "user_agent",
                "user.device.device_type",
                SEC,
                LegitimateInterests,
                SESSION_END,
                DeleteRow,
            ),
            col(
                "ip",
                "user.device.ip_address",
                SEC,
                LegitimateInterests,
                IP_KEEP,
                DeleteRow,
            ),
            col(
                "ip_network",
                "user.device.ip_network",
                SEC,
                LegitimateInterests,
                SESSION_END,
                DeleteRow,
            ),
        ],
    },
    TableMap {
        table: "security_events",
        // GDPR Recital 49: keeping accounts secure is a legitimate interest.
        about: "Sign-ins, failed sign-ins and changes to your password, email or phone, with the device and network they came from.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, SEC, LegitimateInterests, SECURITY_EVENT_KEEP, DeleteRow),
            col(
                "account_id",
                UID,
                SEC,
                LegitimateInterests,
                SECURITY_EVENT_KEEP,
                DeleteRow,
            ),
            col(
                "kind",
                "user.behavior.security_event",
                SEC,
                LegitimateInterests,
                SECURITY_EVENT_KEEP,
                DeleteRow,
            ),
            col(
                "ip",
                "user.device.ip_address",
                SEC,
                LegitimateInterests,
                IP_KEEP,
                DeleteRow,
            ),
            col(
                "ip_network",
                "user.device.ip_network",
                SEC,
                LegitimateInterests,
                SECURITY_EVENT_KEEP,
                DeleteRow,
            ),
            col(
                "user_agent",
                "user.device.device_type",
                SEC,
                LegitimateInterests,
                SECURITY_EVENT_KEEP,
                DeleteRow,
            ),
            col(
                "created_at",
                "user.behavior.security_event",
                SEC,
                LegitimateInterests,
                SECURITY_EVENT_KEEP,
                DeleteRow,
            ),
        ],
    },
    TableMap {
        table: "one_time_codes",
        about: "Codes and links we send to verify your email or phone or to reset your password.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, SEC, Contract, CODE_END, DeleteRow),
            col("account_id", UID, SEC, Contract, CODE_END, DeleteRow),
            col("purpose", SYS, SEC, Contract, CODE_END, DeleteRow),
            col(
                "code_hash",
                "user.authorization.credentials",
                SEC,
                Contract,
                CODE_END,
                DeleteRow,
            )
            .secret(),
            col(
                "new_email",
                "user.contact.email",
                SVC_SEC,
                Contract,
                CODE_END,
                DeleteRow,
            ),
            col(
                "new_phone_hash",
                "user.contact.phone_number",
                SEC,
                Contract,
                CODE_END,
                DeleteRow,
            )
            .secret()
            .from(Source::Service),
            col(
                "new_phone_enc",
                "user.contact.phone_number",
                SVC_SEC,
                Contract,
                CODE_END,
                DeleteRow,
            )
            .encrypted("accounts.phone"),
            col("attempts", SYS, SEC, Contract, CODE_END, DeleteRow),
            col("created_at", SYS, SEC, Contract, CODE_END, DeleteRow),
            col("expires_at", SYS, SEC, Contract, CODE_END, DeleteRow),
        ],
    },
    TableMap {
        table: "outbox",
        about: "Emails and text messages we send you; content and address are removed once delivered.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, &[ServiceMessages], Contract, OUTBOX_KEEP, DeleteRow),
            col("account_id", UID, &[ServiceMessages], Contract, OUTBOX_KEEP, DeleteRow),
            col("channel", SYS, &[ServiceMessages], Contract, OUTBOX_KEEP, DeleteRow),
            col(
                "recipient",
                "user.contact",
                &[ServiceMessages],
                Contract,
                OUTBOX_KEEP,
                DeleteRow,
            ),
            col(
                "subject",
                "user.content.message",
                &[ServiceMessages],
                Contract,
                OUTBOX_KEEP,
                DeleteRow,
            ),
            col(
                "body",
                "user.content.message",
                &[ServiceMessages],
                Contract,
                OUTBOX_KEEP,
                DeleteRow,
            )
            .secret(),
            col("created_at", SYS, &[ServiceMessages], Contract, OUTBOX_KEEP, DeleteRow),
            col("attempts", SYS, OPS, Contract, OUTBOX_KEEP, DeleteRow),
            col("next_attempt_at", SYS, OPS, Contract, OUTBOX_KEEP, DeleteRow),
            col("claimed_until", SYS, OPS, Contract, OUTBOX_KEEP, DeleteRow),
            col("sent_at", SYS, &[ServiceMessages], Contract, OUTBOX_KEEP, DeleteRow),
            col("last_error", SYS, OPS, Contract, OUTBOX_KEEP, DeleteRow),
            // A lesson's calendar event, attached to booking emails.
            col(
                "attachment",
                "user.content.message",
                &[ServiceMessages],
                Contract,
                OUTBOX_KEEP,
                DeleteRow,
            )
            .secret(),
            // The other member a message is about; their name is put in
            // when it is sent.
            col("about_id", UID, &[ServiceMessages], Contract, OUTBOX_KEEP, Null).mention(),
        ],
    },
    TableMap {
        table: "audit_events",
        about: "Records of each time staff opened your personal data.",
        subjects: &["subject_id", "actor_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, &[LegalCompliance], LegalObligation, AUDIT_KEEP, WithRow),
            col(
                "actor_id",
                UID,
                &[LegalCompliance, Security],
                LegalObligation,
                AUDIT_KEEP,
                RetainLegal,
            ),
            col(
                "subject_id",
                UID,
                &[LegalCompliance],
                LegalObligation,
                AUDIT_KEEP,
                Pseudonymise,
            ),
            col(
                "action",
                "user.security.audit",
                &[LegalCompliance],
                LegalObligation,
                AUDIT_KEEP,
                WithRow,
            ),
            col(
                "reason",
                "user.security.audit",
                &[LegalCompliance],
                LegalObligation,
                AUDIT_KEEP,
                Null,
            ),
            col(
                "created_at",
                "user.security.audit",
                &[LegalCompliance],
                LegalObligation,
                AUDIT_KEEP,
                WithRow,
            ),
        ],
    },
    TableMap {
        table: "legal_holds",
        about: "Legal holds: while one is active, your data is kept for a legal claim and not erased.",
        subjects: &["account_id", "placed_by", "lifted_by"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, &[LegalCompliance], LegalObligation, HOLD_KEEP, WithRow),
            col(
                "account_id",
                UID,
                &[LegalCompliance],
                LegalObligation,
                HOLD_KEEP,
                Pseudonymise,
            ),
            col(
                "reason",
                "user.legal.hold",
                &[LegalCompliance],
                LegalObligation,
                HOLD_KEEP,
                RetainLegal,
            ),
            col(
                "placed_by",
                UID,
                &[LegalCompliance, Security],
                LegalObligation,
                HOLD_KEEP,
                RetainLegal,
            ),
            col(
                "placed_at",
                "user.legal.hold",
                &[LegalCompliance],
                LegalObligation,
                HOLD_KEEP,
                WithRow,
            ),
            col(
                "lifted_by",
                UID,
                &[LegalCompliance, Security],
                LegalObligation,
                HOLD_KEEP,
                RetainLegal,
            ),
            col(
                "lifted_at",
                "user.legal.hold",
                &[LegalCompliance],
                LegalObligation,
                HOLD_KEEP,
                WithRow,
            ),
        ],
    },
    TableMap {
        table: "consent_events",
        // Kept to demonstrate consent (GDPR Art. 7(1)) while the account exists.
        about: "Your consent choices over time, and where each came from.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, &[LegalCompliance], LegalObligation, ACCOUNT, DeleteRow),
            col(
                "account_id",
                UID,
                &[LegalCompliance],
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "purpose",
                "user.privacy_preferences",
                &[LegalCompliance],
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "granted",
                "user.privacy_preferences",
                &[LegalCompliance],
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "policy_version",
                "user.privacy_preferences",
                &[LegalCompliance],
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "consent_revision",
                "user.privacy_preferences",
                &[LegalCompliance],
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "source",
                "user.privacy_preferences",
                &[LegalCompliance],
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "created_at",
                "user.privacy_preferences",
                &[LegalCompliance],
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            ),
        ],
    },
    TableMap {
        table: "data_exports",
        about: "Copies of your data you asked for, kept 7 days for you to download.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, &[LegalCompliance], LegalObligation, EXPORT_END, DeleteRow),
            col(
                "account_id",
                UID,
                &[LegalCompliance],
                LegalObligation,
                EXPORT_END,
                DeleteRow,
            ),
            col(
                "requested_at",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                EXPORT_END,
                DeleteRow,
            ),
            col(
                "ready_at",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                EXPORT_END,
                DeleteRow,
            )
            .from(Source::Service),
            col(
                "expires_at",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                EXPORT_END,
                DeleteRow,
            )
            .from(Source::Service),
            col(
                "size_bytes",
                SYS,
                &[LegalCompliance],
                LegalObligation,
                EXPORT_END,
                DeleteRow,
            ),
            // The sealed archive is a copy of the rest, not new data; an
            // export never contains earlier exports.
            col(
                "archive",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                EXPORT_END,
                DeleteRow,
            )
            .secret()
            .from(Source::Service),
            col(
                "downloaded_at",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                EXPORT_END,
                DeleteRow,
            )
            .from(Source::Service),
        ],
    },
    TableMap {
        table: "processing_restrictions",
        about: "Times you restricted our use of your data: while one is active, we only store it.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col(
                "id",
                UID,
                &[LegalCompliance],
                LegalObligation,
                RESTRICTION_KEEP,
                DeleteRow,
            ),
            col(
                "account_id",
                UID,
                &[LegalCompliance],
                LegalObligation,
                RESTRICTION_KEEP,
                DeleteRow,
            ),
            col(
                "reason",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                RESTRICTION_KEEP,
                DeleteRow,
            ),
            col(
                "requested_at",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                RESTRICTION_KEEP,
                DeleteRow,
            ),
            col(
                "lifted_at",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                RESTRICTION_KEEP,
                DeleteRow,
            ),
        ],
    },
    TableMap {
        table: "visitor_consent_events",
        // Proof of consent for visitors (GDPR Art. 7(1)); the visitor id is
        // random and linked to no account.
        about: "Cookie and privacy choices of visitors who are not signed in, under a random id kept in their browser.",
        subjects: &[],
        unconfirmed_erased_after_days: None,
        columns: &[
            col(
                "id",
                UID,
                &[LegalCompliance],
                LegalObligation,
                VISITOR_CONSENT_KEEP,
                DeleteRow,
            ),
            col(
                "visitor_id",
                UID,
                &[LegalCompliance],
                LegalObligation,
                VISITOR_CONSENT_KEEP,
                DeleteRow,
            ),
            col(
                "purpose",
                "user.privacy_preferences",
                &[LegalCompliance],
                LegalObligation,
                VISITOR_CONSENT_KEEP,
                DeleteRow,
            ),
            col(
                "granted",
                "user.privacy_preferences",
                &[LegalCompliance],
                LegalObligation,
                VISITOR_CONSENT_KEEP,
                DeleteRow,
            ),
            col(
                "policy_version",
                "user.privacy_preferences",
                &[LegalCompliance],
                LegalObligation,
                VISITOR_CONSENT_KEEP,
                DeleteRow,
            ),
            col(
                "consent_revision",
                "user.privacy_preferences",
                &[LegalCompliance],
                LegalObligation,
                VISITOR_CONSENT_KEEP,
                DeleteRow,
            ),
            col(
                "source",
                "user.privacy_preferences",
                &[LegalCompliance],
                LegalObligation,
                VISITOR_CONSENT_KEEP,
                DeleteRow,
            ),
            col(
                "created_at",
                "user.privacy_preferences",
                &[LegalCompliance],
                LegalObligation,
                VISITOR_CONSENT_KEEP,
                DeleteRow,
            ),
        ],
    },
    TableMap {
        table: "privacy_requests",
        // Requests and how they were answered are records the law asks us to
        // keep (GDPR Art. 5(2), CCPA regulations § 7102: 24 months). After an
        // erasure a request keeps who asked (to answer a complaint about it)
        // but not what they wrote.
        about: "Data-protection requests made through our form, and how we answered them.",
        subjects: &["account_id", "handled_by"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, &[LegalCompliance], LegalObligation, REQUEST_KEEP, WithRow),
            col(
                "kind",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                WithRow,
            ),
            col(
                "regime",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                WithRow,
            ),
            col(
                "relation",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                WithRow,
            ),
            col(
                "requester_name",
                "user.name",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                RetainLegal,
            ),
            col(
                "requester_email",
                "user.contact.email",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                RetainLegal,
            ),
            col(
                "details",
                "user.content.request",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                Null,
            ),
            col(
                "verify_hash",
                "user.authorization.credentials",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                WithRow,
            )
            .secret(),
            // Nulled, not pseudonymised: it references accounts.
            col(
                "account_id",
                UID,
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                Null,
            ),
            col(
                "status",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                WithRow,
            )
            .from(Source::Service),
            col(
                "received_at",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                WithRow,
            ),
            col(
                "verified_at",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                WithRow,
            )
            .from(Source::Service),
            col(
                "due_at",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                WithRow,
            )
            .from(Source::Service),
            col(
                "extension_reason",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                WithRow,
            )
            .from(Source::Staff),
            col(
                "outcome",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                WithRow,
            )
            .from(Source::Staff),
            col(
                "handled_by",
                UID,
                &[LegalCompliance, Security],
                LegalObligation,
                REQUEST_KEEP,
                RetainLegal,
            ),
            col(
                "closed_at",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                WithRow,
            )
            .from(Source::Service),
            col(
                "correction_field",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                Null,
            ),
            col(
                "correction_enc",
                "user.privacy_request",
                &[LegalCompliance],
                LegalObligation,
                REQUEST_KEEP,
                Null,
            )
            .encrypted("privacy_requests.correction"),
        ],
    },
    TableMap {
        table: "guardian_consents",
        // Needed to let a member under 18 use messaging and payments.
        about: "Your parent or guardian's confirmation, if you are under 18, and their email address.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, SVC, LegalObligation, ACCOUNT, DeleteRow),
            col("account_id", UID, SVC, LegalObligation, ACCOUNT, DeleteRow),
            col(
                "guardian_email",
                "user.contact.email",
                &[ProvideService, LegalCompliance],
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "token_hash",
                "user.authorization.credentials",
                SEC,
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            )
            .secret(),
            col(
                "requested_at",
                "user.demographic.date_of_birth",
                &[LegalCompliance],
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "confirmed_at",
                "user.demographic.date_of_birth",
                &[LegalCompliance],
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            )
            .from(Source::OtherPerson),
        ],
    },
    TableMap {
        table: "policy_versions",
        about: "Versions of this privacy notice, each as it was published.",
        subjects: &[],
        unconfirmed_erased_after_days: None,
        columns: &[
            col(
                "version",
                SYS,
                &[LegalCompliance],
                LegalObligation,
                Retention::System,
                WithRow,
            ),
            col(
                "published_at",
                SYS,
                &[LegalCompliance],
                LegalObligation,
                Retention::System,
                WithRow,
            ),
            col(
                "notice",
                SYS,
                &[LegalCompliance],
                LegalObligation,
                Retention::System,
                WithRow,
            ),
            col(
                "notified",
                SYS,
                &[LegalCompliance],
                LegalObligation,
                Retention::System,
                WithRow,
            ),
        ],
    },
    TableMap {
        table: "breaches",
        // GDPR Art. 33(5): every breach is documented, with its effects and
        // what was done.
        about: "Records of personal-data breaches and whom we told.",
        subjects: &["recorded_by"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, &[LegalCompliance], LegalObligation, BREACH_KEEP, WithRow),
            col(
                "title",
                "user.security.breach",
                &[LegalCompliance],
                LegalObligation,
                BREACH_KEEP,
                WithRow,
            ),
            col(
                "description",
                "user.security.breach",
                &[LegalCompliance],
                LegalObligation,
                BREACH_KEEP,
                WithRow,
            ),
            col(
                "categories",
                "user.security.breach",
                &[LegalCompliance],
                LegalObligation,
                BREACH_KEEP,
                WithRow,
            ),
            col(
                "discovered_at",
                "user.security.breach",
                &[LegalCompliance],
                LegalObligation,
                BREACH_KEEP,
                WithRow,
            ),
            col(
                "recorded_by",
                UID,
                &[LegalCompliance, Security],
                LegalObligation,
                BREACH_KEEP,
                RetainLegal,
            ),
            col(
                "recorded_at",
                "user.security.breach",
                &[LegalCompliance],
                LegalObligation,
                BREACH_KEEP,
                WithRow,
            ),
            col(
                "reported_at",
                "user.security.breach",
                &[LegalCompliance],
                LegalObligation,
                BREACH_KEEP,
                WithRow,
            ),
            col(
                "authority_reference",
                "user.security.breach",
                &[LegalCompliance],
                LegalObligation,
                BREACH_KEEP,
                WithRow,
            ),
            col(
                "notified_at",
                "user.security.breach",
                &[LegalCompliance],
                LegalObligation,
                BREACH_KEEP,
                WithRow,
            ),
            col(
                "affected_count",
                "user.security.breach",
                &[LegalCompliance],
                LegalObligation,
                BREACH_KEEP,
                WithRow,
            ),
        ],
    },
    TableMap {
        table: "breach_notices",
        about: "Security notices we sent you about a breach affecting your data.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col(
                "breach_id",
                UID,
                &[LegalCompliance],
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "account_id",
                UID,
                &[LegalCompliance],
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "notified_at",
                "user.security.breach",
                &[LegalCompliance],
                LegalObligation,
                ACCOUNT,
                DeleteRow,
            ),
        ],
    },
    TableMap {
        table: "disclosures",
        // GDPR Art. 15(1)(c): a person may learn to whom their data was given;
        // the record outlives an erasure, pseudonymised, for accountability.
        about: "Records of your data given to someone outside Koine, such as an authority, and why.",
        subjects: &["account_id", "recorded_by"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, &[LegalCompliance], LegalObligation, DISCLOSURE_KEEP, WithRow),
            col(
                "account_id",
                UID,
                &[LegalCompliance],
                LegalObligation,
                DISCLOSURE_KEEP,
                Pseudonymise,
            ),
            col(
                "recipient_kind",
                "user.legal.disclosure",
                &[LegalCompliance],
                LegalObligation,
                DISCLOSURE_KEEP,
                WithRow,
            ),
            col(
                "recipient",
                "user.legal.disclosure",
                &[LegalCompliance],
                LegalObligation,
                DISCLOSURE_KEEP,
                WithRow,
            ),
            col(
                "categories",
                "user.legal.disclosure",
                &[LegalCompliance],
                LegalObligation,
                DISCLOSURE_KEEP,
                WithRow,
            ),
            col(
                "reason",
                "user.legal.disclosure",
                &[LegalCompliance],
                LegalObligation,
                DISCLOSURE_KEEP,
                RetainLegal,
            ),
            col(
                "disclosed_at",
                "user.legal.disclosure",
                &[LegalCompliance],
                LegalObligation,
                DISCLOSURE_KEEP,
                WithRow,
            ),
            col(
                "recorded_by",
                UID,
                &[LegalCompliance],
                LegalObligation,
                DISCLOSURE_KEEP,
                RetainLegal,
            ),
            col(
                "recorded_at",
                "user.legal.disclosure",
                &[LegalCompliance],
                LegalObligation,
                DISCLOSURE_KEEP,
                WithRow,
            ),
        ],
    },
    TableMap {
        table: "teacher_applications",
        // GDPR Art. 6(1)(b): steps the applicant asks for before a contract.
        about: "Your application to teach: who you are, what you teach, your qualifications, and the review.",
        subjects: &["account_id", "decided_by"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, SVC, Contract, APPLICATION_KEEP, DeleteRow),
            col("account_id", UID, SVC, Contract, APPLICATION_KEEP, DeleteRow),
            col(
                "status",
                "user.teaching.application",
                SVC,
                Contract,
                APPLICATION_KEEP,
                DeleteRow,
            )
            .from(Source::Service),
            col(
                "real_name_enc",
                "user.name",
                APPLY,
                Contract,
                APPLICATION_KEEP,
                DeleteRow,
            )
            .encrypted("teacher_applications.real_name"),
            col(
                "country",
                "user.contact.address.country",
                SVC,
                Contract,
                APPLICATION_KEEP,
                DeleteRow,
            ),
            col("languages", "user.teaching", SVC, Contract, APPLICATION_KEEP, DeleteRow),
            col(
                "introduction",
                "user.content.public",
                SVC,
                Contract,
                APPLICATION_KEEP,
                DeleteRow,
            ),
            col(
                "education",
                "user.professional",
                SVC,
                Contract,
                APPLICATION_KEEP,
                DeleteRow,
            ),
            col(
                "experience",
                "user.professional",
                SVC,
                Contract,
                APPLICATION_KEEP,
                DeleteRow,
            ),
            col(
                "expertise",
                "user.professional",
                SVC,
                Contract,
                APPLICATION_KEEP,
                DeleteRow,
            ),
            col(
                "id_document_type",
                "user.government_id",
                APPLY,
                LegitimateInterests,
                ID_DOCUMENT_KEEP,
                DeleteRow,
            ),
            col(
                "id_document_enc",
                "user.government_id",
                APPLY,
                LegitimateInterests,
                ID_DOCUMENT_KEEP,
                DeleteRow,
            )
            .encrypted("teacher_applications.id_document")
            .file(),
            col("video_id", UID, SVC, Contract, APPLICATION_KEEP, DeleteRow),
            col(
                "submitted_at",
                "user.teaching.application",
                SVC,
                Contract,
                APPLICATION_KEEP,
                DeleteRow,
            ),
            col(
                "decided_at",
                "user.teaching.application",
                SVC,
                Contract,
                APPLICATION_KEEP,
                DeleteRow,
            )
            .from(Source::Staff),
            col("decided_by", UID, SVC, Contract, APPLICATION_KEEP, RetainLegal),
            col(
                "tier",
                "user.teaching.application",
                SVC,
                Contract,
                APPLICATION_KEEP,
                DeleteRow,
            )
            .from(Source::Staff),
            col(
                "staff_message",
                "user.teaching.application",
                SVC,
                Contract,
                APPLICATION_KEEP,
                DeleteRow,
            )
            .from(Source::Staff),
            col("updated_at", SYS, OPS, Contract, APPLICATION_KEEP, DeleteRow),
        ],
    },
    TableMap {
        table: "teacher_certificates",
        about: "Teaching certificates you uploaded, and whether staff verified them.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, SVC, Contract, ACCOUNT, DeleteRow),
            col("account_id", UID, SVC, Contract, ACCOUNT, DeleteRow),
            col("application_id", UID, SVC, Contract, ACCOUNT, DeleteRow),
            col("title", "user.professional", PROFILE, Contract, ACCOUNT, DeleteRow),
            col("content_type", "user.professional", SVC, Contract, ACCOUNT, DeleteRow),
            col("file_enc", "user.professional", SVC, Contract, ACCOUNT, DeleteRow)
                .encrypted("teacher_certificates.file")
                .file(),
            col(
                "verified_at",
                "user.professional",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            )
            .from(Source::Staff),
            col("created_at", "user.professional", SVC, Contract, ACCOUNT, DeleteRow),
        ],
    },
    TableMap {
        table: "teacher_videos",
        about: "Your self-introduction video.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, PROFILE, Contract, ACCOUNT, DeleteRow),
            col("account_id", UID, PROFILE, Contract, ACCOUNT, DeleteRow),
            col(
                "content_type",
                "user.content.video",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "size_bytes",
                "user.content.video",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "created_at",
                "user.content.video",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
        ],
    },
    TableMap {
        table: "teachers",
        // Applying is consent to show the homepage; each optional field has
        // its own visibility, like the profile.
        about: "Your teacher homepage: what you teach, your qualifications as you chose to show them, and your booking rules.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("account_id", UID, PROFILE, Contract, ACCOUNT, DeleteRow),
            col("tier", "user.teaching", PROFILE, Contract, ACCOUNT, DeleteRow).from(Source::Staff),
            col("status", "user.teaching", PROFILE, Contract, ACCOUNT, DeleteRow),
            col("real_name_enc", "user.name", APPLY, Contract, ACCOUNT, DeleteRow).encrypted("teachers.real_name"),
            col("headline", "user.content.public", PROFILE, Contract, ACCOUNT, DeleteRow),
            col("about", "user.content.public", PROFILE, Contract, ACCOUNT, DeleteRow),
            col(
                "country",
                "user.contact.address.country",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col("education", "user.professional", PROFILE, Contract, ACCOUNT, DeleteRow),
            col("experience", "user.professional", PROFILE, Contract, ACCOUNT, DeleteRow),
            col("expertise", "user.professional", PROFILE, Contract, ACCOUNT, DeleteRow),
            col(
                "country_visibility",
                "user.account.settings",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "education_visibility",
                "user.account.settings",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "experience_visibility",
                "user.account.settings",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "expertise_visibility",
                "user.account.settings",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "video_visibility",
                "user.account.settings",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col("video_id", UID, PROFILE, Contract, ACCOUNT, DeleteRow),
            col("trial_price_minor", "user.teaching", SVC, Contract, ACCOUNT, DeleteRow),
            col("min_notice_minutes", "user.teaching", SVC, Contract, ACCOUNT, DeleteRow),
            col("horizon_days", "user.teaching", SVC, Contract, ACCOUNT, DeleteRow),
            col(
                "buffer_before_minutes",
                "user.teaching",
                SVC,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col(
                "buffer_after_minutes",
                "user.teaching",
                SVC,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col("rating_sum", "user.teaching", PROFILE, Contract, ACCOUNT, DeleteRow).from(Source::Service),
            col("rating_count", "user.teaching", PROFILE, Contract, ACCOUNT, DeleteRow).from(Source::Service),
            col("approved_at", "user.teaching", PROFILE, Contract, ACCOUNT, DeleteRow).from(Source::Staff),
            col("updated_at", SYS, OPS, Contract, ACCOUNT, DeleteRow),
        ],
    },
    TableMap {
        table: "teacher_languages",
        about: "The languages you teach and your level in each.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("account_id", UID, PROFILE, Contract, ACCOUNT, DeleteRow),
            col("language", "user.teaching", PROFILE, Contract, ACCOUNT, DeleteRow),
            col("level", "user.teaching", PROFILE, Contract, ACCOUNT, DeleteRow),
        ],
    },
    TableMap {
        table: "offerings",
        about: "The lessons you offer: language, levels, length and price.",
        subjects: &["teacher_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, PROFILE, Contract, ACCOUNT, DeleteRow),
            col("teacher_id", UID, PROFILE, Contract, ACCOUNT, DeleteRow),
            col("language", "user.teaching", PROFILE, Contract, ACCOUNT, DeleteRow),
            col("levels", "user.teaching", PROFILE, Contract, ACCOUNT, DeleteRow),
            col(
                "duration_minutes",
                "user.teaching",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col("price_minor", "user.teaching", PROFILE, Contract, ACCOUNT, DeleteRow),
            col("currency", "user.teaching", PROFILE, Contract, ACCOUNT, DeleteRow),
            col("status", "user.teaching", PROFILE, Contract, ACCOUNT, DeleteRow),
            col("created_at", "user.teaching", PROFILE, Contract, ACCOUNT, DeleteRow),
            col("updated_at", SYS, OPS, Contract, ACCOUNT, DeleteRow),
        ],
    },
    TableMap {
        table: "offering_packages",
        about: "Lesson packages you offer, and their discounts.",
        subjects: &["teacher_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("offering_id", UID, PROFILE, Contract, ACCOUNT, DeleteRow),
            col("teacher_id", UID, PROFILE, Contract, ACCOUNT, DeleteRow),
            col("lessons", "user.teaching", PROFILE, Contract, ACCOUNT, DeleteRow),
            col(
                "discount_percent",
                "user.teaching",
                PROFILE,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
        ],
    },
    TableMap {
        table: "availability_rules",
        about: "When you are available each week, in your time zone.",
        subjects: &["teacher_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, SVC, Contract, ACCOUNT, DeleteRow),
            col("teacher_id", UID, SVC, Contract, ACCOUNT, DeleteRow),
            col("weekday", "user.teaching", SVC, Contract, ACCOUNT, DeleteRow),
            col("start_minute", "user.teaching", SVC, Contract, ACCOUNT, DeleteRow),
            col("end_minute", "user.teaching", SVC, Contract, ACCOUNT, DeleteRow),
        ],
    },
    TableMap {
        table: "availability_overrides",
        about: "Days when your availability differs, with the time zone you will be in.",
        subjects: &["teacher_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, SVC, Contract, ACCOUNT, DeleteRow),
            col("teacher_id", UID, SVC, Contract, ACCOUNT, DeleteRow),
            col("day", "user.teaching", SVC, Contract, ACCOUNT, DeleteRow),
            col(
                "time_zone",
                "user.contact.address.city",
                SVC,
                Contract,
                ACCOUNT,
                DeleteRow,
            ),
            col("start_minute", "user.teaching", SVC, Contract, ACCOUNT, DeleteRow),
            col("end_minute", "user.teaching", SVC, Contract, ACCOUNT, DeleteRow),
        ],
    },
    TableMap {
        table: "fraud_bans",
        // GDPR Recital 47: preventing fraud is a legitimate interest. Only a
        // keyed hash of each identifier is kept, never the address itself,
        // and nothing links it to the erased account.
        about: "Keyed hashes of the email address and phone number of accounts closed for fraud, so they cannot sign up again.",
        subjects: &["banned_by"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, SEC, LegitimateInterests, BAN_KEEP, WithRow),
            col(
                "identifier_hash",
                "user.contact",
                SEC,
                LegitimateInterests,
                BAN_KEEP,
                WithRow,
            )
            .secret()
            .from(Source::Service),
            col("kind", "user.contact", SEC, LegitimateInterests, BAN_KEEP, WithRow).from(Source::Service),
            col(
                "reason",
                "user.security.fraud_ban",
                SEC,
                LegitimateInterests,
                BAN_KEEP,
                WithRow,
            ),
            col(
                "banned_by",
                UID,
                &[Security, LegalCompliance],
                LegalObligation,
                BAN_KEEP,
                RetainLegal,
            ),
            col(
                "created_at",
                "user.security.fraud_ban",
                SEC,
                LegitimateInterests,
                BAN_KEEP,
                WithRow,
            ),
        ],
    },
    TableMap {
        table: "lessons",
        // GDPR Art. 6(1)(b) while the lesson runs; afterwards the order is a
        // billing record kept for ten years (commercial and tax law), with
        // the people in it pseudonymised if they leave.
        about: "Lessons you booked or taught: when, what, the price, how it was paid and how it went.",
        subjects: &["learner_id", "teacher_id", "settled_by"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, PAY, Contract, LESSON_KEEP, WithRow),
            col("learner_id", UID, PAY, LegalObligation, LESSON_KEEP, Pseudonymise),
            col("teacher_id", UID, PAY, LegalObligation, LESSON_KEEP, Pseudonymise),
            col("offering_id", UID, PAY, Contract, LESSON_KEEP, WithRow),
            col("package_id", UID, PAY, Contract, LESSON_KEEP, WithRow),
            col("kind", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal),
            col("language", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal),
            col("duration_minutes", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal),
            col("starts_at", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal),
            col("ends_at", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal),
            col("status", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal).from(Source::Service),
            col("price_minor", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal),
            col("paid_minor", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal),
            col("discount_minor", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal),
            col("currency", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal),
            col("coupon_id", UID, PAY, Contract, LESSON_KEEP, WithRow),
            col("commission_bp", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal).from(Source::Service),
            col("note", NOTE, SVC, Contract, LESSON_KEEP, Null),
            col("requested_at", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal),
            col("respond_by", TXN, PAY, Contract, LESSON_KEEP, WithRow).from(Source::Service),
            col("confirmed_at", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal),
            col("closed_at", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal).from(Source::Service),
            col("cancelled_by", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal),
            col("late_cancellation", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal).from(Source::Service),
            col("problem_kind", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal),
            col("problem_text", NOTE, PAY, Contract, LESSON_KEEP, Null),
            col(
                "problem_reported_at",
                TXN,
                PAY,
                LegalObligation,
                LESSON_KEEP,
                RetainLegal,
            ),
            col("outcome", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal).from(Source::Staff),
            col("refund_minor", TXN, PAY, LegalObligation, LESSON_KEEP, RetainLegal).from(Source::Staff),
            col(
                "settled_by",
                UID,
                &[Payments, LegalCompliance],
                LegalObligation,
                LESSON_KEEP,
                RetainLegal,
            ),
            col("settlement_reason", TXN, PAY, Contract, LESSON_KEEP, Null).from(Source::Staff),
            col("reminded_24h_at", SYS, OPS, Contract, LESSON_KEEP, WithRow),
            col("reminded_1h_at", SYS, OPS, Contract, LESSON_KEEP, WithRow),
            col("sequence", SYS, OPS, Contract, LESSON_KEEP, WithRow),
            col("updated_at", SYS, OPS, Contract, LESSON_KEEP, WithRow),
        ],
    },
    TableMap {
        table: "lesson_events",
        about: "What happened to each lesson, when and by whom: requests, answers, changes, problems.",
        subjects: &["actor_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, PAY, LegalObligation, LESSON_EVENT_KEEP, WithRow),
            col("lesson_id", UID, PAY, LegalObligation, LESSON_EVENT_KEEP, WithRow),
            col("actor_id", UID, PAY, LegalObligation, LESSON_EVENT_KEEP, Pseudonymise),
            col("action", TXN, PAY, LegalObligation, LESSON_EVENT_KEEP, RetainLegal),
            col("from_status", TXN, PAY, LegalObligation, LESSON_EVENT_KEEP, RetainLegal).from(Source::Service),
            col("to_status", TXN, PAY, LegalObligation, LESSON_EVENT_KEEP, RetainLegal).from(Source::Service),
            col("detail", NOTE, PAY, Contract, LESSON_EVENT_KEEP, Null),
            col("created_at", TXN, PAY, LegalObligation, LESSON_EVENT_KEEP, RetainLegal),
        ],
    },
    TableMap {
        table: "reschedule_proposals",
        about: "New times you or the other side proposed for a lesson, and the answers.",
        subjects: &["proposed_by"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, SVC, Contract, PROPOSAL_KEEP, DeleteRow),
            col("lesson_id", UID, SVC, Contract, PROPOSAL_KEEP, DeleteRow),
            col("proposed_by", UID, SVC, Contract, PROPOSAL_KEEP, DeleteRow),
            col("starts_at", TXN, SVC, Contract, PROPOSAL_KEEP, DeleteRow),
            col("ends_at", TXN, SVC, Contract, PROPOSAL_KEEP, DeleteRow),
            col("status", TXN, SVC, Contract, PROPOSAL_KEEP, DeleteRow).from(Source::Service),
            col("created_at", TXN, SVC, Contract, PROPOSAL_KEEP, DeleteRow),
            col("decided_at", TXN, SVC, Contract, PROPOSAL_KEEP, DeleteRow),
        ],
    },
    TableMap {
        table: "lesson_packages",
        about: "Packages of lessons you bought or sold: how many, the price, and until when they can be used.",
        subjects: &["learner_id", "teacher_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, PAY, Contract, PACKAGE_KEEP, WithRow),
            col("learner_id", UID, PAY, LegalObligation, PACKAGE_KEEP, Pseudonymise),
            col("teacher_id", UID, PAY, LegalObligation, PACKAGE_KEEP, Pseudonymise),
            col("offering_id", UID, PAY, Contract, PACKAGE_KEEP, WithRow),
            col("language", TXN, PAY, LegalObligation, PACKAGE_KEEP, RetainLegal),
            col("duration_minutes", TXN, PAY, LegalObligation, PACKAGE_KEEP, RetainLegal),
            col("lessons", TXN, PAY, LegalObligation, PACKAGE_KEEP, RetainLegal),
            col("price_minor", TXN, PAY, LegalObligation, PACKAGE_KEEP, RetainLegal),
            col("discount_percent", TXN, PAY, LegalObligation, PACKAGE_KEEP, RetainLegal),
            col("currency", TXN, PAY, LegalObligation, PACKAGE_KEEP, RetainLegal),
            col("commission_bp", TXN, PAY, LegalObligation, PACKAGE_KEEP, RetainLegal).from(Source::Service),
            col("purchased_at", TXN, PAY, LegalObligation, PACKAGE_KEEP, RetainLegal),
            col("expires_at", TXN, PAY, LegalObligation, PACKAGE_KEEP, RetainLegal).from(Source::Service),
            col("reminded_month_at", SYS, OPS, Contract, PACKAGE_KEEP, WithRow),
            col("reminded_week_at", SYS, OPS, Contract, PACKAGE_KEEP, WithRow),
            col("closed_at", TXN, PAY, LegalObligation, PACKAGE_KEEP, RetainLegal).from(Source::Service),
        ],
    },
    TableMap {
        table: "ledger_accounts",
        about: "Your credit on Koine and, if you teach, your earnings: the accounts money moves through.",
        subjects: &["holder_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, PAY, Contract, ACCOUNT, WithRow),
            col("kind", BAL, PAY, Contract, ACCOUNT, WithRow).from(Source::Service),
            col("holder_id", UID, PAY, Contract, ACCOUNT, Pseudonymise),
            col("ref_id", UID, PAY, Contract, ACCOUNT, WithRow),
            col("provider", SYS, PAY, Contract, ACCOUNT, WithRow),
            col("created_at", SYS, PAY, Contract, ACCOUNT, WithRow),
        ],
    },
    TableMap {
        table: "ledger_entries",
        // The books: each movement of money, linked to people only through
        // the accounts it moves between.
        about: "The double-entry ledger: each movement of money and why it happened.",
        subjects: &[],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", LEDGER, PAY, LegalObligation, LEDGER_KEEP, WithRow),
            col("kind", LEDGER, PAY, LegalObligation, LEDGER_KEEP, WithRow).from(Source::Service),
            col("lesson_id", UID, PAY, LegalObligation, LEDGER_KEEP, WithRow),
            col("package_id", UID, PAY, LegalObligation, LEDGER_KEEP, WithRow),
            col("payment_id", UID, PAY, LegalObligation, LEDGER_KEEP, WithRow),
            col("payout_id", UID, PAY, LegalObligation, LEDGER_KEEP, WithRow),
            col("created_at", LEDGER, PAY, LegalObligation, LEDGER_KEEP, WithRow),
        ],
    },
    TableMap {
        table: "ledger_postings",
        about: "The legs of each ledger entry: how much went into or out of which account.",
        subjects: &[],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", LEDGER, PAY, LegalObligation, LEDGER_KEEP, WithRow),
            col("entry_id", LEDGER, PAY, LegalObligation, LEDGER_KEEP, WithRow),
            col("account_id", LEDGER, PAY, LegalObligation, LEDGER_KEEP, WithRow),
            col("amount", LEDGER, PAY, LegalObligation, LEDGER_KEEP, WithRow),
            col("created_at", LEDGER, PAY, LegalObligation, LEDGER_KEEP, WithRow),
        ],
    },
    TableMap {
        table: "payments",
        // Commercial and tax law: payment records are kept ten years.
        about: "Payments you made: amount, method (card brand and last four digits, or bank transfer) and when.",
        subjects: &["account_id", "recorded_by"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, PAY, LegalObligation, PAYMENT_KEEP, WithRow),
            col("account_id", UID, PAY, LegalObligation, PAYMENT_KEEP, Pseudonymise),
            col("provider", PAYMENT, PAY, LegalObligation, PAYMENT_KEEP, RetainLegal).from(Source::Service),
            col("provider_ref", PAYMENT, PAY, LegalObligation, PAYMENT_KEEP, RetainLegal).from(Source::Service),
            col("method", PAYMENT, PAY, LegalObligation, PAYMENT_KEEP, RetainLegal),
            col("card_brand", PAYMENT, PAY, LegalObligation, PAYMENT_KEEP, RetainLegal),
            col("card_last4", PAYMENT, PAY, LegalObligation, PAYMENT_KEEP, RetainLegal),
            col("amount_minor", PAYMENT, PAY, LegalObligation, PAYMENT_KEEP, RetainLegal),
            col(
                "refunded_minor",
                PAYMENT,
                PAY,
                LegalObligation,
                PAYMENT_KEEP,
                RetainLegal,
            )
            .from(Source::Service),
            col("currency", PAYMENT, PAY, LegalObligation, PAYMENT_KEEP, RetainLegal),
            col("status", PAYMENT, PAY, LegalObligation, PAYMENT_KEEP, RetainLegal).from(Source::Service),
            col("reference", PAYMENT, PAY, LegalObligation, PAYMENT_KEEP, RetainLegal).from(Source::Staff),
            col(
                "recorded_by",
                UID,
                &[Payments, LegalCompliance],
                LegalObligation,
                PAYMENT_KEEP,
                RetainLegal,
            ),
            col("created_at", PAYMENT, PAY, LegalObligation, PAYMENT_KEEP, RetainLegal),
            col("captured_at", PAYMENT, PAY, LegalObligation, PAYMENT_KEEP, RetainLegal).from(Source::Service),
        ],
    },
    TableMap {
        table: "card_refunds",
        about: "Credit sent back to your card.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, PAY, LegalObligation, REFUND_KEEP, WithRow),
            col("payment_id", UID, PAY, LegalObligation, REFUND_KEEP, WithRow),
            col("account_id", UID, PAY, LegalObligation, REFUND_KEEP, Pseudonymise),
            col("amount_minor", PAYMENT, PAY, LegalObligation, REFUND_KEEP, RetainLegal),
            col("currency", PAYMENT, PAY, LegalObligation, REFUND_KEEP, RetainLegal),
            col("provider_ref", PAYMENT, PAY, LegalObligation, REFUND_KEEP, RetainLegal).from(Source::Service),
            col("status", PAYMENT, PAY, LegalObligation, REFUND_KEEP, RetainLegal).from(Source::Service),
            col("created_at", PAYMENT, PAY, LegalObligation, REFUND_KEEP, RetainLegal),
        ],
    },
    TableMap {
        table: "invoices",
        // Invoices are kept, as issued, for ten years (tax law).
        about: "Invoices and credit notes for your payments and refunds.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, PAY, LegalObligation, INVOICE_KEEP, WithRow),
            col("number", INVOICE, PAY, LegalObligation, INVOICE_KEEP, RetainLegal).from(Source::Service),
            col("kind", INVOICE, PAY, LegalObligation, INVOICE_KEEP, RetainLegal).from(Source::Service),
            col("payment_id", UID, PAY, LegalObligation, INVOICE_KEEP, WithRow),
            col("refund_id", UID, PAY, LegalObligation, INVOICE_KEEP, WithRow),
            col("account_id", UID, PAY, LegalObligation, INVOICE_KEEP, Pseudonymise),
            col(
                "buyer_name",
                "user.account.username",
                PAY,
                LegalObligation,
                INVOICE_KEEP,
                RetainLegal,
            ),
            col("description", INVOICE, PAY, LegalObligation, INVOICE_KEEP, RetainLegal).from(Source::Service),
            col("total_minor", INVOICE, PAY, LegalObligation, INVOICE_KEEP, RetainLegal),
            col("currency", INVOICE, PAY, LegalObligation, INVOICE_KEEP, RetainLegal),
            col("seller", SYS, PAY, LegalObligation, INVOICE_KEEP, RetainLegal),
            col("issued_at", INVOICE, PAY, LegalObligation, INVOICE_KEEP, RetainLegal),
        ],
    },
    TableMap {
        table: "invoice_counters",
        about: "The last invoice number used each year.",
        subjects: &[],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("year", SYS, OPS, LegalObligation, Retention::System, WithRow),
            col("last", SYS, OPS, LegalObligation, Retention::System, WithRow),
        ],
    },
    TableMap {
        table: "coupons",
        about: "Coupon codes: what they take off, until when, and how often each member may use them.",
        subjects: &[],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", SYS, PAY, Contract, Retention::System, WithRow),
            col("code", SYS, PAY, Contract, Retention::System, WithRow),
            col("kind", SYS, PAY, Contract, Retention::System, WithRow),
            col("value", SYS, PAY, Contract, Retention::System, WithRow),
            col("currency", SYS, PAY, Contract, Retention::System, WithRow),
            col("expires_at", SYS, PAY, Contract, Retention::System, WithRow),
            col("per_member_limit", SYS, PAY, Contract, Retention::System, WithRow),
            col("max_redemptions", SYS, PAY, Contract, Retention::System, WithRow),
            col("note", SYS, PAY, Contract, Retention::System, WithRow),
            col("created_at", SYS, PAY, Contract, Retention::System, WithRow),
            col("revoked_at", SYS, PAY, Contract, Retention::System, WithRow),
        ],
    },
    TableMap {
        table: "coupon_claims",
        about: "Coupons you added to your account (given up if you delete it).",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("coupon_id", "user.financial.coupon", PAY, Contract, ACCOUNT, DeleteRow),
            col("account_id", UID, PAY, Contract, ACCOUNT, DeleteRow),
            col("claimed_at", "user.financial.coupon", PAY, Contract, ACCOUNT, DeleteRow),
        ],
    },
    TableMap {
        table: "payout_accounts",
        about: "Where your earnings are paid: a bank account or PayPal, encrypted under your key.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("account_id", UID, PAY, Contract, ACCOUNT, DeleteRow),
            col("method", BANK, PAY, Contract, ACCOUNT, DeleteRow),
            col("details_enc", BANK, PAY, Contract, ACCOUNT, DeleteRow).encrypted("payout_accounts.details"),
            col("summary", BANK, PAY, Contract, ACCOUNT, DeleteRow).from(Source::Service),
            col("updated_at", SYS, PAY, Contract, ACCOUNT, DeleteRow),
        ],
    },
    TableMap {
        table: "payouts",
        // Payments to teachers are billing records: ten years.
        about: "Payouts of your earnings: amount, where to, and who approved and sent them.",
        subjects: &["teacher_id", "decided_by", "paid_by"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, PAY, LegalObligation, PAYOUT_KEEP, WithRow),
            col("teacher_id", UID, PAY, LegalObligation, PAYOUT_KEEP, Pseudonymise),
            col("amount_minor", PAYOUT, PAY, LegalObligation, PAYOUT_KEEP, RetainLegal),
            col("currency", PAYOUT, PAY, LegalObligation, PAYOUT_KEEP, RetainLegal),
            col("method", PAYOUT, PAY, LegalObligation, PAYOUT_KEEP, RetainLegal),
            col("destination", BANK, PAY, LegalObligation, PAYOUT_KEEP, RetainLegal).from(Source::Service),
            col("details_enc", BANK, PAY, Contract, PAYOUT_KEEP, Null).encrypted("payouts.details"),
            col("status", PAYOUT, PAY, LegalObligation, PAYOUT_KEEP, RetainLegal).from(Source::Service),
            col("requested_at", PAYOUT, PAY, LegalObligation, PAYOUT_KEEP, RetainLegal),
            col("decided_at", PAYOUT, PAY, LegalObligation, PAYOUT_KEEP, RetainLegal).from(Source::Staff),
            col(
                "decided_by",
                UID,
                &[Payments, LegalCompliance],
                LegalObligation,
                PAYOUT_KEEP,
                RetainLegal,
            ),
            col("paid_at", PAYOUT, PAY, LegalObligation, PAYOUT_KEEP, RetainLegal).from(Source::Staff),
            col(
                "paid_by",
                UID,
                &[Payments, LegalCompliance],
                LegalObligation,
                PAYOUT_KEEP,
                RetainLegal,
            ),
            col("reference", PAYOUT, PAY, LegalObligation, PAYOUT_KEEP, RetainLegal).from(Source::Staff),
            col("reason", PAYOUT, PAY, Contract, PAYOUT_KEEP, Null).from(Source::Staff),
        ],
    },
    TableMap {
        table: "reviews",
        // A review is kept for the teacher and other learners after its
        // author leaves, shown as from a former member (GDPR Art. 6(1)(f)).
        about: "Reviews of lessons: the rating, what the learner wrote, and the teacher's reply.",
        subjects: &["teacher_id", "author_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, REVIEWS, LegitimateInterests, ACCOUNT, WithRow),
            col("lesson_id", UID, REVIEWS, LegitimateInterests, ACCOUNT, WithRow),
            col("teacher_id", UID, REVIEWS, LegitimateInterests, ACCOUNT, DeleteRow),
            col("author_id", UID, REVIEWS, LegitimateInterests, ACCOUNT, Pseudonymise),
            col("rating", REVIEW, REVIEWS, LegitimateInterests, ACCOUNT, WithRow),
            col("body", REVIEW, REVIEWS, LegitimateInterests, ACCOUNT, WithRow),
            col("reply", REVIEW, REVIEWS, LegitimateInterests, ACCOUNT, WithRow).from(Source::OtherPerson),
            col("replied_at", REVIEW, REVIEWS, LegitimateInterests, ACCOUNT, WithRow).from(Source::OtherPerson),
            col("created_at", REVIEW, REVIEWS, LegitimateInterests, ACCOUNT, WithRow),
        ],
    },
    TableMap {
        table: "notifications",
        about: "Notices shown to you in Koine: lesson requests, answers, reminders and changes.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("id", UID, &[ServiceMessages], Contract, NOTIFICATION_KEEP, DeleteRow),
            col(
                "account_id",
                UID,
                &[ServiceMessages],
                Contract,
                NOTIFICATION_KEEP,
                DeleteRow,
            ),
            col("kind", SYS, &[ServiceMessages], Contract, NOTIFICATION_KEEP, DeleteRow),
            col(
                "body",
                "user.content.message",
                &[ServiceMessages],
                Contract,
                NOTIFICATION_KEEP,
                DeleteRow,
            ),
            col("link", SYS, &[ServiceMessages], Contract, NOTIFICATION_KEEP, DeleteRow),
            col(
                "created_at",
                SYS,
                &[ServiceMessages],
                Contract,
                NOTIFICATION_KEEP,
                DeleteRow,
            ),
            col(
                "read_at",
                SYS,
                &[ServiceMessages],
                Contract,
                NOTIFICATION_KEEP,
                DeleteRow,
            )
            .from(Source::Device),
            // The other member a notice is about; their name is shown from it.
            col("about_id", UID, &[ServiceMessages], Contract, NOTIFICATION_KEEP, Null).mention(),
        ],
    },
    TableMap {
        table: "calendar_feeds",
        about: "The secret address of your lesson calendar (stored hashed).",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("account_id", UID, SVC, Contract, ACCOUNT, DeleteRow),
            col(
                "token_hash",
                "user.authorization.credentials",
                SVC,
                Contract,
                ACCOUNT,
                DeleteRow,
            )
            .secret(),
            col("created_at", SYS, SVC, Contract, ACCOUNT, DeleteRow),
        ],
    },
    TableMap {
        table: "idempotency_keys",
        // A retried payment request must not pay twice; a day is enough for
        // any client to retry.
        about: "Keys your app sent so that a repeated payment or booking request is not carried out twice.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("account_id", UID, PAY, Contract, IDEMPOTENCY_KEEP, DeleteRow),
            col("key", SYS, PAY, Contract, IDEMPOTENCY_KEEP, DeleteRow).from(Source::Device),
            col("fingerprint", SYS, PAY, Contract, IDEMPOTENCY_KEEP, DeleteRow).secret(),
            col("outcome", SYS, PAY, Contract, IDEMPOTENCY_KEEP, DeleteRow),
            col("created_at", SYS, PAY, Contract, IDEMPOTENCY_KEEP, DeleteRow),
        ],
    },
    TableMap {
        table: "provider_events",
        about: "Notifications payment providers sent us, kept to ignore repeats.",
        subjects: &[],
        unconfirmed_erased_after_days: None,
        columns: &[
            col("provider", SYS, OPS, Contract, PROVIDER_EVENT_KEEP, DeleteRow),
            col("event_id", SYS, OPS, Contract, PROVIDER_EVENT_KEEP, DeleteRow),
            col("kind", SYS, OPS, Contract, PROVIDER_EVENT_KEEP, DeleteRow),
            col("received_at", SYS, OPS, Contract, PROVIDER_EVENT_KEEP, DeleteRow),
        ],
    },
];

pub fn table(name: &str) -> Option<&'static TableMap> {
    DATA_MAP.iter().find(|t| t.table == name)
}

/// Differences between the map and a live schema: unclassified columns and
/// stale map entries. Empty when they agree.
pub fn coverage_problems(schema: &crate::schema::Schema) -> Vec<String> {
    let mut problems = Vec::new();
    for (table_name, columns) in schema {
        match table(table_name) {
            None => problems.push(format!("table `{table_name}` is not in the data map")),
            Some(t) => {
                for column in columns.keys() {
                    if t.column(column).is_none() {
                        problems.push(format!("column `{table_name}.{column}` is not classified"));
                    }
                }
            }
        }
    }
    for t in DATA_MAP {
        let Some(live) = schema.get(t.table) else {
            problems.push(format!("map names table `{}` which does not exist", t.table));
            continue;
        };
        let row = crate::retention::row_rule(t);
        for c in t.columns {
            match live.get(c.column) {
                None => problems.push(format!(
                    "map names column `{}.{}` which does not exist",
                    t.table, c.column
                )),
                // The sweep clears such a column by setting it to NULL.
                Some(l) if Some(c.retention) != row && !l.nullable => problems.push(format!(
                    "column `{}.{}` is kept for less time than its row, so it must be nullable",
                    t.table, c.column
                )),
                Some(_) => {}
            }
        }
        for s in t.subjects {
            if t.column(s).is_none() {
                problems.push(format!("subject column `{}.{s}` is not in the map", t.table));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use koine_domain::privacy::is_known_category;

    #[test]
    fn map_is_internally_consistent() {
        let mut tables = std::collections::HashSet::new();
        for t in DATA_MAP {
            assert!(tables.insert(t.table), "table {} listed twice", t.table);
            let mut cols = std::collections::HashSet::new();
            for c in t.columns {
                assert!(cols.insert(c.column), "{}.{} listed twice", t.table, c.column);
                assert!(
                    is_known_category(c.category),
                    "{}.{}: unknown category {}",
                    t.table,
                    c.column,
                    c.category
                );
                assert!(!c.purposes.is_empty(), "{}.{} has no purpose", t.table, c.column);
                let referenced = match c.retention {
                    Retention::UntilInstant { column }
                    | Retention::DaysAfter { column, .. }
                    | Retention::YearsAfter { column, .. }
                    | Retention::CarriedForward { column, .. } => Some(column),
                    _ => None,
                };
                if let Some(r) = referenced {
                    assert!(
                        t.column(r).is_some(),
                        "{}.{}: retention names missing column {r}",
                        t.table,
                        c.column
                    );
                }
                let row = crate::retention::row_rule(t).unwrap();
                let same_clock = |a: &Retention, b: &Retention| match (a, b) {
                    (
                        Retention::DaysAfter { column: x, .. } | Retention::YearsAfter { column: x, .. },
                        Retention::DaysAfter { column: y, .. } | Retention::YearsAfter { column: y, .. },
                    ) => x == y,
                    _ => false,
                };
                // Comparable rules only: an `UntilInstant` row's end is data.
                if c.retention != row && same_clock(&c.retention, &row) {
                    assert!(
                        retention_rank(&c.retention) < retention_rank(&row),
                        "{}.{}: a column may be kept for less time than its row, not more",
                        t.table,
                        c.column
                    );
                }
                if c.erasure == Erasure::RetainLegal {
                    assert!(
                        matches!(c.retention, Retention::YearsAfter { .. }),
                        "{}.{}: legal retention needs an end date",
                        t.table,
                        c.column
                    );
                }
            }
        }
    }
}

/// Processing Koine does only with the person's consent (GDPR Art. 6(1)(a)):
/// for each purpose it asks about, the columns that processing reads. None
/// means Koine asks, and keeps the answer in the consent ledger, but does
/// nothing of the kind at present. Nothing is stored by this processing
/// beyond the columns read (the map classifies those for their own uses).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ConsentUse {
    pub purpose: ConsentPurpose,
    pub reads: &'static [(&'static str, &'static str)],
}

impl ConsentUse {
    /// The categories of the columns read, in map order.
    pub fn categories(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (table, column) in self.reads {
            let c = DATA_MAP
                .iter()
                .find(|t| t.table == *table)
                .and_then(|t| t.column(column))
                .map(|c| c.category);
            if let Some(c) = c
                && !out.contains(&c)
            {
                out.push(c);
            }
        }
        out
    }
}

/// Every consent purpose, with what it reads.
pub const CONSENT_USES: &[ConsentUse] = &[
    ConsentUse {
        purpose: ConsentPurpose::PreferenceCookies,
        reads: &[],
    },
    ConsentUse {
        purpose: ConsentPurpose::Analytics,
        reads: &[],
    },
    ConsentUse {
        purpose: ConsentPurpose::MarketingEmail,
        reads: &[],
    },
    // Teachers suggested on the home page for the language the member
    // learns (`Services::suggested_teachers`).
    ConsentUse {
        purpose: ConsentPurpose::PersonalisedRecommendations,
        reads: &[("profile_languages", "language"), ("profile_languages", "level")],
    },
    ConsentUse {
        purpose: ConsentPurpose::SaleSharing,
        reads: &[],
    },
    ConsentUse {
        purpose: ConsentPurpose::ResearchRecordings,
        reads: &[],
    },
    ConsentUse {
        purpose: ConsentPurpose::ClassroomRecording,
        reads: &[],
    },
];

/// One line of the published notice: a kind of data held in one table.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeEntry {
    pub table: &'static str,
    pub category: &'static str,
    pub purposes: std::collections::BTreeSet<Purpose>,
    pub bases: std::collections::BTreeSet<LegalBasis>,
    pub sources: std::collections::BTreeSet<Source>,
    /// The longest-lived rule among the columns of this category.
    pub retention: Retention,
}

fn retention_rank(r: &Retention) -> u64 {
    match *r {
        Retention::UntilInstant { .. } => 1,
        Retention::DaysAfter { days, .. } => 10 + u64::from(days),
        Retention::AccountLifetime => 100_000,
        Retention::YearsAfter { years, .. } | Retention::CarriedForward { years, .. } => 200_000 + u64::from(years),
        Retention::System => 0,
    }
}

/// The notice, derived from the map: per table, per category, the purposes,
/// legal bases and retention. System-only columns are left out.
pub fn notice() -> Vec<NoticeEntry> {
    let mut out: Vec<NoticeEntry> = Vec::new();
    for t in DATA_MAP {
        for c in t
            .columns
            .iter()
            .filter(|c| c.category.starts_with("user.") && c.category != "user.unique_id")
        {
            match out.iter_mut().find(|e| e.table == t.table && e.category == c.category) {
                Some(e) => {
                    e.purposes.extend(c.purposes.iter().copied());
                    e.bases.insert(c.basis);
                    e.sources.insert(c.source);
                    if retention_rank(&c.retention) > retention_rank(&e.retention) {
                        e.retention = c.retention;
                    }
                }
                None => out.push(NoticeEntry {
                    table: t.table,
                    category: c.category,
                    purposes: c.purposes.iter().copied().collect(),
                    bases: [c.basis].into(),
                    sources: [c.source].into(),
                    retention: c.retention,
                }),
            }
        }
    }
    out
}

/// How many years an invoice keeps the name of its buyer, as issued, after
/// the buyer is erased (tax law keeps invoices unaltered). The deletion
/// page and its emails state it from here.
pub fn invoice_name_kept_years() -> u32 {
    let buyer = DATA_MAP
        .iter()
        .find(|t| t.table == "invoices")
        .and_then(|t| t.column("buyer_name"))
        .expect("invoices name their buyer");
    match (buyer.erasure, buyer.retention) {
        (Erasure::RetainLegal, Retention::YearsAfter { years, .. }) => years,
        _ => 0,
    }
}

fn document_body() -> serde_json::Value {
    serde_json::json!({ "tables": DATA_MAP, "consent_uses": CONSENT_USES })
}

/// The whole map as one JSON document (`koine privacy map`, the API):
/// its version, every table, and what is done on consent.
pub fn document() -> serde_json::Value {
    let mut doc = document_body();
    doc["version"] = version().into();
    doc
}

/// A short fingerprint of the map; it changes whenever the map does, so a
/// notice (and later each consent) can say which version it showed.
pub fn version() -> String {
    let json = serde_json::to_vec(&document_body()).expect("the map serializes");
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let hash = json.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("{hash:016x}")[..12].to_owned()
}

#[cfg(test)]
mod notice_tests {
    use super::*;

    #[test]
    fn notice_groups_by_table_and_category_and_keeps_longest_retention() {
        let n = notice();
        let email = n
            .iter()
            .find(|e| e.table == "accounts" && e.category == "user.contact.email")
            .expect("accounts email in the notice");
        assert!(email.purposes.contains(&Purpose::ServiceMessages));
        assert_eq!(email.retention, Retention::AccountLifetime);
        let audit = n
            .iter()
            .find(|e| e.table == "audit_events" && e.category == "user.security.audit")
            .unwrap();
        assert!(matches!(audit.retention, Retention::YearsAfter { years: 3, .. }));
        assert!(
            n.iter()
                .all(|e| e.category != "user.unique_id" && !e.category.starts_with("system."))
        );
        let mut seen = std::collections::HashSet::new();
        assert!(
            n.iter().all(|e| seen.insert((e.table, e.category))),
            "one line per table and category"
        );
    }

    #[test]
    fn an_invoice_keeps_its_buyers_name_for_the_billing_years() {
        assert_eq!(invoice_name_kept_years(), BILLING_YEARS);
    }

    #[test]
    fn every_consent_purpose_is_in_the_map_once_reading_real_columns() {
        for p in ConsentPurpose::ALL {
            assert_eq!(
                CONSENT_USES.iter().filter(|u| u.purpose == p).count(),
                1,
                "{p:?} is stated once"
            );
        }
        for u in CONSENT_USES {
            assert_eq!(u.categories().is_empty(), u.reads.is_empty(), "{:?}", u.purpose);
            for (table, column) in u.reads {
                assert!(
                    DATA_MAP.iter().any(|t| t.table == *table && t.column(column).is_some()),
                    "{table}.{column}"
                );
            }
        }
    }

    #[test]
    fn version_is_a_stable_fingerprint() {
        assert_eq!(version(), version());
        assert_eq!(version().len(), 12);
    }
}
