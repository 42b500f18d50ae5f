//! The lesson lifecycle (ARCHITECTURE P4): a pure state machine. Who may do
//! what, when, and what each step does to the money held in escrow; the
//! services apply the result, the timers job supplies "now".
//!
//! ```text
//! requested ─┬─ confirm (teacher) ──────────► confirmed ── end ──► awaiting_confirmation
//!            ├─ decline (teacher) ──────────► declined                │
//!            ├─ withdraw (learner) ─────────► withdrawn               ├─ confirm (learner) or 72 h ─► completed
//!            └─ no answer by respond_by ────► expired                 └─ report problem ─► problem_reported
//! confirmed ── cancel (either side, before the start) ─► cancelled         │
//! problem_reported ─┬─ learner withdraws the report ─► completed           │
//!                   ├─ teacher agrees to refund ─────► settled             │
//!                   └─ either escalates, or 72 h ────► disputed ─ staff ─► settled
//! ```

use crate::refusal::Refusal;
use crate::{Invalid, Valid, ledger};

const HOUR_US: i64 = 3_600_000_000;

/// The teacher has this long to answer a request (or until the start).
pub const RESPOND_WITHIN_US: i64 = 48 * HOUR_US;
/// After the end, the learner has this long to confirm or report a problem;
/// then the lesson completes by itself.
pub const CONFIRM_WITHIN_US: i64 = 72 * HOUR_US;
/// When the classroom saw both members, the lesson evidently took place:
/// it completes by itself this much sooner by default (configurable).
pub const ATTENDED_CONFIRM_WITHIN_US: i64 = 12 * HOUR_US;

/// Until when the learner may confirm or report a problem, after which the
/// lesson completes by itself: `attended_within` after the end when both
/// members were seen in the classroom, 72 hours otherwise.
pub fn confirm_by(ends_at: i64, both_attended: bool, attended_within: i64) -> i64 {
    ends_at
        + if both_attended {
            attended_within.min(CONFIRM_WITHIN_US)
        } else {
            CONFIRM_WITHIN_US
        }
}
/// A reported problem the two sides have not resolved in this long goes to
/// staff as a dispute.
pub const RESOLVE_WITHIN_US: i64 = 72 * HOUR_US;
/// Cancelling or proposing a new time is free until this long before the start.
pub const FREE_CHANGE_BEFORE_US: i64 = 24 * HOUR_US;
/// Reminders go out this long before a lesson.
pub const REMINDERS_US: [i64; 2] = [24 * HOUR_US, HOUR_US];
/// The longest lesson, in microseconds (the database relies on it to bound
/// its overlap checks).
pub const LONGEST_LESSON_US: i64 = 90 * 60_000_000;

named_enum!(
    /// Where a lesson stands.
    LessonStatus, "status" {
        Requested => "requested",
        Confirmed => "confirmed",
        Declined => "declined",
        Withdrawn => "withdrawn",
        Expired => "expired",
        Cancelled => "cancelled",
        AwaitingConfirmation => "awaiting_confirmation",
        Completed => "completed",
        ProblemReported => "problem_reported",
        Disputed => "disputed",
        Settled => "settled",
    }
);

impl LessonStatus {
    /// Statuses that hold the teacher's time (and the money in escrow).
    pub const HOLDING_TIME: [Self; 2] = [Self::Requested, Self::Confirmed];

    pub fn holds_time(self) -> bool {
        Self::HOLDING_TIME.contains(&self)
    }

    /// Nothing more can happen to the lesson.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Declined | Self::Withdrawn | Self::Expired | Self::Cancelled | Self::Completed | Self::Settled
        )
    }

    /// Money is still held for it (in escrow).
    pub fn holds_money(self) -> bool {
        !self.is_final()
    }

    /// Ended without the lesson taking place and with the learner refunded
    /// in full: a trial taken this way can be booked again.
    pub fn refunded_in_full(self) -> bool {
        matches!(self, Self::Declined | Self::Withdrawn | Self::Expired)
    }
}

named_enum!(
    /// How a lesson is paid: on its own, as the one trial with a teacher,
    /// or from a package bought before.
    LessonKind, "kind" {
        Single => "single",
        Trial => "trial",
        Package => "package",
    }
);

named_enum!(
    /// What a learner says went wrong.
    ProblemKind, "problem" {
        TeacherAbsent => "teacher_absent",
        Technical => "technical",
        NotAsDescribed => "not_as_described",
        Other => "other",
    }
);

named_enum!(
    /// How staff settle a dispute.
    Outcome, "outcome" {
        Refund => "refund",
        Split => "split",
        Release => "release",
    }
);

named_enum!(
    /// Who called a lesson off (the clock's expiries are not cancellations).
    CancelledBy {
        Learner => "learner",
        Teacher => "teacher",
        Staff => "staff",
    }
);

named_enum!(
    /// Where a proposal to move a lesson stands.
    ProposalStatus {
        Pending => "pending",
        Accepted => "accepted",
        Declined => "declined",
        Withdrawn => "withdrawn",
        Expired => "expired",
    }
);

/// Who acts on a lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Learner,
    Teacher,
    Staff,
    /// The timers job, when a deadline passes.
    Clock,
}

/// Something that happens to a lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Confirm,
    Decline,
    Withdraw,
    Expire,
    Cancel,
    /// The lesson's end passed.
    End,
    ConfirmCompletion,
    AutoComplete,
    ReportProblem,
    WithdrawProblem,
    AcceptRefund,
    Escalate,
    /// Staff settle, refunding `refund` of what the learner paid.
    Settle {
        outcome: Outcome,
        refund: i64,
    },
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Decline => "decline",
            Self::Withdraw => "withdraw",
            Self::Expire => "expire",
            Self::Cancel => "cancel",
            Self::End => "end",
            Self::ConfirmCompletion => "confirm_completion",
            Self::AutoComplete => "auto_complete",
            Self::ReportProblem => "report_problem",
            Self::WithdrawProblem => "withdraw_problem",
            Self::AcceptRefund => "accept_refund",
            Self::Escalate => "escalate",
            Self::Settle { .. } => "settle",
        }
    }
}

/// What a step does with the money held for the lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escrow {
    /// Stays held.
    Keep,
    /// Everything back to where it came from (wallet, package, coupon).
    RefundAll,
    /// Everything to the teacher, less the platform's commission.
    ReleaseAll,
    /// `refund` (of what the learner paid) back, the rest to the teacher.
    Split { refund: i64 },
}

/// The instants a lesson's rules depend on, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub now: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub respond_by: i64,
    /// When a problem was reported, if one was.
    pub reported_at: Option<i64>,
    /// The learner confirms or reports by then ([`confirm_by`]).
    pub confirm_by: i64,
}

/// The operator's rule for late cancellations by learners: the share of
/// what they paid that comes back (the rest pays the teacher, who kept the
/// time free). Teachers who cancel late always refund in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CancellationPolicy {
    pub late_learner_refund_percent: u8,
}

/// The result of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub to: LessonStatus,
    pub escrow: Escrow,
    /// A cancellation inside the free window.
    pub late: bool,
}

/// The answer to a request must come by then: within 48 hours, and before
/// the lesson starts.
pub fn respond_by(requested_at: i64, starts_at: i64) -> i64 {
    (requested_at + RESPOND_WITHIN_US).min(starts_at)
}

/// Why a step is refused: the lesson's state does not allow it, or the
/// step's input is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepError {
    Refused(Refusal),
    Invalid(Invalid),
}

/// Decides what `action` by `party` does to a lesson in `from`, which the
/// learner paid `paid` for. Everything not listed is refused.
pub fn step(
    from: LessonStatus,
    action: Action,
    party: Party,
    t: Timing,
    paid: i64,
    policy: CancellationPolicy,
) -> Result<Step, StepError> {
    use Action as A;
    use LessonStatus as S;
    use Party as P;
    let to = |to, escrow| {
        Ok(Step {
            to,
            escrow,
            late: false,
        })
    };
    match (from, action, party) {
        (S::Requested, A::Confirm, P::Teacher) if t.now < t.respond_by => to(S::Confirmed, Escrow::Keep),
        (S::Requested, A::Confirm, P::Teacher) => Err(StepError::Refused(Refusal::RequestExpired)),
        (S::Requested, A::Decline, P::Teacher) => to(S::Declined, Escrow::RefundAll),
        (S::Requested, A::Withdraw, P::Learner) => to(S::Withdrawn, Escrow::RefundAll),
        (S::Requested, A::Expire, P::Clock) if t.now >= t.respond_by => to(S::Expired, Escrow::RefundAll),
        (S::Confirmed, A::Cancel, P::Learner | P::Teacher) if t.now < t.starts_at => {
            let late = t.starts_at - t.now < FREE_CHANGE_BEFORE_US;
            let escrow = match (late, party) {
                (false, _) | (true, P::Teacher) => Escrow::RefundAll,
                _ => match policy.late_learner_refund_percent.min(100) {
                    100 => Escrow::RefundAll,
                    0 => Escrow::ReleaseAll,
                    p => Escrow::Split { refund: share(paid, p) },
                },
            };
            Ok(Step {
                to: S::Cancelled,
                escrow,
                late,
            })
        }
        (S::Confirmed, A::Cancel, _) => Err(StepError::Refused(Refusal::LessonStarted)),
        (S::Confirmed, A::End, P::Clock) if t.now >= t.ends_at => to(S::AwaitingConfirmation, Escrow::Keep),
        (S::AwaitingConfirmation, A::ConfirmCompletion, P::Learner) => to(S::Completed, Escrow::ReleaseAll),
        (S::AwaitingConfirmation, A::AutoComplete, P::Clock) if t.now >= t.confirm_by => {
            to(S::Completed, Escrow::ReleaseAll)
        }
        (S::AwaitingConfirmation, A::ReportProblem, P::Learner) if t.now < t.confirm_by => {
            to(S::ProblemReported, Escrow::Keep)
        }
        (S::AwaitingConfirmation, A::ReportProblem, P::Learner) => Err(StepError::Refused(Refusal::TooLate)),
        (S::ProblemReported, A::WithdrawProblem, P::Learner) => to(S::Completed, Escrow::ReleaseAll),
        (S::ProblemReported, A::AcceptRefund, P::Teacher) => to(S::Settled, Escrow::RefundAll),
        (S::ProblemReported, A::Escalate, P::Learner | P::Teacher) => to(S::Disputed, Escrow::Keep),
        (S::ProblemReported, A::Escalate, P::Clock)
            if t.reported_at.is_some_and(|r| t.now >= r + RESOLVE_WITHIN_US) =>
        {
            to(S::Disputed, Escrow::Keep)
        }
        (S::ProblemReported | S::Disputed, A::Settle { outcome, refund }, P::Staff) => {
            let escrow = match outcome {
                Outcome::Refund => Escrow::RefundAll,
                Outcome::Release => Escrow::ReleaseAll,
                Outcome::Split if refund > 0 && refund < paid => Escrow::Split { refund },
                Outcome::Split => return Err(StepError::Invalid(Invalid::new("refund", "split-out-of-range"))),
            };
            to(S::Settled, escrow)
        }
        (_, _, P::Clock) => Err(StepError::Refused(Refusal::NotDue)),
        _ => Err(StepError::Refused(Refusal::ImpossibleTransition)),
    }
}

/// `percent` of `amount`, rounded down to a minor unit.
pub fn share(amount: i64, percent: u8) -> i64 {
    amount * i64::from(percent.min(100)) / 100
}

/// Whether a confirmed lesson's time may still be changed at `now`: a new
/// time is proposed at least 24 hours before the start.
pub fn may_propose_new_time(status: LessonStatus, now: i64, starts_at: i64) -> Result<(), Refusal> {
    if status != LessonStatus::Confirmed {
        return Err(Refusal::ImpossibleTransition);
    }
    if starts_at - now < FREE_CHANGE_BEFORE_US {
        return Err(Refusal::TooLateToReschedule);
    }
    Ok(())
}

/// A proposal can be accepted while both the old and the new time are
/// still ahead.
pub fn may_accept_new_time(status: LessonStatus, now: i64, old_start: i64, new_start: i64) -> Result<(), Refusal> {
    if status != LessonStatus::Confirmed {
        return Err(Refusal::ImpossibleTransition);
    }
    if now >= old_start.min(new_start) {
        return Err(Refusal::ProposalExpired);
    }
    Ok(())
}

/// Which timer step is due for a lesson at `now`, if any.
pub fn due(status: LessonStatus, t: Timing) -> Option<Action> {
    match status {
        LessonStatus::Requested if t.now >= t.respond_by => Some(Action::Expire),
        LessonStatus::Confirmed if t.now >= t.ends_at => Some(Action::End),
        LessonStatus::AwaitingConfirmation if t.now >= t.confirm_by => Some(Action::AutoComplete),
        LessonStatus::ProblemReported if t.reported_at.is_some_and(|r| t.now >= r + RESOLVE_WITHIN_US) => {
            Some(Action::Escalate)
        }
        _ => None,
    }
}

/// The ledger entry for what a step does with a lesson's escrow (`None`:
/// the money stays held).
pub fn settlement(
    escrow: Escrow,
    money: &ledger::LessonMoney,
    commission_bp: u16,
) -> Result<Option<ledger::Entry>, ledger::LedgerError> {
    let (refund, subsidy_back) = match escrow {
        Escrow::Keep => return Ok(None),
        Escrow::RefundAll => (money.paid, true),
        Escrow::ReleaseAll => (0, false),
        Escrow::Split { refund } => (refund, false),
    };
    ledger::settle(money, refund, subsidy_back, commission_bp).map(Some)
}

/// A rating of 1 to 5 stars.
pub fn parse_rating(raw: &str) -> Valid<u8> {
    raw.trim()
        .parse::<u8>()
        .ok()
        .filter(|r| (1..=5).contains(r))
        .ok_or(Invalid::new("rating", "out-of-range"))
}

#[cfg(test)]
mod tests;
