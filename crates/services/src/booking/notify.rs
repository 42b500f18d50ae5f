//! Telling the people in a lesson what happened to it: a notice in Koine
//! and an email in each one's language, with times in each one's zone and,
//! when the calendar changes, the lesson as an `.ics` event.

use crate::notifications::{Notice, Prepared, write_notices};
use crate::{Result, Services};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use koine_domain::booking::LessonStatus;
use koine_domain::ics::{self, Event, EventStatus};
use koine_domain::mention;
use koine_domain::profile::UiLocale;
use koine_store::Conn;
use koine_store::repo::accounts::{self, AccountRow};
use koine_store::repo::lessons::LessonRow;
use koine_store::repo::profiles;
use uuid::Uuid;

/// `Tue 8 Dec 2026, 18:00 (Europe/Madrid)`, as `locale` writes it.
pub(crate) fn when_in(locale: UiLocale, at: i64, zone: &str) -> String {
    let tz = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
    Timestamp::from_microsecond(at)
        .map(|t| format!("{} ({zone})", crate::i18n::dates::date_time(locale, &t.to_zoned(tz))))
        .unwrap_or_default()
}

/// The lesson as a calendar event, as `viewer` sees it.
pub(crate) fn calendar_event(base: &str, l: &LessonRow, summary: String) -> Option<Event> {
    let status = match l.status {
        LessonStatus::Requested => EventStatus::Tentative,
        LessonStatus::Declined | LessonStatus::Withdrawn | LessonStatus::Expired | LessonStatus::Cancelled => {
            EventStatus::Cancelled
        }
        // Confirmed, and every state after the lesson took place.
        _ => EventStatus::Confirmed,
    };
    Some(Event {
        uid: format!("{}@koine", l.id),
        sequence: l.sequence,
        starts_at: Timestamp::from_microsecond(l.starts_at).ok()?,
        ends_at: Timestamp::from_microsecond(l.ends_at).ok()?,
        summary,
        description: format!("{base}/lessons/{}", l.id),
        url: format!("{base}/lessons/{}", l.id),
        status,
    })
}

impl Services {
    /// Tells both the learner and the teacher that `event` happened.
    pub(crate) async fn tell_both(&self, conn: Conn<'_>, l: &LessonRow, event: &str, now: i64) -> Result<()> {
        self.tell_both_but(conn, l, event, None, now).await
    }

    /// The same, naming `leaving` (a member being erased) to nobody.
    pub(crate) async fn tell_both_but(
        &self,
        mut conn: Conn<'_>,
        l: &LessonRow,
        event: &str,
        leaving: Option<Uuid>,
        now: i64,
    ) -> Result<()> {
        let notices = self.lesson_notices(conn.reborrow(), l, event, leaving, now).await?;
        write_notices(conn, &notices).await
    }

    /// Both sides' notices of `event` (not the leaving member's), worded
    /// and ready to write.
    pub(crate) async fn lesson_notices(
        &self,
        mut conn: Conn<'_>,
        l: &LessonRow,
        event: &str,
        leaving: Option<Uuid>,
        now: i64,
    ) -> Result<Vec<Prepared>> {
        let people = [
            Person::load(conn.reborrow(), l.learner_id).await?,
            Person::load(conn.reborrow(), l.teacher_id).await?,
        ];
        let mut out = Vec::with_capacity(2);
        for (me, other) in [(&people[0], &people[1]), (&people[1], &people[0])] {
            if Some(me.id) != leaving {
                out.extend(self.lesson_notice(l, me, other, event, None, leaving, now));
            }
        }
        Ok(out)
    }

    /// Tells one of them; `proposed` is a new time being proposed.
    pub(crate) async fn tell_one(
        &self,
        mut conn: Conn<'_>,
        l: &LessonRow,
        who: Uuid,
        event: &str,
        proposed: Option<i64>,
        now: i64,
    ) -> Result<()> {
        let other = if who == l.learner_id {
            l.teacher_id
        } else {
            l.learner_id
        };
        let me = Person::load(conn.reborrow(), who).await?;
        let other = Person::load(conn.reborrow(), other).await?;
        let notice = self.lesson_notice(l, &me, &other, event, proposed, None, now);
        write_notices(conn, notice.as_slice()).await
    }

    /// `me`'s notice of `event`, in their language and time zone (none if
    /// their account is gone).
    #[allow(clippy::too_many_arguments)]
    fn lesson_notice(
        &self,
        l: &LessonRow,
        me: &Person,
        other: &Person,
        event: &str,
        proposed: Option<i64>,
        leaving: Option<Uuid>,
        now: i64,
    ) -> Option<Prepared> {
        let (Some(profile), Some(account)) = (&me.profile, &me.account) else {
            return None;
        };
        let locale = UiLocale::of_setting(profile.ui_locale.as_deref());
        // The other side is named by id (their name goes in when the notice
        // is shown or sent); one being erased is named to nobody.
        let (other_name, about) = if Some(other.id) == leaving || other.profile.is_none() {
            (crate::i18n::t(locale, "former-member"), None)
        } else {
            (mention::MARK.to_owned(), Some(other.id))
        };
        let language = crate::i18n::language_name(locale, &l.language);
        let summary = crate::i18n::t_args(
            locale,
            "lesson-calendar-summary",
            &[("language", language.clone()), ("other", other_name.clone())],
        );
        // Emails about a change of the calendar carry the event.
        let ics = calendar_event(&self.settings.public_url, l, summary)
            .filter(|_| {
                matches!(
                    event,
                    "requested" | "confirm" | "decline" | "withdraw" | "expire" | "cancel" | "rescheduled"
                )
            })
            .map(|e| ics::calendar("Koine", &[e], self.clock.now()));
        let notice = Notice {
            kind: event,
            subject_key: "mail-lesson-subject",
            body_key: &format!("lesson-event-{event}"),
            args: vec![
                ("other", other_name),
                ("language", language),
                ("when", when_in(locale, l.starts_at, &profile.time_zone)),
                (
                    "proposed",
                    proposed
                        .map(|p| when_in(locale, p, &profile.time_zone))
                        .unwrap_or_default(),
                ),
            ],
            link: Some(format!("/lessons/{}", l.id)),
            ics,
            about,
        };
        Some(self.word_notice(account, locale, notice, now))
    }
}

/// One side of a lesson, read once for both notices.
struct Person {
    id: Uuid,
    profile: Option<profiles::ProfileRow>,
    account: Option<AccountRow>,
}

impl Person {
    async fn load(mut conn: Conn<'_>, id: Uuid) -> Result<Self> {
        Ok(Self {
            id,
            profile: profiles::get(conn.reborrow(), id).await?,
            account: accounts::get(conn, id).await?,
        })
    }
}
