use super::*;
use jiff::civil::date;
use proptest::prelude::*;

fn tz(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn w(start: &str, end: &str) -> Window {
    Window::parse(start, end).unwrap()
}

/// Slots of `s` as wall times `YYYY-MM-DD HH:MM` in `zone`.
fn walls(slots: &[Timestamp], zone: &str) -> Vec<String> {
    slots
        .iter()
        .map(|t| t.to_zoned(tz(zone)).strftime("%Y-%m-%d %H:%M %:z").to_string())
        .collect()
}

fn schedule(zone: &str, weekly: Vec<WeeklyRule>) -> Schedule {
    Schedule {
        zone: tz(zone),
        weekly,
        overrides: Vec::new(),
        policy: Policy {
            min_notice: 0,
            ..Policy::default()
        },
    }
}

fn day_slots(s: &Schedule, day: &str, duration: u16) -> Vec<Timestamp> {
    let d: Date = day.parse().unwrap();
    let from = d.to_zoned(s.zone.clone()).unwrap().timestamp();
    let until = d.tomorrow().unwrap().to_zoned(s.zone.clone()).unwrap().timestamp();
    let now = from - jiff::SignedDuration::from_hours(24 * 7);
    slots(s, &[], duration, now, from, until)
}

#[test]
fn windows_are_validated() {
    assert!(Window::parse("09:00", "12:30").is_ok());
    assert!(Window::parse("22:00", "24:00").is_ok());
    for (a, b) in [
        ("12:00", "09:00"),
        ("09:00", "09:00"),
        ("09:03", "10:00"),
        ("25:00", "26:00"),
        ("9", "10:00"),
        ("24:30", "24:45"),
    ] {
        assert_eq!(Window::parse(a, b), Err(SlotError::BadWindow), "{a}-{b}");
    }
    let tue = |a, b| WeeklyRule {
        weekday: Weekday::Tuesday,
        window: w(a, b),
    };
    assert_eq!(
        check_weekly(&[tue("09:00", "12:00"), tue("11:00", "13:00")]),
        Err(SlotError::Overlap)
    );
    assert_eq!(check_weekly(&[tue("09:00", "12:00"), tue("12:00", "13:00")]), Ok(()));
    assert_eq!(hhmm(w("09:05", "10:00").start()), "09:05");
}

#[test]
fn a_plain_weekly_window() {
    let s = schedule(
        "Europe/Berlin",
        vec![WeeklyRule {
            weekday: Weekday::Tuesday,
            window: w("18:00", "21:00"),
        }],
    );
    let got = walls(&day_slots(&s, "2026-12-01", 60), "Europe/Berlin");
    assert_eq!(
        got,
        ["18:00", "18:30", "19:00", "19:30", "20:00"].map(|t| format!("2026-12-01 {t} +01:00"))
    );
    assert!(day_slots(&s, "2026-12-02", 60).is_empty(), "Wednesday has no rule");
}

#[test]
fn spring_forward_loses_the_missing_hour_only() {
    // Berlin, 2026-03-29: 02:00 CET becomes 03:00 CEST.
    let s = schedule(
        "Europe/Berlin",
        vec![WeeklyRule {
            weekday: Weekday::Sunday,
            window: w("01:00", "04:00"),
        }],
    );
    assert_eq!(
        walls(&day_slots(&s, "2026-03-29", 30), "Europe/Berlin"),
        [
            "2026-03-29 01:00 +01:00",
            "2026-03-29 01:30 +01:00",
            "2026-03-29 03:00 +02:00",
            "2026-03-29 03:30 +02:00"
        ]
    );
    // A 60-minute lesson may run across the change (01:30 → 03:30 wall).
    assert_eq!(day_slots(&s, "2026-03-29", 60).len(), 3);
}

#[test]
fn fall_back_repeats_the_doubled_hour() {
    // Berlin, 2026-10-25: 03:00 CEST becomes 02:00 CET.
    let s = schedule(
        "Europe/Berlin",
        vec![WeeklyRule {
            weekday: Weekday::Sunday,
            window: w("01:00", "04:00"),
        }],
    );
    let mut s = s;
    s.policy.step = 60;
    assert_eq!(
        walls(&day_slots(&s, "2026-10-25", 60), "Europe/Berlin"),
        [
            "2026-10-25 01:00 +02:00",
            "2026-10-25 02:00 +02:00",
            "2026-10-25 02:00 +01:00",
            "2026-10-25 03:00 +01:00"
        ]
    );
}

#[test]
fn lord_howe_shifts_by_half_an_hour() {
    let rule = |weekday| WeeklyRule {
        weekday,
        window: w("01:00", "04:00"),
    };
    let s = schedule("Australia/Lord_Howe", vec![rule(Weekday::Sunday)]);
    // 2026-10-04: 02:00 +10:30 becomes 02:30 +11:00.
    assert_eq!(
        walls(&day_slots(&s, "2026-10-04", 30), "Australia/Lord_Howe"),
        [
            "01:00 +10:30",
            "01:30 +10:30",
            "02:30 +11:00",
            "03:00 +11:00",
            "03:30 +11:00"
        ]
        .map(|t| format!("2026-10-04 {t}"))
    );
    // 2026-04-05: 02:00 +11:00 becomes 01:30 +10:30, so 01:30 happens twice.
    assert_eq!(
        walls(&day_slots(&s, "2026-04-05", 30), "Australia/Lord_Howe"),
        [
            "01:00 +11:00",
            "01:30 +11:00",
            "01:30 +10:30",
            "02:00 +10:30",
            "02:30 +10:30",
            "03:00 +10:30",
            "03:30 +10:30"
        ]
        .map(|t| format!("2026-04-05 {t}"))
    );
}

#[test]
fn kolkata_and_sao_paulo_history() {
    let s = schedule(
        "Asia/Kolkata",
        vec![WeeklyRule {
            weekday: Weekday::Monday,
            window: w("09:00", "10:00"),
        }],
    );
    let got = day_slots(&s, "2026-12-07", 30);
    assert_eq!(got, [at("2026-12-07T03:30:00Z"), at("2026-12-07T04:00:00Z")]);
    // São Paulo kept DST until 2019; on 2018-11-04 midnight became 01:00.
    let s = schedule(
        "America/Sao_Paulo",
        vec![WeeklyRule {
            weekday: Weekday::Sunday,
            window: w("00:00", "02:00"),
        }],
    );
    assert_eq!(
        walls(&day_slots(&s, "2018-11-04", 30), "America/Sao_Paulo"),
        ["2018-11-04 01:00 -02:00", "2018-11-04 01:30 -02:00"]
    );
    // Since 2019 the same Sunday has its full two hours.
    assert_eq!(day_slots(&s, "2026-11-01", 30).len(), 4);
}

#[test]
fn an_override_replaces_the_day_in_its_own_zone() {
    let mut s = schedule(
        "Europe/Berlin",
        vec![WeeklyRule {
            weekday: Weekday::Sunday,
            window: w("10:00", "12:00"),
        }],
    );
    s.overrides.push(DateOverride {
        date: date(2026, 12, 20),
        zone: tz("Asia/Tokyo"),
        windows: vec![w("09:00", "10:00")],
    });
    s.overrides.push(DateOverride {
        date: date(2026, 12, 27),
        zone: tz("Europe/Berlin"),
        windows: vec![],
    });
    let from = at("2026-12-19T00:00:00Z");
    let got = slots(&s, &[], 30, from, from, at("2026-12-29T00:00:00Z"));
    assert_eq!(
        walls(&got, "Asia/Tokyo"),
        ["2026-12-20 09:00 +09:00", "2026-12-20 09:30 +09:00"],
        "Tokyo's morning replaces Berlin's Sunday; the 27th is off"
    );
}

#[test]
fn notice_horizon_buffers_and_lessons() {
    let mut s = schedule(
        "UTC",
        vec![WeeklyRule {
            weekday: Weekday::Tuesday,
            window: w("08:00", "12:00"),
        }],
    );
    s.policy = Policy {
        min_notice: 12 * 60,
        horizon: 7 * 24 * 60,
        buffer_before: 15,
        buffer_after: 15,
        step: 30,
    };
    let now = at("2026-11-30T21:00:00Z");
    let lesson = Busy {
        start: at("2026-12-01T10:00:00Z"),
        end: at("2026-12-01T11:00:00Z"),
    };
    let got = slots(&s, &[lesson], 30, now, now, at("2026-12-31T00:00:00Z"));
    assert_eq!(
        walls(&got, "UTC"),
        ["2026-12-01 09:00 +00:00", "2026-12-01 11:30 +00:00"],
        "08:xx is inside the notice; 09:30 to 11:00 touch the lesson or its buffers; the 8th is past the horizon"
    );
}

// --- Properties: the slots are exactly those an instant-by-instant reading
// of the rules gives, across daylight-saving changes in several zones.

const ZONES: [&str; 6] = [
    "Europe/Berlin",
    "America/Sao_Paulo",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/New_York",
    "Asia/Kathmandu",
];

/// Offset changes: zone, local date, and the wall minute it happens at.
const CHANGES: [(&str, &str, u16); 10] = [
    ("Europe/Berlin", "2026-03-29", 120),
    ("Europe/Berlin", "2026-10-25", 180),
    ("America/Sao_Paulo", "2018-11-04", 0),
    ("America/Sao_Paulo", "2019-02-16", 1380),
    ("Australia/Lord_Howe", "2026-04-05", 120),
    ("Australia/Lord_Howe", "2026-10-04", 120),
    ("America/New_York", "2026-03-08", 120),
    ("America/New_York", "2026-11-01", 120),
    ("Asia/Kolkata", "2026-06-01", 600),
    ("Asia/Kathmandu", "2026-06-01", 600),
];

fn minute_of(t: &jiff::Zoned) -> u16 {
    u16::try_from(t.hour()).unwrap() * 60 + u16::try_from(t.minute()).unwrap()
}

/// The windows of the rules that cover instant `x`, with their zone's wall
/// minute of it.
fn covering(s: &Schedule, x: Timestamp) -> Vec<(Window, u16)> {
    let mut out = Vec::new();
    let local = x.to_zoned(s.zone.clone());
    let m = minute_of(&local);
    if !s.overrides.iter().any(|o| o.date == local.date()) {
        for r in s.weekly.iter().filter(|r| r.weekday == local.weekday()) {
            if r.window.start <= m && m < r.window.end {
                out.push((r.window, m));
            }
        }
    }
    for o in &s.overrides {
        let there = x.to_zoned(o.zone.clone());
        let m = minute_of(&there);
        if there.date() == o.date {
            out.extend(o.windows.iter().filter(|w| w.start <= m && m < w.end).map(|w| (*w, m)));
        }
    }
    out
}

fn oracle(
    s: &Schedule,
    busy: &[Busy],
    duration: u16,
    now: Timestamp,
    from: Timestamp,
    until: Timestamp,
) -> Vec<Timestamp> {
    let five = jiff::SignedDuration::from_mins(5);
    let p = s.policy;
    let earliest = from.max(now + jiff::SignedDuration::from_mins(i64::from(p.min_notice)));
    let latest = until.min(now + jiff::SignedDuration::from_mins(i64::from(p.horizon)));
    let mut out = Vec::new();
    let mut x = Timestamp::from_second(earliest.as_second().div_euclid(300) * 300).unwrap();
    while x < latest {
        let on_grid = covering(s, x).iter().any(|(w, m)| (m - w.start) % p.step == 0);
        let end = x + jiff::SignedDuration::from_mins(i64::from(duration));
        let mut y = x;
        let mut free = on_grid && x >= earliest;
        while free && y < end {
            free = !covering(s, y).is_empty();
            y += five;
        }
        let before = jiff::SignedDuration::from_mins(i64::from(p.buffer_before));
        let after = jiff::SignedDuration::from_mins(i64::from(p.buffer_after));
        if free && !busy.iter().any(|b| b.start - before < end && x < b.end + after) {
            out.push(x);
        }
        x += five;
    }
    out
}

fn rules() -> impl Strategy<Value = Vec<WeeklyRule>> {
    // Up to three weekdays, each with up to two non-overlapping windows.
    proptest::collection::vec((0u8..7, 0u16..280, 1u16..100, 1u16..60, 1u16..80), 1..4).prop_map(|days| {
        let mut out = Vec::new();
        for (day, start, len, gap, len2) in days {
            let weekday = Weekday::from_monday_zero_offset(i8::try_from(day).unwrap()).unwrap();
            if out.iter().any(|r: &WeeklyRule| r.weekday == weekday) {
                continue;
            }
            let a = start * 5;
            let b = (a + len * 5).min(DAY_MINUTES);
            out.push(WeeklyRule {
                weekday,
                window: Window::new(a, b).unwrap(),
            });
            let c = b + gap * 5;
            let d = (c + len2 * 5).min(DAY_MINUTES);
            if c < d {
                out.push(WeeklyRule {
                    weekday,
                    window: Window::new(c, d).unwrap(),
                });
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn slots_are_what_the_rules_say_across_dst(
        change in 0usize..CHANGES.len(),
        shift in -2i64..2,
        around in (0u16..36, 1u16..50),
        weekly in rules(),
        step in prop_oneof![Just(15u16), Just(30), Just(60)],
        duration in prop_oneof![Just(30u16), Just(45), Just(60), Just(90)],
        override_zone in 0usize..ZONES.len(),
        override_day in -1i64..3,
        override_window in (0u16..250, 1u16..30),
        lesson in proptest::option::of((0i64..4 * 24 * 4, 2i64..8)),
        buffers in (0u16..4, 0u16..4),
    ) {
        let (zone, day, minute) = CHANGES[change];
        let day: Date = day.parse().unwrap();
        // A window around the change itself, on its day, besides the random rules.
        let (before, len) = around;
        let a = minute.saturating_sub(before * 5);
        let mut weekly = weekly;
        weekly.retain(|r| r.weekday != day.weekday());
        weekly.push(WeeklyRule {
            weekday: day.weekday(),
            window: Window::new(a, (a + len * 10).min(DAY_MINUTES)).unwrap(),
        });
        let start = day.checked_add(shift.days()).unwrap();
        let from = start.to_zoned(TimeZone::UTC).unwrap().timestamp() - jiff::SignedDuration::from_hours(12);
        let until = from + jiff::SignedDuration::from_hours(24 * 4);
        let (oa, ol) = override_window;
        let s = Schedule {
            zone: tz(zone),
            weekly,
            overrides: vec![DateOverride {
                date: day.checked_add(override_day.days()).unwrap(),
                zone: tz(ZONES[override_zone]),
                windows: vec![Window::new(oa * 5, (oa * 5 + ol * 15).min(DAY_MINUTES)).unwrap()],
            }],
            policy: Policy {
                min_notice: 0,
                horizon: 30 * 24 * 60,
                buffer_before: buffers.0 * 5,
                buffer_after: buffers.1 * 5,
                step,
            },
        };
        let busy: Vec<Busy> = lesson
            .map(|(q, len)| {
                let a = from + jiff::SignedDuration::from_mins(q * 15);
                vec![Busy { start: a, end: a + jiff::SignedDuration::from_mins(len * 15) }]
            })
            .unwrap_or_default();
        let got = slots(&s, &busy, duration, from, from, until);
        prop_assert!(got.windows(2).all(|p| p[0] < p[1]), "sorted, no duplicates");
        let want = oracle(&s, &busy, duration, from, from, until);
        prop_assert_eq!(got, want);
    }
}
