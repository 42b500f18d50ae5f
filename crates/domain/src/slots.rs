//! Bookable lesson slots from a teacher's availability (ARCHITECTURE P4):
//! weekly rules in the teacher's IANA time zone, date overrides in a zone of
//! their own (for travelling teachers), minimum notice, booking horizon,
//! buffers around existing lessons. Pure: no clock, no I/O.
//!
//! Slots start on a wall-clock grid of each window (09:00, 09:30, … in the
//! window's zone), so daylight-saving changes neither shift nor duplicate
//! them: a wall time that does not exist (spring forward) has no slot, one
//! that occurs twice (fall back) has two, an hour apart in real time.

use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{Timestamp, ToSpan};

const MINUTE_US: i64 = 60_000_000;
const DAY_MINUTES: u16 = 24 * 60;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlotError {
    #[error("a window must start before it ends, within one day, on a 5-minute mark")]
    BadWindow,
    #[error("two weekly windows overlap on the same day")]
    Overlap,
    #[error("unknown time zone")]
    UnknownZone,
}

/// A span of one local day, in minutes after midnight: `end` may be 1440
/// (midnight at the end of the day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Window {
    start: u16,
    end: u16,
}

impl Window {
    pub fn new(start: u16, end: u16) -> Result<Self, SlotError> {
        if start < end && end <= DAY_MINUTES && start.is_multiple_of(5) && end.is_multiple_of(5) {
            Ok(Self { start, end })
        } else {
            Err(SlotError::BadWindow)
        }
    }

    /// From `HH:MM` texts (`24:00` allowed as an end).
    pub fn parse(start: &str, end: &str) -> Result<Self, SlotError> {
        Self::new(minutes_of(start)?, minutes_of(end)?)
    }

    pub fn start(self) -> u16 {
        self.start
    }

    pub fn end(self) -> u16 {
        self.end
    }

    fn overlaps(self, other: Self) -> bool {
        self.start < other.end && other.start < self.end
    }
}

fn minutes_of(text: &str) -> Result<u16, SlotError> {
    let (h, m) = text.trim().split_once(':').ok_or(SlotError::BadWindow)?;
    let (h, m): (u16, u16) = (
        h.parse().map_err(|_| SlotError::BadWindow)?,
        m.parse().map_err(|_| SlotError::BadWindow)?,
    );
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(SlotError::BadWindow);
    }
    Ok(h * 60 + m)
}

/// `HH:MM` for a minute of the day.
pub fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyRule {
    pub weekday: Weekday,
    pub window: Window,
}

/// Availability for one date that replaces the weekly rules of that day:
/// the windows are read in `zone` on `date` (none: unavailable all day).
#[derive(Debug, Clone, PartialEq)]
pub struct DateOverride {
    pub date: Date,
    pub zone: TimeZone,
    pub windows: Vec<Window>,
}

/// Booking rules, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// A lesson can be booked this long before it starts at the latest.
    pub min_notice: u32,
    /// …and this far ahead at most.
    pub horizon: u32,
    /// Free time kept before and after each existing lesson.
    pub buffer_before: u16,
    pub buffer_after: u16,
    /// Slots start this far apart on the wall clock.
    pub step: u16,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            min_notice: 12 * 60,
            horizon: 8 * 7 * 24 * 60,
            buffer_before: 0,
            buffer_after: 0,
            step: 30,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Schedule {
    pub zone: TimeZone,
    pub weekly: Vec<WeeklyRule>,
    pub overrides: Vec<DateOverride>,
    pub policy: Policy,
}

/// A time already taken (a lesson from the booking side), half-open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Busy {
    pub start: Timestamp,
    pub end: Timestamp,
}

/// Weekly rules may not overlap on the same day (the UI merges adjacent
/// ones as the teacher enters them).
pub fn check_weekly(rules: &[WeeklyRule]) -> Result<(), SlotError> {
    for (i, a) in rules.iter().enumerate() {
        for b in &rules[i + 1..] {
            if a.weekday == b.weekday && a.window.overlaps(b.window) {
                return Err(SlotError::Overlap);
            }
        }
    }
    Ok(())
}

/// Midnight-relative minute `m` of `date` (1440 is the next midnight).
fn wall(date: Date, m: u16) -> DateTime {
    if m >= DAY_MINUTES {
        date.tomorrow().unwrap_or(date).to_datetime(Time::midnight())
    } else {
        date.to_datetime(Time::constant(
            i8::try_from(m / 60).unwrap_or(0),
            i8::try_from(m % 60).unwrap_or(0),
            0,
            0,
        ))
    }
}

fn offset_us(zone: &TimeZone, at: i64) -> i64 {
    Timestamp::from_microsecond(at)
        .map(|t| i64::from(zone.to_offset(t).seconds()) * 1_000_000)
        .unwrap_or(0)
}

/// A window on a date of a zone, and the real time it covers: every instant
/// whose wall time in `zone` falls inside the window on `date`. That is one
/// span, or two around an offset change (an hour lost or repeated).
struct Placed<'a> {
    zone: &'a TimeZone,
    date: Date,
    window: Window,
    spans: [(i64, i64); 2],
}

fn placed<'a>(zone: &'a TimeZone, date: Date, window: Window) -> Option<Placed<'a>> {
    // Wall times as if they were UTC, so `wall - offset` is the instant.
    let as_utc = |m: u16| {
        wall(date, m)
            .to_zoned(TimeZone::UTC)
            .map(|z| z.timestamp().as_microsecond())
            .ok()
    };
    let (a, b) = (as_utc(window.start)?, as_utc(window.end)?);
    let us = |o: jiff::tz::Offset| i64::from(o.seconds()) * 1_000_000;
    let first = match zone.to_ambiguous_timestamp(wall(date, window.start)).offset() {
        AmbiguousOffset::Unambiguous { offset } => us(offset),
        AmbiguousOffset::Gap { before, .. } | AmbiguousOffset::Fold { before, .. } => us(before),
    };
    let last = match zone.to_ambiguous_timestamp(wall(date, window.end)).offset() {
        AmbiguousOffset::Unambiguous { offset } => us(offset),
        AmbiguousOffset::Gap { after, .. } | AmbiguousOffset::Fold { after, .. } => us(after),
    };
    let spans = if first == last {
        [(a - first, b - first), (0, 0)]
    } else {
        // One offset change inside: find its instant, then each side
        // keeps the wall times its own offset gives it.
        let (mut lo, mut hi) = (a - first.max(last), b - first.min(last));
        while hi - lo > 1_000_000 {
            let mid = lo + (hi - lo) / 2;
            if offset_us(zone, mid) == first {
                lo = mid
            } else {
                hi = mid
            }
        }
        let change = hi - hi.rem_euclid(1_000_000);
        [(a - first, (b - first).min(change)), ((a - last).max(change), b - last)]
    };
    Some(Placed {
        zone,
        date,
        window,
        spans,
    })
}

/// Every window that may hold a slot between `from` and `until`.
fn windows<'a>(s: &'a Schedule, from: i64, until: i64) -> Vec<Placed<'a>> {
    let day = |us: i64, zone: &TimeZone| {
        Timestamp::from_microsecond(us)
            .map(|t| t.to_zoned(zone.clone()).date())
            .unwrap_or(Date::MIN)
    };
    // One day of slack either side: a zone's day may begin before `from`
    // in UTC yet end after it.
    let (first, last) = (day(from, &s.zone).yesterday(), day(until, &s.zone).tomorrow());
    let (Ok(first), Ok(last)) = (first, last) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut date = first;
    while date <= last {
        if !s.overrides.iter().any(|o| o.date == date) {
            for r in s.weekly.iter().filter(|r| r.weekday == date.weekday()) {
                out.extend(placed(&s.zone, date, r.window));
            }
        }
        match date.checked_add(1.day()) {
            Ok(d) => date = d,
            Err(_) => break,
        }
    }
    for o in &s.overrides {
        for w in &o.windows {
            out.extend(placed(&o.zone, o.date, *w));
        }
    }
    out.retain(|p| p.spans.iter().any(|(a, b)| a < b && *b > from && *a < until));
    out
}

/// Merged, sorted real-time intervals of availability.
fn union(placed: &[Placed<'_>]) -> Vec<(i64, i64)> {
    let mut spans: Vec<(i64, i64)> = placed.iter().flat_map(|p| p.spans).filter(|(a, b)| a < b).collect();
    spans.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

fn fits(union: &[(i64, i64)], start: i64, end: i64) -> bool {
    // The last interval starting at or before `start` must reach `end`.
    let i = union.partition_point(|(a, _)| *a <= start);
    i > 0 && union[i - 1].1 >= end
}

/// Bookable slot starts for a lesson of `duration` minutes, between `from`
/// and `until`, as seen at `now`; sorted, no duplicates. `busy` need not be
/// sorted.
pub fn slots(
    s: &Schedule,
    busy: &[Busy],
    duration: u16,
    now: Timestamp,
    from: Timestamp,
    until: Timestamp,
) -> Vec<Timestamp> {
    let p = s.policy;
    let now = now.as_microsecond();
    let earliest = from.as_microsecond().max(now + i64::from(p.min_notice) * MINUTE_US);
    let latest = until.as_microsecond().min(now + i64::from(p.horizon) * MINUTE_US);
    if earliest >= latest || duration == 0 || p.step == 0 {
        return Vec::new();
    }
    let length = i64::from(duration) * MINUTE_US;
    let placed = windows(s, earliest, latest);
    let free = union(&placed);
    let mut taken: Vec<(i64, i64)> = busy
        .iter()
        .map(|b| {
            (
                b.start.as_microsecond() - i64::from(p.buffer_before) * MINUTE_US,
                b.end.as_microsecond() + i64::from(p.buffer_after) * MINUTE_US,
            )
        })
        .collect();
    taken.sort_unstable();
    // The longest blocked span bounds how far back an overlap can start.
    let widest = taken.iter().map(|(a, b)| b - a).max().unwrap_or(0);
    let clashes = |start: i64, end: i64| {
        let from = taken.partition_point(|(a, _)| *a < start - widest);
        taken[from..]
            .iter()
            .take_while(|(a, _)| *a < end)
            .any(|(a, b)| *a < end && start < *b)
    };
    let mut out = Vec::new();
    for w in &placed {
        // Every wall time of the grid inside the window; whether a lesson
        // starting there fits is judged in real time (a window across a
        // fold is an hour longer than it looks, across a gap one shorter).
        let mut m = w.window.start;
        while m < w.window.end {
            let dt = wall(w.date, m);
            let ambiguous = w.zone.to_ambiguous_timestamp(dt);
            let candidates = match ambiguous.offset() {
                AmbiguousOffset::Unambiguous { .. } => [ambiguous.compatible().ok(), None],
                // A wall time that occurs twice gives two slots.
                AmbiguousOffset::Fold { .. } => [ambiguous.earlier().ok(), ambiguous.later().ok()],
                // One that does not exist gives none.
                AmbiguousOffset::Gap { .. } => [None, None],
            };
            for start in candidates.into_iter().flatten().map(Timestamp::as_microsecond) {
                let end = start + length;
                if start >= earliest && start < latest && fits(&free, start, end) && !clashes(start, end) {
                    out.push(start);
                }
            }
            m += p.step;
        }
    }
    out.sort_unstable();
    out.dedup();
    out.into_iter()
        .filter_map(|us| Timestamp::from_microsecond(us).ok())
        .collect()
}

#[cfg(test)]
mod tests;
