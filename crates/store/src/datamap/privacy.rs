//! Privacy: legal holds, consent, exports, restrictions, requests, guardians, notices, breaches and disclosures.

use super::*;

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

/// Records of disclosures are kept 3 years, like staff access.
const DISCLOSURE_KEEP: Retention = YearsAfter {
    years: 3,
    column: "recorded_at",
};

pub(super) static TABLES: &[TableMap] = &[
    TableMap {
        table: "legal_holds",
        about: "Legal holds: while one is active, your data is kept for a legal claim and not erased.",
        subjects: &["account_id", "placed_by", "lifted_by"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(&[LegalCompliance], LegalObligation, HOLD_KEEP, WithRow);
            [
                T.col("id", UID),
                T.col("account_id", UID).erasure(Pseudonymise),
                T.col("reason", "user.legal.hold").erasure(RetainLegal),
                T.col("placed_by", UID)
                    .purposes(&[LegalCompliance, Security])
                    .erasure(RetainLegal),
                T.col("placed_at", "user.legal.hold"),
                T.col("lifted_by", UID)
                    .purposes(&[LegalCompliance, Security])
                    .erasure(RetainLegal),
                T.col("lifted_at", "user.legal.hold"),
            ]
        },
    },
    TableMap {
        table: "consent_events",
        // Kept to demonstrate consent (GDPR Art. 7(1)) while the account exists.
        about: "Your consent choices over time, and where each came from.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(&[LegalCompliance], LegalObligation, ACCOUNT, DeleteRow);
            [
                T.col("id", UID),
                T.col("account_id", UID),
                T.col("purpose", "user.privacy_preferences"),
                T.col("granted", "user.privacy_preferences"),
                T.col("policy_version", "user.privacy_preferences"),
                T.col("consent_revision", "user.privacy_preferences"),
                T.col("source", "user.privacy_preferences"),
                T.col("created_at", "user.privacy_preferences"),
            ]
        },
    },
    TableMap {
        table: "data_exports",
        about: "Copies of your data you asked for, kept 7 days for you to download.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(&[LegalCompliance], LegalObligation, EXPORT_END, DeleteRow);
            [
                T.col("id", UID),
                T.col("account_id", UID),
                T.col("requested_at", "user.privacy_request"),
                T.col("ready_at", "user.privacy_request").from(Source::Service),
                T.col("expires_at", "user.privacy_request").from(Source::Service),
                T.col("size_bytes", SYS),
                // The sealed archive is a copy of the rest, not new data; an
                // export never contains earlier exports.
                T.col("archive", "user.privacy_request").secret().from(Source::Service),
                T.col("downloaded_at", "user.privacy_request").from(Source::Service),
            ]
        },
    },
    TableMap {
        table: "processing_restrictions",
        about: "Times you restricted our use of your data: while one is active, we only store it.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(&[LegalCompliance], LegalObligation, RESTRICTION_KEEP, DeleteRow);
            [
                T.col("id", UID),
                T.col("account_id", UID),
                T.col("reason", "user.privacy_request"),
                T.col("requested_at", "user.privacy_request"),
                T.col("lifted_at", "user.privacy_request"),
            ]
        },
    },
    TableMap {
        table: "visitor_consent_events",
        // Proof of consent for visitors (GDPR Art. 7(1)); the visitor id is
        // random and linked to no account.
        about: "Cookie and privacy choices of visitors who are not signed in, under a random id kept in their browser.",
        subjects: &[],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(&[LegalCompliance], LegalObligation, VISITOR_CONSENT_KEEP, DeleteRow);
            [
                T.col("id", UID),
                T.col("visitor_id", UID),
                T.col("purpose", "user.privacy_preferences"),
                T.col("granted", "user.privacy_preferences"),
                T.col("policy_version", "user.privacy_preferences"),
                T.col("consent_revision", "user.privacy_preferences"),
                T.col("source", "user.privacy_preferences"),
                T.col("created_at", "user.privacy_preferences"),
            ]
        },
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
        columns: &{
            const T: Defaults = Defaults::new(&[LegalCompliance], LegalObligation, REQUEST_KEEP, WithRow);
            [
                T.col("id", UID),
                T.col("kind", "user.privacy_request"),
                T.col("regime", "user.privacy_request"),
                T.col("relation", "user.privacy_request"),
                T.col("requester_name", "user.name").erasure(RetainLegal),
                T.col("requester_email", "user.contact.email").erasure(RetainLegal),
                T.col("details", "user.content.request").erasure(Null),
                T.col("verify_hash", "user.authorization.credentials").secret(),
                // Nulled, not pseudonymised: it references accounts.
                T.col("account_id", UID).erasure(Null),
                T.col("status", "user.privacy_request").from(Source::Service),
                T.col("received_at", "user.privacy_request"),
                T.col("verified_at", "user.privacy_request").from(Source::Service),
                T.col("due_at", "user.privacy_request").from(Source::Service),
                T.col("extension_reason", "user.privacy_request").from(Source::Staff),
                T.col("outcome", "user.privacy_request").from(Source::Staff),
                T.col("handled_by", UID)
                    .purposes(&[LegalCompliance, Security])
                    .erasure(RetainLegal),
                T.col("closed_at", "user.privacy_request").from(Source::Service),
                T.col("correction_field", "user.privacy_request").erasure(Null),
                T.col("correction_enc", "user.privacy_request")
                    .erasure(Null)
                    .encrypted("privacy_requests.correction"),
            ]
        },
    },
    TableMap {
        table: "guardian_consents",
        // Needed to let a member under 18 use messaging and payments.
        about: "Your parent or guardian's confirmation, if you are under 18, and their email address.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(SVC, LegalObligation, ACCOUNT, DeleteRow);
            [
                T.col("id", UID),
                T.col("account_id", UID),
                T.col("guardian_email", "user.contact.email")
                    .purposes(&[ProvideService, LegalCompliance]),
                T.col("token_hash", "user.authorization.credentials")
                    .purposes(SEC)
                    .secret(),
                T.col("requested_at", "user.demographic.date_of_birth")
                    .purposes(&[LegalCompliance]),
                T.col("confirmed_at", "user.demographic.date_of_birth")
                    .purposes(&[LegalCompliance])
                    .from(Source::OtherPerson),
            ]
        },
    },
    TableMap {
        table: "policy_versions",
        about: "Versions of this privacy notice, each as it was published.",
        subjects: &[],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(&[LegalCompliance], LegalObligation, Retention::System, WithRow);
            [
                T.col("version", SYS),
                T.col("published_at", SYS),
                T.col("notice", SYS),
                T.col("notified", SYS),
            ]
        },
    },
    TableMap {
        table: "breaches",
        // GDPR Art. 33(5): every breach is documented, with its effects and
        // what was done.
        about: "Records of personal-data breaches and whom we told.",
        subjects: &["recorded_by"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(&[LegalCompliance], LegalObligation, BREACH_KEEP, WithRow);
            [
                T.col("id", UID),
                T.col("title", "user.security.breach"),
                T.col("description", "user.security.breach"),
                T.col("categories", "user.security.breach"),
                T.col("discovered_at", "user.security.breach"),
                T.col("recorded_by", UID)
                    .purposes(&[LegalCompliance, Security])
                    .erasure(RetainLegal),
                T.col("recorded_at", "user.security.breach"),
                T.col("reported_at", "user.security.breach"),
                T.col("authority_reference", "user.security.breach"),
                T.col("notified_at", "user.security.breach"),
                T.col("affected_count", "user.security.breach"),
            ]
        },
    },
    TableMap {
        table: "breach_notices",
        about: "Security notices we sent you about a breach affecting your data.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(&[LegalCompliance], LegalObligation, ACCOUNT, DeleteRow);
            [
                T.col("breach_id", UID),
                T.col("account_id", UID),
                T.col("notified_at", "user.security.breach"),
            ]
        },
    },
    TableMap {
        table: "disclosures",
        // GDPR Art. 15(1)(c): a person may learn to whom their data was given;
        // the record outlives an erasure, pseudonymised, for accountability.
        about: "Records of your data given to someone outside Koine, such as an authority, and why.",
        subjects: &["account_id", "recorded_by"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(&[LegalCompliance], LegalObligation, DISCLOSURE_KEEP, WithRow);
            [
                T.col("id", UID),
                T.col("account_id", UID).erasure(Pseudonymise),
                T.col("recipient_kind", "user.legal.disclosure"),
                T.col("recipient", "user.legal.disclosure"),
                T.col("categories", "user.legal.disclosure"),
                T.col("reason", "user.legal.disclosure").erasure(RetainLegal),
                T.col("disclosed_at", "user.legal.disclosure"),
                T.col("recorded_by", UID).erasure(RetainLegal),
                T.col("recorded_at", "user.legal.disclosure"),
            ]
        },
    },
];
