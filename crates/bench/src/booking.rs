//! `koine-bench booking`: bookings per second through the API of the real
//! server, a thousand parallel requests for one slot, and ledger postings
//! per second.
//!
//! Teachers are seeded as for the search benchmark (their own weekly hours
//! and offerings); learners are seeded with a session each and credit paid
//! in by test card, so every booking is paid from a wallet into escrow.
//! Each booking asks for a different free slot (computed beforehand), as a
//! steady stream of learners would.

use crate::seed::{Members, Sessions};
use crate::{BackendArg, load, server, teaching};
use jiff::{SignedDuration, Timestamp};
use koine_domain::cards::Card;
use koine_domain::ledger::{self, Account};
use koine_services::Services;
use koine_services::accounts::Principal;
use koine_services::idempotency::IdempotencyKey;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use uuid::Uuid;

pub struct Options {
    pub backend: BackendArg,
    pub database_url: String,
    pub teachers: usize,
    pub learners: usize,
    pub seconds: u64,
    pub connections: usize,
    pub parallel: usize,
}

/// A slot someone can book: teacher, offering, start.
#[derive(Clone)]
pub(crate) struct Target {
    teacher: Uuid,
    offering: Uuid,
    start: Timestamp,
}

impl Target {
    pub(crate) fn body(&self) -> String {
        json!({ "teacher": self.teacher, "offering": self.offering, "kind": "single",
                "starts_at": self.start.to_string() })
        .to_string()
    }
}

pub(crate) struct Learner {
    pub(crate) id: Uuid,
    pub(crate) token: String,
}

fn principal(id: Uuid, now: i64) -> Principal {
    Principal {
        account_id: id,
        client: Default::default(),
        session_id: Uuid::nil(),
        authenticated_at: now,
        staff_role: None,
        minor: false,
        locale: None,
        display_name: String::new(),
    }
}

/// Learners with a session each (the token is returned) and 10,000.00 of
/// credit paid in by test card.
pub(crate) async fn seed_learners(svc: &Services, n: usize) -> Vec<Learner> {
    let now = svc.clock.now_us();
    let mut learners = Vec::new();
    let (mut members, mut sessions) = (Members::default(), Sessions::default());
    for i in 0..n {
        let id = Uuid::now_v7();
        let token = sessions.push(id, now);
        members.push(
            id,
            format!("learner{i}@bench.koine.test"),
            format!("Learner {i}"),
            "Europe/Madrid",
            now,
        );
        learners.push(Learner { id, token });
    }
    let mut tx = svc.db.begin().await.expect("begin");
    members.insert(tx.conn()).await;
    sessions.insert(tx.conn()).await;
    tx.commit().await.expect("commit");
    let card = Card::parse("4242 4242 4242 4242", "12/40", "123", svc.clock.today_utc()).expect("test card");
    for l in &learners {
        svc.pay_by_card(
            &principal(l.id, now),
            koine_services::payments::MAX_PAYMENT,
            &card,
            &IdempotencyKey::fresh(),
        )
        .await
        .expect("credit paid in");
    }
    learners
}

/// Every teacher's free slots of their first offering over the next eight
/// weeks, none overlapping another of the same teacher's.
pub(crate) async fn targets(svc: &Services) -> Vec<Target> {
    let offerings: Vec<(Uuid, Uuid, i64)> = {
        let mut c = svc.db.acquire().await.expect("connection");
        let sql = "SELECT teacher_id, id, duration_minutes FROM offerings ORDER BY teacher_id, created_at, id";
        match c.conn() {
            koine_store::Conn::Sqlite(c) => sqlx::query_as(sql).fetch_all(&mut *c).await,
            koine_store::Conn::Postgres(c) => sqlx::query_as(sql).fetch_all(&mut *c).await,
        }
        .expect("offerings")
    };
    let now = svc.clock.now();
    let mut out = Vec::new();
    let mut last = None;
    for (teacher, offering, minutes) in offerings {
        if last == Some(teacher) {
            continue;
        }
        last = Some(teacher);
        let minutes = u16::try_from(minutes).expect("a lesson's length");
        let slots = svc
            .slots(teacher, minutes, now, now + SignedDuration::from_hours(24 * 56))
            .await
            .expect("slots");
        let mut free_from = now;
        for start in slots {
            if start >= free_from {
                out.push(Target {
                    teacher,
                    offering,
                    start,
                });
                free_from = start + SignedDuration::from_mins(i64::from(minutes));
            }
        }
    }
    // Spread consecutive requests over teachers, as independent learners
    // booking at once would.
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    for i in (1..out.len()).rev() {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        out.swap(i, (rng % (i as u64 + 1)) as usize);
    }
    out
}

async fn lessons_at(svc: &Services, target: &Target) -> i64 {
    let mut c = svc.db.acquire().await.expect("connection");
    let sql = "SELECT COUNT(*) FROM lessons WHERE teacher_id = $1 AND starts_at = $2";
    match c.conn() {
        koine_store::Conn::Sqlite(c) => {
            sqlx::query_scalar(sql)
                .bind(target.teacher)
                .bind(target.start.as_microsecond())
                .fetch_one(&mut *c)
                .await
        }
        koine_store::Conn::Postgres(c) => {
            sqlx::query_scalar(sql)
                .bind(target.teacher)
                .bind(target.start.as_microsecond())
                .fetch_one(&mut *c)
                .await
        }
    }
    .expect("count")
}

async fn count(svc: &Services, table: &str) -> i64 {
    let mut c = svc.db.acquire().await.expect("connection");
    let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
    match c.conn() {
        koine_store::Conn::Sqlite(c) => sqlx::query_scalar(sql).fetch_one(&mut *c).await,
        koine_store::Conn::Postgres(c) => sqlx::query_scalar(sql).fetch_one(&mut *c).await,
    }
    .expect("count")
}

/// `parallel` connections each send one booking of the same slot at the
/// same moment; returns the answers by status and how long they took.
async fn contend(addr: std::net::SocketAddr, target: &Target, learners: &[Learner], parallel: usize) -> Value {
    let mut streams = Vec::new();
    for _ in 0..parallel {
        let s = TcpStream::connect(addr).await.expect("connect");
        s.set_nodelay(true).ok();
        streams.push(s);
    }
    let gate = Arc::new(tokio::sync::Barrier::new(parallel + 1));
    let mut tasks = Vec::new();
    for (i, stream) in streams.into_iter().enumerate() {
        let token = learners[i % learners.len()].token.clone();
        let req = load::Req::post_json_with(
            "/api/v1/lessons",
            target.body(),
            &[
                ("Authorization", &format!("Bearer {token}")),
                ("Idempotency-Key", &format!("contend-{i:08}")),
            ],
        );
        let gate = gate.clone();
        tasks.push(tokio::spawn(async move {
            let mut r = BufReader::new(stream);
            gate.wait().await;
            r.get_mut().write_all(&req.bytes).await.expect("send");
            load::read_response(&mut r).await.expect("an answer")
        }));
    }
    gate.wait().await;
    let started = Instant::now();
    let mut by_status = std::collections::BTreeMap::<String, u64>::new();
    for t in tasks {
        *by_status.entry(t.await.expect("task").to_string()).or_default() += 1;
    }
    json!({
        "parallel_requests": parallel,
        "status_counts": by_status,
        "all_answered_ms": started.elapsed().as_secs_f64() * 1000.0,
    })
}

/// Balanced two-posting entries from `writers` concurrent tasks for
/// `seconds`: pay-ins to wallets and refunds out of them (each refund
/// locks and checks the wallet's balance, as spending does).
async fn ledger_postings(svc: &Services, learners: &[Learner], writers: usize, seconds: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let svc = svc.clone();
        let wallets: Vec<Uuid> = learners.iter().skip(w).step_by(writers).map(|l| l.id).collect();
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            let mut lat = Vec::new();
            while Instant::now() < deadline {
                let wallet = wallets[(n as usize / 2) % wallets.len()];
                let entry = if n.is_multiple_of(2) {
                    ledger::funding("bench", wallet, 100)
                } else {
                    ledger::card_refund("bench", wallet, 100)
                }
                .expect("an entry");
                let t = Instant::now();
                svc.post_entry(&entry).await.expect("posted");
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
                n += 1;
            }
            (n, lat)
        }));
    }
    let (mut entries, mut lat) = (0, Vec::new());
    for t in tasks {
        let (n, l) = t.await.expect("writer");
        entries += n;
        lat.extend(l);
    }
    let secs = started.elapsed().as_secs_f64();
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((lat.len() - 1) as f64 * p).round() as usize];
    json!({
        "writers": writers,
        "entries": entries,
        "postings": entries * 2,
        "postings_per_second": (entries * 2) as f64 / secs,
        "entry_latency_ms": { "p50": pct(0.5), "p99": pct(0.99) },
    })
}

pub async fn run(o: Options) -> Value {
    let env = server::Env::prepare(o.backend, &o.database_url).await;
    let mut config = env.config();
    config.test_card_payments = true;
    let seed_started = Instant::now();
    let (learners, mut targets) = {
        let svc = koine::services(&config, koine_services::clock::Clock::System)
            .await
            .expect("services");
        teaching::seed_teachers(&svc, o.teachers).await;
        let learners = seed_learners(&svc, o.learners).await;
        let targets = targets(&svc).await;
        svc.db.close().await;
        (learners, targets)
    };
    let seed_s = seed_started.elapsed().as_secs_f64();
    let contended = targets.pop().expect("a slot to contend for");
    let available = targets.len();
    // Bookings: each request a different slot, by the next learner. On
    // SQLite, once with each durability setting in the same run (a half of
    // the slots each, `normal` first so `full` cannot gain from a warmer
    // cache), to tell what durable commits cost.
    let learners = Arc::new(learners);
    let settings: &[&str] = match o.backend {
        BackendArg::Sqlite => &["normal", "full"],
        BackendArg::Postgres => &["full"],
    };
    let per_setting = targets.len() / settings.len();
    let mut runs = serde_json::Map::new();
    let mut s: Option<server::Server> = None;
    for (i, sync) in settings.iter().enumerate() {
        if let Some(previous) = s.take() {
            previous.stop().await;
        }
        let part: Arc<Vec<Target>> = Arc::new(targets[i * per_setting..(i + 1) * per_setting].to_vec());
        let server = server::Server::start_with(&env, &[("KOINE_SQLITE_SYNCHRONOUS", sync)]).await;
        let lg = learners.clone();
        let booked = load::run(server.addr, o.connections, Duration::from_secs(o.seconds), move |n| {
            let target = &part[n as usize % part.len()];
            let learner = &lg[n as usize % lg.len()];
            load::Req::post_json_with(
                "/api/v1/lessons",
                target.body(),
                &[
                    ("Authorization", &format!("Bearer {}", learner.token)),
                    ("Idempotency-Key", &format!("booking-{sync}-{n:08}")),
                ],
            )
        })
        .await;
        runs.insert((*sync).to_owned(), booked.json());
        s = Some(server);
    }
    let s = s.expect("a server ran");
    let per_second = |k: &str| runs.get(k).and_then(|r| r["per_second"].as_f64());
    let durability_cost = match (per_second("full"), per_second("normal")) {
        (Some(full), Some(normal)) if o.backend == BackendArg::Sqlite => json!({
            "full_over_normal": full / normal,
        }),
        _ => Value::Null,
    };
    let contention = contend(s.addr, &contended, &learners, o.parallel).await;
    s.stop().await;

    let svc = koine::services(&config, koine_services::clock::Clock::System)
        .await
        .expect("services");
    let lessons = count(&svc, "lessons").await;
    let one_booking = lessons_at(&svc, &contended).await;
    let check = svc.ledger_check().await.expect("ledger check");
    let wallets_before = {
        let mut sum = 0;
        for l in learners.iter() {
            sum += svc.balance(Account::Wallet(l.id)).await.expect("balance");
        }
        sum
    };
    let ledger = ledger_postings(&svc, &learners, o.connections, o.seconds).await;
    let sound_after = svc.ledger_check().await.expect("ledger check").is_sound();
    svc.db.close().await;
    env.cleanup().await;
    assert!(check.is_sound(), "the books add up after the load: {check:?}");
    assert!(sound_after, "the books add up after the ledger run");
    assert_eq!(one_booking, 1, "exactly one booking of the contended slot");
    json!({
        "benchmark": "booking",
        "backend": format!("{:?}", o.backend).to_lowercase(),
        "teachers": o.teachers,
        "learners": o.learners,
        "bookable_slots": available,
        "seed_seconds": seed_s,
        "connections": o.connections,
        "bookings": runs.get("full").cloned().unwrap_or(Value::Null),
        "bookings_by_sqlite_synchronous": if o.backend == BackendArg::Sqlite { Value::Object(runs.clone()) } else { Value::Null },
        "sqlite_durability_cost": durability_cost,
        "lessons_written": lessons,
        "learner_credit_after_minor": wallets_before,
        "contention": contention,
        "contended_slot_bookings": one_booking,
        "ledger": ledger,
    })
}
