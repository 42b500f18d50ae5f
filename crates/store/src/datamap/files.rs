//! Files: the index of what lies in the object store, and deletions owed to it.

use super::*;

pub(super) static TABLES: &[TableMap] = &[
    table!("objects", ["account_id"], Defaults::new(SVC, Contract, ACCOUNT, DeleteRow);
        about "Your files in our file store (profile picture, introduction video, identity document, certificates, files you sent in messages, data exports), each under a folder of yours; private ones are encrypted with a key of their own, itself encrypted under your personal key. Erasing your account deletes the folder.";
        UID => ["id", "account_id"];
        SYS => ["kind", "content_type"].choice();
        SYS => ["size_bytes", "created_at"];
        "user.security.encryption_key" => ["wrapped_key"].purposes(SEC).secret();
    ),
    table!("object_deletions", [], Defaults::new(OPS, LegitimateInterests, Retention::System, DeleteRow);
        about "Files and folders waiting to be deleted from the file store, kept until the store confirms; no account is linked to them any more.";
        SYS => ["path", "queued_at"];
    ),
];
