//! What deleting an account does to its lessons and money, run inside the
//! erasure's transaction: open lessons are withdrawn, declined or cancelled
//! (the usual rules; those that took place are confirmed), packages close
//! (a learner's unused lessons are paid to the teacher, as at expiry; a
//! teacher's learners get theirs back), and the credit and earnings left
//! are forfeited — all shown to the member first. A reported problem, a
//! dispute, a payout not yet sent, or (for a teacher) a lesson still
//! awaiting its learner's confirmation must be settled before.

use super::lessons::{Actor, StepInput};
use super::rate;
use crate::{Error, Result, Services};
use koine_domain::booking::{Action, LessonStatus};
use koine_domain::ledger::{self, Account};
use koine_domain::refusal::Refusal;
use koine_store::Conn;
use koine_store::repo::ledger::Refs;
use koine_store::repo::{coupons, lessons, packages, payouts};
use uuid::Uuid;

/// What deleting the account will do to money and lessons.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Leaving {
    /// Credit in the wallet, forfeited.
    pub credit_minor: i64,
    /// Earnings not yet paid out, forfeited.
    pub earnings_minor: i64,
    /// Coupons added to the account, forfeited.
    pub coupons: Vec<String>,
    /// Lessons still open, ended as described.
    pub open_lessons: usize,
    /// Packages still open.
    pub open_packages: usize,
    /// What must be settled first (`open-dispute`, `payout-pending`,
    /// `lessons-awaiting-confirmation`); deletion waits until it is.
    pub blockers: Vec<Refusal>,
}

impl Services {
    /// What deleting `account` would do to its lessons and money.
    pub async fn leaving_preview(&self, account: Uuid) -> Result<Leaving> {
        let mut c = self.db.acquire().await?;
        self.leaving(c.conn(), account).await
    }

    async fn leaving(&self, mut conn: Conn<'_>, account: Uuid) -> Result<Leaving> {
        let open = lessons::open_of(conn.reborrow(), account).await?;
        let mut blockers = Vec::new();
        if open
            .iter()
            .any(|l| matches!(l.status, LessonStatus::ProblemReported | LessonStatus::Disputed))
        {
            blockers.push(Refusal::OpenDispute);
        }
        if open
            .iter()
            .any(|l| l.teacher_id == account && l.status == LessonStatus::AwaitingConfirmation)
        {
            blockers.push(Refusal::LessonsAwaitingConfirmation);
        }
        if payouts::has_open(conn.reborrow(), account).await? {
            blockers.push(Refusal::PayoutPending);
        }
        Ok(Leaving {
            credit_minor: self.balance_in(conn.reborrow(), Account::Wallet(account)).await?,
            earnings_minor: self.balance_in(conn.reborrow(), Account::Earnings(account)).await?,
            coupons: coupons::claimed_by(conn.reborrow(), account)
                .await?
                .into_iter()
                .map(|c| c.code)
                .collect(),
            open_packages: packages::open_of(conn, account).await?.len(),
            open_lessons: open.len(),
            blockers,
        })
    }

    /// Ends the account's lessons, packages and money (see the module);
    /// refuses while something must be settled first. Returns the other
    /// teachers whose time it freed (for search, once committed).
    pub(crate) async fn settle_before_erasure(&self, mut conn: Conn<'_>, account: Uuid, now: i64) -> Result<Vec<Uuid>> {
        let mut freed = Vec::new();
        let leaving = self.leaving(conn.reborrow(), account).await?;
        if let Some(b) = leaving.blockers.first() {
            return Err(Error::Refused(*b));
        }
        for l in lessons::open_of(conn.reborrow(), account).await? {
            let learner = l.learner_id == account;
            let action = match (l.status, learner) {
                (LessonStatus::Requested, true) => Action::Withdraw,
                (LessonStatus::Requested, false) => Action::Decline,
                (LessonStatus::Confirmed, _) if l.starts_at > now => Action::Cancel,
                (LessonStatus::AwaitingConfirmation, true) => Action::ConfirmCompletion,
                // A lesson under way, or in a state the timers will move on.
                _ => continue,
            };
            self.transition(
                conn.reborrow(),
                l.id,
                action,
                Actor::Leaving(account),
                StepInput::default(),
                now,
            )
            .await?;
            if l.teacher_id != account && !freed.contains(&l.teacher_id) {
                freed.push(l.teacher_id);
            }
        }
        for pk in packages::open_of(conn.reborrow(), account).await? {
            let left = self.balance_in(conn.reborrow(), Account::PackageEscrow(pk.id)).await?;
            let entry = if pk.learner_id == account {
                ledger::package_expiry(pk.id, pk.teacher_id, left, rate(pk.commission_bp))
            } else {
                ledger::package_refund(pk.id, pk.learner_id, left)
            }
            .map_err(Error::internal)?;
            let refs = Refs {
                package: Some(pk.id),
                ..Refs::default()
            };
            self.post(conn.reborrow(), &entry, refs, now).await?;
            packages::close(conn.reborrow(), pk.id, now).await?;
        }
        let credit = self.balance_in(conn.reborrow(), Account::Wallet(account)).await?;
        let earnings = self.balance_in(conn.reborrow(), Account::Earnings(account)).await?;
        let entry = ledger::forfeit(account, credit, earnings).map_err(Error::internal)?;
        self.post(conn, &entry, Refs::default(), now).await?;
        Ok(freed)
    }
}
