//! What staff did, and why.

use super::*;

/// Staff-access records are kept 3 years for accountability.
const AUDIT_KEEP: Retention = YearsAfter {
    years: 3,
    column: "created_at",
};

pub(super) static TABLES: &[TableMap] = &[TableMap {
    table: "audit_events",
    about: "Records of each time staff opened your personal data.",
    subjects: &["subject_id", "actor_id"],
    unconfirmed_erased_after_days: None,
    columns: &{
        const T: Defaults = Defaults::new(&[LegalCompliance], LegalObligation, AUDIT_KEEP, WithRow);
        [
            T.col("id", UID),
            T.col("actor_id", UID)
                .purposes(&[LegalCompliance, Security])
                .erasure(RetainLegal),
            T.col("subject_id", UID).erasure(Pseudonymise),
            T.col("action", "user.security.audit"),
            T.col("reason", "user.security.audit").erasure(Null),
            T.col("created_at", "user.security.audit"),
        ]
    },
}];
