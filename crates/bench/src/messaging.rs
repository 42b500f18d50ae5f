//! `koine-bench messaging`: live delivery of messages between members over
//! the real server's WebSocket stream.
//!
//! `clients` members in `clients / 2` conversations (each with `HISTORY`
//! earlier messages) each hold one stream
//! (`GET /api/v1/stream`, bearer token) and send messages at a steady rate
//! through the API (`POST /api/v1/conversations/{id}/messages`, an
//! idempotency key each), measured after an unmeasured warm-up at the same
//! rate. A message's text carries the instant it was sent,
//! so its receiver measures send → deliver. Then a soak: every stream is
//! dropped at random moments and reconnects, catching up with
//! `…/messages?after=N`, while senders also retry some posts with the same
//! key; at the end every member must hold every message of their
//! conversation exactly once, and the database no message twice.

use crate::cpu::Cpu;
use crate::hop::{self, Delivery, Tap};
use crate::seed::{Members, Sessions, V, insert, t};
use crate::{BackendArg, load, server};
use futures_util::StreamExt;
use koine_domain::messaging::MessageKind;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;

const DAY_US: i64 = 86_400_000_000;

/// Seconds of sending before the measured window.
const WARM_UP_SECONDS: u64 = 3;

/// Seconds of sending after the warm-up's `ANALYZE`, straight into the
/// measured window (see where it is sent).
const REPLAN_SECONDS: u64 = 1;

pub struct Options {
    pub backend: BackendArg,
    pub database_url: String,
    pub clients: usize,
    pub seconds: u64,
    pub rate: f64,
    pub soak_seconds: u64,
    pub senders: usize,
    pub nodes: Nodes,
}

/// Where the members send and hold their streams.
#[derive(Clone)]
pub enum Nodes {
    /// One node in single-node mode: no bus.
    Single,
    /// One node in cluster mode on these NATS servers: what cluster mode
    /// costs a node, without the hop to another.
    ClusterOfOne(String),
    /// Two nodes in cluster mode on these NATS servers: messages are sent
    /// to the first and delivered by the second.
    AcrossTwo(String),
}

impl Nodes {
    fn nats(&self) -> Option<&str> {
        match self {
            Nodes::Single => None,
            Nodes::ClusterOfOne(nats) | Nodes::AcrossTwo(nats) => Some(nats),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Nodes::Single => "one node",
            Nodes::ClusterOfOne(_) => "one node in cluster mode",
            Nodes::AcrossTwo(_) => "across two nodes",
        }
    }
}

pub(crate) struct Member {
    id: Uuid,
    pub(crate) token: String,
    pub(crate) conversation: Uuid,
}

/// What one member's client saw.
#[derive(Default)]
struct Seen {
    /// seq → message id, as applied (each seq once).
    applied: BTreeMap<i64, String>,
    /// Deliveries of a seq already applied (live and replay overlapping),
    /// dropped by sequence number as a client does.
    redelivered: u64,
    /// A seq delivered again with a different message: the protocol broken.
    conflicting: u64,
}

impl Seen {
    fn apply(&mut self, seq: i64, id: &str) {
        match self.applied.get(&seq) {
            None => {
                self.applied.insert(seq, id.to_owned());
            }
            Some(first) if first == id => self.redelivered += 1,
            Some(_) => self.conflicting += 1,
        }
    }

    /// The last seq before the first gap: where a catch-up starts.
    fn contiguous(&self) -> i64 {
        let mut n = 0;
        while self.applied.contains_key(&(n + 1)) {
            n += 1;
        }
        n
    }
}

/// Shared by every client: the measuring window and what it found.
#[derive(Default)]
struct Tally {
    measuring: Arc<AtomicBool>,
    delivered: AtomicU64,
    deliveries: Mutex<Vec<Delivery>>,
}

pub(crate) fn now_us() -> i64 {
    jiff::Timestamp::now().as_microsecond()
}

/// An instant as letters only: digits in a message would be taken for a
/// phone number by the contact guard (the two have had no lesson).
fn letters(mut us: i64) -> String {
    let mut out = Vec::new();
    while us > 0 {
        out.push(b'a' + (us % 26) as u8);
        us /= 26;
    }
    String::from_utf8(out).expect("ASCII")
}

fn from_letters(s: &str) -> Option<i64> {
    s.bytes().rev().try_fold(0i64, |n, b| {
        b.is_ascii_lowercase().then(|| n * 26 + i64::from(b - b'a'))
    })
}

/// Messages each conversation already holds, written in turn by its two
/// members: a platform in use, whose tables the planner sees as they are
/// (with empty ones it reads a conversation's messages whole for each
/// statement).
const HISTORY: i64 = 20;

/// Members old enough not to be "new", a session each, and a conversation
/// per pair with its history.
pub(crate) async fn seed(svc: &koine_services::Services, clients: usize) -> Vec<Member> {
    let now = svc.clock.now_us();
    let created = now - 400 * DAY_US;
    let (mut members, mut sessions, mut out) = (Members::default(), Sessions::default(), Vec::new());
    let (mut conversations, mut memberships, mut history) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..clients {
        let id = Uuid::now_v7();
        let token = sessions.push(id, now);
        members.push(
            id,
            format!("talker{i}@bench.koine.test"),
            format!("Talker {i}"),
            "UTC",
            created,
        );
        let conversation = if i % 2 == 0 {
            let c = Uuid::now_v7();
            conversations.push(vec![V::U(c), V::I(now), V::I(now), V::I(HISTORY)]);
            c
        } else {
            let (first, c) = out.last().map(|m: &Member| (m.id, m.conversation)).expect("a pair");
            for seq in 1..=HISTORY {
                let sender = if seq % 2 == 1 { first } else { id };
                history.push(vec![
                    V::U(Uuid::now_v7()),
                    V::U(c),
                    V::I(seq),
                    V::U(sender),
                    t(MessageKind::Text.as_str()),
                    t(format!("earlier {seq}")),
                    V::I(now - DAY_US + seq),
                ]);
            }
            c
        };
        memberships.push(vec![V::U(conversation), V::U(id), V::I(now)]);
        out.push(Member {
            id,
            token,
            conversation,
        });
    }
    let mut tx = svc.db.begin().await.expect("begin");
    members.insert(tx.conn()).await;
    sessions.insert(tx.conn()).await;
    insert(
        tx.conn(),
        "conversations",
        &["id", "created_at", "last_activity_at", "last_seq"],
        conversations,
    )
    .await;
    insert(
        tx.conn(),
        "conversation_members",
        &["conversation_id", "account_id", "joined_at"],
        memberships,
    )
    .await;
    insert(
        tx.conn(),
        "messages",
        &[
            "id",
            "conversation_id",
            "seq",
            "sender_id",
            "kind",
            "body",
            "created_at",
        ],
        history,
    )
    .await;
    tx.commit().await.expect("commit");
    out
}

/// One request on a fresh connection: (status, body).
async fn http(addr: SocketAddr, request: &[u8]) -> Option<(u16, Vec<u8>)> {
    let stream = TcpStream::connect(addr).await.ok()?;
    let mut r = BufReader::new(stream);
    r.get_mut().write_all(request).await.ok()?;
    load::read_response_body(&mut r).await.ok()
}

/// Everything after the last contiguous seq, until caught up (the replay
/// answers at most 200 at a time).
async fn catch_up(addr: SocketAddr, m: &Member, seen: &Mutex<Seen>) {
    loop {
        let after = seen.lock().expect("seen").contiguous();
        let req = format!(
            "GET /api/v1/conversations/{}/messages?after={after} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            m.conversation, m.token
        );
        let Some((200, body)) = http(addr, req.as_bytes()).await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let replay: Value = serde_json::from_slice(&body).expect("a replay");
        let messages = replay["messages"].as_array().cloned().unwrap_or_default();
        {
            let mut s = seen.lock().expect("seen");
            for msg in &messages {
                s.apply(msg["seq"].as_i64().unwrap_or(0), msg["id"].as_str().unwrap_or(""));
            }
        }
        if messages.is_empty() || !replay["reload"].as_bool().unwrap_or(false) && messages.len() < 200 {
            return;
        }
    }
}

pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

/// A member's stream, once the server has subscribed it (its hello). Nagle
/// off, as browsers have it.
pub async fn connect(addr: SocketAddr, token: &str) -> Socket {
    loop {
        let mut req = format!("ws://{addr}/api/v1/stream")
            .into_client_request()
            .expect("a request");
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().expect("a header"));
        match tokio_tungstenite::connect_async_with_config(req, None, true).await {
            Ok((mut ws, _)) => {
                // The hello frame: the server has subscribed this socket.
                while let Some(Ok(f)) = ws.next().await {
                    if matches!(&f, Frame::Text(t) if t.as_str().contains("\"hello\"")) {
                        return ws;
                    }
                }
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

/// A member's client: holds its stream, applies what arrives, and (while
/// `churn` is set) drops the stream at random moments, reconnecting and
/// catching up each time.
#[allow(clippy::too_many_arguments)]
async fn client(
    addr: SocketAddr,
    m: Arc<Member>,
    seen: Arc<Mutex<Seen>>,
    tally: Arc<Tally>,
    churn: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    ready: tokio::sync::mpsc::Sender<()>,
    seed: u64,
) {
    let mut rng = seed | 1;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut ws = connect(addr, &m.token).await;
    let _ = ready.send(()).await;
    let me = m.id.to_string();
    while !stop.load(Ordering::Relaxed) {
        // While churning, each stream lives 1–10 s before it is cut.
        let life = Duration::from_millis(1000 + next() % 9000);
        let until = Instant::now() + life;
        loop {
            let wait = if churn.load(Ordering::Relaxed) {
                until.saturating_duration_since(Instant::now())
            } else {
                Duration::from_millis(200)
            };
            match tokio::time::timeout(wait, ws.next()).await {
                Ok(Some(Ok(Frame::Text(t)))) => {
                    let v: Value = serde_json::from_str(t.as_str()).unwrap_or(Value::Null);
                    match v["kind"].as_str() {
                        Some("message") => {
                            let d = &v["data"];
                            seen.lock()
                                .expect("seen")
                                .apply(d["seq"].as_i64().unwrap_or(0), d["id"].as_str().unwrap_or(""));
                            if d["sender"].as_str() != Some(me.as_str()) && tally.measuring.load(Ordering::Relaxed) {
                                tally.delivered.fetch_add(1, Ordering::Relaxed);
                                let sent = d["body"]
                                    .as_str()
                                    .and_then(|b| b.strip_prefix("sent "))
                                    .and_then(from_letters)
                                    .unwrap_or(0);
                                if sent > 0 {
                                    tally.deliveries.lock().expect("deliveries").push(Delivery {
                                        id: d["id"].as_str().unwrap_or_default().to_owned(),
                                        sent_us: sent,
                                        delivered_us: now_us(),
                                    });
                                }
                            }
                        }
                        Some("resync") => catch_up(addr, &m, &seen).await,
                        _ => {}
                    }
                }
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(_)) | None) => break,
                Err(_) if churn.load(Ordering::Relaxed) => break,
                Err(_) => {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                }
            }
        }
        if stop.load(Ordering::Relaxed) {
            return;
        }
        // Cut (or lost): away for up to half a second, then back and caught up.
        let _ = ws.close(None).await;
        drop(ws);
        tokio::time::sleep(Duration::from_millis(next() % 500)).await;
        ws = connect(addr, &m.token).await;
        catch_up(addr, &m, &seen).await;
    }
}

/// Posts messages for a share of the members at a steady rate on one
/// keep-alive connection; with `retry`, about one post in twenty is sent
/// again with the same key (as after a lost answer).
#[allow(clippy::too_many_arguments)]
async fn sender(
    addr: SocketAddr,
    members: Vec<Arc<Member>>,
    mut tick: tokio::time::Interval,
    until: Instant,
    retry: bool,
    statuses: Arc<Mutex<BTreeMap<u16, u64>>>,
    sent_keys: Arc<AtomicU64>,
    post_us: Arc<Mutex<Vec<u64>>>,
    seed: u64,
) {
    let mut rng = seed | 1;
    let stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).ok();
    let mut r = BufReader::new(stream);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut i = 0usize;
    while Instant::now() < until {
        tick.tick().await;
        let m = &members[i % members.len()];
        i += 1;
        let key = Uuid::now_v7().to_string();
        let body = json!({ "body": format!("sent {}", letters(now_us())) }).to_string();
        let req = load::Req::post_json_with(
            &format!("/api/v1/conversations/{}/messages", m.conversation),
            body,
            &[
                ("Authorization", &format!("Bearer {}", m.token)),
                ("Idempotency-Key", &key),
            ],
        );
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let times = if retry && rng.is_multiple_of(20) { 2 } else { 1 };
        for attempt in 0..times {
            let t = Instant::now();
            if r.get_mut().write_all(&req.bytes).await.is_err() {
                return;
            }
            let Ok((status, _)) = load::read_response_body(&mut r).await else {
                return;
            };
            *statuses.lock().expect("statuses").entry(status).or_insert(0) += 1;
            if attempt == 0 && status == 201 {
                sent_keys.fetch_add(1, Ordering::Relaxed);
                post_us
                    .lock()
                    .expect("post latencies")
                    .push(t.elapsed().as_micros() as u64);
            }
        }
    }
}

async fn send_for(
    addr: SocketAddr,
    members: &[Arc<Member>],
    o: &Options,
    seconds: u64,
    retry: bool,
) -> (BTreeMap<u16, u64>, u64, f64, Vec<u64>) {
    let statuses = Arc::new(Mutex::new(BTreeMap::new()));
    let post_us = Arc::new(Mutex::new(Vec::new()));
    let sent = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    // No sender without members to send for.
    let senders = o.senders.min(members.len()).max(1);
    for k in 0..senders {
        let share: Vec<Arc<Member>> = members.iter().skip(k).step_by(senders).cloned().collect();
        // Each member sends `rate` messages a second.
        let every = Duration::from_secs_f64(1.0 / (o.rate * share.len() as f64));
        tasks.push(tokio::spawn(sender(
            addr,
            share,
            load::staggered_ticks(every, k, senders),
            until,
            retry,
            statuses.clone(),
            sent.clone(),
            post_us.clone(),
            k as u64 + 7,
        )));
    }
    for t in tasks {
        t.await.expect("sender");
    }
    let seconds = started.elapsed().as_secs_f64();
    let statuses = statuses.lock().expect("statuses").clone();
    let mut posts = std::mem::take(&mut *post_us.lock().expect("post latencies"));
    posts.sort_unstable();
    (statuses, sent.load(Ordering::Relaxed), seconds, posts)
}

/// The `p` quantile of sorted microseconds, in milliseconds.
pub fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize] as f64 / 1000.0
}

pub async fn run(o: Options) -> Value {
    let env = server::Env::prepare(o.backend, &o.database_url).await;
    let members: Vec<Arc<Member>> = {
        let svc = koine::services(&env.config(), koine_services::clock::Clock::System)
            .await
            .expect("services");
        let m = seed(&svc, o.clients).await;
        svc.db.close().await;
        m.into_iter().map(Arc::new).collect()
    };
    let count_messages = || async {
        let svc = koine::services(&env.config(), koine_services::clock::Clock::System)
            .await
            .expect("services");
        let n: i64 = {
            let mut c = svc.db.acquire().await.expect("connection");
            let sql = "SELECT COUNT(*) FROM messages";
            match c.conn() {
                koine_store::Conn::Sqlite(c) => sqlx::query_scalar(sql).fetch_one(&mut *c).await,
                koine_store::Conn::Postgres(c) => sqlx::query_scalar(sql).fetch_one(&mut *c).await,
            }
            .expect("count")
        };
        svc.db.close().await;
        n
    };
    // The demo's own conversation is not the benchmark's.
    let stored_before = count_messages().await;
    let node = || async {
        match o.nodes.nats() {
            Some(nats) => {
                server::Server::start_with(&env, &[("KOINE_CLUSTER", "true"), ("KOINE_NATS_URL", nats)]).await
            }
            None => server::Server::start(&env).await,
        }
    };
    let s = node().await;
    // Where members hold their streams: the other node, across the bus.
    let receiver = match &o.nodes {
        Nodes::AcrossTwo(_) => Some(node().await),
        Nodes::Single | Nodes::ClusterOfOne(_) => None,
    };
    let addr = s.addr;
    let stream_addr = receiver.as_ref().map_or(addr, |r| r.addr);
    let streams_at = receiver.as_ref().unwrap_or(&s);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_before = streams_at.rss_kib();

    // Every member opens their stream.
    let tally = Arc::new(Tally::default());
    let (churn, stop) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(o.clients);
    let mut seen = Vec::new();
    let mut clients = Vec::new();
    let connecting = Instant::now();
    for (i, m) in members.iter().enumerate() {
        let s = Arc::new(Mutex::new(Seen::default()));
        seen.push(s.clone());
        clients.push(tokio::spawn(client(
            stream_addr,
            m.clone(),
            s,
            tally.clone(),
            churn.clone(),
            stop.clone(),
            ready_tx.clone(),
            0x9e37_79b9_7f4a_7c15 ^ i as u64,
        )));
        // Opened in waves, as tabs open over time, not in one burst.
        if i % 200 == 199 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    for _ in 0..o.clients {
        ready_rx.recv().await.expect("a client ready");
    }
    let connect_s = connecting.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_open = streams_at.rss_kib();
    let per_socket_kib = rss_open.saturating_sub(rss_before) as f64 / o.clients as f64;

    // The same binary's ceiling, with every stream open.
    let healthz = load::run(addr, 32, Duration::from_secs(5), |_| load::Req::get("/healthz")).await;

    // A warm-up at the same rate, not measured: the node opens its
    // database connections and prepares its statements, and the tables
    // the messages grow are analyzed, as on a node in service (without it,
    // most messages of the first tenths of a second took over 30 ms: a
    // start, not the steady rate).
    let (mut warm_statuses, mut warm_sent, _, _) = send_for(addr, &members, &o, WARM_UP_SECONDS, false).await;
    env.analyze().await;
    let tap = match &o.nodes {
        Nodes::AcrossTwo(nats) => {
            let ids: Vec<Uuid> = members.iter().map(|m| m.id).collect();
            Some(Tap::start(nats, &ids, tally.measuring.clone()).await)
        }
        Nodes::Single | Nodes::ClusterOfOne(_) => None,
    };
    // New statistics make every connection plan its statements again, and
    // a pause lets every remembered session lapse at once: a second more
    // of sending, straight into the measured window, keeps both out of it
    // (after a pause, the window's first half second held 16–28 % of the
    // slowest 1 % of messages).
    let (replanned, replanned_sent, _, _) = send_for(addr, &members, &o, REPLAN_SECONDS, false).await;
    for (status, n) in replanned {
        *warm_statuses.entry(status).or_insert(0) += n;
    }
    warm_sent += replanned_sent;

    // Steady sending, measured.
    let nodes: Vec<(&str, u32)> = match &receiver {
        Some(r) => vec![("koine (sending node)", s.pid()), ("koine (streams' node)", r.pid())],
        None => vec![("koine", s.pid())],
    };
    let cpu_before = Cpu::now(&nodes);
    tally.measuring.store(true, Ordering::Relaxed);
    let measured_from = Instant::now();
    let (statuses, sent, send_s, posts) = send_for(addr, &members, &o, o.seconds, false).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    tally.measuring.store(false, Ordering::Relaxed);
    let window = measured_from.elapsed().as_secs_f64();
    let cpu = Cpu::now(&nodes).since(&cpu_before);
    let delivered = tally.delivered.load(Ordering::Relaxed);
    let deliveries = std::mem::take(&mut *tally.deliveries.lock().expect("deliveries"));
    let hop = tap.map(|t| hop::split(&deliveries, &t.stop()));
    let mut lat: Vec<u64> = deliveries
        .iter()
        .map(|d| (d.delivered_us - d.sent_us).max(0) as u64)
        .collect();
    lat.sort_unstable();
    let rss_busy = streams_at.rss_kib();

    // The soak: streams cut at random while sending goes on, with retries.
    churn.store(true, Ordering::Relaxed);
    let (soak_statuses, soak_sent, _, _) = send_for(addr, &members, &o, o.soak_seconds, true).await;
    churn.store(false, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        let _ = c.await;
    }
    // Each client makes sure it is caught up, then the ledger is compared
    // with the database.
    let svc = koine::services(&env.config(), koine_services::clock::Clock::System)
        .await
        .expect("services");
    let mut lost = 0u64;
    let (mut redelivered, mut conflicting) = (0u64, 0u64);
    let mut last_seqs: BTreeMap<Uuid, i64> = BTreeMap::new();
    for (m, s_) in members.iter().zip(&seen) {
        catch_up(stream_addr, m, s_).await;
        let last = match last_seqs.get(&m.conversation) {
            Some(l) => *l,
            None => {
                let mut c = svc.db.acquire().await.expect("connection");
                let l = koine_store::repo::conversations::last_seq(c.conn(), m.conversation)
                    .await
                    .expect("last seq")
                    .unwrap_or(0);
                last_seqs.insert(m.conversation, l);
                l
            }
        };
        let s_ = s_.lock().expect("seen");
        lost += (1..=last).filter(|q| !s_.applied.contains_key(q)).count() as u64;
        redelivered += s_.redelivered;
        conflicting += s_.conflicting;
    }
    svc.db.close().await;
    s.stop().await;
    if let Some(r) = receiver {
        r.stop().await;
    }
    let stored = count_messages().await - stored_before;
    env.cleanup().await;
    json!({
        "benchmark": "messaging",
        "nodes": o.nodes.name(),
        "backend": format!("{:?}", o.backend).to_lowercase(),
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "clients": o.clients,
        "conversations": o.clients / 2,
        "rate_per_client_per_second": o.rate,
        "streams_opened_in_seconds": connect_s,
        "server_rss_mb": { "before_streams": rss_before as f64 / 1024.0, "streams_open": rss_open as f64 / 1024.0, "after_load": rss_busy as f64 / 1024.0 },
        "idle_kib_per_socket": per_socket_kib,
        "healthz_with_streams_open": healthz.json(),
        "warm_up": { "seconds": WARM_UP_SECONDS + REPLAN_SECONDS, "sent": warm_sent, "status_counts": load::status_counts(&warm_statuses) },
        "load": {
            "seconds": send_s,
            "sent": sent,
            "status_counts": load::status_counts(&statuses),
            "delivered": delivered,
            "delivered_per_second": delivered as f64 / window,
            "post_ms": { "p50": pct(&posts, 0.5), "p99": pct(&posts, 0.99) },
            "send_to_deliver_ms": { "p50": pct(&lat, 0.5), "p90": pct(&lat, 0.9), "p99": pct(&lat, 0.99), "max": pct(&lat, 1.0) },
            "cpu": cpu,
            "across_the_bus": hop,
        },
        "soak": {
            "seconds": o.soak_seconds,
            "messages_sent": soak_sent,
            "status_counts": load::status_counts(&soak_statuses),
            "lost": lost,
            "duplicated_in_a_client": conflicting,
            "duplicated_in_the_database": stored - (warm_sent + sent + soak_sent) as i64,
            "redelivered_and_dropped_by_seq": redelivered,
        },
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn instants_travel_as_letters() {
        let t = 1_796_441_948_417_707;
        let l = super::letters(t);
        assert!(l.bytes().all(|b| b.is_ascii_lowercase()), "{l}");
        assert_eq!(super::from_letters(&l), Some(t));
        assert!(koine_domain::contact_guard::find(&format!("sent {l}")).is_empty());
    }
}
