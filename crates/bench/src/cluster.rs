//! `koine-bench cluster`: cluster mode on PostgreSQL and NATS.
//!
//! 1. Cross-node delivery: two `koine` nodes in cluster mode on one
//!    database; every member holds a stream on the second node and sends
//!    through the first, so each message crosses NATS (the `messaging`
//!    benchmark's clients, soak and checks, across nodes). References in
//!    the same run: the same load on one node in cluster mode (the mode's
//!    cost without the hop) and on one node without the bus. Across two
//!    nodes, a listener on NATS splits each message's time at the bus
//!    (`hop`).
//! 2. Requests per second per core: one node pinned to one core with
//!    `taskset`, a fixed mix (teacher search, the homepage, booking,
//!    messaging) from a closed loop of connections, in single-node mode and
//!    in cluster mode by turns on one database; the ratio is the cost of
//!    cluster mode.
//! 3. The kill of one of three nodes behind HAProxy at a steady 500
//!    requests a second (`failover`).
//! 4. The shared jobs table: `jobs` queued jobs claimed and finished by
//!    `workers` nodes at once (claims per second), then a node that claims
//!    jobs and dies, and how long until a live node, polling as the worker
//!    does, has claimed each of them again (about the lease).

use crate::{BackendArg, booking, failover, load, messaging, server, teaching};
use koine_store::repo::jobs;
use koine_store::{Db, PoolOptions};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Options {
    /// Admin URL of a PostgreSQL server (fresh databases are created on it).
    #[arg(
        long,
        env = "KOINE_BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub database_url: String,
    /// The NATS servers the nodes connect to (comma-separated).
    #[arg(long, env = "KOINE_BENCH_NATS_URL")]
    pub nats_url: String,
    /// Members holding a stream on the second node; each sends one
    /// message a second to the first.
    #[arg(long, default_value_t = 1000)]
    pub clients: usize,
    /// Seconds of measured sending, and of each per-core run.
    #[arg(long, default_value_t = 20)]
    pub seconds: u64,
    /// Jobs queued for the claim rate.
    #[arg(long, default_value_t = 20_000)]
    pub jobs: usize,
    /// Nodes claiming at once.
    #[arg(long, default_value_t = 3)]
    pub workers: usize,
    /// The parts to run (all by default).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Part::Delivery, Part::PerCore, Part::Kill, Part::Jobs])]
    pub parts: Vec<Part>,
}

/// The parts of the benchmark, to run one alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    Delivery,
    PerCore,
    Kill,
    Jobs,
}

pub async fn run(o: Options) -> Value {
    let mut out = json!({
        "benchmark": "cluster",
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    });
    if o.parts.contains(&Part::Delivery) {
        out["delivery"] = delivery(&o).await;
    }
    if o.parts.contains(&Part::PerCore) {
        out["per_core"] = per_core(&o).await;
    }
    if o.parts.contains(&Part::Kill) {
        out["kill_one_of_three"] = failover::run(&failover::Options {
            database_url: o.database_url.clone(),
            nats_url: o.nats_url.clone(),
            seconds: o.seconds,
        })
        .await;
    }
    if o.parts.contains(&Part::Jobs) {
        out["jobs"] = jobs_table(&o).await;
    }
    out
}

/// Teachers, learners and talkers seeded for the per-core mix.
const MIX_TEACHERS: usize = 200;
const MIX_MEMBERS: usize = 200;
/// Each mode runs this many times, in the order single, cluster, cluster,
/// single, … Every run starts from its own copy of the seeded database (the
/// bookings of one run would otherwise slow the searches of the next), and
/// that order puts what drift the machine has on both modes alike.
const MIX_ROUNDS: usize = 4;
const MIX_CONNECTIONS: usize = 16;

/// Each placement runs this many times, in the order across two, cluster
/// of one, single, single, cluster of one, across two…, so what drift the
/// machine has falls on all alike.
const DELIVERY_ROUNDS: usize = 2;

/// Delivery across two nodes, with the references in the same run: one
/// node in cluster mode (what the mode costs a node, without the hop) and
/// one node in single-node mode (no bus).
async fn delivery(o: &Options) -> Value {
    let placements = [
        messaging::Nodes::AcrossTwo(o.nats_url.clone()),
        messaging::Nodes::ClusterOfOne(o.nats_url.clone()),
        messaging::Nodes::Single,
    ];
    let mut runs = Vec::new();
    let mut summary = serde_json::Map::new();
    for round in 0..DELIVERY_ROUNDS {
        let order: Vec<&messaging::Nodes> = if round % 2 == 0 {
            placements.iter().collect()
        } else {
            placements.iter().rev().collect()
        };
        for nodes in order {
            let r = messaging::run(messaging::Options {
                backend: BackendArg::Postgres,
                database_url: o.database_url.clone(),
                clients: o.clients,
                seconds: o.seconds,
                rate: 1.0,
                soak_seconds: 20,
                senders: 64,
                nodes: nodes.clone(),
            })
            .await;
            let l = &r["load"];
            let line = json!({
                "delivered_per_second": l["delivered_per_second"],
                "send_to_deliver_ms": l["send_to_deliver_ms"],
                "post_ms": l["post_ms"],
                "machine_busy": l["cpu"]["machine_busy"],
            });
            summary
                .entry(nodes.name())
                .or_insert_with(|| json!([]))
                .as_array_mut()
                .expect("a list")
                .push(line);
            runs.push(r);
        }
    }
    json!({ "summary": summary, "runs": runs })
}

async fn per_core(o: &Options) -> Value {
    let mut env = server::Env::prepare(BackendArg::Postgres, &o.database_url).await;
    let mut config = env.config();
    config.test_card_payments = true;
    let (learners, targets, talkers) = {
        let svc = koine::services(&config, koine_services::clock::Clock::System)
            .await
            .expect("services");
        teaching::seed_teachers(&svc, MIX_TEACHERS).await;
        let learners = booking::seed_learners(&svc, MIX_MEMBERS).await;
        let targets = booking::targets(&svc).await;
        let talkers = messaging::seed(&svc, MIX_MEMBERS).await;
        svc.db.close().await;
        (Arc::new(learners), Arc::new(targets), Arc::new(talkers))
    };
    // The node gets core 0; this process (the load) keeps to the others.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let others = if cores > 1 {
        format!("1-{}", cores - 1)
    } else {
        "0".into()
    };
    pin_self(&others).await;
    // The environment of each mode: single-node, then cluster.
    let modes: [Vec<(&str, &str)>; 2] = [vec![], vec![("KOINE_CLUSTER", "true"), ("KOINE_NATS_URL", &o.nats_url)]];
    let runs = MIX_ROUNDS * modes.len();
    let copies = {
        let mut c = Vec::new();
        for _ in 0..runs {
            c.push(env.copy_database().await);
        }
        c
    };
    let mut results: Vec<(usize, load::Outcome)> = Vec::new();
    for (run, database) in copies.iter().enumerate() {
        let mode = usize::from(matches!(run % 4, 1 | 2));
        let mut vars = modes[mode].clone();
        vars.push(("KOINE_DATABASE_URL", database));
        let node = server::Server::start_on(&env, &vars, Some(0)).await;
        let (slots, learners, talkers) = (targets.clone(), learners.clone(), talkers.clone());
        let outcome = load::run(node.addr, MIX_CONNECTIONS, Duration::from_secs(o.seconds), move |n| {
            mix(n, &slots, &learners, &talkers, run)
        })
        .await;
        node.stop().await;
        results.push((mode, outcome));
    }
    pin_self(&format!("0-{}", cores - 1)).await;
    env.cleanup().await;
    let summary = |mode: usize| {
        let (requests, seconds, failed) =
            results
                .iter()
                .filter(|(m, _)| *m == mode)
                .fold((0u64, 0f64, 0u64), |(r, s, f), (_, o)| {
                    let failed: u64 = o.by_status.iter().filter(|(k, _)| **k >= 500).map(|(_, v)| v).sum();
                    (r + o.requests, s + o.seconds, f + failed)
                });
        let per_second = requests as f64 / seconds;
        let runs: Vec<Value> = results
            .iter()
            .filter(|(m, _)| *m == mode)
            .map(|(_, o)| o.json())
            .collect();
        (per_second, failed, runs)
    };
    let (single, single_failed, single_runs) = summary(0);
    let (cluster, cluster_failed, cluster_runs) = summary(1);
    assert_eq!(single_failed + cluster_failed, 0, "no request of the mix failed");
    json!({
        "node_cores": 1,
        "connections": MIX_CONNECTIONS,
        "seconds_per_run": o.seconds,
        "mix": ["GET /api/v1/teachers (search)", "GET / (homepage)", "POST /api/v1/lessons (booking)",
                "POST /api/v1/conversations/{id}/messages"],
        "single_node_per_second": single,
        "cluster_per_second": cluster,
        "cluster_over_single_node": cluster / single,
        "single_node_runs": single_runs,
        "cluster_runs": cluster_runs,
    })
}

/// The `n`th request of the mix in run `run`: a search, the homepage, a
/// booking of the next free slot, a message.
fn mix(
    n: u64,
    slots: &[booking::Target],
    learners: &[booking::Learner],
    talkers: &[messaging::Member],
    run: usize,
) -> load::Req {
    let k = (n / 4) as usize;
    match n % 4 {
        0 => load::Req::get(teaching::QUERIES[k % teaching::QUERIES.len()]),
        1 => load::Req::get("/"),
        2 => {
            let learner = &learners[k % learners.len()];
            load::Req::post_json_with(
                "/api/v1/lessons",
                slots[k % slots.len()].body(),
                &[
                    ("Authorization", &format!("Bearer {}", learner.token)),
                    ("Idempotency-Key", &format!("mix-{run}-{n:08}")),
                ],
            )
        }
        _ => {
            let talker = &talkers[k % talkers.len()];
            load::Req::post_json_with(
                &format!("/api/v1/conversations/{}/messages", talker.conversation),
                json!({ "body": format!("mix message {n}") }).to_string(),
                &[
                    ("Authorization", &format!("Bearer {}", talker.token)),
                    ("Idempotency-Key", &format!("mix-{run}-{n:08}")),
                ],
            )
        }
    }
}

/// Keeps this process (every thread) to `cpus` (a `taskset` list).
async fn pin_self(cpus: &str) {
    let ok = tokio::process::Command::new("taskset")
        .args([
            "--all-tasks",
            "--cpu-list",
            "--pid",
            cpus,
            &std::process::id().to_string(),
        ])
        .stdout(std::process::Stdio::null())
        .status()
        .await
        .expect("taskset")
        .success();
    assert!(ok, "taskset could not pin the load to {cpus}");
}

fn micros(d: Duration) -> i64 {
    d.as_micros() as i64
}

async fn jobs_table(o: &Options) -> Value {
    let name = format!("koine_bench_{}", uuid::Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect(&o.database_url).await.expect("admin connection");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .expect("create database");
    let (url, options) = o.database_url.split_once('?').unwrap_or((&o.database_url, ""));
    let (base, _) = url.rsplit_once('/').expect("URL ends in /dbname");
    let url = if options.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{options}")
    };
    let db = Db::open_postgres(
        &url,
        PoolOptions {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(10),
            sqlite_synchronous: koine_store::Durability::Full,
            idle_in_transaction: Duration::from_secs(20),
        },
    )
    .await
    .expect("open");
    db.migrate().await.expect("migrate");

    // Claim rate: every job asked for, then claimed and finished by
    // `workers` nodes at once, each as the worker does (one transaction to
    // claim, one to finish).
    for i in 0..o.jobs {
        let mut tx = db.begin().await.expect("begin");
        jobs::ask(tx.conn(), "lesson_timers", &format!("bench-{i}"), None)
            .await
            .expect("ask");
        tx.commit().await.expect("commit");
    }
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let nodes: Vec<_> = (0..o.workers)
        .map(|n| {
            let (db, done) = (db.clone(), done.clone());
            tokio::spawn(async move {
                let node = format!("bench-{n}");
                loop {
                    let mut tx = db.begin().await.expect("begin");
                    let claimed = jobs::claim(tx.conn(), &node, micros(Duration::from_secs(30)))
                        .await
                        .expect("claim");
                    tx.commit().await.expect("commit");
                    let Some(job) = claimed else { break };
                    let mut tx = db.begin().await.expect("begin");
                    assert!(jobs::finish(tx.conn(), &job).await.expect("finish"), "held");
                    tx.commit().await.expect("commit");
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for n in nodes {
        n.await.expect("node");
    }
    let claim_s = started.elapsed().as_secs_f64();
    let finished = done.load(Ordering::Relaxed);
    let twice: i64 = {
        let mut c = db.acquire().await.expect("connection");
        let sql = "SELECT COUNT(*) FROM jobs WHERE attempt <> 1 OR state <> 'done'";
        match c.conn() {
            koine_store::Conn::Postgres(c) => sqlx::query_scalar(sql).fetch_one(&mut *c).await,
            koine_store::Conn::Sqlite(c) => sqlx::query_scalar(sql).fetch_one(&mut *c).await,
        }
        .expect("count")
    };

    // Reclaim: a node claims 100 jobs under the workers' lease and dies
    // (never renews); a live node polls as the worker does.
    let lease = koine_services::jobs::LEASE;
    let poll = koine_services::jobs::POLL;
    for i in 0..100 {
        let mut tx = db.begin().await.expect("begin");
        jobs::ask(tx.conn(), "lesson_timers", &format!("orphan-{i}"), None)
            .await
            .expect("ask");
        tx.commit().await.expect("commit");
    }
    let mut orphans = 0;
    let died = Instant::now();
    loop {
        let mut tx = db.begin().await.expect("begin");
        let claimed = jobs::claim(tx.conn(), "dead", micros(lease)).await.expect("claim");
        tx.commit().await.expect("commit");
        if claimed.is_none() {
            break;
        }
        orphans += 1;
    }
    let mut reclaimed_after = Vec::new();
    let mut tick = tokio::time::interval(poll);
    while reclaimed_after.len() < orphans {
        tick.tick().await;
        loop {
            let mut tx = db.begin().await.expect("begin");
            let claimed = jobs::claim(tx.conn(), "alive", micros(lease)).await.expect("claim");
            tx.commit().await.expect("commit");
            let Some(job) = claimed else { break };
            assert_eq!(job.attempt, 2, "a dead node's job, claimed again");
            reclaimed_after.push(died.elapsed().as_secs_f64());
        }
        assert!(
            died.elapsed() < lease * 3,
            "the dead node's jobs were never claimed again"
        );
    }
    db.close().await;
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
        .execute(&admin)
        .await;
    admin.close().await;
    reclaimed_after.sort_by(f64::total_cmp);
    json!({
        "claim_and_finish": {
            "jobs": o.jobs,
            "workers": o.workers,
            "seconds": claim_s,
            "per_second": finished as f64 / claim_s,
            "claimed_more_than_once_or_unfinished": twice,
        },
        "reclaim_of_a_dead_nodes_jobs": {
            "jobs": orphans,
            "lease_s": lease.as_secs_f64(),
            "poll_s": poll.as_secs_f64(),
            "first_reclaimed_after_s": reclaimed_after.first(),
            "last_reclaimed_after_s": reclaimed_after.last(),
        },
    })
}
