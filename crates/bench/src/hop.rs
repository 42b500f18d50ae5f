//! Where a message's time goes across nodes. A listener of the benchmark's
//! own on the NATS servers notes when each message reaches the bus, so a
//! message's send → deliver splits in two: send → on the bus (the sending
//! node's answer and its publish) and on the bus → delivered (NATS to the
//! other node, that node's stream, and the client reading it).
//!
//! The listener is one more subscriber on the bus, so it listens to a
//! sample of the members only (one in `SAMPLE`): the bus carries their
//! messages once more, the others' as without it.

use futures_util::StreamExt;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// One member in this many is listened to.
pub const SAMPLE: usize = 10;

/// A message as its receiver's client saw it (instants in µs).
pub struct Delivery {
    pub id: String,
    pub sent_us: i64,
    pub delivered_us: i64,
}

/// When each message (by id) reached the bus, while `measuring` is set.
pub struct Tap {
    on_bus: Arc<Mutex<HashMap<String, i64>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Tap {
    /// Listens on the subjects of one in `SAMPLE` of `members` on the NATS
    /// servers in `urls`.
    pub async fn start(urls: &str, members: &[Uuid], measuring: Arc<AtomicBool>) -> Self {
        let servers: Vec<async_nats::ServerAddr> = urls
            .split(',')
            .map(|u| u.trim().parse().expect("a NATS address"))
            .collect();
        let client = async_nats::connect(servers).await.expect("the tap connects to NATS");
        let mut heard = futures_util::stream::select_all(
            futures_util::future::join_all(
                members
                    .iter()
                    .step_by(SAMPLE)
                    .map(|m| client.subscribe(format!("koine.member.{m}"))),
            )
            .await
            .into_iter()
            .map(|s| s.expect("the tap subscribes")),
        );
        // The subscription is in place on the servers before sending starts.
        client.flush().await.expect("the tap's subscription flushed");
        let on_bus: Arc<Mutex<HashMap<String, i64>>> = Arc::default();
        let noted = on_bus.clone();
        let task = tokio::spawn(async move {
            let _client = client;
            while let Some(m) = heard.next().await {
                if !measuring.load(Ordering::Relaxed) {
                    continue;
                }
                let at = crate::messaging::now_us();
                let v: Value = serde_json::from_slice(&m.payload).unwrap_or(Value::Null);
                // Each message goes out to both members; the receiver's copy
                // is the one that crosses to the other node's stream.
                let to = m.subject.as_str().rsplit('.').next().unwrap_or_default();
                let d = &v["data"];
                if v["kind"] == "message"
                    && d["sender"].as_str() != Some(to)
                    && let Some(id) = d["id"].as_str()
                {
                    noted.lock().expect("on the bus").insert(id.to_owned(), at);
                }
            }
        });
        Self { on_bus, task }
    }

    /// Stops listening: when each message reached the bus.
    pub fn stop(self) -> HashMap<String, i64> {
        self.task.abort();
        std::mem::take(&mut *self.on_bus.lock().expect("on the bus"))
    }
}

/// The split of each delivery the tap saw: the quantiles of both parts,
/// and the parts of the slowest 1 % end to end (medians), which says where
/// the tail is.
pub fn split(deliveries: &[Delivery], on_bus: &HashMap<String, i64>) -> Value {
    let mut parts: Vec<(u64, u64, u64)> = deliveries
        .iter()
        .filter_map(|d| {
            let at = *on_bus.get(&d.id)?;
            let to_bus = (at - d.sent_us).max(0) as u64;
            let from_bus = (d.delivered_us - at).max(0) as u64;
            Some((to_bus + from_bus, to_bus, from_bus))
        })
        .collect();
    parts.sort_unstable();
    let quantiles = |pick: fn(&(u64, u64, u64)) -> u64, of: &[(u64, u64, u64)]| {
        let mut v: Vec<u64> = of.iter().map(pick).collect();
        v.sort_unstable();
        json!({
            "p50": crate::messaging::pct(&v, 0.5),
            "p90": crate::messaging::pct(&v, 0.9),
            "p99": crate::messaging::pct(&v, 0.99),
        })
    };
    let slowest = &parts[parts.len() - parts.len().div_ceil(100)..];
    let median = |pick: fn(&(u64, u64, u64)) -> u64| {
        let mut v: Vec<u64> = slowest.iter().map(pick).collect();
        v.sort_unstable();
        crate::messaging::pct(&v, 0.5)
    };
    json!({
        "seen_on_the_bus": parts.len(),
        "send_to_bus_ms": quantiles(|p| p.1, &parts),
        "bus_to_delivered_ms": quantiles(|p| p.2, &parts),
        "slowest_1_percent": {
            "messages": slowest.len(),
            "end_to_end_ms_median": median(|p| p.0),
            "send_to_bus_ms_median": median(|p| p.1),
            "bus_to_delivered_ms_median": median(|p| p.2),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(id: &str, sent_us: i64, delivered_us: i64) -> Delivery {
        Delivery {
            id: id.to_owned(),
            sent_us,
            delivered_us,
        }
    }

    #[test]
    fn the_tail_is_split_where_it_was_spent() {
        // 99 quick messages (1 ms to the bus, 1 ms on), and one slow on the
        // receiving side (1 ms to the bus, 50 ms on); one the tap missed.
        let mut deliveries: Vec<Delivery> = (0..99).map(|i| d(&format!("m{i}"), 0, 2_000)).collect();
        deliveries.push(d("slow", 0, 51_000));
        deliveries.push(d("unseen", 0, 90_000));
        let mut on_bus: HashMap<String, i64> = (0..99).map(|i| (format!("m{i}"), 1_000)).collect();
        on_bus.insert("slow".into(), 1_000);
        let s = split(&deliveries, &on_bus);
        assert_eq!(s["seen_on_the_bus"], 100);
        assert_eq!(s["send_to_bus_ms"]["p99"], 1.0);
        assert_eq!(s["bus_to_delivered_ms"]["p50"], 1.0);
        assert_eq!(s["slowest_1_percent"]["messages"], 1);
        assert_eq!(s["slowest_1_percent"]["end_to_end_ms_median"], 51.0);
        assert_eq!(s["slowest_1_percent"]["send_to_bus_ms_median"], 1.0);
        assert_eq!(s["slowest_1_percent"]["bus_to_delivered_ms_median"], 50.0);
    }

    #[test]
    fn nothing_seen_splits_into_nothing() {
        let s = split(&[d("a", 0, 1)], &HashMap::new());
        assert_eq!(s["seen_on_the_bus"], 0);
        assert_eq!(s["slowest_1_percent"]["messages"], 0);
    }
}
