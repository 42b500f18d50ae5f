//! Booking a lesson and everything that happens to it afterwards: each
//! step is decided by the pure state machine, moves escrow through the
//! ledger and tells both sides, all in one transaction.

use super::{money_of, rate};
use crate::accounts::Principal;
use crate::idempotency::{IdempotencyKey, Outcome};
use crate::notifications::{Prepared, write_notices};
use crate::{Error, Result, Services};
use jiff::Timestamp;
use koine_domain::Invalid;
use koine_domain::booking::{
    self, Action, CancelledBy, Escrow, LessonKind, LessonStatus, Outcome as Settlement, Party, ProblemKind,
    ProposalStatus, Timing,
};
use koine_domain::cards::Card;
use koine_domain::coupons;
use koine_domain::ledger::{self, Account};
use koine_domain::refusal::Refusal;
use koine_domain::teaching::{OfferingStatus, TRIAL_MINUTES, TeacherStatus, public_text};
use koine_domain::validation::{FieldErrors, optional_text};
use koine_store::Conn;
use koine_store::repo::coupons::CouponRow;
use koine_store::repo::ledger::{self as ledger_repo, Refs};
use koine_store::repo::lessons::{self as repo, EventRow, LessonRow, ProposalRow};
use koine_store::repo::{
    conversations, coupons as coupon_repo, offerings, packages, restrictions, reviews, teaching as teachers,
};
use uuid::Uuid;

const MINUTE_US: i64 = 60_000_000;

/// A booking as typed, at the checkout or in the API, before it is checked.
#[derive(Debug, Clone)]
pub struct BookingInput {
    pub teacher: Uuid,
    pub offering: Option<Uuid>,
    pub kind: String,
    pub package: Option<Uuid>,
    /// The slot's start, an RFC 3339 instant.
    pub starts_at: String,
    /// Empty: none.
    pub coupon: String,
    pub note: String,
    /// `None`: the wallet pays.
    pub card: Option<CardInput>,
}

/// A card as typed: number, `MM/YY` expiry, CVC.
#[derive(Debug, Clone)]
pub struct CardInput {
    pub number: String,
    pub expiry: String,
    pub cvc: String,
}

impl CardInput {
    pub fn parse(&self, today: jiff::civil::Date) -> Result<Card, Invalid> {
        Card::parse(&self.number, &self.expiry, &self.cvc, today)
    }
}

impl BookingRequest {
    /// The one reading of a booking, for the checkout page and the API
    /// alike: the request, or every field's error at once.
    pub fn parse(input: &BookingInput, today: jiff::civil::Date) -> std::result::Result<Self, Vec<Invalid>> {
        let mut errors = FieldErrors::default();
        let kind = errors.take(LessonKind::parse(&input.kind));
        let starts_at = errors.take(
            input
                .starts_at
                .trim()
                .parse::<Timestamp>()
                .map_err(|_| Invalid::new("starts_at", "choose-a-time")),
        );
        let card = errors.take(input.card.as_ref().map(|c| c.parse(today)).transpose());
        errors.finish(|| {
            Some(Self {
                teacher: input.teacher,
                offering: input.offering,
                kind: kind?,
                package: input.package,
                starts_at: starts_at?,
                coupon: Some(input.coupon.trim().to_owned()).filter(|c| !c.is_empty()),
                note: input.note.clone(),
                card: card?,
            })
        })
    }
}

/// A lesson as a learner asks for it.
#[derive(Debug, Clone)]
pub struct BookingRequest {
    pub teacher: Uuid,
    /// The lesson type (language, length, price); for a package lesson the
    /// package's own is used.
    pub offering: Option<Uuid>,
    pub kind: LessonKind,
    pub package: Option<Uuid>,
    pub starts_at: Timestamp,
    /// A coupon code (single lessons and trials).
    pub coupon: Option<String>,
    /// What the learner would like to work on.
    pub note: String,
    /// Pays by card whatever the wallet does not cover.
    pub card: Option<Card>,
}

/// Who takes a step.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Actor {
    Member(Uuid),
    /// A member whose account is being deleted: others are told without
    /// their name.
    Leaving(Uuid),
    Staff(Uuid),
    Clock,
}

impl Actor {
    fn id(self) -> Option<Uuid> {
        match self {
            Self::Member(id) | Self::Leaving(id) | Self::Staff(id) => Some(id),
            Self::Clock => None,
        }
    }

    fn leaving(self) -> Option<Uuid> {
        match self {
            Self::Leaving(id) => Some(id),
            _ => None,
        }
    }
}

/// What a step carries besides the action.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub problem: Option<ProblemKind>,
    /// A problem description, or staff's reason for a settlement.
    pub text: Option<String>,
}

/// A lesson in a short list: its row, the member's part in it (`learner`
/// or `teacher`) and the other member's name (empty once they left).
#[derive(Debug, Clone)]
pub struct LessonLine {
    pub row: LessonRow,
    pub role: &'static str,
    pub other_name: String,
}

/// A lesson as one of the people in it (or staff) sees it.
#[derive(Debug, Clone)]
pub struct Lesson {
    pub row: LessonRow,
    /// `learner`, `teacher` or `staff`.
    pub role: &'static str,
    /// The learner's and the teacher's display names ("" once they left).
    pub learner_name: String,
    pub teacher_name: String,
    /// Steps the viewer may take now (`confirm`, `cancel`, `propose`, …).
    pub actions: Vec<&'static str>,
    pub proposal: Option<ProposalRow>,
    pub review: Option<koine_store::repo::reviews::ReviewRow>,
}

/// The steps members and staff take from pages and the API.
pub const MEMBER_ACTIONS: [(&str, Action); 9] = [
    ("confirm", Action::Confirm),
    ("decline", Action::Decline),
    ("withdraw", Action::Withdraw),
    ("cancel", Action::Cancel),
    ("confirm_completion", Action::ConfirmCompletion),
    ("report_problem", Action::ReportProblem),
    ("withdraw_problem", Action::WithdrawProblem),
    ("accept_refund", Action::AcceptRefund),
    ("escalate", Action::Escalate),
];

/// The longest note a learner may send with a booking.
pub const NOTE_MAX: usize = 1000;
/// The longest text with a step: a problem's description or a reason.
pub const STEP_TEXT_MAX: usize = 2000;

pub fn parse_action(name: &str) -> Option<Action> {
    MEMBER_ACTIONS.iter().find(|(n, _)| *n == name).map(|(_, a)| *a)
}

fn timing(l: &LessonRow, now: i64, attended_within: i64) -> Timing {
    Timing {
        now,
        starts_at: l.starts_at,
        ends_at: l.ends_at,
        respond_by: l.respond_by,
        reported_at: l.problem_reported_at,
        confirm_by: booking::confirm_by(l.ends_at, l.both_attended_at.is_some(), attended_within),
    }
}

fn party_of(l: &LessonRow, actor: Actor) -> Option<Party> {
    match actor {
        Actor::Member(m) | Actor::Leaving(m) if m == l.learner_id => Some(Party::Learner),
        Actor::Member(m) | Actor::Leaving(m) if m == l.teacher_id => Some(Party::Teacher),
        Actor::Member(_) | Actor::Leaving(_) => None,
        Actor::Staff(_) => Some(Party::Staff),
        Actor::Clock => Some(Party::Clock),
    }
}

/// Whether a step changes what a calendar shows.
fn calendar_changes(to: LessonStatus) -> bool {
    matches!(
        to,
        LessonStatus::Confirmed
            | LessonStatus::Declined
            | LessonStatus::Withdrawn
            | LessonStatus::Expired
            | LessonStatus::Cancelled
    )
}

/// What a booking writes, decided and worded before its turn to write.
struct BookingWrite {
    learner: Uuid,
    key: IdempotencyKey,
    fingerprint: Vec<u8>,
    lesson: LessonRow,
    package: Option<Uuid>,
    coupon: Option<String>,
    price: i64,
    /// The learner's wallet account, if it exists yet.
    wallet: Option<Uuid>,
    notices: Vec<Prepared>,
}

impl Services {
    /// Books a lesson: the slot must be bookable, the price (less any
    /// coupon) goes into escrow from the wallet (topped up by card if one
    /// is given), and the teacher has until `respond_by` to answer. A retry
    /// with the same key returns the same lesson.
    pub async fn request_lesson(&self, p: &Principal, r: BookingRequest, key: &IdempotencyKey) -> Result<Uuid> {
        let learner = p.account_id;
        if learner == r.teacher {
            return Err(Error::Forbidden);
        }
        let note = public_text("note", &r.note, NOTE_MAX)?;
        let fingerprint = self.fingerprint(&[
            b"lesson",
            r.teacher.as_bytes(),
            r.offering.unwrap_or_default().as_bytes(),
            r.kind.as_str().as_bytes(),
            r.package.unwrap_or_default().as_bytes(),
            &r.starts_at.as_microsecond().to_le_bytes(),
            r.coupon.as_deref().unwrap_or_default().as_bytes(),
        ]);
        // Everything before the writes is read on one connection: under
        // load, each new acquisition queues again behind every request.
        let mut c = self.db.acquire().await?;
        if let Some(Outcome::Lesson(id)) = self.earlier_outcome_in(c.conn(), learner, key, &fingerprint).await? {
            return Ok(id);
        }
        self.require_may_pay_in(c.conn(), learner).await?;
        let now = self.clock.now_us();
        // What is booked, and at what list price.
        let (offering, language, duration, price, package) = {
            let t = teachers::teacher(c.conn(), r.teacher).await?.ok_or(Error::NotFound)?;
            if t.status != TeacherStatus::Active || restrictions::active(c.conn(), r.teacher).await?.is_some() {
                return Err(Error::NotFound);
            }
            // A teacher who blocked the learner cannot be booked by them.
            if conversations::blocks(c.conn(), r.teacher, learner).await? {
                return Err(Error::Refused(Refusal::Blocked));
            }
            match r.kind {
                LessonKind::Package => {
                    let pk = packages::get(c.conn(), r.package.ok_or(Invalid::new("package", "required"))?)
                        .await?
                        .filter(|k| k.learner_id == learner && k.teacher_id == r.teacher)
                        .ok_or(Error::NotFound)?;
                    if pk.closed_at.is_some() || pk.expires_at <= r.starts_at.as_microsecond() {
                        return Err(Error::Refused(Refusal::PackageExpired));
                    }
                    (pk.offering_id, pk.language.clone(), pk.duration_minutes, 0, Some(pk.id))
                }
                LessonKind::Single | LessonKind::Trial => {
                    let o = offerings::get(c.conn(), r.offering.ok_or(Invalid::new("offering", "required"))?)
                        .await?
                        .filter(|o| o.teacher_id == r.teacher)
                        .ok_or(Error::NotFound)?;
                    if o.status != OfferingStatus::Active {
                        return Err(Error::Refused(Refusal::OfferingNotAvailable));
                    }
                    if r.kind == LessonKind::Trial {
                        let price = t.trial_price_minor.ok_or(Error::Refused(Refusal::NoTrialOffered))?;
                        if repo::has_trial(c.conn(), learner, r.teacher).await? {
                            return Err(Error::Refused(Refusal::TrialAlreadyTaken));
                        }
                        (Some(o.id), o.language, i64::from(TRIAL_MINUTES), price, None)
                    } else {
                        (Some(o.id), o.language, o.duration_minutes, o.price_minor, None)
                    }
                }
            }
        };
        let minutes = u16::try_from(duration).map_err(Error::internal)?;
        if !self
            .is_bookable_in(c.conn(), r.teacher, minutes, r.starts_at, None)
            .await?
        {
            return Err(Error::Refused(Refusal::SlotNotAvailable));
        }
        let coupon = match (&r.coupon, r.kind) {
            (None, _) => None,
            (Some(_), LessonKind::Package) => return Err(Invalid::new("coupon", "coupon-not-for-packages").into()),
            (Some(code), _) => Some(coupons::parse_code(code)?),
        };
        // A card pays what the wallet lacks before anything is booked; if
        // the booking then fails, the money stays as credit.
        if let Some(card) = &r.card
            && package.is_none()
        {
            let discount = match &coupon {
                Some(code) => self.usable_coupon(c.conn(), learner, code, price, now).await?.1,
                None => 0,
            };
            let credit = self.balance_in(c.conn(), Account::Wallet(learner)).await?;
            let short = price - discount - credit;
            if short > 0 {
                // Paying is a transaction of its own, on a connection of its own.
                drop(c);
                let card_key = IdempotencyKey::parse(&format!("{}:card", key.as_str()))?;
                self.pay_by_card(p, short.max(crate::payments::MIN_CARD_PAYMENT), card, &card_key)
                    .await?;
                c = self.db.acquire().await?;
            }
        }
        // The lesson as it will be written; what is paid is settled in the
        // transaction. Its notices are worded first, so the transaction
        // holds the write lock only for the writes.
        let starts_at = r.starts_at.as_microsecond();
        let lesson = LessonRow {
            id: Uuid::now_v7(),
            learner_id: learner,
            teacher_id: r.teacher,
            offering_id: offering,
            package_id: package,
            kind: r.kind,
            language,
            duration_minutes: duration,
            starts_at,
            ends_at: starts_at + duration * MINUTE_US,
            status: LessonStatus::Requested,
            price_minor: price,
            paid_minor: price,
            discount_minor: 0,
            currency: self.settings.currency.clone(),
            coupon_id: None,
            commission_bp: i64::from(self.settings.booking.commission_bp),
            note,
            requested_at: now,
            respond_by: booking::respond_by(now, starts_at),
            confirmed_at: None,
            closed_at: None,
            cancelled_by: None,
            late_cancellation: false,
            problem_kind: None,
            problem_text: None,
            problem_reported_at: None,
            outcome: None,
            refund_minor: None,
            settled_by: None,
            settlement_reason: None,
            reminded_24h_at: None,
            reminded_1h_at: None,
            sequence: 0,
            updated_at: now,
            both_attended_at: None,
        };
        let notices = self.lesson_notices(c.conn(), &lesson, "requested", None, now).await?;
        let wallet = ledger_repo::find(c.conn(), Account::Wallet(learner)).await?;
        drop(c);
        let teacher = lesson.teacher_id;
        let write = BookingWrite {
            learner,
            key: key.clone(),
            fingerprint,
            lesson,
            package,
            coupon,
            price,
            wallet,
            notices,
        };
        let id = self.db.writing(self.clone().write_booking(write)).await?;
        // Search no longer offers the time the lesson holds.
        self.lessons_changed(teacher).await;
        Ok(id)
    }

    /// The booking's writes, in one transaction.
    async fn write_booking(self, w: BookingWrite) -> Result<Uuid> {
        let BookingWrite {
            learner,
            key,
            fingerprint,
            mut lesson,
            package,
            coupon,
            price,
            wallet,
            notices,
        } = w;
        let now = lesson.requested_at;
        let mut tx = self.db.begin().await?;
        if let Some(Outcome::Lesson(id)) = self
            .claim_key_as(tx.conn(), learner, &key, &fingerprint, Some(Outcome::Lesson(lesson.id)))
            .await?
        {
            return Ok(id);
        }
        let (paid, discount, coupon_id) = match (package, &coupon) {
            (Some(pk), _) => {
                let pk = packages::get_locked(tx.conn(), pk).await?.ok_or(Error::NotFound)?;
                let used = repo::package_lessons_used(tx.conn(), pk.id).await?;
                if used >= pk.lessons {
                    return Err(Error::Refused(Refusal::PackageUsedUp));
                }
                let balance = self.balance_in(tx.conn(), Account::PackageEscrow(pk.id)).await?;
                (ledger::package_draw(balance, pk.lessons - used), 0, None)
            }
            (None, Some(code)) => {
                let (c, discount) = self.usable_coupon(tx.conn(), learner, code, price, now).await?;
                coupon_repo::claim(tx.conn(), c.id, learner, now).await?;
                (price - discount, discount, Some(c.id))
            }
            (None, None) => (price, 0, None),
        };
        (
            lesson.price_minor,
            lesson.paid_minor,
            lesson.discount_minor,
            lesson.coupon_id,
        ) = (paid + discount, paid, discount, coupon_id);
        repo::lock_teacher_time(tx.conn(), lesson.teacher_id).await?;
        match repo::insert(tx.conn(), &lesson).await {
            Err(e) if e.is_lesson_overlap() => return Err(Error::Refused(Refusal::SlotTaken)),
            Err(e) if e.is_second_trial() => return Err(Error::Refused(Refusal::TrialAlreadyTaken)),
            other => other?,
        }
        let entry = ledger::hold(&money_of(&lesson)).map_err(Error::internal)?;
        let refs = Refs {
            lesson: Some(lesson.id),
            package,
            ..Refs::default()
        };
        // The lesson's escrow is new; a wallet found before is still there
        // (compaction removes only accounts without postings, which could
        // not pay anyway).
        let mut known = vec![(Account::Escrow(lesson.id), None)];
        if package.is_none() {
            known.extend(wallet.map(|id| (Account::Wallet(learner), Some(id))));
        }
        self.post_known(tx.conn(), &entry, refs, &known, now).await?;
        self.record_step(tx.conn(), &lesson, Actor::Member(learner), "request", "", None, now)
            .await?;
        write_notices(tx.conn(), &notices).await?;
        tx.commit().await?;
        Ok(lesson.id)
    }

    /// A coupon `code` the learner may use now, and what it takes off `price`.
    async fn usable_coupon(
        &self,
        mut conn: Conn<'_>,
        learner: Uuid,
        code: &str,
        price: i64,
        now: i64,
    ) -> Result<(CouponRow, i64)> {
        let c = coupon_repo::by_code(conn.reborrow(), code)
            .await?
            .ok_or(Invalid::new("coupon", "coupon-unknown"))?;
        let kind = c.kind;
        if kind == coupons::CouponKind::Amount && c.currency != self.settings.currency {
            return Err(Invalid::new("coupon", "coupon-unknown").into());
        }
        let (mine, all) = repo::coupon_uses(conn, c.id, learner).await?;
        coupons::check(
            coupons::Usable {
                expires_at: c.expires_at,
                revoked: c.revoked_at.is_some(),
                per_member_limit: c.per_member_limit,
                used_by_member: mine,
                max_redemptions: c.max_redemptions,
                used_overall: all,
            },
            now,
        )?;
        let discount = coupons::discount(kind, c.value, price);
        Ok((c, discount))
    }

    /// Records what happened in the lesson's history.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn record_step(
        &self,
        conn: Conn<'_>,
        l: &LessonRow,
        actor: Actor,
        action: &str,
        from: &str,
        detail: Option<String>,
        now: i64,
    ) -> Result<()> {
        Ok(repo::insert_event(
            conn,
            &EventRow {
                id: Uuid::now_v7(),
                lesson_id: l.id,
                actor_id: actor.id(),
                action: action.into(),
                from_status: from.into(),
                to_status: l.status.as_str().into(),
                detail,
                created_at: now,
            },
        )
        .await?)
    }

    /// One step of a lesson inside the caller's transaction: decided by
    /// the state machine, money settled through the ledger, both sides told.
    pub(crate) async fn transition(
        &self,
        mut conn: Conn<'_>,
        lesson: Uuid,
        action: Action,
        actor: Actor,
        input: StepInput,
        now: i64,
    ) -> Result<LessonRow> {
        let mut l = repo::get_locked(conn.reborrow(), lesson)
            .await?
            .ok_or(Error::NotFound)?;
        let party = party_of(&l, actor).ok_or(Error::NotFound)?;
        let from = l.status;
        let step = booking::step(
            from,
            action,
            party,
            timing(&l, now, self.settings.booking.attended_confirm_within),
            l.paid_minor,
            self.settings.booking.cancellation,
        )?;
        if let Some(entry) =
            booking::settlement(step.escrow, &money_of(&l), rate(l.commission_bp)).map_err(Error::internal)?
        {
            let refs = Refs {
                lesson: Some(l.id),
                package: l.package_id,
                ..Refs::default()
            };
            self.post(conn.reborrow(), &entry, refs, now).await?;
        }
        l.status = step.to;
        l.updated_at = now;
        if step.to == LessonStatus::Confirmed {
            l.confirmed_at = Some(now);
        }
        if step.to.is_final() {
            l.closed_at = Some(now);
        }
        if calendar_changes(step.to) {
            l.sequence += 1;
        }
        match step.escrow {
            Escrow::Keep => {}
            Escrow::RefundAll => (l.outcome, l.refund_minor) = (Some(Settlement::Refund), Some(l.paid_minor)),
            Escrow::ReleaseAll => (l.outcome, l.refund_minor) = (Some(Settlement::Release), Some(0)),
            Escrow::Split { refund } => (l.outcome, l.refund_minor) = (Some(Settlement::Split), Some(refund)),
        }
        match action {
            Action::Cancel | Action::Decline | Action::Withdraw => {
                l.cancelled_by = Some(match party {
                    Party::Learner => CancelledBy::Learner,
                    Party::Teacher => CancelledBy::Teacher,
                    Party::Staff | Party::Clock => CancelledBy::Staff,
                });
                l.late_cancellation = step.late;
            }
            Action::ReportProblem => {
                l.problem_kind = Some(input.problem.unwrap_or(ProblemKind::Other));
                l.problem_text = input.text.clone();
                l.problem_reported_at = Some(now);
            }
            Action::Settle { .. } => {
                l.settled_by = actor.id();
                l.settlement_reason = input.text.clone();
            }
            _ => {}
        }
        repo::update(conn.reborrow(), &l).await?;
        let detail = match action {
            Action::Settle { .. } | Action::ReportProblem => None,
            _ => input.text,
        };
        self.record_step(conn.reborrow(), &l, actor, action.name(), from.as_str(), detail, now)
            .await?;
        self.tell_both_but(conn, &l, action.name(), actor.leaving(), now)
            .await?;
        Ok(l)
    }

    /// A step a learner or teacher takes on their lesson (`confirm`,
    /// `cancel`, `report_problem`, …). A retry with the same key is
    /// answered as the first was.
    pub async fn lesson_action(
        &self,
        p: &Principal,
        lesson: Uuid,
        action: Action,
        input: StepInput,
        key: &IdempotencyKey,
    ) -> Result<Uuid> {
        let text = match action {
            Action::ReportProblem => Some(
                optional_text("description", input.text.as_deref().unwrap_or(""), STEP_TEXT_MAX)?
                    .ok_or(Invalid::new("description", "required"))?,
            ),
            _ => optional_text("reason", input.text.as_deref().unwrap_or(""), STEP_TEXT_MAX)?,
        };
        let input = StepInput { text, ..input };
        let fingerprint = self.fingerprint(&[b"lesson-step", lesson.as_bytes(), action.name().as_bytes()]);
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        if let Some(Outcome::Lesson(id)) = self.claim_key(tx.conn(), p.account_id, key, &fingerprint).await? {
            return Ok(id);
        }
        let l = self
            .transition(tx.conn(), lesson, action, Actor::Member(p.account_id), input, now)
            .await?;
        self.finish_key(tx.conn(), p.account_id, key, Outcome::Lesson(lesson))
            .await?;
        tx.commit().await?;
        // A lesson declined, withdrawn or cancelled gives its time back.
        self.lessons_changed(l.teacher_id).await;
        Ok(lesson)
    }

    /// Staff settle a reported problem or a dispute: a full refund, a
    /// split (`refund` of what the learner paid back), or release to the
    /// teacher, with a reason. Audited.
    pub async fn settle_lesson(
        &self,
        p: &Principal,
        lesson: Uuid,
        outcome: Settlement,
        refund: i64,
        reason: &str,
        key: &IdempotencyKey,
    ) -> Result<()> {
        if !crate::staff::role_of(p)?.can_settle_disputes() {
            return Err(Error::Forbidden);
        }
        let reason = crate::staff::required_reason(reason)?;
        let fingerprint = self.fingerprint(&[
            b"settle",
            lesson.as_bytes(),
            outcome.as_str().as_bytes(),
            &refund.to_le_bytes(),
        ]);
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        if self
            .claim_key(tx.conn(), p.account_id, key, &fingerprint)
            .await?
            .is_some()
        {
            return Ok(());
        }
        let l = repo::get(tx.conn(), lesson).await?.ok_or(Error::NotFound)?;
        if l.learner_id == p.account_id || l.teacher_id == p.account_id {
            return Err(Error::Forbidden);
        }
        let input = StepInput {
            problem: None,
            text: Some(reason.clone()),
        };
        self.transition(
            tx.conn(),
            lesson,
            Action::Settle { outcome, refund },
            Actor::Staff(p.account_id),
            input,
            now,
        )
        .await?;
        self.finish_key(tx.conn(), p.account_id, key, Outcome::Lesson(lesson))
            .await?;
        tx.commit().await?;
        self.audit(p.account_id, Some(l.learner_id), "settle_lesson", Some(reason))
            .await?;
        Ok(())
    }

    /// Proposes a new time for a confirmed lesson (at least 24 hours before
    /// it); the other side accepts or declines. A learner may propose only
    /// a time the teacher is available; a teacher, any free time.
    pub async fn propose_new_time(&self, p: &Principal, lesson: Uuid, starts_at: Timestamp) -> Result<Uuid> {
        let now = self.clock.now_us();
        let l = {
            let mut c = self.db.acquire().await?;
            repo::get(c.conn(), lesson).await?.ok_or(Error::NotFound)?
        };
        let party = party_of(&l, Actor::Member(p.account_id)).ok_or(Error::NotFound)?;
        booking::may_propose_new_time(l.status, now, l.starts_at)?;
        let start = starts_at.as_microsecond();
        if start == l.starts_at {
            return Err(Invalid::new("starts_at", "same-time").into());
        }
        let minutes = u16::try_from(l.duration_minutes).map_err(Error::internal)?;
        let free = match party {
            Party::Learner => self.is_bookable(l.teacher_id, minutes, starts_at, Some(l.id)).await?,
            _ => {
                start > now + 60 * MINUTE_US && {
                    let mut c = self.db.acquire().await?;
                    self.busy_times(
                        c.conn(),
                        l.teacher_id,
                        start,
                        start + l.duration_minutes * MINUTE_US,
                        Some(l.id),
                    )
                    .await?
                    .iter()
                    .all(|b| {
                        b.end.as_microsecond() <= start
                            || b.start.as_microsecond() >= start + l.duration_minutes * MINUTE_US
                    })
                }
            }
        };
        if !free {
            return Err(Error::Refused(Refusal::SlotNotAvailable));
        }
        let mut tx = self.db.begin().await?;
        if let Some(old) = repo::pending_proposal(tx.conn(), lesson).await? {
            repo::decide_proposal(tx.conn(), old.id, ProposalStatus::Withdrawn, now).await?;
        }
        let proposal = ProposalRow {
            id: Uuid::now_v7(),
            lesson_id: lesson,
            proposed_by: p.account_id,
            starts_at: start,
            ends_at: start + l.duration_minutes * MINUTE_US,
            status: ProposalStatus::Pending,
            created_at: now,
            decided_at: None,
        };
        repo::insert_proposal(tx.conn(), &proposal).await?;
        self.record_step(
            tx.conn(),
            &l,
            Actor::Member(p.account_id),
            "propose_time",
            l.status.as_str(),
            None,
            now,
        )
        .await?;
        let other = if party == Party::Learner {
            l.teacher_id
        } else {
            l.learner_id
        };
        self.tell_one(tx.conn(), &l, other, "reschedule_proposed", Some(start), now)
            .await?;
        tx.commit().await?;
        Ok(proposal.id)
    }

    /// The other side answers a proposed new time. Accepting moves the
    /// lesson — unless the teacher's time was taken meanwhile, which the
    /// database refuses.
    pub async fn answer_new_time(&self, p: &Principal, proposal: Uuid, accept: bool) -> Result<()> {
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let prop = repo::proposal(tx.conn(), proposal).await?.ok_or(Error::NotFound)?;
        let mut l = repo::get_locked(tx.conn(), prop.lesson_id)
            .await?
            .ok_or(Error::NotFound)?;
        let party = party_of(&l, Actor::Member(p.account_id)).ok_or(Error::NotFound)?;
        if prop.proposed_by == p.account_id || !matches!(party, Party::Learner | Party::Teacher) {
            return Err(Error::Forbidden);
        }
        if prop.status != ProposalStatus::Pending {
            return Err(Error::Refused(Refusal::ProposalAnswered));
        }
        if !accept {
            repo::decide_proposal(tx.conn(), proposal, ProposalStatus::Declined, now).await?;
            self.record_step(
                tx.conn(),
                &l,
                Actor::Member(p.account_id),
                "decline_time",
                l.status.as_str(),
                None,
                now,
            )
            .await?;
            self.tell_one(
                tx.conn(),
                &l,
                prop.proposed_by,
                "reschedule_declined",
                Some(prop.starts_at),
                now,
            )
            .await?;
            tx.commit().await?;
            return Ok(());
        }
        booking::may_accept_new_time(l.status, now, l.starts_at, prop.starts_at)?;
        l.starts_at = prop.starts_at;
        l.ends_at = prop.ends_at;
        l.sequence += 1;
        l.reminded_24h_at = None;
        l.reminded_1h_at = None;
        l.updated_at = now;
        repo::lock_teacher_time(tx.conn(), l.teacher_id).await?;
        match repo::update(tx.conn(), &l).await {
            Err(e) if e.is_lesson_overlap() => return Err(Error::Refused(Refusal::SlotTaken)),
            other => other?,
        }
        repo::decide_proposal(tx.conn(), proposal, ProposalStatus::Accepted, now).await?;
        self.record_step(
            tx.conn(),
            &l,
            Actor::Member(p.account_id),
            "accept_time",
            l.status.as_str(),
            None,
            now,
        )
        .await?;
        self.tell_both(tx.conn(), &l, "rescheduled", now).await?;
        tx.commit().await?;
        self.lessons_changed(l.teacher_id).await;
        Ok(())
    }

    /// A lesson as `p` sees it (its learner, its teacher, or staff who
    /// settle disputes — audited), with the steps they may take.
    pub async fn lesson(&self, p: &Principal, id: Uuid) -> Result<Lesson> {
        let mut c = self.db.acquire().await?;
        let row = repo::get(c.conn(), id).await?.ok_or(Error::NotFound)?;
        let staff = p.staff_role.is_some_and(|r| r.can_settle_disputes());
        let role = if row.learner_id == p.account_id {
            "learner"
        } else if row.teacher_id == p.account_id {
            "teacher"
        } else if staff {
            "staff"
        } else {
            return Err(Error::NotFound);
        };
        let proposal = repo::pending_proposal(c.conn(), id).await?;
        let review = reviews::of_lesson(c.conn(), id).await?;
        let learner_name = self.display_name_in(c.conn(), row.learner_id).await?;
        let teacher_name = self.display_name_in(c.conn(), row.teacher_id).await?;
        drop(c);
        if role == "staff" {
            self.audit(p.account_id, Some(row.learner_id), "view_lesson", None)
                .await?;
        }
        let actions = self.allowed_actions(&row, role, p.account_id, proposal.as_ref(), review.is_some());
        Ok(Lesson {
            row,
            role,
            learner_name,
            teacher_name,
            actions,
            proposal,
            review,
        })
    }

    /// What `viewer` may do to the lesson now, for buttons and the API.
    fn allowed_actions(
        &self,
        l: &LessonRow,
        role: &str,
        viewer: Uuid,
        proposal: Option<&ProposalRow>,
        reviewed: bool,
    ) -> Vec<&'static str> {
        let now = self.clock.now_us();
        let status = l.status;
        let party = match role {
            "learner" => Party::Learner,
            "teacher" => Party::Teacher,
            _ => Party::Staff,
        };
        let mut out: Vec<&'static str> = MEMBER_ACTIONS
            .iter()
            .filter(|(_, a)| {
                booking::step(
                    status,
                    *a,
                    party,
                    timing(l, now, self.settings.booking.attended_confirm_within),
                    l.paid_minor,
                    self.settings.booking.cancellation,
                )
                .is_ok()
            })
            .map(|(n, _)| *n)
            .collect();
        if party == Party::Staff && matches!(status, LessonStatus::ProblemReported | LessonStatus::Disputed) {
            out.push("settle");
        }
        if party != Party::Staff && booking::may_propose_new_time(status, now, l.starts_at).is_ok() {
            out.push("propose");
        }
        if let Some(prop) = proposal
            && prop.proposed_by != viewer
            && party != Party::Staff
        {
            out.push("answer_proposal");
        }
        if party == Party::Learner && status == LessonStatus::Completed && !reviewed {
            out.push("review");
        }
        out
    }

    /// What happened to a lesson, for its people and staff.
    pub async fn lesson_history(&self, p: &Principal, id: Uuid) -> Result<Vec<EventRow>> {
        let mut c = self.db.acquire().await?;
        let l = repo::get(c.conn(), id).await?.ok_or(Error::NotFound)?;
        let staff = p.staff_role.is_some_and(|r| r.can_settle_disputes());
        if l.learner_id != p.account_id && l.teacher_id != p.account_id && !staff {
            return Err(Error::NotFound);
        }
        Ok(repo::events(c.conn(), id).await?)
    }

    /// A member's lessons, newest first.
    pub async fn my_lessons(&self, p: &Principal) -> Result<Vec<Lesson>> {
        let rows = {
            let mut c = self.db.acquire().await?;
            repo::of_member(c.conn(), p.account_id, 200).await?
        };
        let mut out = Vec::with_capacity(rows.len());
        let mut c = self.db.acquire().await?;
        for row in rows {
            let role = if row.learner_id == p.account_id {
                "learner"
            } else {
                "teacher"
            };
            let learner_name = self.display_name_in(c.conn(), row.learner_id).await?;
            let teacher_name = self.display_name_in(c.conn(), row.teacher_id).await?;
            let proposal = repo::pending_proposal(c.conn(), row.id).await?;
            let actions = self.allowed_actions(&row, role, p.account_id, proposal.as_ref(), false);
            out.push(Lesson {
                row,
                role,
                learner_name,
                teacher_name,
                actions,
                proposal,
                review: None,
            });
        }
        Ok(out)
    }

    /// The member's lessons not over and not closed, soonest first, as a
    /// home page lists them: the first `soonest`, and besides those every
    /// request waiting for the member's answer. One read for the lessons,
    /// one per name shown.
    pub async fn coming_lessons(&self, p: &Principal, soonest: usize) -> Result<Vec<LessonLine>> {
        let now = self.clock.now_us();
        let mut c = self.db.acquire().await?;
        let rows = repo::open_of(c.conn(), p.account_id).await?;
        let mut out = Vec::new();
        for (i, row) in rows.into_iter().filter(|l| l.ends_at >= now).enumerate() {
            let (role, other) = if row.learner_id == p.account_id {
                ("learner", row.teacher_id)
            } else {
                ("teacher", row.learner_id)
            };
            let waiting = role == "teacher" && row.status == LessonStatus::Requested;
            if i >= soonest && !waiting {
                continue;
            }
            let other_name = self.display_name_in(c.conn(), other).await?;
            out.push(LessonLine { row, role, other_name });
        }
        Ok(out)
    }

    /// Lessons with a reported problem or in dispute, for staff.
    pub async fn disputes(&self, p: &Principal) -> Result<Vec<LessonRow>> {
        if !crate::staff::role_of(p)?.can_settle_disputes() {
            return Err(Error::Forbidden);
        }
        let mut c = self.db.acquire().await?;
        let mut rows = repo::due(c.conn(), LessonStatus::Disputed.as_str(), "ends_at", i64::MAX, 200).await?;
        rows.extend(
            repo::due(
                c.conn(),
                LessonStatus::ProblemReported.as_str(),
                "ends_at",
                i64::MAX,
                200,
            )
            .await?,
        );
        let mut out = Vec::new();
        for id in rows {
            out.extend(repo::get(c.conn(), id).await?);
        }
        Ok(out)
    }

    /// The learner's and the teacher's display names (empty once they left).
    pub async fn lesson_names(&self, l: &LessonRow) -> Result<(String, String)> {
        let mut c = self.db.acquire().await?;
        Ok((
            self.display_name_in(c.conn(), l.learner_id).await?,
            self.display_name_in(c.conn(), l.teacher_id).await?,
        ))
    }

    /// A member's display name, or empty once they have left.
    pub(crate) async fn display_name_in(&self, conn: Conn<'_>, account: Uuid) -> Result<String> {
        Ok(koine_store::repo::profiles::get(conn, account)
            .await?
            .map(|p| p.display_name)
            .unwrap_or_default())
    }
}
