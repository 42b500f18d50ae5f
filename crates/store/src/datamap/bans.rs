//! Accounts closed for fraud, kept from signing up again.

use super::*;

/// A fraud ban lasts 5 years, long enough to stop repeat fraud, short
/// enough that a person is not shut out for life.
const BAN_KEEP: Retention = YearsAfter {
    years: 5,
    column: "created_at",
};

pub(super) static TABLES: &[TableMap] = &[TableMap {
    table: "fraud_bans",
    // GDPR Recital 47: preventing fraud is a legitimate interest. Only a
    // keyed hash of each identifier is kept, never the address itself,
    // and nothing links it to the erased account.
    about: "Keyed hashes of the email address and phone number of accounts closed for fraud, so they cannot sign up again.",
    subjects: &["banned_by"],
    unconfirmed_erased_after_days: None,
    columns: &{
        const T: Defaults = Defaults::new(SEC, LegitimateInterests, BAN_KEEP, WithRow);
        [
            T.col("id", UID),
            T.col("identifier_hash", "user.contact").secret().from(Source::Service),
            T.col("kind", "user.contact").from(Source::Service),
            T.col("reason", "user.security.fraud_ban"),
            T.col("banned_by", UID)
                .purposes(&[Security, LegalCompliance])
                .basis(LegalObligation)
                .erasure(RetainLegal),
            T.col("created_at", "user.security.fraud_ban"),
        ]
    },
}];
