//! Throttling of repeated failures, per account identifier and per IP.
//!
//! Counters live in memory: enough for one process; a multi-process
//! PostgreSQL deployment throttles per process (see README).

use std::collections::HashMap;
use std::sync::Mutex;

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
    /// `Err(retry_after_secs)` while `key` has used up its failures.
    pub fn check(&self, rule: Rule, key: &str, now: i64) -> Result<(), u64> {
        let slots = self.slots.lock().expect("throttle lock");
        match slots.get(key) {
            Some(&(n, start)) if n >= rule.max_failures && now - start < rule.window_us => {
                Err(((start + rule.window_us - now) / 1_000_000).max(1) as u64)
            }
            _ => Ok(()),
        }
    }

    pub fn fail(&self, rule: Rule, key: &str, now: i64) {
        let mut slots = self.slots.lock().expect("throttle lock");
        if slots.len() > 100_000 {
            slots.retain(|_, (_, start)| now - *start < rule.window_us);
        }
        let e = slots.entry(key.to_owned()).or_insert((0, now));
        if now - e.1 >= rule.window_us {
            *e = (0, now);
        }
        e.0 += 1;
    }

    pub fn clear(&self, key: &str) {
        self.slots.lock().expect("throttle lock").remove(key);
    }
}

const MINUTE: i64 = 60_000_000;

pub const LOGIN_PER_IDENTIFIER: Rule = Rule {
    max_failures: 5,
    window_us: 15 * MINUTE,
};
pub const LOGIN_PER_IP: Rule = Rule {
    max_failures: 30,
    window_us: 15 * MINUTE,
};
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
pub const CODE_ATTEMPTS_PER_IP: Rule = Rule {
    max_failures: 30,
    window_us: 15 * MINUTE,
};

#[derive(Debug, Default)]
pub struct Throttles {
    pub login_identifier: Limiter,
    pub login_ip: Limiter,
    pub signup_ip: Limiter,
    pub messages: Limiter,
    pub codes_ip: Limiter,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_and_reopens_after_window() {
        let l = Limiter::default();
        let r = Rule {
            max_failures: 2,
            window_us: 10_000_000,
        };
        assert!(l.check(r, "k", 0).is_ok());
        l.fail(r, "k", 0);
        l.fail(r, "k", 1);
        assert_eq!(l.check(r, "k", 2_000_000), Err(8));
        assert!(l.check(r, "other", 2).is_ok());
        assert!(l.check(r, "k", 10_000_001).is_ok());
        l.clear("k");
        assert!(l.check(r, "k", 3).is_ok());
    }
}
