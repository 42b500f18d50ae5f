//! Live sessions remembered for a moment, so a signed-in request does not
//! read the database to learn who it is from (on PostgreSQL that read was a
//! third of the statements of a sent message).
//!
//! An entry is trusted for at most `FRESH`, and never past the session's own
//! expiry. Every change that ends a session or alters who it belongs to
//! (sign-out, password change or reset, staff role, locale, display name,
//! date of birth, erasure) forgets the account's entries at once (see
//! `Services::sessions_changed`), and a session being read meanwhile is not
//! put back; `FRESH` bounds what a change made outside
//! this process can leave stale: in cluster mode the other nodes are told
//! over the bus at once, so `FRESH` bounds it only while the bus is away.

use koine_store::repo::sessions::LiveSession;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use uuid::Uuid;

/// The longest an entry is used without reading the session again.
pub const FRESH: Duration = Duration::from_secs(2);

/// Past this many entries, stale ones are dropped as new ones come in.
const TIDY_ABOVE: usize = 4096;

struct Entry {
    live: LiveSession,
    read_at: i64,
}

#[derive(Default)]
struct Entries {
    by_token: HashMap<Vec<u8>, Entry>,
    /// How many times entries were forgotten: a session read before a
    /// forget is not put back after it.
    forgets: u64,
}

#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<Entries>,
}

impl SessionCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Taken before a session is looked up, and given to `put`: what was
    /// forgotten meanwhile (a sign-out while the session was being read)
    /// must not come back.
    pub fn mark(&self) -> u64 {
        self.lock().forgets
    }

    /// The session read for this token hash less than `FRESH` ago, if it is
    /// still live at `now` (idle expiry and absolute lifetime), with when it
    /// was read.
    pub fn get(&self, token_hash: &[u8], now: i64, created_after: i64) -> Option<(LiveSession, i64)> {
        let entries = self.lock();
        let e = entries.by_token.get(token_hash)?;
        let s = &e.live.session;
        let fresh = now >= e.read_at && now - e.read_at < FRESH.as_micros() as i64;
        (fresh && s.expires_at > now && s.created_at > created_after).then(|| (e.live.clone(), e.read_at))
    }

    /// Remembers a session as read from the database at `read_at` (a use
    /// that only touched it keeps the time it was read: however often it is
    /// used, it is read again once `FRESH` has passed), unless anything
    /// was forgotten since `mark`.
    pub fn put(&self, live: LiveSession, read_at: i64, now: i64, mark: u64) {
        let mut entries = self.lock();
        if entries.forgets != mark {
            return;
        }
        if entries.by_token.len() >= TIDY_ABOVE {
            entries
                .by_token
                .retain(|_, e| now - e.read_at < FRESH.as_micros() as i64);
        }
        entries
            .by_token
            .insert(live.session.token_hash.clone(), Entry { live, read_at });
    }

    /// Forgets every session (what others said meanwhile may be lost).
    pub fn forget_all(&self) {
        let mut entries = self.lock();
        entries.by_token.clear();
        entries.forgets += 1;
    }

    /// Forgets every session of the account.
    pub fn forget(&self, account: Uuid) {
        let mut entries = self.lock();
        entries.by_token.retain(|_, e| e.live.session.account_id != account);
        entries.forgets += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use koine_store::repo::sessions::{SessionPerson, SessionRow};

    fn live(account: Uuid, token: u8, expires_at: i64) -> LiveSession {
        LiveSession {
            session: SessionRow {
                id: Uuid::now_v7(),
                account_id: account,
                token_hash: vec![token],
                created_at: 100,
                last_seen_at: 100,
                authenticated_at: 100,
                expires_at,
                user_agent: None,
                ip: None,
                ip_network: None,
            },
            person: SessionPerson {
                staff_role: None,
                minor_until: None,
                ui_locale: None,
                display_name: None,
            },
        }
    }

    const SECOND: i64 = 1_000_000;

    #[test]
    fn an_entry_is_used_only_while_fresh() {
        let c = SessionCache::default();
        let a = Uuid::now_v7();
        c.put(live(a, 1, 100 * SECOND), 10 * SECOND, 10 * SECOND, 0);
        assert!(c.get(&[1], 10 * SECOND, 0).is_some());
        assert!(c.get(&[1], 12 * SECOND - 1, 0).is_some());
        assert!(c.get(&[1], 12 * SECOND, 0).is_none(), "older than FRESH");
        assert!(c.get(&[1], 9 * SECOND, 0).is_none(), "a clock that went back");
        assert!(c.get(&[2], 10 * SECOND, 0).is_none());
    }

    #[test]
    fn an_entry_used_often_is_still_read_again_once_it_is_not_fresh() {
        let c = SessionCache::default();
        let a = Uuid::now_v7();
        c.put(live(a, 1, 100 * SECOND), 10 * SECOND, 10 * SECOND, 0);
        // Used (and touched) a second later: remembered as read at 10 s.
        let (used, read_at) = c.get(&[1], 11 * SECOND, 0).unwrap();
        assert_eq!(read_at, 10 * SECOND);
        c.put(used, read_at, 11 * SECOND, 0);
        assert!(c.get(&[1], 12 * SECOND, 0).is_none(), "FRESH counts from the read");
    }

    #[test]
    fn a_session_read_before_a_forget_is_not_put_back_after_it() {
        let c = SessionCache::default();
        let a = Uuid::now_v7();
        let mark = c.mark();
        // Read from the database; meanwhile its account signs out.
        c.forget(a);
        c.put(live(a, 1, 100 * SECOND), 10 * SECOND, 10 * SECOND, mark);
        assert!(c.get(&[1], 10 * SECOND, 0).is_none(), "not put back");
        let mark = c.mark();
        c.put(live(a, 1, 100 * SECOND), 10 * SECOND, 10 * SECOND, mark);
        assert!(c.get(&[1], 10 * SECOND, 0).is_some(), "read after the forget");
    }

    #[test]
    fn an_entry_never_outlives_its_session() {
        let c = SessionCache::default();
        let a = Uuid::now_v7();
        c.put(live(a, 1, 11 * SECOND), 10 * SECOND, 10 * SECOND, 0);
        assert!(c.get(&[1], 11 * SECOND, 0).is_none(), "idle expiry");
        assert!(c.get(&[1], 10 * SECOND, 100).is_none(), "absolute lifetime");
    }

    #[test]
    fn forgetting_an_account_drops_all_its_sessions_and_only_those() {
        let c = SessionCache::default();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        c.put(live(a, 1, 100 * SECOND), 10 * SECOND, 10 * SECOND, 0);
        c.put(live(a, 2, 100 * SECOND), 10 * SECOND, 10 * SECOND, 0);
        c.put(live(b, 3, 100 * SECOND), 10 * SECOND, 10 * SECOND, 0);
        c.forget(a);
        assert!(c.get(&[1], 10 * SECOND, 0).is_none());
        assert!(c.get(&[2], 10 * SECOND, 0).is_none());
        assert!(c.get(&[3], 10 * SECOND, 0).is_some());
    }

    #[test]
    fn a_full_cache_drops_stale_entries() {
        let c = SessionCache::default();
        let a = Uuid::now_v7();
        for i in 0..TIDY_ABOVE {
            let mut l = live(a, 0, 100 * SECOND);
            l.session.token_hash = (i as u32).to_be_bytes().to_vec();
            c.put(l, 0, 0, 0);
        }
        c.put(live(a, 1, 100 * SECOND), 10 * SECOND, 10 * SECOND, 0);
        assert_eq!(c.lock().by_token.len(), 1);
    }
}
