//! Privacy: legal holds, consent, exports, restrictions, requests, guardians, notices, breaches and disclosures.

use super::*;

/// Lifted legal holds are kept 3 years as a record; active ones stay.
const HOLD_KEEP: Retention = years_after(3, "lifted_at");

/// Export archives can be downloaded for 7 days after they are ready.
const EXPORT_END: Retention = UntilInstant { column: "expires_at" };

/// A lifted restriction is kept a year as a record of the request.
const RESTRICTION_KEEP: Retention = years_after(1, "lifted_at");

/// A visitor's choice lasts 13 months (the consent cookie's life); the
/// record of it is kept as long.
const VISITOR_CONSENT_KEEP: Retention = days_after(395, "created_at");

/// Data-subject requests are kept 2 years after receipt as a record.
const REQUEST_KEEP: Retention = years_after(2, "received_at");

/// Breach records are kept 5 years after discovery for accountability.
const BREACH_KEEP: Retention = years_after(5, "discovered_at");

/// Records of disclosures are kept 3 years, like staff access.
const DISCLOSURE_KEEP: Retention = years_after(3, "recorded_at");

pub(super) static TABLES: &[TableMap] = &[
    table!("legal_holds", ["account_id", "placed_by", "lifted_by"],
            Defaults::new(&[LegalCompliance], LegalObligation, HOLD_KEEP, WithRow);
        about "Legal holds: while one is active, your data is kept for a legal claim and not erased.";
        UID => ["id"];
        UID => ["account_id"].erasure(Pseudonymise);
        "user.legal.hold" => ["reason"].erasure(RetainLegal);
        UID => ["placed_by"].purposes(&[LegalCompliance, Security]).erasure(RetainLegal);
        "user.legal.hold" => ["placed_at"];
        UID => ["lifted_by"].purposes(&[LegalCompliance, Security]).erasure(RetainLegal);
        "user.legal.hold" => ["lifted_at"];
    ),
    // Kept to demonstrate consent (GDPR Art. 7(1)) while the account exists.
    table!("consent_events", ["account_id"], Defaults::new(&[LegalCompliance], LegalObligation, ACCOUNT, DeleteRow);
        about "Your consent choices over time, and where each came from.";
        UID => ["id", "account_id"];
        // A consent to recording one lesson names it.
        UID => ["lesson_id"];
        "user.privacy_preferences" => ["purpose", "granted", "policy_version", "consent_revision", "source",
            "created_at"];
    ),
    table!("data_exports", ["account_id"], Defaults::new(&[LegalCompliance], LegalObligation, EXPORT_END, DeleteRow);
        about "Copies of your data you asked for, kept 7 days for you to download.";
        UID => ["id", "account_id"];
        "user.privacy_request" => ["requested_at"];
        "user.privacy_request" => ["ready_at", "expires_at"].from(Source::Service);
        // The archive itself lies in the file store (`objects`); it is a
        // copy of the rest, and an export never contains earlier exports.
        SYS => ["size_bytes"];
        UID => ["archive_id"];
        "user.privacy_request" => ["downloaded_at"].from(Source::Service);
    ),
    table!("processing_restrictions", ["account_id"],
            Defaults::new(&[LegalCompliance], LegalObligation, RESTRICTION_KEEP, DeleteRow);
        about "Times you restricted our use of your data: while one is active, we only store it.";
        UID => ["id", "account_id"];
        "user.privacy_request" => ["reason", "requested_at", "lifted_at"];
    ),
    // Proof of consent for visitors (GDPR Art. 7(1)); the visitor id is
    // random and linked to no account.
    table!("visitor_consent_events", [],
            Defaults::new(&[LegalCompliance], LegalObligation, VISITOR_CONSENT_KEEP, DeleteRow);
        about "Cookie and privacy choices of visitors who are not signed in, under a random id kept in their browser.";
        UID => ["id", "visitor_id"];
        "user.privacy_preferences" => ["purpose", "granted", "policy_version", "consent_revision", "source",
            "created_at"];
    ),
    // Requests and how they were answered are records the law asks us to
    // keep (GDPR Art. 5(2), CCPA regulations § 7102: 24 months). After an
    // erasure a request keeps who asked (to answer a complaint about it)
    // but not what they wrote.
    table!("privacy_requests", ["account_id", "handled_by"],
            Defaults::new(&[LegalCompliance], LegalObligation, REQUEST_KEEP, WithRow);
        about "Data-protection requests made through our form, and how we answered them.";
        UID => ["id"];
        "user.privacy_request" => ["kind", "regime", "relation"].choice();
        "user.name" => ["requester_name"].erasure(RetainLegal);
        "user.contact.email" => ["requester_email"].erasure(RetainLegal);
        "user.content.request" => ["details"].erasure(Null);
        "user.authorization.credentials" => ["verify_hash"].secret();
        // Nulled, not pseudonymised: it references accounts.
        UID => ["account_id"].erasure(Null);
        "user.privacy_request" => ["status"].from(Source::Service).choice();
        "user.privacy_request" => ["received_at"];
        "user.privacy_request" => ["verified_at", "due_at"].from(Source::Service);
        "user.privacy_request" => ["extension_reason", "outcome"].from(Source::Staff);
        UID => ["handled_by"].purposes(&[LegalCompliance, Security]).erasure(RetainLegal);
        "user.privacy_request" => ["closed_at"].from(Source::Service);
        "user.privacy_request" => ["correction_field"].erasure(Null);
        "user.privacy_request" => ["correction_enc"].erasure(Null).encrypted("privacy_requests.correction");
    ),
    // Needed to let a member under 18 use messaging and payments.
    table!("guardian_consents", ["account_id"], Defaults::new(SVC, LegalObligation, ACCOUNT, DeleteRow);
        about "Your parent or guardian's confirmation, if you are under 18, and their email address.";
        UID => ["id", "account_id"];
        "user.contact.email" => ["guardian_email"].purposes(&[ProvideService, LegalCompliance]);
        "user.authorization.credentials" => ["token_hash"].purposes(SEC).secret();
        "user.demographic.date_of_birth" => ["requested_at"].purposes(&[LegalCompliance]);
        "user.demographic.date_of_birth" => ["confirmed_at"].purposes(&[LegalCompliance]).from(Source::OtherPerson);
    ),
    table!("policy_versions", [], Defaults::new(&[LegalCompliance], LegalObligation, Retention::System, WithRow);
        about "Versions of this privacy notice, each as it was published.";
        SYS => ["version", "published_at", "notice", "notified"];
    ),
    // GDPR Art. 33(5): every breach is documented, with its effects and
    // what was done.
    table!("breaches", ["recorded_by"], Defaults::new(&[LegalCompliance], LegalObligation, BREACH_KEEP, WithRow);
        about "Records of personal-data breaches and whom we told.";
        UID => ["id"];
        "user.security.breach" => ["title", "description", "categories", "discovered_at"];
        UID => ["recorded_by"].purposes(&[LegalCompliance, Security]).erasure(RetainLegal);
        "user.security.breach" => ["recorded_at", "reported_at", "authority_reference", "notified_at",
            "affected_count"];
    ),
    table!("breach_notices", ["account_id"], Defaults::new(&[LegalCompliance], LegalObligation, ACCOUNT, DeleteRow);
        about "Security notices we sent you about a breach affecting your data.";
        UID => ["breach_id", "account_id"];
        "user.security.breach" => ["notified_at"];
    ),
    // GDPR Art. 15(1)(c): a person may learn to whom their data was given;
    // the record outlives an erasure, pseudonymised, for accountability.
    table!("disclosures", ["account_id", "recorded_by"],
            Defaults::new(&[LegalCompliance], LegalObligation, DISCLOSURE_KEEP, WithRow);
        about "Records of your data given to someone outside Koine, such as an authority, and why.";
        UID => ["id"];
        UID => ["account_id"].erasure(Pseudonymise);
        "user.legal.disclosure" => ["recipient_kind", "recipient", "categories"];
        "user.legal.disclosure" => ["reason"].erasure(RetainLegal);
        "user.legal.disclosure" => ["disclosed_at"];
        UID => ["recorded_by"].erasure(RetainLegal);
        "user.legal.disclosure" => ["recorded_at"];
    ),
];
