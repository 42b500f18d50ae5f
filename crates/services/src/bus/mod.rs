//! Live fan-out to members' open connections (the `/api/v1/stream`
//! WebSocket). The database stays the source of truth: an event is
//! published after its transaction commits, and a client that missed some
//! (a dropped connection, a lagging reader) catches up from the database
//! by sequence number. So at-most-once delivery is enough here, and a bus
//! over the network (NATS, when Koine runs on several nodes) can replace
//! the in-process one behind the same interface.

mod nats;
mod presence;

pub use nats::NatsBus;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, mpsc};
use uuid::Uuid;

/// One event for a member's connections, sent as the stream's envelope
/// `{"kind": "...", "data": {...}}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Event {
    /// A new message in one of the member's conversations.
    Message(crate::messaging::Message),
    /// The other member read up to `seq` (only where both send receipts).
    Read { conversation: Uuid, seq: i64 },
    /// The other member is typing (only where both send indicators).
    Typing { conversation: Uuid },
    /// The member's unread count changed (another tab read something).
    Unread { count: i64 },
    /// A member of a lesson switched their consent to recording it: each
    /// side's consent as the receiver sees it, and whether recording may run.
    Recording {
        lesson: Uuid,
        mine: bool,
        theirs: bool,
        allowed: bool,
    },
    /// A lesson's shared notes were saved (to both members, so the saving
    /// page learns its new version too).
    Notes {
        lesson: Uuid,
        version: i64,
        body: String,
        by: Uuid,
    },
    /// The other member of a lesson signals about its call (WebRTC).
    Signal {
        lesson: Uuid,
        from: Uuid,
        #[serde(flatten)]
        signal: koine_domain::classroom::CallSignal,
    },
}

/// What a node tells the others about the state each keeps a copy of (the
/// teacher search, sessions read a moment ago), so each brings its copy up
/// to date from the database.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", content = "teacher", rename_all = "snake_case")]
pub enum NodeEvent {
    /// The teacher's search card changed (approval, an offering, hours…).
    TeacherChanged(Uuid),
    /// The teacher's lessons changed, and so their free times.
    LessonsChanged(Uuid),
    /// The account's sessions ended or changed hands (`session_cache`).
    SessionsChanged(Uuid),
    /// Never sent: this node may have missed some (its connection to the
    /// others was away), so it rebuilds its copies.
    Missed,
}

/// Where events for a member go. Every node of a cluster subscribes for
/// the members connected to it.
pub trait Bus: Send + Sync {
    /// Sends `event` to every open connection of `account` (none: nothing).
    fn publish(&self, account: Uuid, event: Arc<Event>) {
        self.publish_to(std::slice::from_ref(&account), event);
    }

    /// Sends `event` to every open connection of each of `accounts`.
    fn publish_to(&self, accounts: &[Uuid], event: Arc<Event>);

    /// Events for `account` from now on, until the subscription is dropped.
    fn subscribe(&self, account: Uuid) -> Subscription;

    /// Whether `account` has an open connection on any node (then no
    /// email is needed).
    fn online(&self, account: Uuid) -> Pin<Box<dyn Future<Output = bool> + Send + '_>>;

    /// Whether events reach the other nodes (`/readyz`); one process's own
    /// bus always does.
    fn connected(&self) -> bool {
        true
    }

    /// Tells every other node (none for one process's own bus).
    fn tell_nodes(&self, _event: NodeEvent) {}

    /// What the other nodes tell this one; none for one process's own bus.
    fn node_events(&self) -> Option<broadcast::Receiver<NodeEvent>> {
        None
    }
}

/// How many events wait for a slow connection before it must catch up
/// from the database instead (each slot costs memory on every open
/// connection, so a live socket's short queue is kept short).
const BACKLOG: usize = 64;

/// The bus inside one process: a broadcast channel per connected member.
#[derive(Default, Clone)]
pub struct LocalBus {
    members: Arc<Mutex<HashMap<Uuid, broadcast::Sender<Arc<Event>>>>>,
    /// Told each member whose last connection here closed.
    left: Option<mpsc::UnboundedSender<Uuid>>,
}

impl LocalBus {
    /// A bus that reports, on `left`, each member whose last connection
    /// closed (so a network bus can stop listening for them).
    fn reporting_leaves(left: mpsc::UnboundedSender<Uuid>) -> Self {
        Self {
            members: Arc::default(),
            left: Some(left),
        }
    }

    /// Whether `account` has an open connection in this process.
    fn here(&self, account: Uuid) -> bool {
        self.members.lock().expect("bus lock").contains_key(&account)
    }
}

impl Bus for LocalBus {
    fn publish_to(&self, accounts: &[Uuid], event: Arc<Event>) {
        let members = self.members.lock().expect("bus lock");
        for tx in accounts.iter().filter_map(|a| members.get(a)) {
            // No receiver left is not an error: the member went away.
            let _ = tx.send(event.clone());
        }
    }

    fn subscribe(&self, account: Uuid) -> Subscription {
        let mut members = self.members.lock().expect("bus lock");
        let rx = members
            .entry(account)
            .or_insert_with(|| broadcast::channel(BACKLOG).0)
            .subscribe();
        Subscription {
            rx: Some(rx),
            account,
            members: self.members.clone(),
            left: self.left.clone(),
        }
    }

    fn online(&self, account: Uuid) -> Pin<Box<dyn Future<Output = bool> + Send + '_>> {
        let here = self.here(account);
        Box::pin(async move { here })
    }
}

/// A member's events. Dropping it leaves the bus (the last one for a member
/// removes their channel).
pub struct Subscription {
    rx: Option<broadcast::Receiver<Arc<Event>>>,
    account: Uuid,
    members: Arc<Mutex<HashMap<Uuid, broadcast::Sender<Arc<Event>>>>>,
    left: Option<mpsc::UnboundedSender<Uuid>>,
}

/// What the next receive gave.
#[derive(Debug)]
pub enum Received {
    Event(Arc<Event>),
    /// Events were missed (the connection was too slow): the client must
    /// catch up from the database.
    Missed,
}

impl Subscription {
    pub async fn recv(&mut self) -> Received {
        let rx = self.rx.as_mut().expect("held until drop");
        match rx.recv().await {
            Ok(e) => Received::Event(e),
            Err(broadcast::error::RecvError::Lagged(_)) => Received::Missed,
            // The sender lives in the map while this receiver does.
            Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut members = self.members.lock().expect("bus lock");
        drop(self.rx.take());
        if members.get(&self.account).is_some_and(|tx| tx.receiver_count() == 0) {
            members.remove(&self.account);
            if let Some(left) = &self.left {
                // The listener is gone only when the node is stopping.
                let _ = left.send(self.account);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typing() -> Arc<Event> {
        Arc::new(Event::Typing {
            conversation: Uuid::nil(),
        })
    }

    #[tokio::test]
    async fn events_reach_every_connection_of_the_member_only() {
        let bus = LocalBus::default();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let mut tab1 = bus.subscribe(a);
        let mut tab2 = bus.subscribe(a);
        let mut other = bus.subscribe(b);
        bus.publish(a, typing());
        for tab in [&mut tab1, &mut tab2] {
            assert!(matches!(tab.recv().await, Received::Event(e) if *e == *typing()));
        }
        let nothing = tokio::time::timeout(std::time::Duration::from_millis(20), other.recv()).await;
        assert!(nothing.is_err(), "b got a's event");
    }

    #[tokio::test]
    async fn a_slow_connection_is_told_to_catch_up() {
        let bus = LocalBus::default();
        let a = Uuid::now_v7();
        let mut slow = bus.subscribe(a);
        for _ in 0..BACKLOG + 1 {
            bus.publish(a, typing());
        }
        assert!(matches!(slow.recv().await, Received::Missed));
    }

    #[tokio::test]
    async fn online_while_subscribed() {
        let bus = LocalBus::default();
        let a = Uuid::now_v7();
        assert!(!bus.online(a).await);
        let one = bus.subscribe(a);
        let two = bus.subscribe(a);
        drop(one);
        assert!(bus.online(a).await, "another tab is still open");
        drop(two);
        assert!(!bus.online(a).await);
    }

    /// Events cross the network as their JSON: each one reads back equal.
    #[test]
    fn events_read_back_as_they_were_written() {
        use koine_domain::classroom::{CallId, CallSignal, Signal};
        let id = Uuid::now_v7();
        let events = [
            Event::Read {
                conversation: id,
                seq: 3,
            },
            Event::Typing { conversation: id },
            Event::Unread { count: 2 },
            Event::Recording {
                lesson: id,
                mine: true,
                theirs: false,
                allowed: false,
            },
            Event::Notes {
                lesson: id,
                version: 4,
                body: "ser/estar".into(),
                by: id,
            },
            Event::Signal {
                lesson: id,
                from: id,
                signal: CallSignal {
                    call: CallId::try_from("a1".to_owned()).unwrap(),
                    to: None,
                    signal: Signal::Candidate {
                        candidate: "candidate:1".into(),
                        sdp_mid: Some("0".into()),
                        sdp_m_line_index: Some(0),
                    },
                },
            },
            Event::Message(crate::messaging::Message {
                id,
                conversation: id,
                seq: 9,
                sender: None,
                kind: koine_domain::messaging::MessageKind::Text,
                body: Some("¡hola!".into()),
                redacted: vec!["email".into()],
                attachments: vec![crate::attachments::Attachment {
                    id,
                    name: "notes.pdf".into(),
                    content_type: "application/pdf".into(),
                    size_bytes: 10,
                }],
                created_at: 1,
            }),
        ];
        for e in events {
            let wire = serde_json::to_vec(&e).unwrap();
            assert_eq!(serde_json::from_slice::<Event>(&wire).unwrap(), e);
        }
    }
}
