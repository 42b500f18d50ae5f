//! The bus between the nodes of a cluster, over NATS core (at-most-once,
//! which is enough: clients catch up from the database by sequence).
//!
//! A node delivers its own events to its own connections directly and
//! publishes them on `koine.member.<account>`; it listens on that subject
//! only while the member has a connection here, so NATS routes each event
//! to the nodes that want it. The connection is made with "no echo": a
//! node never hears its own events back. Whether a member is online
//! anywhere is a request on the same subject, answered by any node that
//! holds one of their connections. Changes to what every node keeps a
//! copy of (the teacher search) go to all nodes on `koine.nodes`.

use super::{Bus, Event, LocalBus, NodeEvent, Subscription};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;
use uuid::Uuid;

/// Events waiting to go out while NATS is slow or away; beyond this they
/// are dropped (clients catch up from the database).
const OUTGOING: usize = 65_536;

/// How long a presence question waits for a node to answer.
const PRESENCE_WAIT: Duration = Duration::from_millis(250);

/// How long a member another node said is online counts as online without
/// asking again.
const PRESENCE_FRESH: Duration = Duration::from_secs(2);

/// Until this long after a node last said a member is online, they count as
/// online at once while they are asked about again in the background: a
/// message to them (which asks whether to email them) does not wait for
/// the question. At most this long after they left, they are not emailed
/// about a message.
const PRESENCE_KEPT: Duration = Duration::from_secs(10);

/// When another node last said a member is online, and whether they are
/// being asked about again.
struct Seen {
    at: std::time::Instant,
    asking: bool,
}

type SeenElsewhere = Arc<Mutex<HashMap<Uuid, Seen>>>;

fn subject(account: Uuid) -> String {
    format!("koine.member.{account}")
}

/// Where nodes tell each other of changes to the copies they keep.
const NODES: &str = "koine.nodes";

/// Node events waiting for this node's follower; beyond this it rebuilds.
const NODE_BACKLOG: usize = 1024;

pub struct NatsBus {
    client: async_nats::Client,
    local: LocalBus,
    /// Per member with a connection here: the task forwarding their events
    /// from NATS (aborting it unsubscribes).
    listening: Arc<Mutex<HashMap<Uuid, JoinHandle<()>>>>,
    outgoing: mpsc::Sender<(Uuid, Vec<u8>)>,
    node_events: broadcast::Sender<NodeEvent>,
    /// Members another node said are online, and when it said so.
    seen_elsewhere: SeenElsewhere,
}

impl NatsBus {
    /// Connects to the NATS servers in `urls` (comma-separated); the client
    /// reconnects by itself, to any of them, when a server goes away.
    pub async fn connect(urls: &str) -> Result<Self, String> {
        let servers = urls
            .split(',')
            .map(|u| u.trim().parse::<async_nats::ServerAddr>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let node_events = broadcast::Sender::new(NODE_BACKLOG);
        let told = node_events.clone();
        let first = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let client = async_nats::ConnectOptions::new()
            .name("koine")
            .no_echo()
            .event_callback(move |event| {
                let (told, first) = (told.clone(), first.clone());
                async move {
                    // Back after an outage (not the first connection): what
                    // was said meanwhile is lost.
                    if let async_nats::Event::Connected = event
                        && !first.swap(false, std::sync::atomic::Ordering::Relaxed)
                    {
                        let _ = told.send(NodeEvent::Missed);
                    }
                }
            })
            .connect(servers)
            .await
            .map_err(|e| e.to_string())?;
        let mut heard = client.subscribe(NODES).await.map_err(|e| e.to_string())?;
        {
            let node_events = node_events.clone();
            tokio::spawn(async move {
                while let Some(m) = heard.next().await {
                    match serde_json::from_slice::<NodeEvent>(&m.payload) {
                        Ok(e) => {
                            let _ = node_events.send(e);
                        }
                        Err(e) => tracing::warn!("a node event from NATS did not read: {e}"),
                    }
                }
            });
        }
        let (left_tx, mut left_rx) = mpsc::unbounded_channel();
        let local = LocalBus::reporting_leaves(left_tx);
        let listening: Arc<Mutex<HashMap<Uuid, JoinHandle<()>>>> = Arc::default();
        {
            // A member's last connection here closed: stop listening, unless
            // a new one opened meanwhile (checked under the same lock that
            // `subscribe` starts listening under).
            let (local, listening) = (local.clone(), listening.clone());
            tokio::spawn(async move {
                while let Some(account) = left_rx.recv().await {
                    let mut listening = listening.lock().expect("bus lock");
                    if !local.here(account)
                        && let Some(task) = listening.remove(&account)
                    {
                        task.abort();
                    }
                }
            });
        }
        let (outgoing, mut queue) = mpsc::channel::<(Uuid, Vec<u8>)>(OUTGOING);
        {
            // One publisher keeps each node's events in the order published.
            let client = client.clone();
            tokio::spawn(async move {
                while let Some((account, payload)) = queue.recv().await {
                    if let Err(e) = client.publish(subject(account), payload.into()).await {
                        tracing::warn!("an event could not go out on NATS: {e}");
                    }
                }
            });
        }
        Ok(Self {
            client,
            local,
            listening,
            outgoing,
            node_events,
            seen_elsewhere: SeenElsewhere::default(),
        })
    }
}

/// Until aborted: hands the member's events from other nodes to their
/// connections here, and answers presence questions.
async fn listen(client: async_nats::Client, account: Uuid, local: LocalBus) {
    let mut events = match client.subscribe(subject(account)).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("cannot listen on NATS: {e}");
            return;
        }
    };
    while let Some(m) = events.next().await {
        if let Some(reply) = m.reply {
            // A presence question: the member is connected here.
            let _ = client.publish(reply, "here".into()).await;
            continue;
        }
        match serde_json::from_slice::<Event>(&m.payload) {
            Ok(e) => local.publish(account, Arc::new(e)),
            Err(e) => tracing::warn!("an event from NATS did not read: {e}"),
        }
    }
}

/// Asks whether any node holds a connection of the member's, and remembers
/// the answer.
async fn ask_online(client: &async_nats::Client, seen: &SeenElsewhere, account: Uuid) -> bool {
    // No node listening answers "no responders" at once; a node that cannot
    // answer in time counts as away (an email notice may go).
    let asked = client.request(subject(account), Default::default());
    let online = matches!(tokio::time::timeout(PRESENCE_WAIT, asked).await, Ok(Ok(_)));
    let mut seen = seen.lock().expect("bus lock");
    if online {
        if seen.len() > 100_000 {
            seen.retain(|_, s| s.at.elapsed() < PRESENCE_KEPT);
        }
        let at = std::time::Instant::now();
        seen.insert(account, Seen { at, asking: false });
    } else {
        seen.remove(&account);
    }
    online
}

impl Bus for NatsBus {
    fn publish(&self, account: Uuid, event: Arc<Event>) {
        let payload = serde_json::to_vec(&*event).expect("events serialize");
        self.local.publish(account, event);
        if self.outgoing.try_send((account, payload)).is_err() {
            tracing::warn!("NATS is behind: an event was dropped (clients catch up from the database)");
        }
    }

    fn subscribe(&self, account: Uuid) -> Subscription {
        let subscription = self.local.subscribe(account);
        let mut listening = self.listening.lock().expect("bus lock");
        listening
            .entry(account)
            .or_insert_with(|| tokio::spawn(listen(self.client.clone(), account, self.local.clone())));
        subscription
    }

    fn online(&self, account: Uuid) -> Pin<Box<dyn Future<Output = bool> + Send + '_>> {
        Box::pin(async move {
            if self.local.here(account) {
                return true;
            }
            {
                let mut seen = self.seen_elsewhere.lock().expect("bus lock");
                if let Some(s) = seen.get_mut(&account) {
                    let age = s.at.elapsed();
                    if age < PRESENCE_FRESH {
                        return true;
                    }
                    if age < PRESENCE_KEPT {
                        if !std::mem::replace(&mut s.asking, true) {
                            let (client, seen) = (self.client.clone(), self.seen_elsewhere.clone());
                            tokio::spawn(async move { ask_online(&client, &seen, account).await });
                        }
                        return true;
                    }
                    seen.remove(&account);
                }
            }
            ask_online(&self.client, &self.seen_elsewhere, account).await
        })
    }

    fn connected(&self) -> bool {
        self.client.connection_state() == async_nats::connection::State::Connected
    }

    fn tell_nodes(&self, event: NodeEvent) {
        let client = self.client.clone();
        let payload = serde_json::to_vec(&event).expect("node events serialize");
        tokio::spawn(async move {
            if let Err(e) = client.publish(NODES, payload.into()).await {
                tracing::warn!("a node event could not go out on NATS: {e}");
            }
        });
    }

    fn node_events(&self) -> Option<broadcast::Receiver<NodeEvent>> {
        Some(self.node_events.subscribe())
    }
}
