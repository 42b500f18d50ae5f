//! `koine-bench cluster`: cluster mode on PostgreSQL and NATS.
//!
//! 1. Cross-node delivery: two `koine` nodes in cluster mode on one
//!    database; every member holds a stream on the second node and sends
//!    through the first, so each message crosses NATS (the `messaging`
//!    benchmark's clients, soak and checks, across nodes), and the same
//!    load on one node without the bus, in the same run, as the reference.
//! 2. The shared jobs table: `jobs` queued jobs claimed and finished by
//!    `workers` nodes at once (claims per second), then a node that claims
//!    jobs and dies, and how long until a live node, polling as the worker
//!    does, has claimed each of them again (about the lease).

use crate::{BackendArg, messaging};
use koine_store::repo::jobs;
use koine_store::{Db, PoolOptions};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub struct Options {
    pub database_url: String,
    pub nats_url: String,
    pub clients: usize,
    pub seconds: u64,
    pub jobs: usize,
    pub workers: usize,
}

pub async fn run(o: Options) -> Value {
    let delivery = |cross_node: Option<String>| {
        messaging::run(messaging::Options {
            backend: BackendArg::Postgres,
            database_url: o.database_url.clone(),
            clients: o.clients,
            seconds: o.seconds,
            rate: 1.0,
            soak_seconds: 20,
            senders: 64,
            cross_node,
        })
    };
    let across = delivery(Some(o.nats_url.clone())).await;
    // The reference in the same run: one node, the same load, no bus.
    let one_node = delivery(None).await;
    let jobs = jobs_table(&o).await;
    json!({
        "benchmark": "cluster",
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "cross_node_delivery": across,
        "one_node_delivery": one_node,
        "jobs": jobs,
    })
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
