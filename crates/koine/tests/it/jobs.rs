//! Background jobs from the shared table: one run per scheduled bucket
//! however many nodes ask, a lapsed lease taken over, and the stalled
//! attempt's writes refused.

use koine_domain::jobs::JobKind;
use koine_services::Services;
use koine_services::jobs::Schedule;
use koine_services::lifecycle::Lifecycle;
use koine_services::mail::deliver_due;
use koine_store::repo::jobs::{self, Claimed};
use koine_testkit::{Backend, Logs, TestApp, both_backends, with_captured_logs};
use reqwest::StatusCode;
use std::sync::Arc;
use std::time::Duration;

both_backends!(
    a_scheduled_run_happens_once_however_many_nodes_ask,
    a_stopping_node_gives_its_jobs_up_at_once,
    an_export_is_a_job_asked_for_with_it,
    a_full_job_queue_refuses_new_work_as_overload,
    a_node_whose_clock_runs_ahead_cannot_take_over_a_mail_claim,
    mail_goes_out_as_a_job_and_a_stalled_attempt_claims_none,
    mail_sent_is_recorded_though_the_database_fails_the_first_try,
    a_stopping_node_leaves_the_mail_it_has_not_sent_to_another_at_once,
    a_burst_of_mail_goes_out_in_one_run,
    nodes_claiming_mail_at_once_never_claim_a_message_twice
);

/// Another node's services on the same database (its own name).
fn node(app: &TestApp, name: &str) -> Services {
    let mut svc = app.svc.clone();
    svc.node = name.to_owned();
    svc
}

async fn claim(app: &TestApp, node: &str) -> Option<Claimed> {
    let mut tx = app.svc.db.begin().await.unwrap();
    let c = jobs::claim(tx.conn(), node, 30_000_000).await.unwrap();
    tx.commit().await.unwrap();
    c
}

async fn ask(app: &TestApp, kind: JobKind, key: &str) -> bool {
    let mut tx = app.svc.db.begin().await.unwrap();
    let asked = jobs::ask(tx.conn(), kind.as_str(), key, None).await.unwrap();
    tx.commit().await.unwrap();
    asked
}

async fn scalar(app: &TestApp, sql: &'static str) -> i64 {
    koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar(sql).fetch_one(p).await.unwrap())
}

/// How many jobs are done once one is (waits up to 5 s).
async fn first_done(app: &TestApp) -> i64 {
    let mut done = 0;
    for _ in 0..100 {
        done = scalar(app, "SELECT COUNT(*) FROM jobs WHERE state = 'done'").await;
        if done > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    done
}

/// Nodes (a, b and c, say) working the jobs table on one schedule of
/// `kind` (hourly, so each asks for one run) until stopped.
struct Workers {
    stop: tokio::sync::watch::Sender<bool>,
    nodes: Vec<tokio::task::JoinHandle<()>>,
}

impl Workers {
    fn start(app: &TestApp, kind: JobKind, names: &[&str]) -> Self {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let schedules = [Schedule {
            kind,
            every: Duration::from_secs(3600),
        }];
        let nodes = names
            .iter()
            .map(|name| {
                let (svc, stopped) = (node(app, name), stopped.clone());
                tokio::spawn(async move { svc.work_jobs(&schedules, stopped).await })
            })
            .collect();
        Self { stop, nodes }
    }

    async fn stop(self) {
        self.stop.send(true).unwrap();
        for n in self.nodes {
            n.await.unwrap();
        }
    }
}

/// Whether node b holds the job it took over (attempt 2).
async fn b_holds_the_job(app: &TestApp) -> bool {
    let held = "SELECT COUNT(*) FROM jobs WHERE state = 'running' AND attempt = 2 AND node = 'b'";
    scalar(app, held).await == 1
}

/// Queues `n` mails due now (to no account, as a newsletter's).
async fn queue_news(app: &TestApp, n: usize) {
    let mut tx = app.svc.db.begin().await.unwrap();
    for k in 0..n {
        let m = koine_services::mail::Outgoing {
            account: None,
            channel: koine_services::mail::Channel::Email,
            to: format!("reader{k}@example.org"),
            subject: "News".into(),
            body: "Hello".into(),
        };
        koine_services::mail::enqueue(tx.conn(), app.svc.clock.now_us(), m)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

/// Signs up on the page (a confirmation mail waits in the outbox).
async fn sign_up(app: &TestApp, name: &str, email: &str) {
    app.browser()
        .signup(name, email, "", koine_testkit::STRONG_PASSWORD, "1990-04-01")
        .await;
}

async fn a_scheduled_run_happens_once_however_many_nodes_ask(app: TestApp) {
    let workers = Workers::start(&app, JobKind::RetentionSweep, &["a", "b", "c"]);
    let done = first_done(&app).await;
    assert_eq!(done, 1, "the sweep ran");
    // Every node asked for this hour's sweep at each of its polls meanwhile.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    workers.stop().await;
    // One run for the hour however many nodes asked (two only if the hour
    // turned while the test ran; three nodes asking apart would make three).
    let runs = app.count("jobs").await;
    assert!(runs == 1 || runs == 2, "{runs} runs");
    assert_eq!(
        scalar(&app, "SELECT CAST(MAX(attempt) AS BIGINT) FROM jobs").await,
        1,
        "run once"
    );
}

mod a_stalled_attempt_writes_nothing_once_another_took_the_job_over {
    use super::*;

    #[test]
    fn sqlite() {
        with_captured_logs(
            Backend::Sqlite,
            a_stalled_attempt_writes_nothing_once_another_took_the_job_over,
        );
    }

    #[test]
    fn postgres() {
        with_captured_logs(
            Backend::Postgres,
            a_stalled_attempt_writes_nothing_once_another_took_the_job_over,
        );
    }
}

/// How many times the log says `message` of the job's attempt (the fault
/// harness reads a paused node's log the same way).
fn logged_of_attempt(logs: &Logs, message: &str, job: &Claimed) -> usize {
    logs.text()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| {
            let f = &e["fields"];
            f["message"] == message && f["job"] == job.id.to_string() && f["attempt"] == job.attempt
        })
        .count()
}

async fn a_stalled_attempt_writes_nothing_once_another_took_the_job_over(app: TestApp, logs: Logs) {
    // Something the sweep removes: a throttle bucket that ended long ago.
    koine_testkit::on_db!(&app.svc.db, p => sqlx::query(
        "INSERT INTO throttle_counters (scope, key_hash, bucket, hits, expires_at) VALUES ('login_ip', $1, 1, 1, 1)")
        .bind(vec![7u8; 32]).execute(p).await.map(drop).unwrap());
    assert!(ask(&app, JobKind::RetentionSweep, "by hand").await);
    assert!(!ask(&app, JobKind::RetentionSweep, "by hand").await, "asked once");
    let stalled = claim(&app, "a").await.expect("due at once");
    assert!(claim(&app, "b").await.is_none(), "held by a while its lease runs");
    // Node a stops past its lease (a pause, a partition); b takes over.
    app.execute("UPDATE jobs SET lease_until = 0 WHERE id = $1", &[stalled.id])
        .await;
    let taken = claim(&app, "b").await.expect("the lapsed job is claimed again");
    assert_eq!((taken.id, taken.attempt), (stalled.id, 2));
    // Node a wakes and works on: its sweep is refused, and so is its end;
    // it says so, naming the job and its attempt.
    node(&app, "a").run_claimed(stalled.clone()).await;
    assert_eq!(
        app.count("throttle_counters").await,
        1,
        "the stalled attempt deleted nothing"
    );
    let refused = koine_services::jobs::WRITE_REFUSED;
    assert!(logged_of_attempt(&logs, refused, &stalled) >= 1, "{}", logs.text());
    assert_eq!(logged_of_attempt(&logs, koine_services::jobs::END_REFUSED, &stalled), 1);
    assert!(b_holds_the_job(&app).await, "b still holds the job");
    node(&app, "b").run_claimed(taken).await;
    assert_eq!(app.count("throttle_counters").await, 0, "the holder's sweep ran");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM jobs WHERE state = 'done'").await, 1);
}

async fn a_stopping_node_gives_its_jobs_up_at_once(app: TestApp) {
    ask(&app, JobKind::LessonTimers, "by hand").await;
    let held = claim(&app, "a").await.unwrap();
    assert!(claim(&app, "b").await.is_none());
    let mut tx = app.svc.db.begin().await.unwrap();
    assert_eq!(jobs::release(tx.conn(), "a").await.unwrap(), 1);
    tx.commit().await.unwrap();
    let taken = claim(&app, "b").await.expect("claimed without waiting for the lease");
    assert_eq!((taken.id, taken.attempt), (held.id, 2));
}

async fn an_export_is_a_job_asked_for_with_it(app: TestApp) {
    let b = app.member("exp@example.org", "Exp").await;
    b.post_form("/settings/data/export", &[]).await;
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM jobs WHERE kind = 'exports' AND state = 'queued'"
        )
        .await,
        1,
        "asked for in the request's own transaction"
    );
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = {
        let svc = node(&app, "a");
        tokio::spawn(async move { svc.work_jobs(&[], stopped).await })
    };
    // Done once the export is built and the job marked finished (a worker
    // stopped between the two would leave the job to another node).
    let done = first_done(&app).await;
    stop.send(true).unwrap();
    worker.await.unwrap();
    assert_eq!(done, 1, "the worker ran the job");
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM data_exports WHERE ready_at IS NOT NULL").await,
        1,
        "and built the export"
    );
}

async fn a_full_job_queue_refuses_new_work_as_overload(app: TestApp) {
    let b = app.member("exp@example.org", "Exp").await;
    // A queue the nodes cannot keep up with: ten thousand jobs waiting.
    let (sqlite, postgres) = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) \
         INSERT INTO jobs (id, kind, run_key, state, run_at, created_at) \
         SELECT randomblob(16), 'exports', 'filler-' || i, 'queued', 0, 0 FROM n",
        "INSERT INTO jobs (id, kind, run_key, state, run_at, created_at) \
         SELECT gen_random_uuid(), 'exports', 'filler-' || i, 'queued', 0, 0 FROM generate_series(1, 10000) AS i",
    );
    // The dialects differ in making rows from nothing and in random ids.
    match &app.svc.db {
        koine_store::Db::Sqlite(p) => sqlx::query(sqlite).execute(p).await.map(drop).unwrap(),
        koine_store::Db::Postgres(p) => sqlx::query(postgres).execute(p).await.map(drop).unwrap(),
    };
    assert_eq!(app.count("jobs").await, koine_services::jobs::MAX_WAITING);
    let r = b.post_form("/settings/data/export", &[]).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(app.count("data_exports").await, 0, "nothing half-done");
}

/// Outgoing mail is claimed for a while before it is sent; the claim runs
/// on the database's clock, so a node whose own clock is an hour ahead
/// still sees it held and does not send the message a second time.
async fn a_node_whose_clock_runs_ahead_cannot_take_over_a_mail_claim(app: TestApp) {
    sign_up(&app, "Ana", "ana@example.org").await;
    let db = &app.svc.db;
    let claim = |now: i64| async move {
        let mut tx = db.begin().await.unwrap();
        let rows = koine_store::repo::outbox::claim_due(tx.conn(), now, 120_000_000, 50)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        rows.len()
    };
    let now = app.clock.now_us();
    assert_eq!(claim(now).await, 1, "the confirmation mail, claimed");
    assert_eq!(claim(now + 3_600_000_000).await, 0, "still held for the first node");
}

/// Mail delivery is a job like the others: an attempt that lost its lease
/// claims no message, and the one that took the job over sends it, once.
async fn mail_goes_out_as_a_job_and_a_stalled_attempt_claims_none(app: TestApp) {
    sign_up(&app, "Ana", "ana@example.org").await;
    let sent_files = || std::fs::read_dir(app.data_dir().join("outbox/mail")).map_or(0, |d| d.count());
    assert!(ask(&app, JobKind::MailDelivery, "by hand").await);
    let stalled = claim(&app, "a").await.expect("due at once");
    app.execute("UPDATE jobs SET lease_until = 0 WHERE id = $1", &[stalled.id])
        .await;
    let taken = claim(&app, "b").await.expect("the lapsed job is claimed again");
    node(&app, "a").run_claimed(stalled).await;
    assert_eq!(sent_files(), 0, "the stalled attempt sent nothing");
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND claimed_until IS NULL"
        )
        .await,
        1,
        "nor claimed the message"
    );
    node(&app, "b").run_claimed(taken).await;
    assert_eq!(sent_files(), 1, "the holder sent it");
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL").await,
        1
    );
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM jobs WHERE state = 'done'").await, 1);
    // Three nodes working the schedule send the next message once.
    sign_up(&app, "Bea", "bea@example.org").await;
    let workers = Workers::start(&app, JobKind::MailDelivery, &["a", "b", "c"]);
    for _ in 0..100 {
        if sent_files() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    workers.stop().await;
    assert_eq!(sent_files(), 2, "sent once");
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").await,
        0
    );
}

/// A message that went out is recorded as sent even when the database does
/// not take the record at first (a restart): given up, the message would go
/// out again once its claim lapsed.
async fn mail_sent_is_recorded_though_the_database_fails_the_first_try(app: TestApp) {
    sign_up(&app, "Bea", "bea@example.org").await;
    app.svc.faults.arm(koine_services::faults::MAIL_RECORD);
    let sent = deliver_due(&app.svc).await;
    assert_eq!(sent.ok(), Some(1), "sent, and recorded on the second try");
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").await,
        0,
        "recorded as sent"
    );
}

/// A node that is stopping sends no more of the mail it claimed, and lets
/// go of it, so another node sends it at once (not two minutes later, when
/// the claim would lapse).
async fn a_stopping_node_leaves_the_mail_it_has_not_sent_to_another_at_once(app: TestApp) {
    sign_up(&app, "Bea", "bea@example.org").await;
    sign_up(&app, "Cy", "cy@example.org").await;
    let mut stopping = node(&app, "a");
    stopping.lifecycle = Arc::new(Lifecycle::default());
    stopping.lifecycle.drain();
    assert_eq!(
        deliver_due(&stopping).await.unwrap(),
        0,
        "a stopping node sends nothing more"
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM outbox WHERE claimed_until IS NOT NULL").await,
        0,
        "and holds no claim"
    );
    assert_eq!(
        deliver_due(&node(&app, "b")).await.unwrap(),
        2,
        "another node sends them at once"
    );
}

/// One run of the delivery job sends batch after batch while more is due,
/// not one batch per period (at 2 s, 25 messages a second for the whole
/// cluster).
async fn a_burst_of_mail_goes_out_in_one_run(app: TestApp) {
    let burst = koine_services::mail::BATCH as usize * 2 + 1;
    queue_news(&app, burst).await;
    assert_eq!(deliver_due(&app.svc).await.unwrap(), burst, "all in one run");
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").await,
        0
    );
}

/// Claims of mail by several nodes at once share the due messages out:
/// each is claimed by one of them, and every one is claimed.
async fn nodes_claiming_mail_at_once_never_claim_a_message_twice(app: TestApp) {
    let due = 200;
    queue_news(&app, due).await;
    let now = app.clock.now_us();
    let claims = (0..8).map(|_| {
        let db = app.svc.db.clone();
        tokio::spawn(async move {
            let mut claimed = Vec::new();
            loop {
                let mut tx = db.begin().await.unwrap();
                let rows = koine_store::repo::outbox::claim_due(tx.conn(), now, 120_000_000, 10)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                if rows.is_empty() {
                    return claimed;
                }
                claimed.extend(rows.into_iter().map(|r| r.id));
            }
        })
    });
    let mut claimed = Vec::new();
    for c in claims.collect::<Vec<_>>() {
        claimed.extend(c.await.unwrap());
    }
    let once: std::collections::HashSet<_> = claimed.iter().collect();
    assert_eq!(once.len(), claimed.len(), "claimed twice");
    assert_eq!(claimed.len(), due, "every message claimed");
}

/// An SMTP server that holds the second message's DATA until the file
/// `open` appears (after writing `held`), and keeps each message it takes
/// in `<dir>/<n>.eml`.
const GATED_SMTP: &str = r#"
import asyncio, os, sys, threading
from aiosmtpd.controller import Controller
port, out = int(sys.argv[1]), sys.argv[2]
class Gated:
    n = 0
    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        n = self.n
        if n == 2:
            open(os.path.join(out, "held"), "w").close()
            while not os.path.exists(os.path.join(out, "open")):
                await asyncio.sleep(0.02)
        with open(os.path.join(out, f"{n}.eml"), "wb") as f:
            f.write(envelope.content)
        return "250 OK"
Controller(Gated(), hostname="127.0.0.1", port=port).start()
threading.Event().wait()
"#;

/// Whether the file at `path` is there within 5 s.
async fn appears(path: &std::path::Path) -> bool {
    for _ in 0..200 {
        if path.exists() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    path.exists()
}

/// A node that learns, in the middle of a mail batch, that another node
/// took its job over finishes the message under way and records what it
/// sent (dropped there, that mail would go out again once its claim
/// lapsed), and sends no more: the rest is let go to another node at once.
async fn an_attempt_that_loses_its_job_records_the_mail_it_sent(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_owned();
    let server = crate::smtp::SmtpServer::start(|port| {
        vec![
            "-c".into(),
            GATED_SMTP.into(),
            port.to_string(),
            out.display().to_string(),
        ]
    })
    .await;
    let app = TestApp::spawn_with(backend, |c| c.smtp = Some(server.config())).await;
    queue_news(&app, 3).await;
    assert!(ask(&app, JobKind::MailDelivery, "by hand").await);
    let job = claim(&app, "a").await.expect("due at once");
    let job_id = job.id;
    // Node a renews its lease every 200 ms.
    let mut a = node(&app, "a");
    a.job_lease = Duration::from_millis(600);
    let working = tokio::spawn(async move { a.run_claimed(job).await });
    assert!(appears(&out.join("held")).await, "the second message is under way");
    // Node b takes the job over (as after a pause past the lease).
    app.execute(
        "UPDATE jobs SET attempt = attempt + 1, node = 'b' WHERE id = $1",
        &[job_id],
    )
    .await;
    // Node a's next renewal finds the job gone.
    tokio::time::sleep(Duration::from_millis(500)).await;
    std::fs::write(out.join("open"), b"").unwrap();
    working.await.unwrap();
    assert!(out.join("1.eml").exists() && appears(&out.join("2.eml")).await);
    assert!(!out.join("3.eml").exists(), "no more sent after the job was lost");
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL").await,
        2,
        "both messages that went out are recorded as sent"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND claimed_until IS NULL"
        )
        .await,
        1,
        "the third is let go"
    );
    assert!(b_holds_the_job(&app).await, "b still holds the job");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempt_that_loses_its_job_records_the_mail_it_sent_sqlite() {
    an_attempt_that_loses_its_job_records_the_mail_it_sent(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempt_that_loses_its_job_records_the_mail_it_sent_postgres() {
    an_attempt_that_loses_its_job_records_the_mail_it_sent(Backend::Postgres).await
}

/// A node works on two jobs at once: the mail goes out while an export is
/// held up. PostgreSQL only: a row lock holds the export there, and
/// SQLite's one writer would hold the mail back with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_goes_out_while_a_long_export_runs() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let b = app.member("exp@example.org", "Exp").await;
    b.post_form("/settings/data/export", &[]).await;
    let koine_store::Db::Postgres(pool) = &app.svc.db else {
        unreachable!("spawned on PostgreSQL")
    };
    // The export cannot be marked ready while this transaction holds it.
    let mut hold = pool.begin().await.unwrap();
    sqlx::query("SELECT id FROM data_exports FOR UPDATE")
        .execute(&mut *hold)
        .await
        .unwrap();
    sign_up(&app, "Bea", "bea@example.org").await;
    let unsent = "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL";
    assert_eq!(scalar(&app, unsent).await, 1);
    let workers = Workers::start(&app, JobKind::MailDelivery, &["a"]);
    for _ in 0..100 {
        if scalar(&app, unsent).await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(scalar(&app, unsent).await, 0, "the mail went out");
    let ready = "SELECT COUNT(*) FROM data_exports WHERE ready_at IS NOT NULL";
    assert_eq!(scalar(&app, ready).await, 0, "while the export was held up");
    hold.rollback().await.unwrap();
    for _ in 0..100 {
        if scalar(&app, ready).await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    workers.stop().await;
    assert_eq!(scalar(&app, ready).await, 1, "and the export was built after");
}

/// A node paused inside a job's transaction (it holds the job's row there)
/// does not keep the job from being taken over once its lease lapses: the
/// server ends the idle transaction, and with it the lock. PostgreSQL only:
/// on SQLite the one process is the one writer, paused or not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_paused_inside_a_transaction_lets_go_of_its_job() {
    let app = TestApp::spawn_with(Backend::Postgres, |c| c.db_idle_in_transaction_ms = 300).await;
    ask(&app, JobKind::LessonTimers, "by hand").await;
    let stalled = claim(&app, "a").await.expect("due at once");
    app.execute("UPDATE jobs SET lease_until = 0 WHERE id = $1", &[stalled.id])
        .await;
    // Node a begins a write of the job's work, and stops there.
    let mut paused = app.svc.db.begin().await.unwrap();
    assert!(jobs::holds(paused.conn(), &stalled).await.unwrap());
    assert!(
        claim(&app, "b").await.is_none(),
        "the lease lapsed, but the paused transaction holds the row"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    let taken = claim(&app, "b").await.expect("the server ended the idle transaction");
    assert_eq!((taken.id, taken.attempt), (stalled.id, 2));
    assert!(paused.commit().await.is_err(), "the paused node's transaction is gone");
}
