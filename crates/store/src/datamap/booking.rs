//! Booking: lessons, their history, new times proposed, packages.

use super::*;

/// A lesson: ten years after it ended one way or another.
const LESSON_KEEP: Retention = years_after(BILLING_YEARS, "closed_at");

const LESSON_EVENT_KEEP: Retention = years_after(BILLING_YEARS, "created_at");

const PACKAGE_KEEP: Retention = years_after(BILLING_YEARS, "purchased_at");

/// A proposed new time is kept a year, for questions about the lesson.
const PROPOSAL_KEEP: Retention = years_after(1, "created_at");

const TXN: &str = "user.financial.transaction";
const NOTE: &str = "user.content.lesson_note";

pub(super) static TABLES: &[TableMap] = &[
    // GDPR Art. 6(1)(b) while the lesson runs; afterwards the order is a
    // billing record kept for ten years (commercial and tax law), with
    // the people in it pseudonymised if they leave.
    table!("lessons", ["learner_id", "teacher_id", "settled_by"],
            Defaults::new(PAY, LegalObligation, LESSON_KEEP, RetainLegal);
        about "Lessons you booked or taught: when, what, the price, how it was paid and how it went.";
        UID => ["id"].basis(Contract).erasure(WithRow);
        UID => ["learner_id", "teacher_id"].erasure(Pseudonymise);
        UID => ["offering_id", "package_id"].basis(Contract).erasure(WithRow);
        TXN => ["kind"].choice();
        TXN => ["language", "duration_minutes", "starts_at", "ends_at"];
        TXN => ["status"].from(Source::Service).choice();
        TXN => ["price_minor", "paid_minor", "discount_minor", "currency"];
        UID => ["coupon_id"].basis(Contract).erasure(WithRow);
        TXN => ["commission_bp"].from(Source::Service);
        NOTE => ["note"].purposes(SVC).basis(Contract).erasure(Null);
        TXN => ["requested_at"];
        TXN => ["respond_by"].basis(Contract).erasure(WithRow).from(Source::Service);
        TXN => ["confirmed_at"];
        TXN => ["closed_at"].from(Source::Service);
        TXN => ["cancelled_by"].choice();
        TXN => ["late_cancellation"].from(Source::Service);
        TXN => ["problem_kind"].choice();
        NOTE => ["problem_text"].basis(Contract).erasure(Null);
        TXN => ["problem_reported_at"];
        TXN => ["outcome"].from(Source::Staff).choice();
        TXN => ["refund_minor"].from(Source::Staff);
        UID => ["settled_by"].purposes(&[Payments, LegalCompliance]);
        TXN => ["settlement_reason"].basis(Contract).erasure(Null).from(Source::Staff);
        // When the classroom had seen both: the lesson completes sooner.
        TXN => ["both_attended_at"].from(Source::Service);
        SYS => ["reminded_24h_at", "reminded_1h_at", "sequence", "updated_at"]
            .purposes(OPS)
            .basis(Contract)
            .erasure(WithRow);
    ),
    table!("lesson_events", ["actor_id"], Defaults::new(PAY, LegalObligation, LESSON_EVENT_KEEP, RetainLegal);
        about "What happened to each lesson, when and by whom: requests, answers, changes, problems.";
        UID => ["id", "lesson_id"].erasure(WithRow);
        UID => ["actor_id"].erasure(Pseudonymise);
        TXN => ["action"];
        TXN => ["from_status", "to_status"].from(Source::Service);
        NOTE => ["detail"].basis(Contract).erasure(Null);
        TXN => ["created_at"];
    ),
    table!("reschedule_proposals", ["proposed_by"], Defaults::new(SVC, Contract, PROPOSAL_KEEP, DeleteRow);
        about "New times you or the other side proposed for a lesson, and the answers.";
        UID => ["id", "lesson_id", "proposed_by"];
        TXN => ["starts_at", "ends_at"];
        TXN => ["status"].from(Source::Service).choice();
        TXN => ["created_at", "decided_at"];
    ),
    table!("lesson_packages", ["learner_id", "teacher_id"],
            Defaults::new(PAY, LegalObligation, PACKAGE_KEEP, RetainLegal);
        about "Packages of lessons you bought or sold: how many, the price, and until when they can be used.";
        UID => ["id"].basis(Contract).erasure(WithRow);
        UID => ["learner_id", "teacher_id"].erasure(Pseudonymise);
        UID => ["offering_id"].basis(Contract).erasure(WithRow);
        TXN => ["language", "duration_minutes", "lessons", "price_minor", "discount_percent", "currency"];
        TXN => ["commission_bp"].from(Source::Service);
        TXN => ["purchased_at"];
        TXN => ["expires_at"].from(Source::Service);
        SYS => ["reminded_month_at", "reminded_week_at"].purposes(OPS).basis(Contract).erasure(WithRow);
        TXN => ["closed_at"].from(Source::Service);
    ),
];
