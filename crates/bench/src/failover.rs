//! `koine-bench cluster --parts kill`: three `koine` nodes in cluster mode
//! behind HAProxy (active `/readyz` checks), a steady 500 requests a second
//! through it (teacher searches and messages, half each), members holding
//! live streams through it, and one node killed with `kill -9` a third of
//! the way in. Measured: the share of requests that failed (no answer or
//! 5xx), how long each stream cut by the kill took to be back and caught
//! up, whether every message the platform acknowledged is stored, and
//! whether any was stored twice.

use crate::{BackendArg, load, messaging, server, teaching};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use uuid::Uuid;

const NODES: usize = 3;
const RATE: u64 = 500;
/// Connections the load is sent on, each at `RATE / SENDERS` a second.
const SENDERS: u64 = 20;
const TALKERS: usize = 200;
/// Of the talkers, this many hold a live stream through the balancer.
const STREAMS: usize = 100;

pub struct Options {
    pub database_url: String,
    pub nats_url: String,
    pub seconds: u64,
}

#[derive(Default)]
struct Tally {
    sent: AtomicU64,
    failed: AtomicU64,
    by_status: Mutex<std::collections::BTreeMap<u16, u64>>,
    /// Ids of the messages the platform answered 201 for.
    acknowledged: Mutex<Vec<Uuid>>,
}

pub async fn run(o: &Options) -> Value {
    let env = server::Env::prepare(BackendArg::Postgres, &o.database_url).await;
    let talkers = {
        let svc = koine::services(&env.config(), koine_services::clock::Clock::System)
            .await
            .expect("services");
        teaching::seed_teachers(&svc, 50).await;
        let t = messaging::seed(&svc, TALKERS).await;
        svc.db.close().await;
        Arc::new(t)
    };
    let cluster = [("KOINE_CLUSTER", "true"), ("KOINE_NATS_URL", o.nats_url.as_str())];
    let mut nodes = Vec::new();
    for _ in 0..NODES {
        nodes.push(server::Server::start_with(&env, &cluster).await);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (front, _balancer) = haproxy(dir.path(), &nodes.iter().map(|n| n.addr).collect::<Vec<_>>()).await;

    // Streams through the balancer; each records how long it was away
    // whenever it is cut.
    let stop = Arc::new(AtomicBool::new(false));
    let resumes = Arc::new(Mutex::new(Vec::<f64>::new()));
    let mut streams = Vec::new();
    for t in talkers.iter().take(STREAMS) {
        streams.push(tokio::spawn(hold_stream(
            front,
            t.token.clone(),
            t.conversation,
            stop.clone(),
            resumes.clone(),
        )));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;

    let tally = Arc::new(Tally::default());
    let until = Instant::now() + Duration::from_secs(o.seconds);
    let senders: Vec<_> = (0..SENDERS)
        .map(|s| tokio::spawn(send(front, s, talkers.clone(), tally.clone(), until)))
        .collect();
    tokio::time::sleep(Duration::from_secs(o.seconds / 3)).await;
    let killed_at = Instant::now();
    nodes[1].kill();
    for s in senders {
        s.await.expect("sender");
    }
    let load_s = killed_at.elapsed().as_secs_f64() + (o.seconds / 3) as f64;
    // Streams cut by the kill have had time to come back.
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::Relaxed);
    for s in streams {
        s.abort();
    }

    let acknowledged = std::mem::take(&mut *tally.acknowledged.lock().expect("tally"));
    let (stored, duplicated) = stored_messages(&env, &acknowledged).await;
    for n in nodes {
        n.stop().await;
    }
    env.cleanup().await;
    let sent = tally.sent.load(Ordering::Relaxed);
    let failed = tally.failed.load(Ordering::Relaxed);
    let mut resumed = std::mem::take(&mut *resumes.lock().expect("resumes"));
    resumed.sort_by(f64::total_cmp);
    json!({
        "nodes": NODES,
        "rate_per_second": RATE,
        "sent": sent,
        "sent_per_second": sent as f64 / load_s,
        "status_counts": crate::load::status_counts(&tally.by_status.lock().expect("tally")),
        "failed": failed,
        "failed_share": failed as f64 / sent.max(1) as f64,
        "streams": STREAMS,
        "streams_cut": resumed.len(),
        "resumed_after_s": { "median": resumed.get(resumed.len() / 2), "max": resumed.last() },
        "acknowledged_messages": acknowledged.len(),
        "acknowledged_messages_lost": acknowledged.len() as i64 - stored,
        "messages_stored_twice": duplicated,
    })
}

/// HAProxy in front of `nodes`, as the cluster test runs it (checks every
/// 100 ms; a failed connection or an empty answer is retried on another
/// node), with WebSockets allowed an hour. Its address, and the process
/// (stopped when dropped).
pub(crate) async fn haproxy(dir: &std::path::Path, nodes: &[SocketAddr]) -> (SocketAddr, tokio::process::Child) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("addr")
        .port();
    let servers: String = nodes
        .iter()
        .enumerate()
        .map(|(i, a)| format!("  server n{i} {a} check\n"))
        .collect();
    let config = format!(
        "defaults\n  mode http\n  timeout connect 1s\n  timeout client 30s\n  timeout server 30s\n  \
         timeout tunnel 1h\n  retries 3\n  option redispatch\n  retry-on conn-failure empty-response\n\
         frontend web\n  bind 127.0.0.1:{port}\n  default_backend koine\n\
         backend koine\n  balance roundrobin\n  option httpchk GET /readyz\n  http-check expect status 200\n  \
         default-server inter 100ms fall 1 rise 2\n{servers}"
    );
    let path = dir.join("haproxy.cfg");
    std::fs::write(&path, config).expect("haproxy.cfg");
    let bin = std::env::var("KOINE_HAPROXY").unwrap_or_else(|_| "haproxy".into());
    let child = tokio::process::Command::new(&bin)
        .arg("-f")
        .arg(&path)
        .arg("-db")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("{bin} (Debian's haproxy, or KOINE_HAPROXY) starts: {e}"));
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(s) = TcpStream::connect(addr).await {
            let mut r = BufReader::new(s);
            let asked = r
                .get_mut()
                .write_all(b"GET /readyz HTTP/1.1\r\nHost: bench\r\n\r\n")
                .await;
            if asked.is_ok() && matches!(load::read_response(&mut r).await, Ok(200)) {
                return (addr, child);
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("HAProxy did not pass requests within 10 s");
}

/// A member's live stream through the balancer: when it is cut, the time
/// until it is open again and the conversation caught up is recorded.
async fn hold_stream(
    front: SocketAddr,
    token: String,
    conversation: Uuid,
    stop: Arc<AtomicBool>,
    resumes: Arc<Mutex<Vec<f64>>>,
) {
    let mut ws = messaging::connect(front, &token).await;
    loop {
        while let Some(Ok(_)) = ws.next().await {}
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let cut = Instant::now();
        ws = messaging::connect(front, &token).await;
        let replay = format!(
            "GET /api/v1/conversations/{conversation}/messages?after=0 HTTP/1.1\r\nHost: bench\r\n\
             Authorization: Bearer {token}\r\n\r\n"
        );
        loop {
            if let Ok(s) = TcpStream::connect(front).await {
                let mut r = BufReader::new(s);
                if r.get_mut().write_all(replay.as_bytes()).await.is_ok()
                    && matches!(load::read_response(&mut r).await, Ok(200))
                {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        resumes.lock().expect("resumes").push(cut.elapsed().as_secs_f64());
    }
}

/// One of the senders: every `SENDERS / RATE` seconds a search or a
/// message (each with its own idempotency key) on one keep-alive
/// connection, opened again if the balancer closes it.
async fn send(front: SocketAddr, s: u64, talkers: Arc<Vec<messaging::Member>>, tally: Arc<Tally>, until: Instant) {
    let every = Duration::from_micros(1_000_000 * SENDERS / RATE);
    let mut tick = load::staggered_ticks(every, s as usize, SENDERS as usize);
    let mut conn: Option<BufReader<TcpStream>> = None;
    let mut n = 0u64;
    while Instant::now() < until {
        tick.tick().await;
        n += 1;
        let k = (n * SENDERS + s) as usize;
        let (req, message) = if n.is_multiple_of(2) {
            let q = teaching::QUERIES[k % teaching::QUERIES.len()];
            (load::Req::get(q), false)
        } else {
            let t = &talkers[k % talkers.len()];
            let req = load::Req::post_json_with(
                &format!("/api/v1/conversations/{}/messages", t.conversation),
                json!({ "body": format!("failover {s}-{n}") }).to_string(),
                &[
                    ("Authorization", &format!("Bearer {}", t.token)),
                    ("Idempotency-Key", &format!("failover-{s}-{n}")),
                ],
            );
            (req, true)
        };
        tally.sent.fetch_add(1, Ordering::Relaxed);
        if conn.is_none() {
            conn = TcpStream::connect(front).await.ok().map(|c| {
                c.set_nodelay(true).ok();
                BufReader::new(c)
            });
        }
        let answer = match conn.as_mut() {
            Some(r) => match r.get_mut().write_all(&req.bytes).await {
                Ok(()) => load::read_response_body(r).await.ok(),
                Err(_) => None,
            },
            None => None,
        };
        let status = answer.as_ref().map_or(0, |(status, _)| *status);
        *tally.by_status.lock().expect("tally").entry(status).or_default() += 1;
        match answer {
            Some((201, body)) if message => {
                let id = serde_json::from_slice::<Value>(&body)
                    .ok()
                    .and_then(|v| v["id"].as_str().and_then(|i| i.parse().ok()));
                if let Some(id) = id {
                    tally.acknowledged.lock().expect("tally").push(id);
                }
            }
            Some((status, _)) if status < 500 => {}
            _ => {
                tally.failed.fetch_add(1, Ordering::Relaxed);
                conn = None;
            }
        }
    }
}

/// How many of `ids` are in the messages table, and how many of the
/// benchmark's messages are stored more than once (a request HAProxy sent
/// again after the killed node had stored it, without the idempotency key
/// holding).
async fn stored_messages(env: &server::Env, ids: &[Uuid]) -> (i64, i64) {
    let svc = koine::services(&env.config(), koine_services::clock::Clock::System)
        .await
        .expect("services");
    let mut found = 0;
    for chunk in ids.chunks(1000) {
        let mut c = svc.db.acquire().await.expect("connection");
        let koine_store::Conn::Postgres(c) = c.conn() else {
            unreachable!("cluster mode runs on PostgreSQL")
        };
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE id = ANY($1)")
            .bind(chunk)
            .fetch_one(&mut *c)
            .await
            .expect("count");
        found += n;
    }
    let duplicated: i64 = {
        let mut c = svc.db.acquire().await.expect("connection");
        let koine_store::Conn::Postgres(c) = c.conn() else {
            unreachable!("cluster mode runs on PostgreSQL")
        };
        sqlx::query_scalar("SELECT COUNT(*) - COUNT(DISTINCT body) FROM messages WHERE body LIKE 'failover %'")
            .fetch_one(&mut *c)
            .await
            .expect("count")
    };
    svc.db.close().await;
    (found, duplicated)
}
