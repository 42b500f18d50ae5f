//! Conversations between members: who takes part, the messages, blocks and
//! messaging preferences.

use super::*;

/// A conversation nobody has written in for three years is deleted, with
/// its messages (the operator may set another period in configuration).
const CONVERSATION_KEEP: Retention = DaysAfterSet {
    days: 3 * 365,
    column: "last_activity_at",
    setting: RetentionSetting::Conversations,
};

const IN_CONVERSATION: Retention = WithParent {
    column: "conversation_id",
    parent: "conversations",
};

/// A closed report is kept two years (repeated abuse shows across
/// reports); the copy of the reported messages goes 90 days after it closed,
/// time enough for an appeal.
const REPORT_KEEP: Retention = days_after(2 * 365, "closed_at");
const EVIDENCE_KEEP: Retention = days_after(90, "closed_at");

/// An open report keeps the messages it copied (their sequence numbers
/// from `first_seq` to `last_seq`): an erased member's among them keep
/// their text and files until it is decided, then lose them.
const OPEN_REPORT_COVERS_MESSAGE: &str = "EXISTS (SELECT 1 FROM message_reports r \
    WHERE r.status = 'open' AND r.conversation_id = messages.conversation_id \
    AND messages.seq BETWEEN r.first_seq AND r.last_seq)";

const REPORTED_MESSAGE: Hold = Hold {
    while_sql: OPEN_REPORT_COVERS_MESSAGE,
    why: "open-report",
};

const REPORTED_FILE: Hold = Hold {
    while_sql: "EXISTS (SELECT 1 FROM messages JOIN message_reports r ON r.conversation_id = messages.conversation_id \
        WHERE messages.id = message_attachments.message_id AND r.status = 'open' \
        AND messages.seq BETWEEN r.first_seq AND r.last_seq)",
    why: "open-report",
};

const CONVERSATION: &str = "user.content.conversation";
const REPORT: &str = "user.content.report";
const BLOCKS: &str = "user.account.blocks";

pub(super) static TABLES: &[TableMap] = &[
    // A conversation belongs to its members together; it has no subject of
    // its own, and stays for the other member when one leaves.
    table!("conversations", [], Defaults::new(SVC, Contract, CONVERSATION_KEEP, WithRow);
        about "Conversations between members: when each began and was last written in.";
        UID => ["id"];
        CONVERSATION => ["created_at", "last_activity_at"].from(Source::Service);
        SYS => ["last_seq"].purposes(OPS);
    ),
    table!("conversation_members", ["account_id"], Defaults::new(SVC, Contract, IN_CONVERSATION, DeleteRow);
        about "The conversations you take part in, how far you have read, and when we emailed you about them.";
        UID => ["conversation_id", "account_id"];
        CONVERSATION => ["joined_at"].from(Source::Service);
        CONVERSATION => ["last_read_seq"].from(Source::Device);
        "user.content.message" => ["emailed_seq", "emailed_at"].purposes(&[ServiceMessages]).from(Source::Service);
    ),
    // Someone who leaves keeps no messages in others' conversations: each
    // stays in its place, from "a former member", with its text deleted.
    table!("messages", ["sender_id"], Defaults::new(SVC, Contract, IN_CONVERSATION, WithRow);
        about "Messages you sent, and those the other member sent you.";
        UID => ["id", "conversation_id"];
        SYS => ["seq"].purposes(OPS);
        UID => ["sender_id"].erasure(Pseudonymise);
        CONVERSATION => ["kind"].from(Source::Service).choice();
        CONVERSATION => ["body"].erasure(Null);
        // Contact details taken out before the two had a paid lesson
        // (keeping payments on Koine protects both sides): how many and
        // of which kinds, never the details themselves.
        CONVERSATION => ["redactions", "redacted_kinds"].purposes(SEC).basis(LegitimateInterests).from(Source::Service);
        CONVERSATION => ["created_at"].from(Source::Service);
    )
    .shared_through("conversation_id", "conversation_members", "account_id")
    .held_while(REPORTED_MESSAGE),
    // Files go with their message; an erased sender's files are deleted
    // (and the key they were sealed under destroyed), unless an open
    // report keeps them: then they are handed to a key of their own
    // (`held_erasures`), destroyed when the last of them goes. The files
    // lie in the file store (`objects`, with the attachment's id);
    // `file_enc` held them before and is empty once a node has started.
    table!("message_attachments", ["sender_id"], Defaults::new(SVC, Contract, IN_CONVERSATION, DeleteRow);
        about "Files (pictures and PDFs) you sent, and those the other member sent you.";
        UID => ["id", "message_id", "conversation_id", "sender_id"];
        SYS => ["position"].purposes(OPS);
        CONVERSATION => ["name", "size_bytes"];
        CONVERSATION => ["content_type"].from(Source::Service).choice();
        CONVERSATION => ["file_enc"].encrypted("message_attachments.file").file();
        CONVERSATION => ["created_at"].from(Source::Service);
    )
    .shared_through("conversation_id", "conversation_members", "account_id")
    .held_while(REPORTED_FILE),
    // Named by a pseudonym, not a person: deleted once the last row it
    // kept has gone the erasure's way (`erasure::release_held`).
    table!("held_erasures", [], Defaults::new(SEC, LegitimateInterests, Retention::System, WithRow);
        about "Erasures an open report left unfinished: the pseudonym in the rows it keeps, and the key of the files it keeps.";
        UID => ["pseudonym"];
        "user.security.encryption_key" => ["wrapped_key"].secret();
        SYS => ["created_at"];
    ),
    table!("member_blocks", ["blocker_id", "blocked_id"], Defaults::new(SEC, LegitimateInterests, ACCOUNT, DeleteRow);
        about "Members you blocked, and why: they cannot message or book you.";
        UID => ["blocker_id", "blocked_id"];
        BLOCKS => ["reason"].choice();
        BLOCKS => ["created_at"].from(Source::Service);
    ),
    // Trust and safety (GDPR Art. 6(1)(f): keeping members safe). A report
    // stays while open whoever leaves, the people in it pseudonymised.
    // Who decided is in the audit log, kept for staff accountability.
    table!("message_reports", ["reporter_id", "reported_id"],
            Defaults::new(SEC, LegitimateInterests, REPORT_KEEP, WithRow);
        about "Reports of messages to trust & safety: who reported whom, why, a copy of the messages, and the decision.";
        UID => ["id", "conversation_id", "message_id"];
        UID => ["reporter_id", "reported_id"].erasure(Pseudonymise);
        SYS => ["first_seq", "last_seq"].purposes(SEC);
        REPORT => ["reason"].choice();
        REPORT => ["details"];
        REPORT => ["evidence"].retention(EVIDENCE_KEEP).from(Source::Service);
        REPORT => ["status"].from(Source::Service).choice();
        REPORT => ["outcome"].from(Source::Staff).choice();
        REPORT => ["decision_note"].from(Source::Staff);
        REPORT => ["created_at", "closed_at"].from(Source::Service);
    ),
    table!("messaging_restrictions", ["account_id"], Defaults::new(SEC, LegitimateInterests, ACCOUNT, DeleteRow);
        about "Whether trust & safety stopped you sending messages, and why.";
        UID => ["account_id", "report_id"];
        REPORT => ["reason"].from(Source::Staff);
        REPORT => ["created_at"].from(Source::Service);
    ),
    table!("messaging_preferences", ["account_id"], Defaults::new(SVC, Contract, ACCOUNT, DeleteRow);
        about "How you message: read receipts, typing indicators, email notices and your away message.";
        UID => ["account_id"];
        "user.account.settings" => ["read_receipts", "typing_indicators"];
        "user.account.settings" => ["email"].choice();
        CONVERSATION => ["away_message"];
        "user.account.settings" => ["updated_at"].from(Source::Service);
    ),
];
