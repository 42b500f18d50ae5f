//! `koine-bench classroom`: call signalling between the two members of
//! many lesson rooms at once, over the real server's stream.
//!
//! `rooms` confirmed lessons, all in their room window, each with its
//! learner and teacher holding one stream (`GET /api/v1/stream`, bearer
//! token). Both announce themselves (`ready`), then every room runs call
//! set-ups at random moments over `seconds`: the learner sends an offer and
//! ICE candidates, the teacher answers with an answer and candidates — as a
//! browser pair does when a call starts or restarts. Each signal carries
//! the instant it was sent, so the receiver measures the relay's send →
//! deliver time; every signal must arrive exactly once.

use crate::messaging::{connect, pct};
use crate::seed::{Members, Sessions, V, insert};
use crate::{BackendArg, server};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message as Frame;
use uuid::Uuid;

const MINUTE_US: i64 = 60_000_000;

pub struct Options {
    pub backend: BackendArg,
    pub database_url: String,
    pub rooms: usize,
    pub seconds: u64,
    /// Call set-ups per room over the run.
    pub setups: usize,
    /// ICE candidates each side sends per set-up.
    pub candidates: usize,
}

pub(crate) struct Room {
    pub(crate) lesson: Uuid,
    pub(crate) learner_id: Uuid,
    pub(crate) teacher_id: Uuid,
    /// Session tokens.
    pub(crate) learner: String,
    pub(crate) teacher: String,
}

/// Members, a session each, and a confirmed lesson per pair starting in
/// five minutes (its room is open).
pub(crate) async fn seed(svc: &koine_services::Services, rooms: usize) -> Vec<Room> {
    let now = svc.clock.now_us();
    let (mut members, mut sessions, mut lessons, mut out) =
        (Members::default(), Sessions::default(), Vec::new(), Vec::new());
    for i in 0..rooms {
        let (learner, teacher) = (Uuid::now_v7(), Uuid::now_v7());
        for (id, who) in [(learner, "learner"), (teacher, "teacher")] {
            members.push(
                id,
                format!("room-{who}{i}@bench.koine.test"),
                format!("Bench {who} {i}"),
                "UTC",
                now - 400 * 24 * 60 * MINUTE_US,
            );
        }
        let lesson = Uuid::now_v7();
        let starts = now + 5 * MINUTE_US;
        lessons.push(vec![
            V::U(lesson),
            V::U(learner),
            V::U(teacher),
            V::T("single".into()),
            V::T("es".into()),
            V::I(60),
            V::I(starts),
            V::I(starts + 60 * MINUTE_US),
            V::T("confirmed".into()),
            V::I(2000),
            V::I(2000),
            V::I(0),
            V::T("EUR".into()),
            V::I(1500),
            V::I(now),
            V::I(now),
            V::I(now),
            V::Bool(false),
            V::I(1),
            V::I(now),
        ]);
        out.push(Room {
            lesson,
            learner_id: learner,
            teacher_id: teacher,
            learner: sessions.push(learner, now),
            teacher: sessions.push(teacher, now),
        });
    }
    let mut tx = svc.db.begin().await.expect("begin");
    members.insert(tx.conn()).await;
    sessions.insert(tx.conn()).await;
    insert(
        tx.conn(),
        "lessons",
        &[
            "id",
            "learner_id",
            "teacher_id",
            "kind",
            "language",
            "duration_minutes",
            "starts_at",
            "ends_at",
            "status",
            "price_minor",
            "paid_minor",
            "discount_minor",
            "currency",
            "commission_bp",
            "requested_at",
            "respond_by",
            "confirmed_at",
            "late_cancellation",
            "sequence",
            "updated_at",
        ],
        lessons,
    )
    .await;
    tx.commit().await.expect("commit");
    out
}

fn now_us(origin: Instant) -> u64 {
    origin.elapsed().as_micros() as u64
}

/// A description the size a browser's is (audio, video, a data line:
/// about 3 KiB), stamped with the instant it was sent.
fn sdp(sent: u64) -> String {
    let mut s = format!("v=0\r\no=- {sent} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
    while s.len() < 3000 {
        s.push_str("a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n");
    }
    s
}

fn candidate(sent: u64, n: usize) -> String {
    format!(
        "candidate:{sent} 1 udp 41885439 198.51.100.{} {} typ relay raddr 0.0.0.0 rport 0",
        n % 250,
        50000 + n
    )
}

/// The instant a received signal was sent, from its stamp.
fn stamp(signal: &Value) -> Option<u64> {
    match signal["type"].as_str()? {
        "offer" | "answer" => signal["sdp"].as_str()?.split(' ').nth(1)?.parse().ok(),
        "candidate" => signal["candidate"]
            .as_str()?
            .split(' ')
            .next()?
            .strip_prefix("candidate:")?
            .parse()
            .ok(),
        _ => None,
    }
}

#[derive(Default)]
struct Tally {
    latencies_us: Mutex<Vec<u64>>,
    sent: AtomicU64,
    received: AtomicU64,
    refused: AtomicU64,
}

pub(crate) fn frame(lesson: Uuid, call: &str, signal: Value) -> Frame {
    Frame::Text(
        json!({ "kind": "signal", "data": { "lesson": lesson, "call": call, "signal": signal } })
            .to_string()
            .into(),
    )
}

/// One side of a room.
struct Side {
    addr: SocketAddr,
    token: String,
    lesson: Uuid,
    /// The teacher's side (answers); the learner's offers.
    offers: bool,
    candidates: usize,
    /// Signals it should receive over the run.
    expect: u64,
    origin: Instant,
}

/// One side of a room: sends its part of each set-up when told to, and
/// counts what arrives from the other side.
async fn side(me: Side, mut turns: tokio::sync::mpsc::Receiver<()>, tally: Arc<Tally>) {
    let Side {
        addr,
        token,
        lesson,
        offers,
        candidates,
        expect,
        origin,
    } = me;
    let ws = connect(addr, &token).await;
    let (mut tx, mut rx) = ws.split();
    let call = if offers { "teacher" } else { "learner" };
    let reader = {
        let tally = tally.clone();
        tokio::spawn(async move {
            let mut got = 0u64;
            while got < expect {
                let Some(Ok(Frame::Text(t))) = rx.next().await else {
                    break;
                };
                let Ok(v) = serde_json::from_str::<Value>(t.as_str()) else {
                    continue;
                };
                match v["kind"].as_str() {
                    Some("signal") => {
                        if let Some(sent) = stamp(&v["data"]["signal"]) {
                            let took = now_us(origin).saturating_sub(sent);
                            tally.latencies_us.lock().expect("latencies").push(took);
                            tally.received.fetch_add(1, Ordering::Relaxed);
                            got += 1;
                        }
                    }
                    Some("signal_refused") => {
                        tally.refused.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {}
                }
            }
        })
    };
    let _ = tx.send(frame(lesson, call, json!({ "type": "ready" }))).await;
    while turns.recv().await.is_some() {
        let sent = now_us(origin);
        let kind = if offers { "answer" } else { "offer" };
        let mut burst = vec![frame(lesson, call, json!({ "type": kind, "sdp": sdp(sent) }))];
        for n in 0..candidates {
            let c = json!({ "type": "candidate", "candidate": candidate(now_us(origin), n), "sdp_mid": "0", "sdp_m_line_index": 0 });
            burst.push(frame(lesson, call, c));
        }
        for f in burst {
            if tx.send(f).await.is_err() {
                break;
            }
            tally.sent.fetch_add(1, Ordering::Relaxed);
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), reader).await;
    let _ = tx.close().await;
}

pub async fn run(o: Options) -> Value {
    let env = server::Env::prepare(o.backend, &o.database_url).await;
    let rooms = {
        let svc = koine::services(&env.config(), koine_services::clock::Clock::System)
            .await
            .expect("services");
        let r = seed(&svc, o.rooms).await;
        svc.db.close().await;
        r
    };
    let s = server::Server::start(&env).await;
    let addr = s.addr;
    let origin = Instant::now();
    let tally = Arc::new(Tally::default());
    let per_side = (o.setups * (1 + o.candidates)) as u64;
    let mut tasks = Vec::new();
    let mut triggers = Vec::new();
    for r in &rooms {
        let mut pair = Vec::new();
        for (token, offers) in [(&r.learner, false), (&r.teacher, true)] {
            let (go, turns) = tokio::sync::mpsc::channel(o.setups);
            pair.push(go);
            let me = Side {
                addr,
                token: token.clone(),
                lesson: r.lesson,
                offers,
                candidates: o.candidates,
                expect: per_side,
                origin,
            };
            tasks.push(tokio::spawn(side(me, turns, tally.clone())));
        }
        triggers.push(pair);
    }
    // Everyone connected and announced before the set-ups start.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss = s.rss_kib();
    // Each room's set-ups at evenly spread moments with a per-room offset,
    // so the load is steady rather than one burst.
    let spacing = Duration::from_secs(o.seconds) / o.setups as u32;
    let started = Instant::now();
    let schedule = tokio::spawn(async move {
        let rooms = triggers.len();
        for round in 0..o.setups {
            for (i, pair) in triggers.iter().enumerate() {
                let at = spacing * round as u32 + spacing.mul_f64(i as f64 / rooms as f64);
                tokio::time::sleep_until(tokio::time::Instant::from_std(started + at)).await;
                for go in pair {
                    let _ = go.send(()).await;
                }
            }
        }
        drop(triggers);
    });
    let _ = schedule.await;
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut lat = std::mem::take(&mut *tally.latencies_us.lock().expect("latencies"));
    lat.sort_unstable();
    let (sent, received) = (
        tally.sent.load(Ordering::Relaxed),
        tally.received.load(Ordering::Relaxed),
    );
    s.stop().await;
    json!({
        "benchmark": "classroom signalling",
        "backend": format!("{:?}", o.backend).to_lowercase(),
        "rooms": o.rooms,
        "streams": o.rooms * 2,
        "setups_per_room": o.setups,
        "signals_per_setup_per_side": 1 + o.candidates,
        "signals_sent": sent,
        "signals_delivered": received,
        "signals_refused": tally.refused.load(Ordering::Relaxed),
        "signals_per_second": received as f64 / elapsed,
        "relay_ms": { "p50": pct(&lat, 0.50), "p90": pct(&lat, 0.90), "p99": pct(&lat, 0.99), "max": pct(&lat, 1.0) },
        "server_rss_kib_with_streams_open": rss,
        "goal": "relay p99 <= 10 ms",
    })
}

pub struct RelayOptions {
    /// Client pairs turnutils_uclient runs at once.
    pub clients: usize,
    /// Messages each client sends.
    pub messages: usize,
    /// Bytes per message.
    pub length: usize,
}

/// CPU time a process has used, in seconds (user + system).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc stat");
    // Fields after the command name, which is in parentheses.
    let rest = &stat[stat.rfind(')').expect("a command name") + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f[11].parse::<f64>().expect("utime") + f[12].parse::<f64>().expect("stime");
    ticks / 100.0
}

pub(crate) fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free port")
        .port()
}

/// turnutils_uclient's own count of what came back through the relay.
fn received(report: &str) -> u64 {
    report
        .lines()
        .filter_map(|l| l.split("tot_recv_msgs=").nth(1))
        .filter_map(|v| v.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
        .next_back()
        .unwrap_or(0)
}

/// One load against one relay: `pace_ms` between a client's packets (0:
/// as fast as it can).
fn relay_load(o: &RelayOptions, pid: u32, port: u16, secret: &str, pace_ms: u64) -> Value {
    let user = format!("{}.{}", Uuid::now_v7().simple(), Uuid::now_v7().simple());
    let cpu_before = cpu_seconds(pid);
    let started = Instant::now();
    let out = std::process::Command::new("turnutils_uclient")
        .args(["-y", "-c"])
        .args(["-m", &o.clients.to_string(), "-n", &o.messages.to_string()])
        .args(["-l", &o.length.to_string(), "-z", &pace_ms.to_string()])
        .args(["-u", &user, "-W", secret, "-p", &port.to_string(), "127.0.0.1"])
        .output()
        .expect("turnutils_uclient (Debian's coturn) runs");
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds(pid) - cpu_before;
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let got = received(&report);
    let sent = (o.clients * o.messages) as u64;
    let mbit = got as f64 * o.length as f64 * 8.0 / 1e6;
    json!({
        "packets_sent": sent,
        "packets_relayed_back": got,
        "lost_percent": if sent == 0 { 0.0 } else { 100.0 * (sent.saturating_sub(got)) as f64 / sent as f64 },
        "seconds": wall,
        "packets_per_second": got as f64 / wall,
        "relay_cpu_seconds": cpu,
        "relay_cpu_seconds_per_mbit": if mbit > 0.0 { cpu / mbit } else { 0.0 },
    })
}

/// The built-in TURN relay against Debian's coturn on the same machine,
/// both loaded by coturn's own client (`turnutils_uclient`, client to
/// client through the relay), paced like calls and then flat out.
pub async fn relay(o: RelayOptions) -> Value {
    let env = server::Env::prepare(BackendArg::Sqlite, "").await;
    let secret = "bench-relay-secret-0123456789";
    let (built_in_port, coturn_port) = (free_udp_port(), free_udp_port());
    let listen = format!("127.0.0.1:{built_in_port}");
    let s = server::Server::start_with(
        &env,
        &[
            ("KOINE_TURN_LISTEN", listen.as_str()),
            ("KOINE_TURN_SECRET", secret),
            ("KOINE_TURN_ALLOW_PRIVATE_PEERS", "true"),
        ],
    )
    .await;
    let mut coturn = std::process::Command::new("turnserver")
        .args(["--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1"])
        .arg(format!("--listening-port={coturn_port}"))
        .args([
            "--use-auth-secret",
            &format!("--static-auth-secret={secret}"),
            "--realm=koine",
        ])
        .args([
            "--allow-loopback-peers",
            "--no-tcp",
            "--no-tls",
            "--no-dtls",
            "--no-cli",
        ])
        .args(["--log-file=/dev/null", "--simple-log"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("turnserver (Debian's coturn) starts");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut results = serde_json::Map::new();
    for (name, pace) in [("paced_5ms", 5), ("flat_out", 0)] {
        let built_in = relay_load(&o, s.pid(), built_in_port, secret, pace);
        let reference = relay_load(&o, coturn.id(), coturn_port, secret, pace);
        let ratio = built_in["packets_per_second"].as_f64().unwrap_or(0.0)
            / reference["packets_per_second"].as_f64().unwrap_or(1.0).max(1e-9);
        results.insert(
            name.into(),
            json!({ "built_in": built_in, "coturn": reference, "built_in_rate_vs_coturn": ratio }),
        );
    }
    let _ = coturn.kill();
    let _ = coturn.wait();
    s.stop().await;
    json!({
        "benchmark": "TURN relay: built-in against coturn",
        "clients": o.clients,
        "messages_per_client": o.messages,
        "bytes_per_message": o.length,
        "results": results,
        "goal": "the built-in relay reaches >= 50% of coturn's packet rate",
    })
}
