//! Accounts closed for fraud, kept from signing up again.

use super::*;

/// A fraud ban lasts 5 years, long enough to stop repeat fraud, short
/// enough that a person is not shut out for life.
const BAN_KEEP: Retention = years_after(5, "created_at");

pub(super) static TABLES: &[TableMap] = &[
    // GDPR Recital 47: preventing fraud is a legitimate interest. Only a
    // keyed hash of each identifier is kept, never the address itself,
    // and nothing links it to the erased account.
    table!("fraud_bans", ["banned_by"], Defaults::new(SEC, LegitimateInterests, BAN_KEEP, WithRow);
        about "Keyed hashes of the email address and phone number of accounts closed for fraud, so they cannot sign up again.";
        UID => ["id"];
        "user.contact" => ["identifier_hash"].secret().from(Source::Service);
        "user.contact" => ["kind"].from(Source::Service);
        "user.security.fraud_ban" => ["reason"];
        UID => ["banned_by"].purposes(&[Security, LegalCompliance]).basis(LegalObligation).erasure(RetainLegal);
        "user.security.fraud_ban" => ["created_at"];
    ),
];
