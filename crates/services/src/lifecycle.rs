//! The node's life: serving, then draining before it stops. A draining
//! node says it is not ready (`/readyz`), so a load balancer sends it no
//! new work, and closes its live streams with "going away", so their
//! clients reconnect — to another node, when there is one.

use std::time::Duration;
use tokio::sync::watch;

pub struct Lifecycle {
    /// True once draining; each open stream holds a receiver.
    draining: watch::Sender<bool>,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self {
            draining: watch::Sender::new(false),
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
