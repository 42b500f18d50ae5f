//! A small closed-loop load generator: `connections` keep-alive HTTP/1.1
//! connections, each sending the next request as soon as the last answered.

use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

pub struct Req {
    pub bytes: Vec<u8>,
}

impl Req {
    pub fn get(path: &str) -> Self {
        Self {
            bytes: format!("GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n").into_bytes(),
        }
    }

    pub fn post_json(path: &str, body: String) -> Self {
        Self::post_json_with(path, body, &[])
    }

    /// A JSON POST with extra headers (`Authorization`, `Idempotency-Key`).
    pub fn post_json_with(path: &str, body: String, headers: &[(&str, &str)]) -> Self {
        let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\n\r\n",
            body.len()
        );
        Self {
            bytes: [head.into_bytes(), body.into_bytes()].concat(),
        }
    }
}

pub struct Outcome {
    pub requests: u64,
    pub by_status: std::collections::BTreeMap<u16, u64>,
    pub seconds: f64,
    pub latencies_us: Vec<u64>,
}

impl Outcome {
    fn pct(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        self.latencies_us[i] as f64 / 1000.0
    }

    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.seconds
    }

    pub fn json(&self) -> Value {
        json!({
            "requests": self.requests,
            "per_second": self.requests as f64 / self.seconds,
            "status_counts": status_counts(&self.by_status),
            "latency_ms": { "p50": self.pct(0.50), "p90": self.pct(0.90), "p99": self.pct(0.99), "max": self.pct(1.0) },
        })
    }
}

/// The ticks of sender `k` of `senders` that together send one request
/// every `every / senders`: each sends every `every`, starting `k / senders`
/// of the way into the first period. Started in step, the senders would
/// all fire at once, and a steady rate would arrive as bursts of
/// `senders` requests (measured: with 64 senders at 100 messages/s, a
/// message's p50 was 12.8 ms in bursts against 4.1 ms with 4 senders).
pub fn staggered_ticks(every: Duration, k: usize, senders: usize) -> tokio::time::Interval {
    let offset = every.mul_f64(k as f64 / senders.max(1) as f64);
    tokio::time::interval_at(tokio::time::Instant::now() + offset, every)
}

/// Answers by status, as the benchmarks' output shows them.
pub fn status_counts(by_status: &std::collections::BTreeMap<u16, u64>) -> Value {
    by_status
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// Reads one response; returns its status code.
pub async fn read_response(r: &mut BufReader<TcpStream>) -> std::io::Result<u16> {
    read_response_body(r).await.map(|(status, _)| status)
}

/// Reads one response: its status code and body.
pub async fn read_response_body(r: &mut BufReader<TcpStream>) -> std::io::Result<(u16, Vec<u8>)> {
    let mut line = String::new();
    r.read_line(&mut line).await?;
    let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut length = 0usize;
    loop {
        line.clear();
        r.read_line(&mut line).await?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    r.read_exact(&mut body).await?;
    Ok((status, body))
}

pub async fn run(
    addr: SocketAddr,
    connections: usize,
    duration: Duration,
    make: impl Fn(u64) -> Req + Send + Sync + 'static,
) -> Outcome {
    let make = Arc::new(make);
    let counter = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (make, counter) = (make.clone(), counter.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut statuses = Vec::new();
            let stream = TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).ok();
            let mut r = BufReader::new(stream);
            while Instant::now() < deadline {
                let req = make(counter.fetch_add(1, Ordering::Relaxed));
                let t = Instant::now();
                if r.get_mut().write_all(&req.bytes).await.is_err() {
                    break;
                }
                match read_response(&mut r).await {
                    Ok(status) => {
                        lat.push(t.elapsed().as_micros() as u64);
                        statuses.push(status);
                    }
                    Err(_) => break,
                }
            }
            (lat, statuses)
        }));
    }
    let mut latencies_us = Vec::new();
    let mut by_status = std::collections::BTreeMap::new();
    for t in tasks {
        let (lat, statuses) = t.await.expect("load task");
        latencies_us.extend(lat);
        for s in statuses {
            *by_status.entry(s).or_insert(0) += 1;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    latencies_us.sort_unstable();
    Outcome {
        requests: latencies_us.len() as u64,
        by_status,
        seconds,
        latencies_us,
    }
}
