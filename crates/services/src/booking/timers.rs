//! The lesson timers, run by a job on a schedule (and by tests with a set
//! clock): unanswered requests expire and are refunded, lessons that ended
//! await the learner's confirmation and complete by themselves after 72
//! hours (12 when the classroom saw both members), unresolved problems go to staff, reminders go out 24 hours and 1
//! hour before, proposed new times lapse, and packages expire (reminded a
//! month and a week before). Each item runs in its own transaction.

use super::lessons::{Actor, StepInput};
use crate::notifications::Notice;
use crate::{Result, Services};
use koine_domain::booking::{self, Action, LessonStatus, ProposalStatus};
use koine_domain::mention;
use koine_store::repo::{lessons, packages};
use uuid::Uuid;

const HOUR_US: i64 = 3_600_000_000;
const DAY_US: i64 = 24 * HOUR_US;
/// Items handled per kind per run; the rest wait for the next run.
const BATCH: i64 = 500;

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct TimerReport {
    pub expired: u64,
    pub ended: u64,
    pub completed: u64,
    pub escalated: u64,
    pub reminders: u64,
    pub proposals_lapsed: u64,
    pub packages_expired: u64,
    pub package_reminders: u64,
}

impl Services {
    /// Runs every timer that is due now.
    pub async fn run_lesson_timers(&self) -> Result<TimerReport> {
        let now = self.clock.now_us();
        let mut report = TimerReport::default();
        let due: [(LessonStatus, &'static str, i64, Action); 4] = [
            (LessonStatus::Requested, "respond_by", now, Action::Expire),
            (LessonStatus::Confirmed, "ends_at", now, Action::End),
            (
                LessonStatus::AwaitingConfirmation,
                "ends_at",
                now - booking::CONFIRM_WITHIN_US,
                Action::AutoComplete,
            ),
            (
                LessonStatus::ProblemReported,
                "problem_reported_at",
                now - booking::RESOLVE_WITHIN_US,
                Action::Escalate,
            ),
        ];
        for (status, instant, cutoff, action) in due {
            let ids = {
                let mut c = self.db.acquire().await?;
                let mut ids = lessons::due(c.conn(), status.as_str(), instant, cutoff, BATCH).await?;
                if action == Action::AutoComplete {
                    // Sooner for lessons the classroom saw both members in.
                    let attended = now - self.settings.booking.attended_confirm_within;
                    ids.extend(lessons::due_attended(c.conn(), attended, BATCH).await?);
                    ids.sort_unstable();
                    ids.dedup();
                }
                ids
            };
            for id in ids {
                if self.timer_step(id, action, now).await? {
                    *match action {
                        Action::Expire => &mut report.expired,
                        Action::End => &mut report.ended,
                        Action::AutoComplete => &mut report.completed,
                        _ => &mut report.escalated,
                    } += 1;
                }
            }
        }
        for (column, ahead, event) in [
            ("reminded_24h_at", booking::REMINDERS_US[0], "reminder_24h"),
            ("reminded_1h_at", booking::REMINDERS_US[1], "reminder_1h"),
        ] {
            let ids = {
                let mut c = self.db.acquire().await?;
                lessons::to_remind(c.conn(), column, now, ahead, BATCH).await?
            };
            for id in ids {
                let mut tx = self.begin_write().await?;
                if lessons::mark_reminded(tx.conn(), id, column, now).await?
                    && let Some(l) = lessons::get(tx.conn(), id).await?
                {
                    // The 24-hour reminder is moot for a lesson within the
                    // hour: the 1-hour one is about to go.
                    if column == "reminded_1h_at" || l.starts_at - now > HOUR_US {
                        self.tell_both(tx.conn(), &l, event, now).await?;
                        report.reminders += 1;
                    }
                }
                tx.commit().await?;
            }
        }
        let stale = {
            let mut c = self.db.acquire().await?;
            lessons::stale_proposals(c.conn(), now).await?
        };
        for id in stale {
            let mut tx = self.begin_write().await?;
            if lessons::decide_proposal(tx.conn(), id, ProposalStatus::Expired, now).await? {
                report.proposals_lapsed += 1;
            }
            tx.commit().await?;
        }
        let expiring = {
            let mut c = self.db.acquire().await?;
            packages::expiring(c.conn(), now, BATCH).await?
        };
        for id in expiring {
            let mut tx = self.begin_write().await?;
            if self.expire_package(tx.conn(), id, now).await? {
                report.packages_expired += 1;
            }
            tx.commit().await?;
        }
        for (column, ahead, key) in [
            ("reminded_month_at", 30 * DAY_US, "package-expires-month"),
            ("reminded_week_at", 7 * DAY_US, "package-expires-week"),
        ] {
            let ids = {
                let mut c = self.db.acquire().await?;
                packages::to_remind(c.conn(), column, now, ahead, BATCH).await?
            };
            for id in ids {
                if self.remind_package(id, column, key, now).await? {
                    report.package_reminders += 1;
                }
            }
        }
        if report != TimerReport::default() {
            tracing::info!("lesson timers: {}", serde_json::to_string(&report).unwrap_or_default());
        }
        Ok(report)
    }

    /// One timer step on one lesson, in its own transaction; `false` if it
    /// was no longer due (someone acted first).
    async fn timer_step(&self, lesson: Uuid, action: Action, now: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        match self
            .transition(tx.conn(), lesson, action, Actor::Clock, StepInput::default(), now)
            .await
        {
            Ok(l) => {
                tx.commit().await?;
                // An expired request gives its time back.
                self.lessons_changed(l.teacher_id).await;
                Ok(true)
            }
            Err(crate::Error::Refused(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Reminds a learner that their package expires soon, if lessons are
    /// left in it.
    async fn remind_package(&self, id: Uuid, column: &'static str, key: &str, now: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        if !packages::mark_reminded(tx.conn(), id, column, now).await? {
            return Ok(false);
        }
        let Some(pk) = packages::get(tx.conn(), id).await? else {
            return Ok(false);
        };
        let left = pk.lessons - lessons::package_lessons_used(tx.conn(), id).await?;
        if left > 0 {
            let profile = koine_store::repo::profiles::get(tx.conn(), pk.learner_id).await?;
            let zone = profile.as_ref().map_or("UTC", |p| p.time_zone.as_str());
            let locale =
                koine_domain::profile::UiLocale::of_setting(profile.as_ref().and_then(|p| p.ui_locale.as_deref()));
            let notice = Notice {
                kind: "package_expiring",
                subject_key: "mail-package-subject",
                body_key: key,
                args: vec![
                    ("lessons", left.to_string()),
                    ("name", mention::MARK.into()),
                    ("when", super::notify::when_in(locale, pk.expires_at, zone)),
                ],
                link: Some("/lessons".into()),
                ics: None,
                about: Some(pk.teacher_id),
            };
            self.tell(tx.conn(), pk.learner_id, notice, now).await?;
        }
        tx.commit().await?;
        Ok(left > 0)
    }
}
