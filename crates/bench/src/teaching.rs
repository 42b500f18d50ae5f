//! `koine-bench slots` and `koine-bench search`.
//!
//! Slots: a month of bookable slots for one teacher with weekly rules, five
//! date overrides and fifty existing lessons — the pure computation the
//! homepage and the slots API run.
//!
//! Search: 100,000 teachers with realistic spreads of languages, prices,
//! time zones and availability are seeded into a database, the release
//! binary is started on it (building its search index), and a loopback load
//! of 32 connections sends a mix of queries, availability windows included;
//! `/healthz` on the same server gives the ceiling to compare with.

use crate::seed::{Members, V, insert, t};
use crate::{BackendArg, load, server};
use jiff::SignedDuration;
use jiff::civil::{Weekday, date};
use jiff::tz::TimeZone;
use koine_domain::slots::{Busy, DateOverride, Policy, Schedule, WeeklyRule, Window, slots};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// A small deterministic generator (xorshift64*), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Picks by weight.
    fn pick<'a, T>(&mut self, items: &'a [(T, u64)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut r = self.below(total);
        for (item, w) in items {
            if r < *w {
                return item;
            }
            r -= w;
        }
        &items[0].0
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

pub fn slots_bench(iterations: usize) -> Value {
    let zone = TimeZone::get("Europe/Berlin").expect("zone");
    let w = |a: &str, b: &str| Window::parse(a, b).expect("window");
    let mut weekly = Vec::new();
    for day in [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ] {
        weekly.push(WeeklyRule {
            weekday: day,
            window: w("08:00", "12:00"),
        });
        weekly.push(WeeklyRule {
            weekday: day,
            window: w("14:00", "20:30"),
        });
    }
    weekly.push(WeeklyRule {
        weekday: Weekday::Saturday,
        window: w("10:00", "14:00"),
    });
    // The month of March 2027: it holds the change to summer time.
    let start = date(2027, 3, 1);
    let overrides = [
        (3, "Asia/Tokyo"),
        (9, "Europe/Berlin"),
        (15, "America/New_York"),
        (22, "Europe/Berlin"),
        (28, "Europe/Lisbon"),
    ]
    .into_iter()
    .map(|(d, z)| DateOverride {
        date: date(2027, 3, d),
        zone: TimeZone::get(z).expect("zone"),
        windows: if d == 22 { vec![] } else { vec![w("09:00", "13:00")] },
    })
    .collect();
    let schedule = Schedule {
        zone: zone.clone(),
        weekly,
        overrides,
        policy: Policy {
            buffer_before: 10,
            buffer_after: 10,
            ..Policy::default()
        },
    };
    let from = start.to_zoned(zone.clone()).expect("start").timestamp();
    let until = date(2027, 4, 1).to_zoned(zone).expect("end").timestamp();
    let now = from - SignedDuration::from_hours(24);
    // Fifty lessons spread over the month's working hours.
    let busy: Vec<Busy> = (0..50)
        .map(|i| {
            let at = from + SignedDuration::from_hours(8 + (i % 25) * 24 + (i / 25) * 5);
            Busy {
                start: at,
                end: at + SignedDuration::from_mins(60),
            }
        })
        .collect();
    let mut count = 0;
    let mut times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let t0 = Instant::now();
        let s = slots(&schedule, &busy, 60, now, from, until);
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
        count = std::hint::black_box(s).len();
    }
    times.sort_by(f64::total_cmp);
    json!({
        "benchmark": "slots",
        "weekly_rules": schedule.weekly.len(),
        "overrides": schedule.overrides.len(),
        "lessons": busy.len(),
        "slots": count,
        "iterations": iterations,
        "latency_ms": { "p50": percentile(&times, 0.5), "p99": percentile(&times, 0.99), "max": percentile(&times, 1.0) },
    })
}

const LANGUAGES: [(&str, u64); 12] = [
    ("en", 35),
    ("es", 15),
    ("fr", 8),
    ("de", 6),
    ("ja", 6),
    ("zh", 6),
    ("it", 4),
    ("pt", 4),
    ("ko", 3),
    ("ru", 3),
    ("ar", 3),
    ("nl", 7),
];
const ZONES: [(&str, &str, u64); 10] = [
    ("Europe/Madrid", "ES", 12),
    ("America/New_York", "US", 14),
    ("Europe/London", "GB", 10),
    ("Asia/Tokyo", "JP", 8),
    ("Europe/Berlin", "DE", 8),
    ("America/Sao_Paulo", "BR", 8),
    ("Asia/Kolkata", "IN", 10),
    ("Australia/Sydney", "AU", 6),
    ("America/Mexico_City", "MX", 12),
    ("Europe/Paris", "FR", 12),
];
const WORDS: [&str; 8] = [
    "grammar",
    "conversation",
    "business",
    "exam",
    "kids",
    "pronunciation",
    "travel",
    "literature",
];

/// Seeds `n` teachers (account, profile, homepage, languages, offerings,
/// weekly availability) straight into the database.
pub async fn seed_teachers(svc: &koine_services::Services, n: usize) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let now = svc.clock.now_us();
    let zones: Vec<((&str, &str), u64)> = ZONES.iter().map(|(z, c, w)| ((*z, *c), *w)).collect();
    for chunk in (0..n).collect::<Vec<_>>().chunks(2000) {
        let mut members = Members::default();
        let mut teachers = Vec::new();
        let mut languages = Vec::new();
        let mut offerings = Vec::new();
        let mut rules = Vec::new();
        for i in chunk {
            let id = Uuid::now_v7();
            let (zone, country) = *rng.pick(&zones);
            members.push(
                id,
                format!("teacher{i}@bench.koine.test"),
                format!("Teacher {i}"),
                zone,
                now,
            );
            let word = WORDS[rng.below(WORDS.len() as u64) as usize];
            let pro = rng.below(10) < 3;
            let reviews = rng.below(40) as i64;
            teachers.push(vec![
                V::U(id),
                t(if pro { "professional" } else { "community" }),
                t("active"),
                V::B(vec![0; 16]),
                t(format!("Lessons with a focus on {word}")),
                t(format!(
                    "I have taught for years; my lessons centre on {word} and on what you need."
                )),
                t(country),
                t("public"),
                t("public"),
                t("public"),
                t("public"),
                t("public"),
                V::I(720),
                V::I(56),
                V::I(0),
                V::I(0),
                V::I(reviews * (35 + rng.below(16) as i64) / 10),
                V::I(reviews),
                V::I(now),
                V::I(now),
            ]);
            let taught = 1 + rng.below(3) as usize;
            let mut seen = Vec::new();
            for k in 0..taught {
                let lang = *rng.pick(&LANGUAGES);
                if seen.contains(&lang) {
                    continue;
                }
                seen.push(lang);
                let native = k == 0 && rng.below(10) < 6;
                languages.push(vec![V::U(id), t(lang), t(if native { "native" } else { "C1" })]);
                // Prices: most between 8 and 35, a long tail to 80 (minor units).
                let price =
                    800 + (rng.below(2700) as i64) + if rng.below(10) == 0 { rng.below(4500) as i64 } else { 0 };
                offerings.push(vec![
                    V::U(Uuid::now_v7()),
                    V::U(id),
                    t(lang),
                    t("A1,A2,B1,B2,C1,C2"),
                    V::I(if rng.below(3) == 0 { 30 } else { 60 }),
                    V::I(price),
                    t("EUR"),
                    t("active"),
                    V::I(now),
                    V::I(now),
                ]);
            }
            // Three to six windows of two to four hours a week.
            let mut days_used: Vec<(i64, i64)> = Vec::new();
            for _ in 0..(3 + rng.below(4)) {
                let day = 1 + rng.below(7) as i64;
                let start = (6 + rng.below(15) as i64) * 60;
                let end = (start + (2 + rng.below(3) as i64) * 60).min(24 * 60);
                if days_used.iter().any(|(d, s)| *d == day && (start - s).abs() < 5 * 60) {
                    continue;
                }
                days_used.push((day, start));
                rules.push(vec![V::U(Uuid::now_v7()), V::U(id), V::I(day), V::I(start), V::I(end)]);
            }
        }
        let mut tx = svc.db.begin().await.expect("begin");
        members.insert(tx.conn()).await;
        insert(
            tx.conn(),
            "teachers",
            &[
                "account_id",
                "tier",
                "status",
                "real_name_enc",
                "headline",
                "about",
                "country",
                "country_visibility",
                "education_visibility",
                "experience_visibility",
                "expertise_visibility",
                "video_visibility",
                "min_notice_minutes",
                "horizon_days",
                "buffer_before_minutes",
                "buffer_after_minutes",
                "rating_sum",
                "rating_count",
                "approved_at",
                "updated_at",
            ],
            teachers,
        )
        .await;
        insert(
            tx.conn(),
            "teacher_languages",
            &["account_id", "language", "level"],
            languages,
        )
        .await;
        insert(
            tx.conn(),
            "offerings",
            &[
                "id",
                "teacher_id",
                "language",
                "levels",
                "duration_minutes",
                "price_minor",
                "currency",
                "status",
                "created_at",
                "updated_at",
            ],
            offerings,
        )
        .await;
        insert(
            tx.conn(),
            "availability_rules",
            &["id", "teacher_id", "weekday", "start_minute", "end_minute"],
            rules,
        )
        .await;
        tx.commit().await.expect("commit");
    }
}

/// The query mix: filters alone and together, availability windows in
/// learners' zones, sorting and free text.
pub(crate) const QUERIES: [&str; 10] = [
    "/api/v1/teachers?language=en",
    "/api/v1/teachers?language=es&max_price=20",
    "/api/v1/teachers?language=en&native=true&sort=price_low",
    "/api/v1/teachers?language=ja&days=2,4&from=18:00&to=21:00&tz=America/New_York",
    "/api/v1/teachers?language=de&days=6,7&from=09:00&to=12:00&tz=Europe/Berlin",
    "/api/v1/teachers?language=fr&tier=professional&min_price=15&max_price=40",
    "/api/v1/teachers?language=en&q=grammar",
    "/api/v1/teachers?language=en&days=1&from=06:00&to=08:00&tz=Asia/Tokyo&sort=price_low",
    "/api/v1/teachers?language=es&country=MX&min_rating=4&sort=rating",
    "/api/v1/teachers?days=3&from=19:00&to=22:00&tz=Europe/Madrid&max_price=25",
];

pub async fn search_bench(
    backend: BackendArg,
    database_url: &str,
    teachers: usize,
    seconds: u64,
    connections: usize,
) -> Value {
    let env = server::Env::prepare(backend, database_url).await;
    let seed_started = Instant::now();
    {
        let svc = koine::services(&env.config(), koine_services::clock::Clock::System)
            .await
            .expect("services");
        seed_teachers(&svc, teachers).await;
        svc.db.close().await;
    }
    let seed_s = seed_started.elapsed().as_secs_f64();
    let started = Instant::now();
    let s = server::Server::start(&env).await;
    let start_s = started.elapsed().as_secs_f64();
    let rss_mb = s.rss_kib() as f64 / 1024.0;
    let load_for = Duration::from_secs(seconds);
    // Check the mix answers before measuring it.
    let warm = load::run(s.addr, 2, Duration::from_secs(1), |n| {
        load::Req::get(QUERIES[n as usize % QUERIES.len()])
    })
    .await;
    assert!(
        warm.by_status.keys().all(|k| *k == 200),
        "every query answers 200: {:?}",
        warm.by_status
    );
    let healthz = load::run(s.addr, connections, load_for, |_| load::Req::get("/healthz")).await;
    let search = load::run(s.addr, connections, load_for, |n| {
        load::Req::get(QUERIES[n as usize % QUERIES.len()])
    })
    .await;
    let healthz_again = load::run(s.addr, connections, load_for, |_| load::Req::get("/healthz")).await;
    s.stop().await;
    env.cleanup().await;
    let ceiling = (healthz.per_second() + healthz_again.per_second()) / 2.0;
    json!({
        "benchmark": "search",
        "backend": format!("{backend:?}").to_lowercase(),
        "teachers": teachers,
        "seed_seconds": seed_s,
        "start_with_index_seconds": start_s,
        "rss_mb": rss_mb,
        "connections": connections,
        "queries": QUERIES,
        "search": search.json(),
        "healthz_before": healthz.json(),
        "healthz_after": healthz_again.json(),
        "search_vs_healthz": search.per_second() / ceiling,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_generator_is_deterministic() {
        let (mut a, mut b) = (super::Rng(7), super::Rng(7));
        assert_eq!(
            (0..5).map(|_| a.next()).collect::<Vec<_>>(),
            (0..5).map(|_| b.next()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn slots_are_found_for_the_benchmark_month() {
        let out = super::slots_bench(2);
        assert!(out["slots"].as_u64().unwrap() > 300, "{out}");
    }
}
