//! Lesson classrooms: how members take part, and who was in them when.

use super::*;

/// Like the lesson's own record (ten years, as a billing record's evidence).
const ATTENDANCE_KEEP: Retention = years_after(BILLING_YEARS, "joined_at");

pub(super) static TABLES: &[TableMap] = &[
    table!("classroom_preferences", ["account_id"],
            Defaults::new(SVC, Contract, ACCOUNT, DeleteRow);
        about "How you take part in lesson classrooms: whether your IP address is hidden from the other member.";
        UID => ["account_id"];
        "user.account.settings" => ["hide_ip"].choice();
        "user.account.settings" => ["updated_at"].from(Source::Service);
    ),
    // Delivering the lesson, and the evidence that it took place: it lets
    // a lesson both members attended complete sooner, and staff see it
    // when one side disputes the lesson.
    table!("lesson_attendance", ["account_id"],
            Defaults::new(ATTENDANCE_USES, Contract, ATTENDANCE_KEEP, WithRow);
        about "When you joined and left each lesson's classroom.";
        UID => ["id", "lesson_id"];
        UID => ["account_id"].erasure(Pseudonymise);
        "user.behavior.attendance" => ["joined_at", "left_at"].from(Source::Service);
    ),
    // Both members write the pad; each keeps a copy of it, so erasing one
    // takes only theirs and the other keeps their lesson's notes.
    table!("lesson_notes", ["account_id", "updated_by"],
            Defaults::new(SVC, Contract, NOTES_KEEP, DeleteRow);
        about "The notes pad you shared with the other member in each lesson's classroom: your copy goes with your account; the other member keeps theirs.";
        UID => ["lesson_id", "account_id"];
        // The text is the two members' together: erasing one deletes their
        // copy (the row); in the other's copy it stays, with the row.
        "user.content.lesson_note" => ["body"].erasure(WithRow);
        SYS => ["version"].purposes(OPS);
        UID => ["updated_by"].erasure(Pseudonymise);
        "user.content.lesson_note" => ["updated_at"].from(Source::Service).erasure(WithRow);
    ),
];

/// Like conversations: three years after the last change unless the
/// operator set another period for conversations.
const NOTES_KEEP: Retention = DaysAfterSet {
    days: 3 * 365,
    column: "updated_at",
    setting: RetentionSetting::Conversations,
};

const ATTENDANCE_USES: &[Purpose] = &[ProvideService, Payments];
