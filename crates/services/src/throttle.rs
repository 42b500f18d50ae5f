//! Throttling of repeated failures, per account identifier and per IP.
//!
//! Counters live in memory: enough for one process; a multi-process
//! PostgreSQL deployment throttles per process (see README).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub max_failures: u32,
    pub window_us: i64,
}

#[derive(Debug, Default)]
pub struct Limiter {
    slots: Mutex<HashMap<String, (u32, i64)>>,
}

impl Limiter {
    /// Counts an attempt for `key`, or refuses with the seconds to wait when
    /// the window's attempts are used up. Checking and counting happen under
    /// one lock, so parallel requests cannot all slip past the limit.
    pub fn acquire(&self, rule: Rule, key: &str, now: i64) -> Result<(), u64> {
        let mut slots = self.slots.lock().expect("throttle lock");
        if slots.len() > 100_000 {
            slots.retain(|_, (_, start)| now - *start < rule.window_us);
        }
        let slot = slots.entry(key.to_owned()).or_insert((0, now));
        if now - slot.1 >= rule.window_us {
            *slot = (0, now);
        }
        if slot.0 >= rule.max_failures {
            return Err(((slot.1 + rule.window_us - now) / 1_000_000).max(1) as u64);
        }
        slot.0 += 1;
        Ok(())
    }

    /// Gives back one attempt (it succeeded, so it was no failure).
    pub fn release(&self, key: &str) {
        if let Some(slot) = self.slots.lock().expect("throttle lock").get_mut(key) {
            slot.0 = slot.0.saturating_sub(1);
        }
    }

    /// Forgets the key's failures (after a successful login).
    pub fn clear(&self, key: &str) {
        self.slots.lock().expect("throttle lock").remove(key);
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

#[derive(Debug, Default)]
pub struct Throttles {
    pub login_identifier: Limiter,
    pub login_ip: Limiter,
    pub login_ip_turns: Turns,
    pub signup_ip: Limiter,
    pub messages: Limiter,
    pub messages_ip: Limiter,
    pub codes_ip: Limiter,
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

    #[test]
    fn locks_after_max_and_reopens_after_window() {
        let l = Limiter::default();
        let r = Rule {
            max_failures: 2,
            window_us: 10_000_000,
        };
        assert!(l.acquire(r, "k", 0).is_ok());
        assert!(l.acquire(r, "k", 1).is_ok());
        assert_eq!(l.acquire(r, "k", 2_000_000), Err(8));
        assert!(l.acquire(r, "other", 2).is_ok());
        assert!(l.acquire(r, "k", 10_000_001).is_ok(), "a new window");
        l.clear("k");
        assert!(l.acquire(r, "k", 10_000_002).is_ok());
        l.release("k");
        l.release("k");
        assert!(l.acquire(r, "k", 10_000_003).is_ok());
        assert!(l.acquire(r, "k", 10_000_004).is_ok());
        assert!(l.acquire(r, "k", 10_000_005).is_err());
    }
}
