//! Notices to members and their calendar feeds.

use super::*;

/// In-app notices are kept half a year.
const NOTIFICATION_KEEP: Retention = DaysAfter {
    days: 180,
    column: "created_at",
};

pub(super) static TABLES: &[TableMap] = &[
    TableMap {
        table: "notifications",
        about: "Notices shown to you in Koine: lesson requests, answers, reminders and changes.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(&[ServiceMessages], Contract, NOTIFICATION_KEEP, DeleteRow);
            [
                T.col("id", UID),
                T.col("account_id", UID),
                T.col("kind", SYS),
                T.col("body", "user.content.message"),
                T.col("link", SYS),
                T.col("created_at", SYS),
                T.col("read_at", SYS).from(Source::Device),
                // The other member a notice is about; their name is shown from it.
                T.col("about_id", UID).erasure(Null).mention(),
            ]
        },
    },
    TableMap {
        table: "calendar_feeds",
        about: "The secret address of your lesson calendar (stored hashed).",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(SVC, Contract, ACCOUNT, DeleteRow);
            [
                T.col("account_id", UID),
                T.col("token_hash", "user.authorization.credentials").secret(),
                T.col("created_at", SYS),
            ]
        },
    },
];
