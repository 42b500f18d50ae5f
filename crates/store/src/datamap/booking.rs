//! Booking: lessons, their history, new times proposed, packages.

use super::*;

/// A lesson: ten years after it ended one way or another.
const LESSON_KEEP: Retention = YearsAfter {
    years: BILLING_YEARS,
    column: "closed_at",
};

const LESSON_EVENT_KEEP: Retention = YearsAfter {
    years: BILLING_YEARS,
    column: "created_at",
};

const PACKAGE_KEEP: Retention = YearsAfter {
    years: BILLING_YEARS,
    column: "purchased_at",
};

/// A proposed new time is kept a year, for questions about the lesson.
const PROPOSAL_KEEP: Retention = YearsAfter {
    years: 1,
    column: "created_at",
};

const TXN: &str = "user.financial.transaction";
const NOTE: &str = "user.content.lesson_note";

pub(super) static TABLES: &[TableMap] = &[
    TableMap {
        table: "lessons",
        // GDPR Art. 6(1)(b) while the lesson runs; afterwards the order is a
        // billing record kept for ten years (commercial and tax law), with
        // the people in it pseudonymised if they leave.
        about: "Lessons you booked or taught: when, what, the price, how it was paid and how it went.",
        subjects: &["learner_id", "teacher_id", "settled_by"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PAY, LegalObligation, LESSON_KEEP, RetainLegal);
            [
                T.col("id", UID).basis(Contract).erasure(WithRow),
                T.col("learner_id", UID).erasure(Pseudonymise),
                T.col("teacher_id", UID).erasure(Pseudonymise),
                T.col("offering_id", UID).basis(Contract).erasure(WithRow),
                T.col("package_id", UID).basis(Contract).erasure(WithRow),
                T.col("kind", TXN),
                T.col("language", TXN),
                T.col("duration_minutes", TXN),
                T.col("starts_at", TXN),
                T.col("ends_at", TXN),
                T.col("status", TXN).from(Source::Service),
                T.col("price_minor", TXN),
                T.col("paid_minor", TXN),
                T.col("discount_minor", TXN),
                T.col("currency", TXN),
                T.col("coupon_id", UID).basis(Contract).erasure(WithRow),
                T.col("commission_bp", TXN).from(Source::Service),
                T.col("note", NOTE).purposes(SVC).basis(Contract).erasure(Null),
                T.col("requested_at", TXN),
                T.col("respond_by", TXN)
                    .basis(Contract)
                    .erasure(WithRow)
                    .from(Source::Service),
                T.col("confirmed_at", TXN),
                T.col("closed_at", TXN).from(Source::Service),
                T.col("cancelled_by", TXN),
                T.col("late_cancellation", TXN).from(Source::Service),
                T.col("problem_kind", TXN),
                T.col("problem_text", NOTE).basis(Contract).erasure(Null),
                T.col("problem_reported_at", TXN),
                T.col("outcome", TXN).from(Source::Staff),
                T.col("refund_minor", TXN).from(Source::Staff),
                T.col("settled_by", UID).purposes(&[Payments, LegalCompliance]),
                T.col("settlement_reason", TXN)
                    .basis(Contract)
                    .erasure(Null)
                    .from(Source::Staff),
                T.col("reminded_24h_at", SYS)
                    .purposes(OPS)
                    .basis(Contract)
                    .erasure(WithRow),
                T.col("reminded_1h_at", SYS)
                    .purposes(OPS)
                    .basis(Contract)
                    .erasure(WithRow),
                T.col("sequence", SYS).purposes(OPS).basis(Contract).erasure(WithRow),
                T.col("updated_at", SYS).purposes(OPS).basis(Contract).erasure(WithRow),
            ]
        },
    },
    TableMap {
        table: "lesson_events",
        about: "What happened to each lesson, when and by whom: requests, answers, changes, problems.",
        subjects: &["actor_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PAY, LegalObligation, LESSON_EVENT_KEEP, RetainLegal);
            [
                T.col("id", UID).erasure(WithRow),
                T.col("lesson_id", UID).erasure(WithRow),
                T.col("actor_id", UID).erasure(Pseudonymise),
                T.col("action", TXN),
                T.col("from_status", TXN).from(Source::Service),
                T.col("to_status", TXN).from(Source::Service),
                T.col("detail", NOTE).basis(Contract).erasure(Null),
                T.col("created_at", TXN),
            ]
        },
    },
    TableMap {
        table: "reschedule_proposals",
        about: "New times you or the other side proposed for a lesson, and the answers.",
        subjects: &["proposed_by"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(SVC, Contract, PROPOSAL_KEEP, DeleteRow);
            [
                T.col("id", UID),
                T.col("lesson_id", UID),
                T.col("proposed_by", UID),
                T.col("starts_at", TXN),
                T.col("ends_at", TXN),
                T.col("status", TXN).from(Source::Service),
                T.col("created_at", TXN),
                T.col("decided_at", TXN),
            ]
        },
    },
    TableMap {
        table: "lesson_packages",
        about: "Packages of lessons you bought or sold: how many, the price, and until when they can be used.",
        subjects: &["learner_id", "teacher_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PAY, LegalObligation, PACKAGE_KEEP, RetainLegal);
            [
                T.col("id", UID).basis(Contract).erasure(WithRow),
                T.col("learner_id", UID).erasure(Pseudonymise),
                T.col("teacher_id", UID).erasure(Pseudonymise),
                T.col("offering_id", UID).basis(Contract).erasure(WithRow),
                T.col("language", TXN),
                T.col("duration_minutes", TXN),
                T.col("lessons", TXN),
                T.col("price_minor", TXN),
                T.col("discount_percent", TXN),
                T.col("currency", TXN),
                T.col("commission_bp", TXN).from(Source::Service),
                T.col("purchased_at", TXN),
                T.col("expires_at", TXN).from(Source::Service),
                T.col("reminded_month_at", SYS)
                    .purposes(OPS)
                    .basis(Contract)
                    .erasure(WithRow),
                T.col("reminded_week_at", SYS)
                    .purposes(OPS)
                    .basis(Contract)
                    .erasure(WithRow),
                T.col("closed_at", TXN).from(Source::Service),
            ]
        },
    },
];
