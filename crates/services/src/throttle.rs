//! Throttling of repeated failures, per account identifier and per IP.
//!
//! Single-node mode counts in memory. In cluster mode every node counts in
//! the database (`throttle_counters`), so a guesser gains nothing by
//! spreading attempts over nodes.

use crate::crypto::Keyring;
use crate::{Error, Result};
use koine_store::Db;
use koine_store::repo::throttles;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub max_failures: u32,
    pub window_us: i64,
}

impl Rule {
    /// The fixed time bucket `now` falls in, and when it ends.
    fn bucket(self, now: i64) -> (i64, i64) {
        let bucket = now.div_euclid(self.window_us);
        (bucket, (bucket + 1) * self.window_us)
    }
}

fn throttled(until: i64, now: i64) -> Error {
    Error::Throttled {
        retry_after_secs: ((until - now) / 1_000_000).max(1) as u64,
    }
}

/// Where a limiter keeps its counts.
#[derive(Clone)]
enum Store {
    /// Per key: attempts, and when the window began (at the first).
    Memory(Arc<Mutex<HashMap<String, (u32, i64)>>>),
    /// Per keyed hash of the key, in fixed time buckets of the rule's window.
    Database { db: Db, keys: Arc<Keyring> },
}

/// The attempts of one kind (`scope`), per key.
pub struct Limiter {
    scope: &'static str,
    store: Store,
}

impl Limiter {
    fn new(scope: &'static str, shared: Option<(&Db, &Arc<Keyring>)>) -> Self {
        let store = match shared {
            Some((db, keys)) => Store::Database {
                db: db.clone(),
                keys: keys.clone(),
            },
            None => Store::Memory(Arc::default()),
        };
        Self { scope, store }
    }

    /// Counts an attempt for `key`, or refuses (`Error::Throttled`, with
    /// the seconds to wait) when the window's attempts are used up.
    /// Checking and counting are one step, so parallel requests cannot all
    /// slip past the limit.
    pub async fn acquire(&self, rule: Rule, key: &str, now: i64) -> Result<()> {
        match &self.store {
            Store::Memory(slots) => {
                let mut slots = slots.lock().expect("throttle lock");
                if slots.len() > 100_000 {
                    slots.retain(|_, (_, start)| now - *start < rule.window_us);
                }
                let slot = slots.entry(key.to_owned()).or_insert((0, now));
                if now - slot.1 >= rule.window_us {
                    *slot = (0, now);
                }
                if slot.0 >= rule.max_failures {
                    return Err(throttled(slot.1 + rule.window_us, now));
                }
                slot.0 += 1;
                Ok(())
            }
            Store::Database { db, keys } => {
                let (bucket, ends) = rule.bucket(now);
                let hash = keys.blind_index("throttle", key);
                let mut tx = db.begin().await?;
                let counted = throttles::hit(tx.conn(), self.scope, &hash, bucket, ends, rule.max_failures).await?;
                tx.commit().await?;
                if counted { Ok(()) } else { Err(throttled(ends, now)) }
            }
        }
    }

    /// Like `acquire`, for callers that drop a refused attempt silently:
    /// whether it was counted. A database failure is still an error.
    pub async fn admit(&self, rule: Rule, key: &str, now: i64) -> Result<bool> {
        match self.acquire(rule, key, now).await {
            Ok(()) => Ok(true),
            Err(Error::Throttled { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Gives back one attempt (it succeeded, so it was no failure).
    pub async fn release(&self, rule: Rule, key: &str, now: i64) -> Result<()> {
        match &self.store {
            Store::Memory(slots) => {
                if let Some(slot) = slots.lock().expect("throttle lock").get_mut(key) {
                    slot.0 = slot.0.saturating_sub(1);
                }
            }
            Store::Database { db, keys } => {
                let hash = keys.blind_index("throttle", key);
                let mut tx = db.begin().await?;
                throttles::give_back(tx.conn(), self.scope, &hash, rule.bucket(now).0).await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// Forgets the key's failures (after a successful login).
    pub async fn clear(&self, key: &str) -> Result<()> {
        match &self.store {
            Store::Memory(slots) => {
                slots.lock().expect("throttle lock").remove(key);
            }
            Store::Database { db, keys } => {
                let hash = keys.blind_index("throttle", key);
                let mut tx = db.begin().await?;
                throttles::forget(tx.conn(), self.scope, &hash).await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }
}

const MINUTE: i64 = 60_000_000;

pub const LOGIN_PER_IDENTIFIER: Rule = Rule {
    max_failures: 5,
    window_us: 15 * MINUTE,
};
/// Failed sign-ins allowed from one address in 15 minutes (the default of
/// `login_failures_per_ip`; behind a shared NAT an operator raises it).
/// Successful ones give their attempt back.
pub const fn login_per_ip(max_failures: u32) -> Rule {
    Rule {
        max_failures,
        window_us: 15 * MINUTE,
    }
}

/// Password checks from one address run this many at a time; the others
/// wait their turn. So many people behind one NAT signing in at once are
/// slowed down, not refused, and the per-address count (failures plus
/// checks in flight) cannot fill up with checks that are about to succeed.
pub const LOGIN_CHECKS_AT_ONCE_PER_IP: usize = 4;
/// How long a sign-in waits for its turn before it is refused (429).
pub const LOGIN_TURN_WAIT: Duration = Duration::from_secs(20);

/// Per-key turns: at most `at_once` holders of one key at a time, the rest
/// queue in arrival order.
#[derive(Debug, Default)]
pub struct Turns {
    keys: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl Turns {
    /// Waits up to `within` for a turn of `key`; `None` when none came.
    pub async fn wait(&self, key: &str, at_once: usize, within: Duration) -> Option<OwnedSemaphorePermit> {
        let gate = {
            let mut keys = self.keys.lock().expect("turns lock");
            if keys.len() > 10_000 {
                // Keys nobody holds or waits for (only the map has them).
                keys.retain(|_, g| Arc::strong_count(g) > 1);
            }
            keys.entry(key.to_owned())
                .or_insert_with(|| Arc::new(Semaphore::new(at_once)))
                .clone()
        };
        tokio::time::timeout(within, gate.acquire_owned()).await.ok()?.ok()
    }
}
/// Sign-ups, resets and code requests count every attempt, not just failures.
pub const fn signups_per_ip(per_hour: u32) -> Rule {
    Rule {
        max_failures: per_hour,
        window_us: 60 * MINUTE,
    }
}
pub const MESSAGES_PER_IDENTIFIER: Rule = Rule {
    max_failures: 5,
    window_us: 60 * MINUTE,
};
/// Password-reset and email-change messages one client may trigger.
pub const MESSAGES_PER_IP: Rule = Rule {
    max_failures: 30,
    window_us: 60 * MINUTE,
};
pub const CODE_ATTEMPTS_PER_IP: Rule = Rule {
    max_failures: 30,
    window_us: 15 * MINUTE,
};

pub struct Throttles {
    pub login_identifier: Limiter,
    pub login_ip: Limiter,
    /// Turns are per node: they pace the password checks of this node.
    pub login_ip_turns: Turns,
    pub signup_ip: Limiter,
    pub messages: Limiter,
    pub messages_ip: Limiter,
    pub codes_ip: Limiter,
}

impl Throttles {
    /// Counts in memory (single-node mode).
    pub fn in_memory() -> Self {
        Self::new(None)
    }

    /// Counts in the database, shared by every node (cluster mode).
    pub fn in_database(db: &Db, keys: &Arc<Keyring>) -> Self {
        Self::new(Some((db, keys)))
    }

    fn new(shared: Option<(&Db, &Arc<Keyring>)>) -> Self {
        Self {
            login_identifier: Limiter::new("login_identifier", shared),
            login_ip: Limiter::new("login_ip", shared),
            login_ip_turns: Turns::default(),
            signup_ip: Limiter::new("signup_ip", shared),
            messages: Limiter::new("messages", shared),
            messages_ip: Limiter::new("messages_ip", shared),
            codes_ip: Limiter::new("codes_ip", shared),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn turns_queue_beyond_the_limit_and_pass_on() {
        let t = Turns::default();
        let a = t.wait("ip", 2, Duration::from_millis(10)).await;
        let b = t.wait("ip", 2, Duration::from_millis(10)).await;
        assert!(a.is_some() && b.is_some());
        assert!(
            t.wait("ip", 2, Duration::from_millis(10)).await.is_none(),
            "a third waits in vain"
        );
        assert!(t.wait("other", 2, Duration::from_millis(10)).await.is_some());
        let waiting = tokio::spawn(async move {
            let t = t;
            t.wait("ip", 2, Duration::from_secs(5)).await.is_some()
        });
        drop(a);
        assert!(waiting.await.unwrap(), "a freed turn goes to the one waiting");
    }

    #[tokio::test]
    async fn locks_after_max_and_reopens_after_window() {
        let l = Limiter::new("k", None);
        let r = Rule {
            max_failures: 2,
            window_us: 10_000_000,
        };
        assert!(l.acquire(r, "k", 0).await.is_ok());
        assert!(l.acquire(r, "k", 1).await.is_ok());
        assert!(matches!(
            l.acquire(r, "k", 2_000_000).await,
            Err(Error::Throttled { retry_after_secs: 8 })
        ));
        assert!(l.acquire(r, "other", 2).await.is_ok());
        assert!(l.acquire(r, "k", 10_000_001).await.is_ok(), "a new window");
        l.clear("k").await.unwrap();
        assert!(l.acquire(r, "k", 10_000_002).await.is_ok());
        l.release(r, "k", 10_000_002).await.unwrap();
        l.release(r, "k", 10_000_002).await.unwrap();
        assert!(l.acquire(r, "k", 10_000_003).await.is_ok());
        assert!(l.acquire(r, "k", 10_000_004).await.is_ok());
        assert!(l.acquire(r, "k", 10_000_005).await.is_err());
    }

    #[test]
    fn buckets_are_fixed_windows() {
        let r = Rule {
            max_failures: 1,
            window_us: 10,
        };
        assert_eq!(r.bucket(0), (0, 10));
        assert_eq!(r.bucket(9), (0, 10));
        assert_eq!(r.bucket(10), (1, 20));
    }
}
