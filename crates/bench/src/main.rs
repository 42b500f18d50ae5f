//! `koine-bench`: measures the release binary the way an operator runs it.
//!
//! It starts the `koine` binary beside it (or `--koine PATH`) as a separate
//! process on loopback and
//! drives it with a small keep-alive HTTP/1.1 load generator, so figures
//! include the real server, database and middleware. Results are JSON on
//! stdout. Build both first: `cargo build --release -p koine -p koine-bench`.
#![forbid(unsafe_code)]

mod booking;
mod chaos;
mod classroom;
mod cluster;
mod cpu;
mod failover;
mod hop;
mod join;
mod link;
mod load;
mod messaging;
mod privacy;
mod seed;
mod server;
mod teaching;

use clap::{Parser, Subcommand, ValueEnum};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "koine-bench", about = "Koine benchmarks; prints JSON")]
struct Cli {
    /// The koine binary to measure (default: the one beside koine-bench).
    #[arg(long, global = true)]
    koine: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Debug)]
pub enum BackendArg {
    Sqlite,
    Postgres,
}

/// Where the messaging benchmark's members send and hold their streams
/// (`messaging::Nodes`), to measure one placement of `cluster` alone.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Debug)]
enum Placement {
    Single,
    ClusterOfOne,
    AcrossTwo,
}

/// Which database a benchmark runs on.
#[derive(clap::Args)]
struct Database {
    #[arg(long, value_enum, default_value = "sqlite")]
    backend: BackendArg,
    /// Admin URL of a PostgreSQL server (a fresh database is created on it).
    #[arg(
        long,
        env = "KOINE_BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    database_url: String,
}

#[derive(Subcommand)]
enum Command {
    /// Binary size, idle memory, start-up time, /healthz throughput, sign-up and login throughput.
    Foundation {
        #[command(flatten)]
        db: Database,
        /// Seconds of load per throughput figure.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Concurrent connections for /healthz.
        #[arg(long, default_value_t = 32)]
        connections: usize,
    },
    /// A month of bookable slots for one teacher (weekly rules, 5 overrides, 50 lessons).
    Slots {
        #[arg(long, default_value_t = 2000)]
        iterations: usize,
    },
    /// Teacher search over 100,000 teachers under a loopback load, against /healthz.
    Search {
        #[command(flatten)]
        db: Database,
        #[arg(long, default_value_t = 100_000)]
        teachers: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[arg(long, default_value_t = 32)]
        connections: usize,
    },
    /// Bookings per second through the API, a thousand parallel requests
    /// for one slot, and ledger postings per second.
    Booking {
        #[command(flatten)]
        db: Database,
        /// Teachers seeded (their own hours and offerings).
        #[arg(long, default_value_t = 2000)]
        teachers: usize,
        /// Learners seeded, each with a session and credit.
        #[arg(long, default_value_t = 500)]
        learners: usize,
        /// Seconds of booking load, and of ledger postings.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Concurrent connections (and ledger writers).
        #[arg(long, default_value_t = 32)]
        connections: usize,
        /// Parallel requests for the one contended slot.
        #[arg(long, default_value_t = 1000)]
        parallel: usize,
    },
    /// Per-person export and erasure over a populated database, a heavy
    /// subject's export, and the retention sweep against a bulk DELETE.
    Privacy {
        #[command(flatten)]
        db: Database,
        /// Members seeded, each with about 70 rows.
        #[arg(long, default_value_t = 1000)]
        members: usize,
        /// Members exported, and other members erased, for the latency figures.
        #[arg(long, default_value_t = 100)]
        samples: usize,
        /// Extra history rows of the heavy subject.
        #[arg(long, default_value_t = 10_000)]
        heavy_rows: usize,
        /// Expired rows for the retention sweep comparison.
        #[arg(long, default_value_t = 1_000_000)]
        log_rows: usize,
    },
    /// Live messages over WebSocket streams: delivered per second,
    /// send → deliver latency, memory per socket, /healthz in the same run,
    /// and a soak with streams cut at random (lost and duplicated must be 0).
    Messaging {
        #[command(flatten)]
        db: Database,
        /// Members, each with one stream (two per conversation).
        #[arg(long, default_value_t = 2000)]
        clients: usize,
        /// Seconds of measured sending.
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Messages each member sends per second.
        #[arg(long, default_value_t = 1.0)]
        rate: f64,
        /// Seconds of the reconnect soak.
        #[arg(long, default_value_t = 60)]
        soak_seconds: u64,
        /// Keep-alive connections the senders post over.
        #[arg(long, default_value_t = 64)]
        senders: usize,
        /// Where the members send and hold their streams (the cluster
        /// placements need `--nats-url`).
        #[arg(long, value_enum, default_value_t = Placement::Single)]
        nodes: Placement,
        /// The NATS servers of a cluster placement (comma-separated).
        #[arg(
            long,
            env = "KOINE_BENCH_NATS_URL",
            required_if_eq_any([("nodes", "cluster-of-one"), ("nodes", "across-two")])
        )]
        nats_url: Option<String>,
    },
    /// Call signalling in many lesson rooms at once, over the stream.
    Classroom {
        #[command(flatten)]
        db: Database,
        /// Lesson rooms, each with two members holding a stream.
        #[arg(long, default_value_t = 500)]
        rooms: usize,
        /// Seconds over which the call set-ups are spread.
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Call set-ups (offer, answer, candidates) per room.
        #[arg(long, default_value_t = 4)]
        setups: usize,
        /// ICE candidates each side sends per set-up.
        #[arg(long, default_value_t = 8)]
        candidates: usize,
    },
    /// "Join" to a connected call in two headless Chromium instances
    /// (chromium and chromedriver on the path, or KOINE_CHROMIUM and
    /// KOINE_CHROMEDRIVER).
    Join {
        #[command(flatten)]
        db: Database,
        /// Joins timed.
        #[arg(long, default_value_t = 10)]
        runs: usize,
    },
    /// Cluster mode on PostgreSQL and NATS: message delivery from one node
    /// to a stream on another, requests per second of a node pinned to one
    /// core in cluster and single-node mode, the kill of one of three nodes
    /// behind HAProxy under steady load, and the shared jobs table's claim
    /// rate and the time to reclaim a dead node's jobs.
    Cluster(cluster::Options),
    /// The fault harness (`scripts/chaos` provisions it): three nodes
    /// behind HAProxy under clients while nodes, PostgreSQL and NATS fail;
    /// checkers, then `N passed, M failed`.
    Chaos(chaos::Options),
    /// The built-in TURN relay against Debian's coturn, loaded by turnutils_uclient.
    Relay {
        #[arg(long, default_value_t = 20)]
        clients: usize,
        #[arg(long, default_value_t = 2000)]
        messages: usize,
        #[arg(long, default_value_t = 200)]
        length: usize,
    },
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let cli = Cli::parse();
    server::set_binary(cli.koine);
    let out = match cli.command {
        Command::Foundation {
            db,
            seconds,
            connections,
        } => foundation(db.backend, &db.database_url, Duration::from_secs(seconds), connections).await,
        Command::Slots { iterations } => teaching::slots_bench(iterations),
        Command::Search {
            db,
            teachers,
            seconds,
            connections,
        } => teaching::search_bench(db.backend, &db.database_url, teachers, seconds, connections).await,
        Command::Booking {
            db,
            teachers,
            learners,
            seconds,
            connections,
            parallel,
        } => {
            booking::run(booking::Options {
                backend: db.backend,
                database_url: db.database_url,
                teachers,
                learners,
                seconds,
                connections,
                parallel,
            })
            .await
        }
        Command::Privacy {
            db,
            members,
            samples,
            heavy_rows,
            log_rows,
        } => {
            privacy::run(privacy::Options {
                backend: db.backend,
                database_url: db.database_url,
                members,
                samples,
                heavy_rows,
                log_rows,
            })
            .await
        }
        Command::Messaging {
            db,
            clients,
            seconds,
            rate,
            soak_seconds,
            senders,
            nodes,
            nats_url,
        } => {
            // Clap has made sure a cluster placement has its URL.
            let nats = || nats_url.clone().expect("--nats-url, required with a cluster placement");
            let nodes = match nodes {
                Placement::Single => messaging::Nodes::Single,
                Placement::ClusterOfOne => messaging::Nodes::ClusterOfOne(nats()),
                Placement::AcrossTwo => messaging::Nodes::AcrossTwo(nats()),
            };
            messaging::run(messaging::Options {
                backend: db.backend,
                database_url: db.database_url,
                clients,
                seconds,
                rate,
                soak_seconds,
                senders,
                nodes,
            })
            .await
        }
        Command::Classroom {
            db,
            rooms,
            seconds,
            setups,
            candidates,
        } => {
            classroom::run(classroom::Options {
                backend: db.backend,
                database_url: db.database_url,
                rooms,
                seconds,
                setups,
                candidates,
            })
            .await
        }
        Command::Join { db, runs } => {
            join::run(join::Options {
                backend: db.backend,
                database_url: db.database_url,
                runs,
            })
            .await
        }
        Command::Cluster(options) => cluster::run(options).await,
        Command::Chaos(options) => {
            let out = chaos::run(&options).await;
            let failed = out["failed"].as_u64().unwrap_or(1);
            println!("{}", serde_json::to_string_pretty(&out).expect("json"));
            if failed > 0 {
                std::process::exit(1);
            }
            return;
        }
        Command::Relay {
            clients,
            messages,
            length,
        } => {
            classroom::relay(classroom::RelayOptions {
                clients,
                messages,
                length,
            })
            .await
        }
    };
    println!("{}", serde_json::to_string_pretty(&out).expect("json"));
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn foundation(backend: BackendArg, database_url: &str, load_for: Duration, connections: usize) -> Value {
    let bin = server::binary();
    let size = std::fs::metadata(&bin).expect("binary").len();
    let env = server::Env::prepare(backend, database_url).await;

    // Start-up on an existing, migrated database: spawn → first 200 from /healthz.
    let mut starts = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let s = server::Server::start(&env).await;
        starts.push(t.elapsed().as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_secs(1)).await;
        rss.push(s.rss_kib() as f64);
        s.stop().await;
    }

    let s = server::Server::start(&env).await;
    let healthz = load::run(s.addr, connections, load_for, |_| load::Req::get("/healthz")).await;
    let signup = load::run(s.addr, 8, load_for, |n| {
        let body = json!({
            "email": format!("bench-{}@example.org", uuid::Uuid::now_v7().simple()),
            "password": "bench-orchid-tandem-velvet",
            "birth_date": "1990-01-01",
            "display_name": format!("Bench {n}"),
        });
        load::Req::post_json("/api/v1/signup", body.to_string())
    })
    .await;
    // Logins rotate over the demo accounts: a single account allows only a
    // few password checks in flight at once (the per-account throttle).
    let login = load::run(s.addr, 8, load_for, |n| {
        let who = server::DEMO_LOGINS[n as usize % server::DEMO_LOGINS.len()];
        let body = json!({ "identifier": who, "password": server::DEMO_PASSWORD });
        load::Req::post_json("/api/v1/sessions", body.to_string())
    })
    .await;
    s.stop().await;
    env.cleanup().await;

    json!({
        "benchmark": "foundation",
        "backend": format!("{backend:?}").to_lowercase(),
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "binary_size_mb": size as f64 / 1_048_576.0,
        "startup_to_healthz_ms": { "median": median(starts.clone()), "all": starts },
        "idle_rss_mb": median(rss) / 1024.0,
        "healthz": healthz.json(),
        "signup_api": signup.json(),
        "login_api": login.json(),
    })
}
