//! Mail waiting to be sent.

use super::*;

/// Sent messages are kept 30 days for delivery troubleshooting.
const OUTBOX_KEEP: Retention = DaysAfter {
    days: 30,
    column: "created_at",
};

pub(super) static TABLES: &[TableMap] = &[TableMap {
    table: "outbox",
    about: "Emails and text messages we send you; content and address are removed once delivered.",
    subjects: &["account_id"],
    unconfirmed_erased_after_days: None,
    columns: &{
        const T: Defaults = Defaults::new(&[ServiceMessages], Contract, OUTBOX_KEEP, DeleteRow);
        [
            T.col("id", UID),
            T.col("account_id", UID),
            T.col("channel", SYS),
            T.col("recipient", "user.contact"),
            T.col("subject", "user.content.message"),
            T.col("body", "user.content.message").secret(),
            T.col("created_at", SYS),
            T.col("attempts", SYS).purposes(OPS),
            T.col("next_attempt_at", SYS).purposes(OPS),
            T.col("claimed_until", SYS).purposes(OPS),
            T.col("sent_at", SYS),
            T.col("last_error", SYS).purposes(OPS),
            // A lesson's calendar event, attached to booking emails.
            T.col("attachment", "user.content.message").secret(),
            // The other member a message is about; their name is put in
            // when it is sent.
            T.col("about_id", UID).erasure(Null).mention(),
        ]
    },
}];
