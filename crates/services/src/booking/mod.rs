//! Lessons, payments and reviews: booking a teacher's time and
//! paying into escrow, the lesson lifecycle (`koine_domain::booking`) with
//! its timers, packages, coupons, reviews, teacher payouts and the lesson
//! calendar. Money moves through the double-entry ledger only.

pub mod calendar;
pub mod coupons;
pub mod leaving;
pub mod lessons;
mod notify;
pub mod packages;
pub mod payouts;
pub mod reviews;
pub mod timers;

use koine_domain::booking::CancellationPolicy;
use koine_domain::ledger::{LessonMoney, Source};
use koine_store::repo::lessons::LessonRow;

/// The operator's terms (from configuration).
#[derive(Debug, Clone)]
pub struct BookingSettings {
    /// The platform's commission on lessons, in basis points (1500 = 15%),
    /// fixed on each lesson when it is booked.
    pub commission_bp: u16,
    pub cancellation: CancellationPolicy,
    /// Teachers may ask to be paid once they have this much (minor units).
    pub payout_minimum: i64,
    /// Card payments go through the built-in test processor (no real money).
    pub test_card_payments: bool,
    /// A lesson both members attended completes by itself this long after
    /// its end (µs; at most the usual 72 hours).
    pub attended_confirm_within: i64,
}

impl Default for BookingSettings {
    fn default() -> Self {
        Self {
            commission_bp: 1500,
            cancellation: CancellationPolicy::default(),
            payout_minimum: 2000,
            test_card_payments: false,
            attended_confirm_within: koine_domain::booking::ATTENDED_CONFIRM_WITHIN_US,
        }
    }
}

/// The money of a lesson as the ledger sees it.
pub(crate) fn money_of(l: &LessonRow) -> LessonMoney {
    LessonMoney {
        lesson: l.id,
        teacher: l.teacher_id,
        source: match l.package_id {
            Some(p) => Source::Package(p),
            None => Source::Wallet(l.learner_id),
        },
        paid: l.paid_minor,
        subsidy: l.discount_minor,
    }
}

/// The commission rate fixed on a lesson or package.
pub(crate) fn rate(bp: i64) -> u16 {
    u16::try_from(bp.clamp(0, 10_000)).unwrap_or(0)
}
