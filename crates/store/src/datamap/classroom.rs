//! Lesson classrooms: how members take part.

use super::*;

pub(super) static TABLES: &[TableMap] = &[table!("classroom_preferences", ["account_id"],
        Defaults::new(SVC, Contract, ACCOUNT, DeleteRow);
    about "How you take part in lesson classrooms: whether your IP address is hidden from the other member.";
    UID => ["account_id"];
    "user.account.settings" => ["hide_ip"].choice();
    "user.account.settings" => ["updated_at"].from(Source::Service);
)];
