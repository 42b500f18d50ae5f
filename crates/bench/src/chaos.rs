//! `koine-bench chaos`: the fault harness `scripts/chaos` runs. Three
//! `koine` nodes in cluster mode behind HAProxy, on a PostgreSQL server,
//! three NATS servers and a three-node Garage cluster (the S3 file store)
//! the script started for it alone. Clients book and withdraw lessons, pay
//! into their wallets by card with idempotency keys (some sent twice), send
//! messages, join their lessons' calls, store a picture and delete their
//! accounts (the nodes send their mail through aiosmtpd), while a nemesis kills a node (`kill -9`, then starts it again),
//! pauses one while it works on a job, past the job's lease (SIGSTOP, then
//! SIGCONT), slows a node's
//! link to the database (`link`) and later partitions it from the database
//! for 8 s (nftables dropping its packets in a network namespace), restarts
//! PostgreSQL, kills a Garage node and stops a NATS server, starting it
//! again 20 s later. Every operation is logged as invoke and ok, fail or
//! unknown (`history.jsonl`); then checkers read the database, the store and
//! the log. The last line says `N passed, M failed`.

use crate::seed::{Members, Sessions};
use crate::{BackendArg, booking, classroom, failover, link, load, messaging, server, teaching};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as Frame;
use uuid::Uuid;

#[derive(clap::Args)]
pub struct Options {
    /// Admin URL of the PostgreSQL server the harness may restart.
    #[arg(long)]
    pub database_url: String,
    /// The NATS servers (comma-separated).
    #[arg(long)]
    pub nats_url: String,
    /// The NATS servers' process ids (comma-separated; the first is
    /// stopped, then started again with `nats_start`).
    #[arg(long, value_delimiter = ',')]
    pub nats_pids: Vec<u32>,
    /// The first NATS server's command line (a shell command).
    #[arg(long)]
    pub nats_start: String,
    /// The file store's (Garage's) node process ids, comma-separated; the
    /// nodes are given the first one's address, and another is killed.
    #[arg(long, value_delimiter = ',')]
    pub s3_pids: Vec<u32>,
    /// A shell command that restarts that PostgreSQL server.
    #[arg(long)]
    pub pg_restart: String,
    /// Where node 2 reaches that PostgreSQL server through a network
    /// namespace (host:port), so that rules there can partition it.
    #[arg(long)]
    pub partitioned_database: String,
    /// A shell command that drops every packet between node 2 and the
    /// database (an nftables rule in that namespace).
    #[arg(long)]
    pub partition: String,
    /// A shell command that lets them through again.
    #[arg(long)]
    pub heal: String,
    /// Seconds the clients run (at least 60: the faults need them).
    #[arg(long, default_value_t = 70)]
    pub seconds: u64,
    /// Where the operation log is written.
    #[arg(long, default_value = "chaos-history.jsonl")]
    pub history: std::path::PathBuf,
}

/// How an operation ended: done, refused (certainly not done), or not known
/// (no answer, a 5xx: it may or may not have taken effect).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
    Ok,
    Fail,
    Unknown,
}

impl Outcome {
    fn of(status: Option<u16>, ok: u16) -> Self {
        match status {
            Some(s) if s == ok => Self::Ok,
            Some(s) if (400..500).contains(&s) => Self::Fail,
            _ => Self::Unknown,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Fail => "fail",
            Self::Unknown => "unknown",
        }
    }
}

/// The operation log, and what the checkers need from it.
#[derive(Default)]
struct History {
    lines: Mutex<Vec<Value>>,
    started: Mutex<Option<Instant>>,
    /// Lessons the platform answered 201 for.
    booked: Mutex<Vec<Uuid>>,
    /// Card payments: (account, amount, acknowledged). Every key has its own
    /// amount, so a payment row names its key.
    payments: Mutex<Vec<(Uuid, i64, bool)>>,
    messages: Mutex<Vec<Uuid>>,
    erased: Mutex<Vec<Uuid>>,
    /// Joins of a lesson's call the other member heard: (lesson, member).
    joined: Mutex<Vec<(Uuid, Uuid)>>,
    /// Pictures the leavers stored before leaving.
    pictures: std::sync::atomic::AtomicU64,
    statuses: Mutex<std::collections::BTreeMap<u16, u64>>,
}

impl History {
    fn at(&self) -> f64 {
        self.started
            .lock()
            .expect("history")
            .map_or(0.0, |s| s.elapsed().as_secs_f64())
    }

    fn log(&self, process: &str, kind: &str, key: &str, phase: &str, detail: Value) {
        let line = json!({ "at": self.at(), "process": process, "kind": kind, "key": key,
                           "type": phase, "detail": detail });
        self.lines.lock().expect("history").push(line);
    }

    /// Of the probes that ended between `from` and `to` seconds in: how
    /// many were answered, of how many.
    fn probes_between(&self, from: f64, to: f64) -> (usize, usize) {
        let lines = self.lines.lock().expect("history");
        let ended: Vec<&Value> = lines
            .iter()
            .filter(|l| l["process"] == "prober" && l["type"] != "invoke")
            .filter(|l| l["at"].as_f64().is_some_and(|at| (from..to).contains(&at)))
            .collect();
        (ended.iter().filter(|l| l["type"] == "ok").count(), ended.len())
    }

    /// Logs the invoke, sends, logs the outcome; the status and body.
    async fn call(
        &self,
        conn: &mut Client,
        process: &str,
        kind: &str,
        key: &str,
        req: load::Req,
        ok: u16,
    ) -> (Outcome, Vec<u8>) {
        self.log(process, kind, key, "invoke", Value::Null);
        let answer = conn.send(&req).await;
        let status = answer.as_ref().map(|(s, _)| *s);
        *self
            .statuses
            .lock()
            .expect("history")
            .entry(status.unwrap_or(0))
            .or_default() += 1;
        let outcome = Outcome::of(status, ok);
        self.log(process, kind, key, outcome.name(), json!(status));
        // Busy or unreachable: wait as `Retry-After` asks, not in a spin.
        if status == Some(503) {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        (outcome, answer.map(|(_, b)| b).unwrap_or_default())
    }
}

/// One keep-alive connection through the balancer, opened again after a
/// failure; a request gets 10 s (or what the client was made with).
struct Client {
    front: SocketAddr,
    conn: Option<BufReader<TcpStream>>,
    timeout: Duration,
}

impl Client {
    fn new(front: SocketAddr) -> Self {
        Self::waiting(front, Duration::from_secs(10))
    }

    fn waiting(front: SocketAddr, timeout: Duration) -> Self {
        Self {
            front,
            conn: None,
            timeout,
        }
    }

    async fn send(&mut self, req: &load::Req) -> Option<(u16, Vec<u8>)> {
        if self.conn.is_none() {
            let c = TcpStream::connect(self.front).await.ok()?;
            c.set_nodelay(true).ok();
            self.conn = Some(BufReader::new(c));
        }
        let r = self.conn.as_mut()?;
        let answer = tokio::time::timeout(self.timeout, async {
            r.get_mut().write_all(&req.bytes).await.ok()?;
            load::read_response_body(r).await.ok()
        })
        .await
        .ok()
        .flatten();
        if answer.as_ref().is_none_or(|(s, _)| *s >= 500) {
            self.conn = None;
        }
        answer
    }
}

fn id_in(body: &[u8], pointer: &str) -> Option<Uuid> {
    serde_json::from_slice::<Value>(body)
        .ok()?
        .pointer(pointer)?
        .as_str()?
        .parse()
        .ok()
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

pub async fn run(o: &Options) -> Value {
    let env = server::Env::prepare(BackendArg::Postgres, &o.database_url).await;
    let mut config = env.config();
    config.test_card_payments = true;
    let (learners, targets, talkers, leavers, rooms) = {
        let svc = koine::services(&config, koine_services::clock::Clock::System)
            .await
            .expect("services");
        teaching::seed_teachers(&svc, 40).await;
        let learners = booking::seed_learners(&svc, 40).await;
        let targets = booking::targets(&svc).await;
        let talkers = messaging::seed(&svc, 40).await;
        let leavers = seed_leavers(&svc, 8).await;
        let rooms = classroom::seed(&svc, 6).await;
        svc.db.close().await;
        (
            Arc::new(learners),
            Arc::new(targets),
            Arc::new(talkers),
            leavers,
            Arc::new(rooms),
        )
    };
    let mail = MailSink::start().await;
    let smtp_port = mail.port.to_string();
    // Test cards on, and jobs that run often, so the pauses meet them.
    let vars = [
        ("KOINE_SMTP_HOST", "127.0.0.1"),
        ("KOINE_SMTP_PORT", smtp_port.as_str()),
        ("KOINE_SMTP_SECURITY", "none"),
        ("KOINE_CLUSTER", "true"),
        ("KOINE_NATS_URL", o.nats_url.as_str()),
        ("KOINE_TEST_CARD_PAYMENTS", "true"),
        ("KOINE_LESSON_TIMERS_SECONDS", "5"),
        ("KOINE_EXPORT_CHECK_SECONDS", "5"),
        ("KOINE_MAIL_POLL_MS", "500"),
    ];
    // Node 2 reaches PostgreSQL through a link the nemesis slows, and on
    // through the network namespace where it is partitioned.
    let database = config.database_url.clone().expect("PostgreSQL");
    let upstream = database
        .split_once('@')
        .and_then(|(_, rest)| rest.split_once('/'))
        .map(|(host, _)| host.to_owned())
        .expect("postgres://user@host:port/db");
    let link = link::Link::start(o.partitioned_database.parse().expect("host:port")).await;
    let linked = database.replacen(&upstream, &link.addr.to_string(), 1);
    let mut linked_vars = vars.to_vec();
    linked_vars.push(("KOINE_DATABASE_URL", &linked));
    // Node 1's log is kept: it is paused in a job, and must then say that
    // its attempt's end was refused.
    let paused_log = server::NodeLog::default();
    let mut nodes = Vec::new();
    for n in 0..3 {
        nodes.push(match n {
            1 => server::Server::start_logged(&env, &vars, &paused_log).await,
            2 => server::Server::start_with(&env, &linked_vars).await,
            _ => server::Server::start_with(&env, &vars).await,
        });
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let addrs: Vec<SocketAddr> = nodes.iter().map(|n| n.addr).collect();
    let (front, _balancer) = failover::haproxy(dir.path(), &addrs).await;

    let history = Arc::new(History::default());
    *history.started.lock().expect("history") = Some(Instant::now());
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    let next_target = Arc::new(AtomicUsize::new(0));
    for c in 0..4 {
        clients.push(tokio::spawn(booker(
            front,
            c,
            learners.clone(),
            targets.clone(),
            next_target.clone(),
            history.clone(),
            stop.clone(),
        )));
    }
    let next_amount = Arc::new(AtomicUsize::new(0));
    for c in 0..2 {
        clients.push(tokio::spawn(payer(
            front,
            c,
            learners.clone(),
            next_amount.clone(),
            history.clone(),
            stop.clone(),
        )));
    }
    for c in 0..2 {
        clients.push(tokio::spawn(messenger(
            front,
            c,
            talkers.clone(),
            history.clone(),
            stop.clone(),
        )));
    }
    for c in 0..2 {
        clients.push(tokio::spawn(joiner(
            front,
            c,
            rooms.clone(),
            history.clone(),
            stop.clone(),
        )));
    }
    clients.push(tokio::spawn(prober(
        front,
        learners[0].token.clone(),
        history.clone(),
        stop.clone(),
    )));
    clients.push(tokio::spawn(eraser(
        front,
        leavers,
        o.seconds,
        history.clone(),
        stop.clone(),
    )));

    // The nemesis, on a fixed timeline within the run.
    let t0 = Instant::now();
    let at = |s: u64| tokio::time::sleep_until((t0 + Duration::from_secs(s)).into());
    let fault = |what: &str| history.log("nemesis", what, "", "info", Value::Null);
    at(5).await;
    fault("kill -9 node 0");
    nodes[0].kill();
    let killed_at = std::time::SystemTime::now();
    at(10).await;
    fault("start node 0 again");
    nodes[0].restart(&env, &vars).await;
    at(15).await;
    // Paused while it works on a job, so that another node must take the
    // job over once its lease lapses, and the paused attempt, resumed,
    // must be fenced.
    let caught = pause_in_a_job(&database, nodes[1].pid(), Duration::from_secs(5)).await;
    fault(&match caught {
        Some((job, attempt)) => {
            format!("SIGSTOP node 1 (past its 30 s job leases) while it runs job {job}, attempt {attempt}")
        }
        None => "SIGSTOP node 1 (past its 30 s job leases), running no job".to_owned(),
    });
    at(17).await;
    fault("slow node 2's database link by 100 ms each way");
    link.set(link::State::Slow(Duration::from_millis(100)));
    at(24).await;
    fault("node 2's database link at full speed");
    link.set(link::State::Open);
    at(25).await;
    fault("restart PostgreSQL");
    shell(&o.pg_restart).await;
    at(30).await;
    fault("kill -9 a Garage node (the others hold a quorum)");
    signal("-KILL", *o.s3_pids.last().expect("a Garage node's pid")).await;
    at(35).await;
    fault("kill -9 a NATS server");
    signal("-KILL", *o.nats_pids.first().expect("a NATS server's pid")).await;
    at(38).await;
    fault("partition node 2 from PostgreSQL");
    shell(&o.partition).await;
    let through: SocketAddr = o.partitioned_database.parse().expect("host:port");
    let cut = !reaches(through).await;
    at(46).await;
    fault("heal the partition");
    shell(&o.heal).await;
    let healed = reaches(through).await;
    at(55).await;
    fault("start the NATS server again");
    // Stopped with the harness (its pid is not the script's to clean up).
    let _nats = tokio::process::Command::new("sh")
        .args(["-c", &format!("exec {}", o.nats_start)])
        .kill_on_drop(true)
        .spawn()
        .expect("the NATS server starts again");
    // At least 36 s after the pause (it begins by 20 s): the lease (30 s),
    // then time for a job slot of another node to free up and take the job
    // over.
    at(56).await;
    fault("SIGCONT node 1");
    signal("-CONT", nodes[1].pid()).await;
    tokio::time::sleep_until((t0 + Duration::from_secs(o.seconds.max(60))).into()).await;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.expect("client");
    }
    fault("clients done");

    let mut checks = check(&env, &history).await;
    // Once the cut-off node's checks fail (a look at the database gets no
    // answer in 2 s), the balancer sends new requests to the node left.
    // (Requests already on the cut-off node wait for their database.)
    checks.push((
        "the partition held node 2's database traffic until healed",
        cut && healed,
        format!("no answer through the namespace while partitioned: {cut}; an answer once healed: {healed}"),
    ));
    // The job the paused node was caught in: another node took it over (a
    // later attempt) and finished it.
    let taken_over = match caught {
        Some((job, attempt)) => sqlx::query_as::<_, (i32, String)>("SELECT attempt, state FROM jobs WHERE id = $1")
            .bind(job)
            .fetch_optional(&pool_of(&database).await)
            .await
            .expect("the job")
            .filter(|(now, state)| *now > attempt && state == "done"),
        None => None,
    };
    checks.push((
        "a job the paused node held was taken over and finished",
        taken_over.is_some(),
        match (caught, taken_over) {
            (Some((job, a)), Some((now, _))) => format!("job {job}: attempt {a} paused, attempt {now} finished it"),
            (Some((job, a)), None) => format!("job {job}: attempt {a} paused, not finished by another attempt"),
            (None, _) => "the node was paused running no job".to_owned(),
        },
    ));
    checks.push(fenced_on_resume(caught, &paused_log.events()));
    let (served, asked) = history.probes_between(42.0, 46.0);
    checks.push((
        "new requests are served while a node is partitioned from the database",
        asked > 0 && served * 10 >= asked * 9,
        format!("{served} of {asked} probes answered in the last 4 s of the 8 s partition"),
    ));
    for n in nodes {
        n.stop().await;
    }
    // Once every node has stopped, so no batch is half sent and half
    // recorded.
    checks.push(mail.check(&pool_of(&database).await, killed_at).await);
    env.cleanup().await;
    let lines = std::mem::take(&mut *history.lines.lock().expect("history"));
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&o.history, text).expect("the history is written");
    let passed = checks.iter().filter(|(_, ok, _)| *ok).count();
    let failed = checks.len() - passed;
    for (name, ok, detail) in &checks {
        eprintln!("{} {name}: {detail}", if *ok { "PASS" } else { "FAIL" });
    }
    eprintln!("{passed} passed, {failed} failed");
    json!({
        "benchmark": "chaos",
        "operations": lines.len() / 2,
        "status_counts": crate::load::status_counts(&history.statuses.lock().expect("history")),
        "history": o.history,
        "checks": checks.iter().map(|(n, ok, d)| json!({ "check": n, "passed": ok, "detail": d })).collect::<Vec<_>>(),
        "passed": passed,
        "failed": failed,
    })
}

/// The mail server the nodes send through: aiosmtpd (a real SMTP server)
/// keeping each message it accepts as a file of its own in a Maildir, so a
/// message sent twice is there twice.
struct MailSink {
    port: u16,
    dir: tempfile::TempDir,
    _server: tokio::process::Child,
}

impl MailSink {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = tempfile::tempdir().expect("tempdir");
        let server = tokio::process::Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("box"))
            .kill_on_drop(true)
            .spawn()
            .expect("python3 -m aiosmtpd (scripts/chaos installs it)");
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Self {
                    port,
                    dir,
                    _server: server,
                };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("aiosmtpd did not listen on {port}");
    }

    /// How often each message (by the outbox id in its Message-ID) arrived.
    fn arrived(&self) -> std::collections::HashMap<Uuid, usize> {
        let mut seen = std::collections::HashMap::new();
        let Ok(files) = std::fs::read_dir(self.dir.path().join("box/new")) else {
            return seen;
        };
        for file in files.flatten() {
            let text = std::fs::read_to_string(file.path()).unwrap_or_default();
            let id = text
                .lines()
                .take_while(|l| !l.is_empty())
                .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("message-id")))
                .and_then(|(_, v)| v.trim().strip_prefix('<')?.split_once('@')?.0.parse().ok());
            if let Some(id) = id {
                *seen.entry(id).or_insert(0) += 1;
            }
        }
        seen
    }

    /// Every mail recorded as sent arrived, none arrived twice, and of the
    /// mail not recorded as sent, none arrived but what the node killed with
    /// `kill -9` (at `killed_at`) claimed before it died: it may have sent
    /// that without recording it, and it goes out again once the claim of
    /// two minutes lapses, after the run. Every other node stopped
    /// gracefully, recording what it sent, and waited for a database that
    /// went away for a while.
    async fn check(&self, db: &sqlx::PgPool, killed_at: std::time::SystemTime) -> (&'static str, bool, String) {
        let arrived = self.arrived();
        let sent: Vec<Uuid> =
            sqlx::query_scalar("SELECT id FROM outbox WHERE channel = 'email' AND sent_at IS NOT NULL")
                .fetch_all(db)
                .await
                .expect("the outbox");
        let unsent: Vec<(Uuid, Option<i64>)> =
            sqlx::query_as("SELECT id, claimed_until FROM outbox WHERE channel = 'email' AND sent_at IS NULL")
                .fetch_all(db)
                .await
                .expect("the outbox");
        let lost = sent.iter().filter(|id| !arrived.contains_key(id)).count();
        let twice = arrived.values().filter(|n| **n > 1).count();
        let unrecorded: Vec<Option<i64>> = unsent
            .iter()
            .filter(|(id, _)| arrived.contains_key(id))
            .map(|(_, until)| *until)
            .collect();
        // A claim lasts two minutes from the database's clock (this
        // machine's); a second's leeway for the kill to land.
        let killed_us = killed_at
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_micros() as i64;
        let claimed_by_the_dead_by = killed_us + 121_000_000;
        let others = unrecorded
            .iter()
            .filter(|until| until.is_none_or(|u| u > claimed_by_the_dead_by))
            .count();
        (
            "every mail recorded as sent arrived once, and no other arrived but the killed node's",
            !sent.is_empty() && lost == 0 && twice == 0 && others == 0,
            format!(
                "{} recorded as sent, {} arrived, {lost} of them missing, {twice} arrived more than once; \
                 {} not recorded as sent, {} of them arrived: {others} not claimed before the kill",
                sent.len(),
                arrived.values().sum::<usize>(),
                unsent.len(),
                unrecorded.len()
            ),
        )
    }
}

/// The paused attempt, resumed, was fenced: its node logged that the end
/// it went to record was refused, another attempt holding the job (its
/// work's writes refused before that, if it made any, are counted).
fn fenced_on_resume(caught: Option<(Uuid, i32)>, events: &[Value]) -> (&'static str, bool, String) {
    let name = "the paused attempt, resumed, wrote nothing more (fenced)";
    let Some((job, attempt)) = caught else {
        return (name, false, "the node was paused running no job".to_owned());
    };
    let of_attempt = |message: &str| {
        events
            .iter()
            .filter(|e| {
                let f = &e["fields"];
                f["message"] == message && f["job"] == job.to_string() && f["attempt"] == attempt
            })
            .count()
    };
    let end_refused = of_attempt(koine_services::jobs::END_REFUSED);
    let writes_refused = of_attempt(koine_services::jobs::WRITE_REFUSED);
    (
        name,
        end_refused == 1,
        format!(
            "job {job}, attempt {attempt}: its end refused {end_refused} time(s), its work's writes refused {writes_refused} time(s)"
        ),
    )
}

/// A connection of the harness's own to the nodes' database.
async fn pool_of(database: &str) -> sqlx::PgPool {
    sqlx::PgPool::connect(database).await.expect("the database")
}

/// Stops the node `pid` while it works on a job (as the jobs table says),
/// trying for up to `within`, and stops it anyway in the end; the job it was
/// caught in, with its attempt. The harness locks the row of a job the node
/// runs until the node has stopped, so the job cannot end in between (its
/// next write waits on the row); the node's own transactions are left to
/// the server's idle-in-transaction limit, as a frozen node's would be.
async fn pause_in_a_job(database: &str, pid: u32, within: Duration) -> Option<(Uuid, i32)> {
    let pool = pool_of(database).await;
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Ok(Some(job)) = hold_a_job_while_stopping(&pool, pid).await {
            return Some(job);
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    signal("-STOP", pid).await;
    None
}

/// Locks a job the node `pid` runs, if any, and stops the node before
/// letting the row go.
async fn hold_a_job_while_stopping(pool: &sqlx::PgPool, pid: u32) -> sqlx::Result<Option<(Uuid, i32)>> {
    let mut tx = pool.begin().await?;
    // The node's own work may hold the row a moment (a write of the job).
    sqlx::query("SET LOCAL lock_timeout = '1s'").execute(&mut *tx).await?;
    let job = sqlx::query_as::<_, (Uuid, i32)>(
        "SELECT id, attempt FROM jobs WHERE state = 'running' AND node LIKE $1 LIMIT 1 FOR UPDATE",
    )
    .bind(format!("{pid}-%"))
    .fetch_optional(&mut *tx)
    .await?;
    if job.is_some() {
        signal("-STOP", pid).await;
        stopped(pid).await;
    }
    tx.rollback().await?;
    Ok(job)
}

/// Waits (up to a second) until the process `pid` is stopped.
async fn stopped(pid: u32) {
    for _ in 0..100 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // The state follows the command name, which is in parentheses.
        if stat.rsplit_once(") ").is_some_and(|(_, rest)| rest.starts_with('T')) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Whether a connection to `addr` is answered within a second.
async fn reaches(addr: SocketAddr) -> bool {
    matches!(
        tokio::time::timeout(Duration::from_secs(1), TcpStream::connect(addr)).await,
        Ok(Ok(_))
    )
}

/// Runs one of the script's fault commands; it must succeed.
async fn shell(command: &str) {
    let status = tokio::process::Command::new("sh")
        .args(["-c", command])
        .status()
        .await
        .expect("a fault command runs");
    assert!(status.success(), "{command} failed");
}

async fn signal(which: &str, pid: u32) {
    let ok = tokio::process::Command::new("kill")
        .args([which, &pid.to_string()])
        .status()
        .await
        .expect("kill runs")
        .success();
    assert!(ok, "kill {which} {pid}");
}

/// Members who will delete their accounts: a session each.
async fn seed_leavers(svc: &koine_services::Services, n: usize) -> Vec<(Uuid, String)> {
    let now = svc.clock.now_us();
    let (mut members, mut sessions, mut out) = (Members::default(), Sessions::default(), Vec::new());
    for i in 0..n {
        let id = Uuid::now_v7();
        let token = sessions.push(id, now);
        members.push(
            id,
            format!("leaver{i}@bench.koine.test"),
            format!("Leaver {i}"),
            "UTC",
            now,
        );
        out.push((id, token));
    }
    let mut tx = svc.db.begin().await.expect("begin");
    members.insert(tx.conn()).await;
    sessions.insert(tx.conn()).await;
    tx.commit().await.expect("commit");
    out
}

/// Books free slots (two bookers ask for each one), and withdraws one
/// booking in four.
async fn booker(
    front: SocketAddr,
    c: usize,
    learners: Arc<Vec<booking::Learner>>,
    targets: Arc<Vec<booking::Target>>,
    next: Arc<AtomicUsize>,
    history: Arc<History>,
    stop: Arc<AtomicBool>,
) {
    let process = format!("booker-{c}");
    let mut conn = Client::new(front);
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        // Two bookers take each slot in turn: one of them must lose.
        let target = &targets[(next.fetch_add(1, Ordering::Relaxed) / 2) % targets.len()];
        let learner = &learners[(c * 7 + n) % learners.len()];
        let key = format!("{process}-{n}");
        let req = load::Req::post_json_with(
            "/api/v1/lessons",
            target.body(),
            &[("Authorization", &bearer(&learner.token)), ("Idempotency-Key", &key)],
        );
        let (outcome, body) = history.call(&mut conn, &process, "book", &key, req, 201).await;
        let Some(lesson) = id_in(&body, "/id").filter(|_| outcome == Outcome::Ok) else {
            continue;
        };
        history.booked.lock().expect("history").push(lesson);
        if n.is_multiple_of(4) {
            // The request is not confirmed yet: the learner withdraws it.
            let key = format!("{process}-{n}-withdraw");
            let req = load::Req::post_json_with(
                &format!("/api/v1/lessons/{lesson}/withdraw"),
                "{}".into(),
                &[("Authorization", &bearer(&learner.token)), ("Idempotency-Key", &key)],
            );
            history.call(&mut conn, &process, "withdraw", &key, req, 200).await;
        }
    }
}

/// Pays into wallets by test card, each key with an amount of its own; a
/// key whose outcome is unknown is sent again, and one in five twice anyway.
async fn payer(
    front: SocketAddr,
    c: usize,
    learners: Arc<Vec<booking::Learner>>,
    next: Arc<AtomicUsize>,
    history: Arc<History>,
    stop: Arc<AtomicBool>,
) {
    let process = format!("payer-{c}");
    let mut conn = Client::new(front);
    while !stop.load(Ordering::Relaxed) {
        let n = next.fetch_add(1, Ordering::Relaxed);
        let learner = &learners[n % learners.len()];
        let amount = 50_000 + n as i64;
        let key = format!("pay-{n:08}");
        let body = json!({ "amount": amount,
            "card": { "number": "4242 4242 4242 4242", "expiry": "12/40", "cvc": "123" } })
        .to_string();
        let mut acknowledged = false;
        let sends = if n.is_multiple_of(5) { 2 } else { 1 };
        for attempt in 0..3 {
            let req = load::Req::post_json_with(
                "/api/v1/wallet/payments",
                body.clone(),
                &[("Authorization", &bearer(&learner.token)), ("Idempotency-Key", &key)],
            );
            let (outcome, _) = history.call(&mut conn, &process, "pay", &key, req, 201).await;
            acknowledged |= outcome == Outcome::Ok;
            if outcome == Outcome::Fail || (outcome == Outcome::Ok && attempt + 1 >= sends) {
                break;
            }
        }
        history
            .payments
            .lock()
            .expect("history")
            .push((learner.id, amount, acknowledged));
    }
}

/// Sends messages, each with its own key.
async fn messenger(
    front: SocketAddr,
    c: usize,
    talkers: Arc<Vec<messaging::Member>>,
    history: Arc<History>,
    stop: Arc<AtomicBool>,
) {
    let process = format!("messenger-{c}");
    let mut conn = Client::new(front);
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let t = &talkers[(c + 2 * n) % talkers.len()];
        let key = format!("{process}-{n}");
        let req = load::Req::post_json_with(
            &format!("/api/v1/conversations/{}/messages", t.conversation),
            json!({ "body": format!("chaos {key}") }).to_string(),
            &[("Authorization", &bearer(&t.token)), ("Idempotency-Key", &key)],
        );
        let (outcome, body) = history.call(&mut conn, &process, "message", &key, req, 201).await;
        if let Some(id) = id_in(&body, "/id").filter(|_| outcome == Outcome::Ok) {
            history.messages.lock().expect("history").push(id);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Members joining their lesson's call: the teacher holds a stream through
/// the balancer, the learner opens one and says `ready`; the join counts as
/// acknowledged once the teacher hears it (the server records a join before
/// it relays it). Each room is joined again on fresh streams, through the
/// faults.
async fn joiner(
    front: SocketAddr,
    c: usize,
    rooms: Arc<Vec<classroom::Room>>,
    history: Arc<History>,
    stop: Arc<AtomicBool>,
) {
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) {
        for room in rooms.iter().skip(c).step_by(2) {
            n += 1;
            let key = format!("joiner-{c}-{n}");
            history.log("joiner", "join", &key, "invoke", json!(room.lesson));
            let heard = tokio::time::timeout(Duration::from_secs(5), async {
                let mut teacher = messaging::connect(front, &room.teacher).await;
                let mut learner = messaging::connect(front, &room.learner).await;
                let ready = classroom::frame(room.lesson, "chaos", json!({ "type": "ready" }));
                learner.send(ready).await.ok()?;
                while let Some(Ok(frame)) = teacher.next().await {
                    if let Frame::Text(t) = frame
                        && t.as_str().contains("\"signal\"")
                        && t.as_str().contains("\"ready\"")
                    {
                        return Some(());
                    }
                }
                None
            })
            .await;
            let outcome = if matches!(heard, Ok(Some(()))) {
                Outcome::Ok
            } else {
                Outcome::Unknown
            };
            history.log("joiner", "join", &key, outcome.name(), Value::Null);
            if outcome == Outcome::Ok {
                history
                    .joined
                    .lock()
                    .expect("history")
                    .push((room.lesson, room.learner_id));
            }
            if stop.load(Ordering::Relaxed) {
                return;
            }
        }
    }
}

/// Lists the learner's data exports every 50 ms with a 1 s timeout, on a
/// new connection after each failure: whether the balancer routes around a
/// node that cannot answer.
async fn prober(front: SocketAddr, token: String, history: Arc<History>, stop: Arc<AtomicBool>) {
    let mut conn = Client::waiting(front, Duration::from_secs(1));
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let req = load::Req {
            bytes: format!("GET /api/v1/me/exports HTTP/1.1\r\nHost: chaos\r\nAuthorization: Bearer {token}\r\n\r\n")
                .into_bytes(),
        };
        history
            .call(&mut conn, "prober", "probe", &n.to_string(), req, 200)
            .await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Deletes the leavers' accounts one by one over the run.
async fn eraser(
    front: SocketAddr,
    leavers: Vec<(Uuid, String)>,
    seconds: u64,
    history: Arc<History>,
    stop: Arc<AtomicBool>,
) {
    let mut conn = Client::new(front);
    let every = Duration::from_secs(seconds.max(60)) / (leavers.len() as u32 + 1);
    for (id, token) in leavers {
        tokio::time::sleep(every).await;
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let key = id.to_string();
        // A picture first, so the erasure has files to remove from the store.
        let png = tiny_png();
        let mut bytes = format!(
            "PUT /api/v1/me/avatar HTTP/1.1\r\nHost: chaos\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: image/png\r\nContent-Length: {}\r\n\r\n",
            png.len()
        )
        .into_bytes();
        bytes.extend(png);
        let (stored, _) = history
            .call(&mut conn, "eraser", "picture", &key, load::Req { bytes }, 200)
            .await;
        if stored == Outcome::Ok {
            history.pictures.fetch_add(1, Ordering::Relaxed);
        }
        let req = load::Req {
            bytes: format!(
                "DELETE /api/v1/me HTTP/1.1\r\nHost: chaos\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\n\r\n"
            )
            .into_bytes(),
        };
        let (outcome, _) = history.call(&mut conn, "eraser", "erase", &key, req, 204).await;
        if outcome == Outcome::Ok {
            history.erased.lock().expect("history").push(id);
        }
    }
}

async fn scalar(db: &koine_store::Db, sql: &str) -> i64 {
    let mut c = db.acquire().await.expect("connection");
    let koine_store::Conn::Postgres(c) = c.conn() else {
        unreachable!("cluster mode runs on PostgreSQL")
    };
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut *c)
        .await
        .expect("a checker's query")
}

async fn missing(db: &koine_store::Db, table: &str, column: &str, ids: &[Uuid]) -> usize {
    let mut found = 0;
    for chunk in ids.chunks(500) {
        let list: Vec<String> = chunk.iter().map(|id| format!("'{id}'")).collect();
        found += scalar(
            db,
            &format!("SELECT COUNT(*) FROM {table} WHERE {column} IN ({})", list.join(",")),
        )
        .await as usize;
    }
    ids.len() - found
}

/// The checkers: (name, passed, what was seen).
async fn check(env: &server::Env, history: &History) -> Vec<(&'static str, bool, String)> {
    let svc = koine::services(&env.config(), koine_services::clock::Clock::System)
        .await
        .expect("services");
    let db = &svc.db;
    let mut out = Vec::new();

    let statuses = history.statuses.lock().expect("history").clone();
    let errors = statuses.get(&500).copied().unwrap_or(0);
    out.push((
        "no request answered 500",
        errors == 0,
        format!("answers by status: {statuses:?} (0: no answer)"),
    ));

    let overlaps = scalar(
        db,
        "SELECT COUNT(*) FROM lessons a JOIN lessons b ON a.teacher_id = b.teacher_id AND a.id < b.id \
         AND a.status IN ('requested', 'confirmed') AND b.status IN ('requested', 'confirmed') \
         AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at",
    )
    .await;
    out.push((
        "no overlapping lessons per teacher",
        overlaps == 0,
        format!("{overlaps} overlapping pairs"),
    ));

    let ledger = svc.ledger_check().await.expect("ledger check");
    out.push(("the ledger balances", ledger.is_sound(), format!("{ledger:?}")));

    let twice = scalar(
        db,
        "SELECT COUNT(*) FROM (SELECT account_id, amount_minor FROM payments WHERE amount_minor >= 50000 \
         AND amount_minor < 1000000 GROUP BY account_id, amount_minor HAVING COUNT(*) > 1) t",
    )
    .await;
    let payments = history.payments.lock().expect("history").clone();
    out.push((
        "every idempotency key charged at most once",
        twice == 0,
        format!("{} keys, {twice} charged more than once", payments.len()),
    ));
    let mut unpaid = 0;
    for (account, amount, _) in payments.iter().filter(|p| p.2) {
        let n = scalar(
            db,
            &format!("SELECT COUNT(*) FROM payments WHERE account_id = '{account}' AND amount_minor = {amount}"),
        )
        .await;
        unpaid += usize::from(n == 0);
    }
    let acknowledged = payments.iter().filter(|p| p.2).count();
    out.push((
        "every acknowledged payment is recorded",
        unpaid == 0,
        format!("{acknowledged} acknowledged, {unpaid} missing"),
    ));

    let booked = history.booked.lock().expect("history").clone();
    let lost = missing(db, "lessons", "id", &booked).await;
    out.push((
        "every acknowledged booking exists",
        lost == 0,
        format!("{} acknowledged, {lost} missing", booked.len()),
    ));

    let messages = history.messages.lock().expect("history").clone();
    let lost = missing(db, "messages", "id", &messages).await;
    out.push((
        "every acknowledged message exists",
        lost == 0,
        format!("{} acknowledged, {lost} missing", messages.len()),
    ));

    // Jobs a killed or paused node held are claimed again once their lease
    // lapses (30 s) and finished; writes of an attempt that lost its lease
    // are refused, so each finishes once.
    let mut waiting = 0;
    for _ in 0..90 {
        waiting = scalar(
            db,
            "SELECT COUNT(*) FROM jobs WHERE state <> 'done' AND run_at < \
             (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT - 60000000",
        )
        .await;
        if waiting == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let again = scalar(db, "SELECT COUNT(*) FROM jobs WHERE attempt > 1").await;
    let all = scalar(db, "SELECT COUNT(*) FROM jobs").await;
    out.push((
        "every job due finished",
        waiting == 0,
        format!("{all} jobs, {again} claimed again after a lost lease, {waiting} still unfinished"),
    ));

    let erased = history.erased.lock().expect("history").clone();
    let accounts_left = erased.len() - missing(db, "accounts", "id", &erased).await;
    let keys_left = erased.len() - missing(db, "subject_keys", "account_id", &erased).await;
    out.push((
        "every erased account and its key are gone",
        !erased.is_empty() && accounts_left == 0 && keys_left == 0,
        format!(
            "{} erased, {accounts_left} accounts and {keys_left} keys left",
            erased.len()
        ),
    ));
    let joined = history.joined.lock().expect("history").clone();
    let mut unrecorded = 0;
    for (lesson, member) in &joined {
        let sql =
            format!("SELECT COUNT(*) FROM lesson_attendance WHERE lesson_id = '{lesson}' AND account_id = '{member}'");
        if scalar(db, &sql).await == 0 {
            unrecorded += 1;
        }
    }
    out.push((
        "every join the other member heard is recorded",
        !joined.is_empty() && unrecorded == 0,
        format!(
            "{} joins heard, {unrecorded} without an attendance record",
            joined.len()
        ),
    ));

    // What a sweep would still owe the store (a node killed between an
    // erasure's commit and its deletion) is worked off first, as the next
    // sweep would; then every erased person's folder must be empty.
    let owed = svc.delete_owed_objects().await.expect("owed deletions");
    let pictures = history.pictures.load(Ordering::Relaxed);
    let mut folders_left = 0;
    for id in &erased {
        let left = svc.files.list(&koine_services::files::person_prefix(*id)).await;
        if !left.expect("the file store lists").is_empty() {
            folders_left += 1;
        }
    }
    out.push((
        "every erased person's files are gone from the store",
        !erased.is_empty() && pictures > 0 && folders_left == 0,
        format!("{pictures} pictures stored, {owed} deletions still owed at the end, {folders_left} folders left"),
    ));
    svc.db.close().await;
    out
}

/// A small PNG for the leavers' pictures.
fn tiny_png() -> Vec<u8> {
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::new(8, 8))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode png");
    png
}
