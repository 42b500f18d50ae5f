//! What staff did, and why.

use super::*;

/// Staff-access records are kept 3 years for accountability.
const AUDIT_KEEP: Retention = years_after(3, "created_at");

pub(super) static TABLES: &[TableMap] = &[table!("audit_events", ["subject_id", "actor_id"],
        Defaults::new(&[LegalCompliance], LegalObligation, AUDIT_KEEP, WithRow);
    about "Records of each time staff opened your personal data.";
    UID => ["id"];
    UID => ["actor_id"].purposes(&[LegalCompliance, Security]).erasure(RetainLegal);
    UID => ["subject_id"].erasure(Pseudonymise);
    "user.security.audit" => ["action"];
    "user.security.audit" => ["reason"].erasure(Null);
    "user.security.audit" => ["created_at"];
)];
