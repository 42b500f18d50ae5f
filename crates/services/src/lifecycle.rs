//! The node's life: serving, then draining before it stops. A draining
//! node says it is not ready (`/readyz`), so a load balancer sends it no
//! new work, and closes its live streams with "going away", so their
//! clients reconnect — to another node, when there is one.

use crate::Services;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How long a readiness answer about the database holds before it is
/// asked again (in the background, so a check never waits for it).
const DATABASE_SEEN_FRESH: Duration = Duration::from_secs(1);
/// How long a look at the database may take before it counts as cut off.
const DATABASE_ANSWERS_WITHIN: Duration = Duration::from_secs(2);

pub struct Lifecycle {
    /// True once draining; each open stream holds a receiver.
    draining: watch::Sender<bool>,
    /// Whether the database answered the last ping, and when it was asked.
    database_seen: Mutex<Option<(bool, Instant)>>,
    /// A ping is under way in the background.
    database_asking: AtomicBool,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self {
            draining: watch::Sender::new(false),
            database_seen: Mutex::new(None),
            database_asking: AtomicBool::new(false),
        }
    }
}

impl Lifecycle {
    /// Starts draining (once; again changes nothing).
    pub fn drain(&self) {
        self.draining.send_if_modified(|d| !std::mem::replace(d, true));
    }

    pub fn is_draining(&self) -> bool {
        *self.draining.borrow()
    }

    /// For a live stream: changes when draining starts. The stream holds
    /// it while open, so `streams_closed` can wait for it.
    pub fn watch(&self) -> watch::Receiver<bool> {
        self.draining.subscribe()
    }

    /// Waits until every stream has closed, at most `within`; whether
    /// they all did.
    pub async fn streams_closed(&self, within: Duration) -> bool {
        tokio::time::timeout(within, self.draining.closed()).await.is_ok()
    }
}

impl Services {
    /// Whether the database can be reached, for `/readyz`: the answer of a
    /// ping at most a second old, else the last answer while a new ping
    /// goes on in the background. A check never waits behind the requests
    /// queued for connections (it asks on a connection of its own), and a
    /// database that turns it away as too busy counts as reachable: a busy
    /// node stays in the balancer (its requests answer 503 themselves), so
    /// load is not shifted onto the other nodes until they fall over too.
    /// One that does not answer within 2 s counts as cut off.
    pub async fn database_reachable(&self) -> bool {
        let seen = *self.lifecycle.database_seen.lock().expect("lifecycle lock");
        match seen {
            None => self.ping_database().await,
            Some((ok, at)) if at.elapsed() < DATABASE_SEEN_FRESH => ok,
            Some((ok, _)) => {
                if !self.lifecycle.database_asking.swap(true, Ordering::SeqCst) {
                    let svc = self.clone();
                    tokio::spawn(async move {
                        svc.ping_database().await;
                        svc.lifecycle.database_asking.store(false, Ordering::SeqCst);
                    });
                }
                ok
            }
        }
    }

    async fn ping_database(&self) -> bool {
        // A connection of its own, so the look never queues behind requests;
        // one that gets no answer in time means the database is cut off
        // (a broken network holds packets rather than refusing them).
        let ok = match tokio::time::timeout(DATABASE_ANSWERS_WITHIN, self.db.ping_alone()).await {
            Ok(Ok(())) => true,
            Ok(Err(e)) if e.is_overload() => true,
            Ok(Err(e)) => {
                tracing::error!("readiness: the database cannot be reached: {e}");
                false
            }
            Err(_) => {
                tracing::error!(
                    "readiness: the database did not answer within {} s",
                    DATABASE_ANSWERS_WITHIN.as_secs()
                );
                false
            }
        };
        *self.lifecycle.database_seen.lock().expect("lifecycle lock") = Some((ok, Instant::now()));
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stream_hears_the_drain_and_is_waited_for() {
        let life = Lifecycle::default();
        let mut stream = life.watch();
        assert!(!life.is_draining());
        assert!(!life.streams_closed(Duration::from_millis(10)).await);
        life.drain();
        life.drain();
        assert!(life.is_draining());
        stream.changed().await.expect("the drain is heard");
        assert!(*stream.borrow_and_update());
        drop(stream);
        assert!(life.streams_closed(Duration::from_millis(10)).await);
    }
}
