//! The demo's lessons, lived through the services on a clock of their own
//! that starts weeks ago: each booking, answer, end, confirmation, review
//! and dispute happens at its own time, so the ledger, notices, timers and
//! reviews hold what those weeks would really have left — never rows
//! written behind the services' back.

use super::principal;
use koine_domain::booking::{Action, LessonKind, ProblemKind};
use koine_domain::staff::StaffRole;
use koine_services::Services;
use koine_services::booking::lessons::{BookingRequest, StepInput};
use koine_services::clock::Clock;
use koine_services::idempotency::IdempotencyKey;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use uuid::Uuid;

const HOUR_US: i64 = 3_600_000_000;
const DAY_US: i64 = 24 * HOUR_US;
const LESSON_US: i64 = HOUR_US;

/// Where a demo lesson ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    Requested,
    Confirmed,
    Declined,
    Withdrawn,
    Expired,
    Cancelled,
    AwaitingConfirmation,
    /// Completed; with the index of its review in `REVIEWS`, if reviewed.
    Completed(Option<usize>),
    ProblemReported,
    Disputed,
    Settled,
}

impl Fate {
    fn in_past(self) -> bool {
        !matches!(self, Self::Requested | Self::Confirmed | Self::Cancelled)
    }
}

/// One lesson to live: who, roughly when (from now), and how it ends.
#[derive(Debug, Clone)]
pub struct Plan {
    pub learner: Uuid,
    pub teacher: Uuid,
    /// The start sought; a past lesson takes the latest free slot before
    /// it, a future one the earliest after it.
    pub around: i64,
    pub fate: Fate,
}

/// What happens next to a planned lesson: its booking, then steps on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Act {
    Book,
    Then(Step),
}

/// A step someone takes on a booked lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Confirm,
    Decline,
    Withdraw,
    Cancel,
    ConfirmCompletion,
    Review,
    Reply,
    Report,
    Escalate,
    AcceptRefund,
}

const REVIEWS: &[(&str, &str)] = &[
    (
        "5",
        "Patient, well prepared and funny. I spoke more in one hour than in a month of classes.",
    ),
    (
        "5",
        "Clear explanations and a summary of my mistakes after the lesson. Exactly what I needed.",
    ),
    (
        "4",
        "Very friendly and helpful. The connection dropped once, but we made up the time.",
    ),
    (
        "5",
        "We practised a real situation from my job and I finally feel ready for my meetings.",
    ),
    ("5", "¡Excelente! Muy paciente y con mucho material interesante."),
    (
        "4",
        "Good structure and homework. I would like a bit more speaking next time.",
    ),
    ("5", "The best teacher I have had online. Booking again next week."),
    ("5", "Made grammar feel logical instead of scary. Thank you!"),
];

const NOTES: &[&str] = &[
    "I'd like to practise conversation about travel.",
    "Could we work on my pronunciation?",
    "I have an exam next month and need speaking practice.",
    "Beginner here: please go slowly!",
    "I want to review the past tenses.",
];

/// Lives `plans` from a few days before the first booking up to now.
pub async fn live(svc: &Services, plans: &[Plan]) -> Result<Vec<Uuid>, koine_services::Error> {
    let now = svc.clock.now_us();
    let booked_at = |p: &Plan| match p.fate {
        Fate::Requested => now - 5 * HOUR_US,
        f if f.in_past() => p.around - 4 * DAY_US,
        _ => now - 2 * DAY_US,
    };
    let Some(start) = plans.iter().map(booked_at).min() else {
        return Ok(Vec::new());
    };
    let mut past = svc.clone();
    past.clock =
        Clock::manual(jiff::Timestamp::from_microsecond(start - HOUR_US).map_err(koine_services::Error::internal)?);
    let mut queue = BinaryHeap::new();
    for (i, p) in plans.iter().enumerate() {
        queue.push(Reverse((booked_at(p), i, Act::Book)));
    }
    let mut world = World {
        svc: &past,
        lessons: vec![None; plans.len()],
        reviews: HashMap::new(),
        busy: HashMap::new(),
    };
    while let Some(Reverse((at, i, act))) = queue.pop() {
        if at > now {
            continue;
        }
        world.move_clock_to(at).await?;
        let Some(lesson) = world.act(&plans[i], i, act).await? else {
            continue;
        };
        for (after, step) in follow_ups(plans[i].fate, at, lesson, now) {
            queue.push(Reverse((after, i, Act::Then(step))));
        }
    }
    world.move_clock_to(now).await?;
    Ok(world.lessons.into_iter().flatten().collect())
}

/// What happens to a lesson booked at `booked` that starts at `starts`,
/// the demo's present being `now`.
fn follow_ups(fate: Fate, booked: i64, (_, starts): (Uuid, i64), now: i64) -> Vec<(i64, Step)> {
    let ends = starts + LESSON_US;
    let answer = booked + HOUR_US;
    let mut steps = match fate {
        Fate::Requested | Fate::Expired => vec![],
        Fate::Declined => vec![(answer, Step::Decline)],
        Fate::Withdrawn => vec![(booked + HOUR_US / 2, Step::Withdraw)],
        Fate::Cancelled => vec![(answer, Step::Confirm), (answer + 2 * HOUR_US, Step::Cancel)],
        _ => vec![(answer, Step::Confirm)],
    };
    steps.extend(match fate {
        Fate::Completed(review) => {
            let mut v = vec![(ends + 2 * HOUR_US, Step::ConfirmCompletion)];
            if review.is_some() {
                v.push((ends + 3 * HOUR_US, Step::Review));
                v.push((ends + DAY_US, Step::Reply));
            }
            v
        }
        // Reported no more than two days ago, so the timer has not yet
        // made it a dispute (it does after RESOLVE_WITHIN_US), however long
        // ago the teacher's last free hour before the plan's time was; still
        // within the time to report (before the lesson completes by itself).
        Fate::ProblemReported => vec![((ends + HOUR_US).max(now - 2 * DAY_US), Step::Report)],
        Fate::Disputed => vec![(ends + HOUR_US, Step::Report), (ends + DAY_US, Step::Escalate)],
        Fate::Settled => vec![(ends + HOUR_US, Step::Report), (ends + 5 * HOUR_US, Step::AcceptRefund)],
        _ => vec![],
    });
    steps
}

struct World<'a> {
    svc: &'a Services,
    /// Each plan's lesson, once booked.
    lessons: Vec<Option<Uuid>>,
    /// Reviews written, by plan.
    reviews: HashMap<usize, Uuid>,
    /// Lesson starts already taken, by member (teacher or learner).
    busy: HashMap<Uuid, Vec<i64>>,
}

impl World<'_> {
    /// Moves the clock forward and lets the timers do what falls due.
    async fn move_clock_to(&self, at: i64) -> Result<(), koine_services::Error> {
        let by = at - self.svc.clock.now_us();
        if by > 0 {
            self.svc
                .clock
                .advance(std::time::Duration::from_micros(by.unsigned_abs()));
        }
        self.svc.run_lesson_timers().await?;
        Ok(())
    }

    /// Takes one step; returns the lesson and its start after booking it
    /// (`None` after any other step, or if no slot was free).
    async fn act(&mut self, plan: &Plan, i: usize, act: Act) -> Result<Option<(Uuid, i64)>, koine_services::Error> {
        let now = self.svc.clock.now_us();
        let (learner, teacher) = (principal(plan.learner, None, now), principal(plan.teacher, None, now));
        let (step, lesson) = match (act, self.lessons[i]) {
            (Act::Book, _) => return self.book(plan, i, &learner).await,
            (Act::Then(step), Some(lesson)) => (step, lesson),
            (Act::Then(_), None) => return Ok(None),
        };
        let input = |problem: Option<ProblemKind>, text: Option<&str>| StepInput {
            problem,
            text: text.map(str::to_owned),
        };
        let plain = input(None, None);
        let (who, action, input) = match step {
            Step::Confirm => (&teacher, Action::Confirm, plain),
            Step::Decline => (
                &teacher,
                Action::Decline,
                input(None, Some("Sorry, I am travelling that week.")),
            ),
            Step::Withdraw => (&learner, Action::Withdraw, plain),
            Step::Cancel => (
                &learner,
                Action::Cancel,
                input(None, Some("Something came up at work, sorry!")),
            ),
            Step::ConfirmCompletion => (&learner, Action::ConfirmCompletion, plain),
            Step::Report => (
                &learner,
                Action::ReportProblem,
                input(
                    Some(ProblemKind::Technical),
                    Some("The video froze for most of the second half and we could not finish the exercises."),
                ),
            ),
            Step::Escalate => (&learner, Action::Escalate, plain),
            Step::AcceptRefund => (&teacher, Action::AcceptRefund, plain),
            Step::Review => {
                if let Fate::Completed(Some(r)) = plan.fate {
                    let (rating, body) = REVIEWS[r % REVIEWS.len()];
                    let id = self.svc.review_lesson(&learner, lesson, rating, body).await?;
                    self.reviews.insert(i, id);
                }
                return Ok(None);
            }
            Step::Reply => {
                if let Some(review) = self.reviews.get(&i).filter(|_| i.is_multiple_of(3)) {
                    let thanks = "Thank you! It was a pleasure, see you next time.";
                    self.svc.reply_to_review(&teacher, *review, thanks).await?;
                }
                return Ok(None);
            }
        };
        self.svc
            .lesson_action(who, lesson, action, input, &IdempotencyKey::fresh())
            .await?;
        Ok(None)
    }

    /// Books the free slot nearest the plan's time that neither member has
    /// taken; nothing if there is none.
    async fn book(
        &mut self,
        plan: &Plan,
        i: usize,
        learner: &koine_services::accounts::Principal,
    ) -> Result<Option<(Uuid, i64)>, koine_services::Error> {
        let ts = |us: i64| jiff::Timestamp::from_microsecond(us).map_err(koine_services::Error::internal);
        let (from, until) = if plan.fate.in_past() {
            (plan.around - 3 * DAY_US, plan.around)
        } else {
            (plan.around, plan.around + 3 * DAY_US)
        };
        let mut slots = self.svc.slots(plan.teacher, 60, ts(from)?, ts(until)?).await?;
        if plan.fate.in_past() {
            slots.reverse();
        }
        let clashes = |who: &Uuid, s: i64| {
            self.busy
                .get(who)
                .is_some_and(|taken| taken.iter().any(|t| (t - s).abs() < LESSON_US))
        };
        let Some(start) = slots
            .iter()
            .map(|s| s.as_microsecond())
            .find(|s| !clashes(&plan.learner, *s) && !clashes(&plan.teacher, *s))
        else {
            return Ok(None);
        };
        let offering = self.svc.offerings(plan.teacher, false).await?.first().map(|o| o.id);
        let request = BookingRequest {
            teacher: plan.teacher,
            offering,
            kind: LessonKind::Single,
            package: None,
            starts_at: ts(start)?,
            coupon: None,
            note: NOTES[i % NOTES.len()].into(),
            card: None,
        };
        let lesson = self
            .svc
            .request_lesson(learner, request, &IdempotencyKey::fresh())
            .await?;
        for who in [plan.learner, plan.teacher] {
            self.busy.entry(who).or_default().push(start);
        }
        self.lessons[i] = Some(lesson);
        Ok(Some((lesson, start)))
    }
}

/// Pays `amount` (minor units) into a learner's wallet as a bank transfer
/// the demo admin records, weeks ago. The bank's `reference` is also the
/// idempotency key, so a seed run again pays nothing twice.
pub async fn fund(
    svc: &Services,
    admin: Uuid,
    learner: Uuid,
    amount: i64,
    reference: &str,
) -> Result<(), koine_services::Error> {
    let mut past = svc.clone();
    let weeks_ago = svc.clock.now_us() - 40 * DAY_US;
    past.clock = Clock::manual(jiff::Timestamp::from_microsecond(weeks_ago).map_err(koine_services::Error::internal)?);
    let staff = principal(admin, Some(StaffRole::Admin), weeks_ago);
    past.record_bank_transfer(&staff, learner, amount, reference, &IdempotencyKey::parse(reference)?)
        .await?;
    Ok(())
}
