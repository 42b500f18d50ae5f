//! Availability: the teacher's weekly rules (in their time zone), date
//! overrides (in the zone they will be in), booking rules, and the slots
//! that follow (`koine_domain::slots`).

use crate::accounts::Principal;
use crate::{Error, Result, Services};
use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use koine_domain::Invalid;
use koine_domain::profile::TimeZoneName;
use koine_domain::slots::{self, Busy, DateOverride, Policy, Schedule, WeeklyRule, Window};
use koine_domain::validation::FieldErrors;
use koine_store::Conn;
use koine_store::repo::availability::{self as repo, OverrideRow};
use koine_store::repo::{profiles, teaching as teachers};
use uuid::Uuid;

/// One weekly window as typed: weekday 1 (Monday) … 7, `HH:MM` times.
#[derive(Debug, Clone)]
pub struct RuleInput {
    pub weekday: String,
    pub start: String,
    pub end: String,
}

/// The one reading of a week's rules: the rules, or every row's error
/// (and overlaps) at once.
pub fn parse_weekly(rules: &[RuleInput]) -> std::result::Result<Vec<WeeklyRule>, Vec<Invalid>> {
    let mut errors = FieldErrors::default();
    let mut parsed = Vec::new();
    for r in rules {
        let day = errors.take(
            r.weekday
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(weekday)
                .ok_or(Invalid::new("weekday", "invalid-choice")),
        );
        let window =
            errors.take(Window::parse(&r.start, &r.end).map_err(|_| Invalid::new("window", "impossible-time-range")));
        if let (Some(weekday), Some(window)) = (day, window) {
            parsed.push(WeeklyRule { weekday, window });
        }
    }
    if errors.is_empty() {
        errors.take(slots::check_weekly(&parsed).map_err(|_| Invalid::new("window", "overlapping-windows")));
    }
    errors.finish(|| Some(parsed))
}

/// Booking rules as typed.
#[derive(Debug, Clone, Default)]
pub struct BookingRulesInput {
    pub min_notice_hours: String,
    pub horizon_weeks: String,
    pub buffer_before_minutes: String,
    pub buffer_after_minutes: String,
}

/// How far ahead and how close together a teacher may be booked.
#[derive(Debug, Clone, Copy)]
pub struct BookingRules {
    pub min_notice_hours: i64,
    pub horizon_weeks: i64,
    /// Whole multiples of 5 minutes.
    pub buffer_before_minutes: i64,
    pub buffer_after_minutes: i64,
}

/// Buffers reach at most an hour either side of a lesson: lessons this far
/// outside a range can still take time inside it.
pub(crate) const BUFFER_REACH_US: i64 = 3_600_000_000;

/// A lesson's time, as slots take it.
pub(crate) fn busy_of(starts: i64, ends: i64) -> Option<Busy> {
    Some(Busy {
        start: Timestamp::from_microsecond(starts).ok()?,
        end: Timestamp::from_microsecond(ends).ok()?,
    })
}

impl BookingRules {
    /// The one reading of booking rules: the rules, or every field's error.
    pub fn parse(input: &BookingRulesInput) -> std::result::Result<Self, Vec<Invalid>> {
        let mut errors = FieldErrors::default();
        let notice = errors.take(number("min_notice_hours", &input.min_notice_hours, 0..=168));
        let horizon = errors.take(number("horizon_weeks", &input.horizon_weeks, 1..=26));
        let buffer = |field, text: &str| {
            number(field, text, 0..=60).and_then(|n| {
                if n % 5 == 0 {
                    Ok(n)
                } else {
                    Err(Invalid::new(field, "out-of-range"))
                }
            })
        };
        let before = errors.take(buffer("buffer_before_minutes", &input.buffer_before_minutes));
        let after = errors.take(buffer("buffer_after_minutes", &input.buffer_after_minutes));
        errors.finish(|| {
            Some(Self {
                min_notice_hours: notice?,
                horizon_weeks: horizon?,
                buffer_before_minutes: before?,
                buffer_after_minutes: after?,
            })
        })
    }
}

/// What one date looks like, as typed: the day, the zone the teacher will
/// be in (empty: their own), windows as `HH:MM` pairs (none: unavailable).
#[derive(Debug, Clone, Default)]
pub struct DayOverrideInput {
    pub day: String,
    pub zone: String,
    pub windows: Vec<(String, String)>,
}

/// A checked date override.
#[derive(Debug, Clone)]
pub struct DayOverrideRequest {
    pub day: Date,
    /// `None`: the teacher's own zone.
    pub zone: Option<TimeZoneName>,
    /// Not overlapping; empty: unavailable all day.
    pub windows: Vec<Window>,
}

impl DayOverrideRequest {
    /// The one reading of a date override: the override, or every field's
    /// error. A day before yesterday (in UTC) is past everywhere.
    pub fn parse(input: &DayOverrideInput, today: Date) -> std::result::Result<Self, Vec<Invalid>> {
        let mut errors = FieldErrors::default();
        let day = errors.take(parse_day(&input.day).and_then(|d| {
            if d < today.yesterday().unwrap_or(d) {
                Err(Invalid::new("day", "in-past"))
            } else {
                Ok(d)
            }
        }));
        let zone = errors.take(koine_domain::validation::optional(&input.zone, TimeZoneName::parse));
        let mut windows: Vec<Window> = Vec::new();
        for (s, e) in &input.windows {
            match errors.take(Window::parse(s, e).map_err(|_| Invalid::new("window", "impossible-time-range"))) {
                Some(w) if windows.iter().any(|x| x.start() < w.end() && w.start() < x.end()) => {
                    errors.push(Invalid::new("window", "overlapping-windows"));
                }
                Some(w) => windows.push(w),
                None => {}
            }
        }
        errors.finish(|| {
            Some(Self {
                day: day?,
                zone: zone?,
                windows,
            })
        })
    }
}

/// A calendar day as typed (`YYYY-MM-DD`).
pub fn parse_day(raw: &str) -> std::result::Result<Date, Invalid> {
    raw.trim().parse().map_err(|_| Invalid::new("day", "invalid-date"))
}

/// One day that differs: (day, zone, windows as `HH:MM` pairs; empty:
/// unavailable).
pub type DayOverride = (String, String, Vec<(String, String)>);

/// A teacher's availability as stored, for their editing page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Availability {
    pub time_zone: String,
    /// (weekday 1–7, start, end) as `HH:MM`.
    pub weekly: Vec<(u8, String, String)>,
    pub overrides: Vec<DayOverride>,
    pub min_notice_hours: i64,
    pub horizon_weeks: i64,
    pub buffer_before_minutes: i64,
    pub buffer_after_minutes: i64,
}

fn weekday(n: i64) -> Option<Weekday> {
    i8::try_from(n)
        .ok()
        .and_then(|n| Weekday::from_monday_one_offset(n).ok())
}

fn number(field: &'static str, text: &str, range: std::ops::RangeInclusive<i64>) -> std::result::Result<i64, Invalid> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or(Invalid::new(field, "out-of-range"))
}

fn window_of(start: i64, end: i64) -> Option<Window> {
    Window::new(u16::try_from(start).ok()?, u16::try_from(end).ok()?).ok()
}

/// A schedule from stored rows.
pub(crate) fn schedule_of(
    zone: TimeZone,
    rules: &[(i64, i64, i64)],
    overrides: &[OverrideRow],
    policy: Policy,
) -> Schedule {
    let weekly = rules
        .iter()
        .filter_map(|(d, s, e)| {
            Some(WeeklyRule {
                weekday: weekday(*d)?,
                window: window_of(*s, *e)?,
            })
        })
        .collect();
    let mut by_day: Vec<DateOverride> = Vec::new();
    for o in overrides {
        let (Ok(date), Ok(zone)) = (o.day.parse::<Date>(), TimeZone::get(&o.time_zone)) else {
            continue;
        };
        let window = o.start_minute.zip(o.end_minute).and_then(|(s, e)| window_of(s, e));
        match by_day.iter_mut().find(|d| d.date == date) {
            Some(d) => d.windows.extend(window),
            None => by_day.push(DateOverride {
                date,
                zone,
                windows: window.into_iter().collect(),
            }),
        }
    }
    Schedule {
        zone,
        weekly,
        overrides: by_day,
        policy,
    }
}

pub(crate) fn policy_of(t: &teachers::TeacherRow) -> Policy {
    policy_from(
        t.min_notice_minutes,
        t.horizon_days,
        t.buffer_before_minutes,
        t.buffer_after_minutes,
    )
}

pub(crate) fn policy_from(notice: i64, horizon_days: i64, before: i64, after: i64) -> Policy {
    Policy {
        min_notice: u32::try_from(notice).unwrap_or(0),
        horizon: u32::try_from(horizon_days * 24 * 60).unwrap_or(0),
        buffer_before: u16::try_from(before).unwrap_or(0),
        buffer_after: u16::try_from(after).unwrap_or(0),
        ..Policy::default()
    }
}

impl Services {
    /// Replaces the caller's weekly rules; overlapping windows are refused.
    pub async fn set_weekly_availability(&self, p: &Principal, parsed: &[WeeklyRule]) -> Result<()> {
        let rows: Vec<_> = parsed
            .iter()
            .map(|r| {
                (
                    i64::from(r.weekday.to_monday_one_offset()),
                    i64::from(r.window.start()),
                    i64::from(r.window.end()),
                )
            })
            .collect();
        let mut tx = self.db.begin().await?;
        teachers::teacher(tx.conn(), p.account_id)
            .await?
            .ok_or(Error::Forbidden)?;
        repo::replace_rules(tx.conn(), p.account_id, &rows).await?;
        tx.commit().await?;
        self.teachers_changed(p.account_id).await;
        Ok(())
    }

    /// Sets what one date looks like, in the zone the teacher will be in:
    /// these windows instead of the weekly ones, or none (unavailable).
    /// An empty zone means the teacher's own.
    pub async fn set_date_override(&self, p: &Principal, o: DayOverrideRequest) -> Result<()> {
        let zone = match o.zone {
            None => {
                let mut c = self.db.acquire().await?;
                profiles::get(c.conn(), p.account_id)
                    .await?
                    .ok_or(Error::NotFound)?
                    .time_zone
            }
            Some(z) => z.as_str().to_owned(),
        };
        let (date, parsed) = (o.day, o.windows);
        let day = date.to_string();
        let rows: Vec<OverrideRow> = if parsed.is_empty() {
            vec![OverrideRow {
                teacher_id: p.account_id,
                day: day.clone(),
                time_zone: zone,
                start_minute: None,
                end_minute: None,
            }]
        } else {
            parsed
                .iter()
                .map(|w| OverrideRow {
                    teacher_id: p.account_id,
                    day: day.clone(),
                    time_zone: zone.clone(),
                    start_minute: Some(i64::from(w.start())),
                    end_minute: Some(i64::from(w.end())),
                })
                .collect()
        };
        let mut tx = self.db.begin().await?;
        teachers::teacher(tx.conn(), p.account_id)
            .await?
            .ok_or(Error::Forbidden)?;
        repo::replace_override(tx.conn(), p.account_id, &day, &rows).await?;
        tx.commit().await?;
        self.teachers_changed(p.account_id).await;
        Ok(())
    }

    /// Goes back to the weekly rules on `day`.
    pub async fn clear_date_override(&self, p: &Principal, date: Date) -> Result<()> {
        let mut tx = self.db.begin().await?;
        repo::replace_override(tx.conn(), p.account_id, &date.to_string(), &[]).await?;
        tx.commit().await?;
        self.teachers_changed(p.account_id).await;
        Ok(())
    }

    pub async fn set_booking_rules(&self, p: &Principal, r: BookingRules) -> Result<()> {
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let mut t = teachers::teacher(tx.conn(), p.account_id)
            .await?
            .ok_or(Error::Forbidden)?;
        t.min_notice_minutes = r.min_notice_hours * 60;
        t.horizon_days = r.horizon_weeks * 7;
        t.buffer_before_minutes = r.buffer_before_minutes;
        t.buffer_after_minutes = r.buffer_after_minutes;
        t.updated_at = now;
        teachers::update_teacher(tx.conn(), &t).await?;
        tx.commit().await?;
        self.teachers_changed(p.account_id).await;
        Ok(())
    }

    pub async fn availability(&self, p: &Principal) -> Result<Availability> {
        let mut c = self.db.acquire().await?;
        let t = teachers::teacher(c.conn(), p.account_id)
            .await?
            .ok_or(Error::Forbidden)?;
        let zone = profiles::get(c.conn(), p.account_id)
            .await?
            .ok_or(Error::NotFound)?
            .time_zone;
        let rules = repo::rules(c.conn(), p.account_id).await?;
        let overrides = repo::overrides(c.conn(), p.account_id).await?;
        let hm = |m: i64| slots::hhmm(u16::try_from(m).unwrap_or(0));
        let mut days: Vec<DayOverride> = Vec::new();
        for o in overrides {
            let window = o.start_minute.zip(o.end_minute).map(|(s, e)| (hm(s), hm(e)));
            match days.iter_mut().find(|d| d.0 == o.day) {
                Some(d) => d.2.extend(window),
                None => days.push((o.day, o.time_zone, window.into_iter().collect())),
            }
        }
        Ok(Availability {
            time_zone: zone,
            weekly: rules
                .iter()
                .map(|(d, s, e)| (u8::try_from(*d).unwrap_or(1), hm(*s), hm(*e)))
                .collect(),
            overrides: days,
            min_notice_hours: t.min_notice_minutes / 60,
            horizon_weeks: t.horizon_days / 7,
            buffer_before_minutes: t.buffer_before_minutes,
            buffer_after_minutes: t.buffer_after_minutes,
        })
    }

    /// Lessons that take a teacher's time between `from` and `until` (a
    /// lesson being moved does not block its own new time).
    pub(crate) async fn busy_times(
        &self,
        conn: koine_store::Conn<'_>,
        teacher: Uuid,
        from: i64,
        until: i64,
        except: Option<Uuid>,
    ) -> Result<Vec<Busy>> {
        Ok(
            koine_store::repo::lessons::busy(conn, teacher, from - BUFFER_REACH_US, until + BUFFER_REACH_US)
                .await?
                .into_iter()
                .filter(|(id, ..)| Some(*id) != except)
                .filter_map(|(_, a, b)| busy_of(a, b))
                .collect(),
        )
    }

    /// Bookable slot starts of a lesson of `duration` minutes with `teacher`
    /// between `from` and `until`, as of now.
    pub async fn slots(
        &self,
        teacher: Uuid,
        duration: u16,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<Timestamp>> {
        self.slots_except(teacher, duration, from, until, None).await
    }

    /// The same, as if lesson `except` were not booked (for moving it).
    pub(crate) async fn slots_except(
        &self,
        teacher: Uuid,
        duration: u16,
        from: Timestamp,
        until: Timestamp,
        except: Option<Uuid>,
    ) -> Result<Vec<Timestamp>> {
        // The connection goes back before the (pure) computation.
        let (schedule, busy) = {
            let mut c = self.db.acquire().await?;
            self.schedule_in(c.conn(), teacher, from, until, except).await?
        };
        Ok(slots::slots(&schedule, &busy, duration, self.clock.now(), from, until))
    }

    /// The same, read on the caller's connection.
    pub(crate) async fn slots_except_in(
        &self,
        c: Conn<'_>,
        teacher: Uuid,
        duration: u16,
        from: Timestamp,
        until: Timestamp,
        except: Option<Uuid>,
    ) -> Result<Vec<Timestamp>> {
        let (schedule, busy) = self.schedule_in(c, teacher, from, until, except).await?;
        Ok(slots::slots(&schedule, &busy, duration, self.clock.now(), from, until))
    }

    /// The teacher's schedule, and what is booked between `from` and
    /// `until` (but `except`).
    async fn schedule_in(
        &self,
        mut c: Conn<'_>,
        teacher: Uuid,
        from: Timestamp,
        until: Timestamp,
        except: Option<Uuid>,
    ) -> Result<(Schedule, Vec<Busy>)> {
        let t = teachers::teacher(c.reborrow(), teacher).await?.ok_or(Error::NotFound)?;
        let zone = profiles::get(c.reborrow(), teacher)
            .await?
            .ok_or(Error::NotFound)?
            .time_zone;
        let rules = repo::rules(c.reborrow(), teacher).await?;
        let overrides = repo::overrides(c.reborrow(), teacher).await?;
        let busy = self
            .busy_times(c, teacher, from.as_microsecond(), until.as_microsecond(), except)
            .await?;
        let zone = TimeZone::get(&zone).map_err(Error::internal)?;
        Ok((schedule_of(zone, &rules, &overrides, policy_of(&t)), busy))
    }

    /// Whether a lesson of `duration` minutes may start at `at`.
    pub(crate) async fn is_bookable(
        &self,
        teacher: Uuid,
        duration: u16,
        at: Timestamp,
        except: Option<Uuid>,
    ) -> Result<bool> {
        let mut c = self.db.acquire().await?;
        self.is_bookable_in(c.conn(), teacher, duration, at, except).await
    }

    /// The same, read on the caller's connection.
    pub(crate) async fn is_bookable_in(
        &self,
        c: Conn<'_>,
        teacher: Uuid,
        duration: u16,
        at: Timestamp,
        except: Option<Uuid>,
    ) -> Result<bool> {
        let until = at + jiff::SignedDuration::from_micros(1);
        Ok(self
            .slots_except_in(c, teacher, duration, at, until, except)
            .await?
            .contains(&at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: Vec<Invalid>) -> Vec<&'static str> {
        e.into_iter().map(|i| i.field).collect()
    }

    fn rule(weekday: &str, start: &str, end: &str) -> RuleInput {
        RuleInput {
            weekday: weekday.into(),
            start: start.into(),
            end: end.into(),
        }
    }

    #[test]
    fn a_week_is_read_whole_or_refused_with_every_error() {
        assert_eq!(parse_weekly(&[rule("2", "18:00", "21:00")]).unwrap().len(), 1);
        assert_eq!(
            fields(parse_weekly(&[rule("8", "18:00", "21:00"), rule("3", "21:00", "18:00")]).unwrap_err()),
            ["weekday", "window"]
        );
        assert_eq!(
            fields(parse_weekly(&[rule("2", "18:00", "21:00"), rule("2", "20:00", "22:00")]).unwrap_err()),
            ["window"],
            "overlaps"
        );
    }

    #[test]
    fn booking_rules_report_every_field() {
        let input = BookingRulesInput {
            min_notice_hours: "200".into(),
            horizon_weeks: "0".into(),
            buffer_before_minutes: "7".into(),
            buffer_after_minutes: "10".into(),
        };
        assert_eq!(
            fields(BookingRules::parse(&input).unwrap_err()),
            ["min_notice_hours", "horizon_weeks", "buffer_before_minutes"]
        );
        let ok = BookingRulesInput {
            min_notice_hours: "12".into(),
            horizon_weeks: "4".into(),
            buffer_before_minutes: "5".into(),
            ..input
        };
        let r = BookingRules::parse(&ok).unwrap();
        assert_eq!(
            (
                r.min_notice_hours,
                r.horizon_weeks,
                r.buffer_before_minutes,
                r.buffer_after_minutes
            ),
            (12, 4, 5, 10)
        );
    }

    #[test]
    fn a_day_override_reports_every_field() {
        let today = jiff::civil::date(2026, 12, 5);
        let input = DayOverrideInput {
            day: "2026-12-01".into(),
            zone: "Mars/Base".into(),
            windows: vec![("09:00".into(), "11:00".into()), ("10:00".into(), "12:00".into())],
        };
        assert_eq!(
            fields(DayOverrideRequest::parse(&input, today).unwrap_err()),
            ["day", "time_zone", "window"]
        );
        let ok = DayOverrideInput {
            day: "2026-12-08".into(),
            zone: String::new(),
            windows: vec![],
        };
        let o = DayOverrideRequest::parse(&ok, today).unwrap();
        assert!(
            o.zone.is_none() && o.windows.is_empty(),
            "the own zone, unavailable all day"
        );
    }
}
