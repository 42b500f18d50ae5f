//! Mail waiting to be sent.

use super::*;

/// Sent messages are kept 30 days for delivery troubleshooting.
const OUTBOX_KEEP: Retention = days_after(30, "created_at");

pub(super) static TABLES: &[TableMap] = &[
    table!("outbox", ["account_id"], Defaults::new(&[ServiceMessages], Contract, OUTBOX_KEEP, DeleteRow);
        about "Emails and text messages we send you; content and address are removed once delivered.";
        UID => ["id", "account_id"];
        SYS => ["channel"];
        "user.contact" => ["recipient"];
        "user.content.message" => ["subject"];
        "user.content.message" => ["body"].secret();
        SYS => ["created_at"];
        SYS => ["attempts", "next_attempt_at", "claimed_until"].purposes(OPS);
        SYS => ["sent_at"];
        SYS => ["last_error"].purposes(OPS);
        // A lesson's calendar event, attached to booking emails.
        "user.content.message" => ["attachment"].secret();
        // The other member a message is about; their name is put in
        // when it is sent.
        UID => ["about_id"].erasure(Null).mention();
    ),
];
