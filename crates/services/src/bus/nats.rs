//! The bus between the nodes of a cluster, over NATS core (at-most-once,
//! which is enough: clients catch up from the database by sequence).
//!
//! A node delivers its own events to its own connections directly and
//! publishes them on `koine.member.<account>`; it listens on that subject
//! only while the member has a connection here, so NATS routes each event
//! to the nodes that want it. The connection is made with "no echo": a
//! node never hears its own events back. Who is online where, each node
//! tells the others on `koine.presence` (`presence`). Changes to what every
//! node keeps a copy of (the teacher search) go to all nodes on
//! `koine.nodes`.

use super::presence::{ANNOUNCE, Elsewhere};
use super::{Bus, Event, LocalBus, NodeEvent, Subscription};
use bytes::Bytes;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;
use uuid::Uuid;

/// Events waiting to go out while NATS is slow or away; beyond this they
/// are dropped (clients catch up from the database).
const OUTGOING: usize = 65_536;

fn subject(account: Uuid) -> String {
    format!("koine.member.{account}")
}

/// Where nodes tell each other of changes to the copies they keep.
const NODES: &str = "koine.nodes";

/// Where nodes tell each other who is connected to them.
const PRESENCE: &str = "koine.presence";

/// Members named in one presence message (well under NATS's 1 MB).
const PER_NEWS: usize = 1000;

/// What a node says on `PRESENCE`.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum PresenceNews {
    /// `node` holds connections of these members: one as they arrive, and
    /// everyone it holds every `ANNOUNCE`.
    Here { node: Uuid, members: Vec<Uuid> },
    /// `node`'s last connection of these members closed.
    Gone { node: Uuid, members: Vec<Uuid> },
    /// A node that starts, or is back after an outage, asks every node to
    /// say at once whom it holds.
    RollCall,
}

impl PresenceNews {
    fn payload(&self) -> Bytes {
        serde_json::to_vec(self).expect("presence news serializes").into()
    }
}

/// Node events waiting for this node's follower; beyond this it rebuilds.
const NODE_BACKLOG: usize = 1024;

type Listening = Arc<Mutex<HashMap<Uuid, JoinHandle<()>>>>;

/// What goes out on NATS, in order, through one publisher.
type Outgoing = mpsc::Sender<(String, Bytes)>;

pub struct NatsBus {
    client: async_nats::Client,
    /// This node, as it names itself in presence news.
    node: Uuid,
    local: LocalBus,
    /// Per member with a connection here: the task forwarding their events
    /// from NATS (aborting it unsubscribes).
    listening: Listening,
    outgoing: Outgoing,
    node_events: broadcast::Sender<NodeEvent>,
    /// Members the other nodes say they hold.
    elsewhere: Arc<Mutex<Elsewhere>>,
}

/// Queues `news` after what is already queued (so a member's arrival and
/// departure reach the other nodes in order).
fn say(outgoing: &Outgoing, news: &PresenceNews) {
    if outgoing.try_send((PRESENCE.to_owned(), news.payload())).is_err() {
        tracing::warn!("NATS is behind: presence news was dropped (it is repeated every {ANNOUNCE:?})");
    }
}

/// Says everyone with a connection here. Queued under the lock that
/// arrivals and departures are said under, so a departure is never followed
/// by an older list that still names the member.
fn announce(outgoing: &Outgoing, node: Uuid, listening: &Listening) {
    let listening = listening.lock().expect("bus lock");
    let members: Vec<Uuid> = listening.keys().copied().collect();
    for chunk in members.chunks(PER_NEWS) {
        let members = chunk.to_vec();
        say(outgoing, &PresenceNews::Here { node, members });
    }
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
        let (outgoing, mut queue) = mpsc::channel::<(String, Bytes)>(OUTGOING);
        // The tasks below hold the queue weakly: once the bus is dropped
        // they stop, and the publisher with them.
        let asking = outgoing.downgrade();
        let client = async_nats::ConnectOptions::new()
            .name("koine")
            .no_echo()
            .event_callback(move |event| {
                let (told, first, asking) = (told.clone(), first.clone(), asking.clone());
                async move {
                    // Back after an outage (not the first connection): what
                    // was said meanwhile is lost.
                    if let async_nats::Event::Connected = event
                        && !first.swap(false, std::sync::atomic::Ordering::Relaxed)
                    {
                        let _ = told.send(NodeEvent::Missed);
                        if let Some(outgoing) = asking.upgrade() {
                            say(&outgoing, &PresenceNews::RollCall);
                        }
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
        {
            // One publisher keeps each node's events in the order published.
            let client = client.clone();
            tokio::spawn(async move {
                while let Some((subject, payload)) = queue.recv().await {
                    if let Err(e) = client.publish(subject, payload).await {
                        tracing::warn!("an event could not go out on NATS: {e}");
                    }
                }
            });
        }
        let node = Uuid::now_v7();
        let (left_tx, mut left_rx) = mpsc::unbounded_channel();
        let local = LocalBus::reporting_leaves(left_tx);
        let listening = Listening::default();
        {
            // A member's last connection here closed: stop listening and say
            // so, unless a new one opened meanwhile (checked under the same
            // lock that `subscribe` starts listening under).
            let (local, listening, outgoing) = (local.clone(), listening.clone(), outgoing.downgrade());
            tokio::spawn(async move {
                while let Some(account) = left_rx.recv().await {
                    let mut listening = listening.lock().expect("bus lock");
                    if !local.here(account)
                        && let Some(task) = listening.remove(&account)
                    {
                        task.abort();
                        let Some(outgoing) = outgoing.upgrade() else { break };
                        say(
                            &outgoing,
                            &PresenceNews::Gone {
                                node,
                                members: vec![account],
                            },
                        );
                    }
                }
            });
        }
        let elsewhere: Arc<Mutex<Elsewhere>> = Arc::default();
        let mut news = client.subscribe(PRESENCE).await.map_err(|e| e.to_string())?;
        {
            let (elsewhere, listening, outgoing) = (elsewhere.clone(), listening.clone(), outgoing.downgrade());
            tokio::spawn(async move {
                while let Some(m) = news.next().await {
                    match serde_json::from_slice::<PresenceNews>(&m.payload) {
                        Ok(PresenceNews::Here { node: n, members }) if n != node => {
                            elsewhere.lock().expect("bus lock").here(n, &members, Instant::now());
                        }
                        Ok(PresenceNews::Gone { node: n, members }) if n != node => {
                            elsewhere.lock().expect("bus lock").gone(n, &members);
                        }
                        Ok(PresenceNews::RollCall) => {
                            let Some(outgoing) = outgoing.upgrade() else { break };
                            announce(&outgoing, node, &listening);
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!("presence news from NATS did not read: {e}"),
                    }
                }
            });
        }
        {
            // Everyone held here, again and again: what was lost on the way
            // or said before another node started is told within ANNOUNCE.
            let (elsewhere, listening, outgoing) = (elsewhere.clone(), listening.clone(), outgoing.downgrade());
            tokio::spawn(async move {
                let mut every = tokio::time::interval(ANNOUNCE);
                loop {
                    every.tick().await;
                    let Some(outgoing) = outgoing.upgrade() else { break };
                    elsewhere.lock().expect("bus lock").tidy(Instant::now());
                    announce(&outgoing, node, &listening);
                }
            });
        }
        // A node that starts learns at once whom the others hold.
        say(&outgoing, &PresenceNews::RollCall);
        Ok(Self {
            client,
            node,
            local,
            listening,
            outgoing,
            node_events,
            elsewhere,
        })
    }
}

/// Until aborted: hands the member's events from other nodes to their
/// connections here.
async fn listen(client: async_nats::Client, account: Uuid, local: LocalBus) {
    let mut events = match client.subscribe(subject(account)).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("cannot listen on NATS: {e}");
            return;
        }
    };
    while let Some(m) = events.next().await {
        match serde_json::from_slice::<Event>(&m.payload) {
            Ok(e) => local.publish(account, Arc::new(e)),
            Err(e) => tracing::warn!("an event from NATS did not read: {e}"),
        }
    }
}

impl Bus for NatsBus {
    fn publish_to(&self, accounts: &[Uuid], event: Arc<Event>) {
        // Serialized once; each member's copy shares the bytes.
        let payload = Bytes::from(serde_json::to_vec(&*event).expect("events serialize"));
        self.local.publish_to(accounts, event);
        for &account in accounts {
            if self.outgoing.try_send((subject(account), payload.clone())).is_err() {
                tracing::warn!("NATS is behind: an event was dropped (clients catch up from the database)");
            }
        }
    }

    fn subscribe(&self, account: Uuid) -> Subscription {
        let subscription = self.local.subscribe(account);
        let mut listening = self.listening.lock().expect("bus lock");
        if let std::collections::hash_map::Entry::Vacant(e) = listening.entry(account) {
            e.insert(tokio::spawn(listen(self.client.clone(), account, self.local.clone())));
            let (node, members) = (self.node, vec![account]);
            say(&self.outgoing, &PresenceNews::Here { node, members });
        }
        subscription
    }

    fn online(&self, account: Uuid) -> Pin<Box<dyn Future<Output = bool> + Send + '_>> {
        let online =
            self.local.here(account) || self.elsewhere.lock().expect("bus lock").online(account, Instant::now());
        Box::pin(std::future::ready(online))
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

#[cfg(test)]
mod tests {
    use super::PresenceNews;
    use uuid::Uuid;

    #[test]
    fn presence_news_reads_back_as_it_was_written() {
        let (node, member) = (Uuid::now_v7(), Uuid::now_v7());
        for news in [
            PresenceNews::Here {
                node,
                members: vec![member],
            },
            PresenceNews::Gone {
                node,
                members: vec![member],
            },
            PresenceNews::RollCall,
        ] {
            let read: PresenceNews = serde_json::from_slice(&news.payload()).expect("reads");
            assert_eq!(read, news);
        }
    }
}
