//! Notices to members and their calendar feeds.

use super::*;

/// In-app notices are kept half a year.
const NOTIFICATION_KEEP: Retention = days_after(180, "created_at");

pub(super) static TABLES: &[TableMap] = &[
    table!("notifications", ["account_id"], Defaults::new(&[ServiceMessages], Contract, NOTIFICATION_KEEP, DeleteRow);
        about "Notices shown to you in Koine: lesson requests, answers, reminders and changes.";
        UID => ["id", "account_id"];
        SYS => ["kind"];
        "user.content.message" => ["body"];
        SYS => ["link", "created_at"];
        SYS => ["read_at"].from(Source::Device);
        // The other member a notice is about; their name is shown from it.
        UID => ["about_id"].erasure(Null).mention();
    ),
    table!("calendar_feeds", ["account_id"], Defaults::new(SVC, Contract, ACCOUNT, DeleteRow);
        about "The secret address of your lesson calendar (stored hashed).";
        UID => ["account_id"];
        "user.authorization.credentials" => ["token_hash"].secret();
        SYS => ["created_at"];
    ),
];
