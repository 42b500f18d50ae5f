//! Who is online on the other nodes of a cluster, as those nodes tell it.
//!
//! A node says when a member's first connection opens on it and when their
//! last one closes, and repeats everyone it holds every `ANNOUNCE`. So
//! whether a member is online needs no question over the network: a
//! message to them (which asks, to decide whether to email them) never
//! waits. What was said counts until `LAPSE` after a node last said it: a
//! node that dies without saying, or a word lost on the way, leaves a
//! member counted online for at most that long.

use std::collections::HashMap;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How often a node repeats everyone it holds.
pub const ANNOUNCE: Duration = Duration::from_secs(5);

/// How long what a node said counts: three announcements, so one or two
/// lost on the way change nothing.
pub const LAPSE: Duration = Duration::from_secs(15);

/// Per member, the other nodes that hold a connection of theirs, and when
/// each last said so.
#[derive(Default)]
pub struct Elsewhere {
    members: HashMap<Uuid, HashMap<Uuid, Instant>>,
}

impl Elsewhere {
    /// `node` holds connections of `members` (as of `now`).
    pub fn here(&mut self, node: Uuid, members: &[Uuid], now: Instant) {
        for m in members {
            self.members.entry(*m).or_default().insert(node, now);
        }
    }

    /// `node` no longer holds a connection of `members`.
    pub fn gone(&mut self, node: Uuid, members: &[Uuid]) {
        for m in members {
            if let Some(nodes) = self.members.get_mut(m) {
                nodes.remove(&node);
                if nodes.is_empty() {
                    self.members.remove(m);
                }
            }
        }
    }

    /// Whether a node said within `LAPSE` that it holds a connection of
    /// `member`'s.
    pub fn online(&self, member: Uuid, now: Instant) -> bool {
        self.members
            .get(&member)
            .is_some_and(|nodes| nodes.values().any(|at| now.saturating_duration_since(*at) < LAPSE))
    }

    /// Forgets what has lapsed (a dead node's members, lost goodbyes).
    pub fn tidy(&mut self, now: Instant) {
        self.members.retain(|_, nodes| {
            nodes.retain(|_, at| now.saturating_duration_since(*at) < LAPSE);
            !nodes.is_empty()
        });
    }

    /// Members counted, lapsed or not (until `tidy`).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.members.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> (Uuid, Uuid, Uuid) {
        (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7())
    }

    #[test]
    fn online_while_a_node_says_so() {
        let (a, b, member) = ids();
        let t = Instant::now();
        let mut e = Elsewhere::default();
        assert!(!e.online(member, t), "nobody said anything");
        e.here(a, &[member], t);
        assert!(e.online(member, t + Duration::from_secs(1)));
        e.here(b, &[member], t);
        e.gone(a, &[member]);
        assert!(e.online(member, t), "still held on the other node");
        e.gone(b, &[member]);
        assert!(!e.online(member, t), "gone from both");
        assert_eq!(e.len(), 0);
    }

    #[test]
    fn a_silent_node_lapses() {
        let (a, _, member) = ids();
        let t = Instant::now();
        let mut e = Elsewhere::default();
        e.here(a, &[member], t);
        assert!(e.online(member, t + LAPSE - Duration::from_millis(1)));
        assert!(
            !e.online(member, t + LAPSE),
            "no word from the node for the whole lapse"
        );
        // Repeated in time, it holds.
        e.here(a, &[member], t + ANNOUNCE);
        assert!(e.online(member, t + LAPSE));
        e.tidy(t + ANNOUNCE + LAPSE);
        assert_eq!(e.len(), 0, "tidied away once lapsed");
    }

    #[test]
    fn the_readme_gives_these_times() {
        let readme = include_str!("../../../../README.md");
        let every = format!("repeats everyone it holds every {} s", ANNOUNCE.as_secs());
        let until = format!("counts as online until {} s after the last word", LAPSE.as_secs());
        assert!(readme.contains(&every), "{every}");
        assert!(readme.contains(&until), "{until}");
    }

    #[test]
    fn tidying_keeps_what_is_current() {
        let (a, b, member) = ids();
        let t = Instant::now();
        let mut e = Elsewhere::default();
        e.here(a, &[member], t);
        e.here(b, &[member], t + LAPSE);
        e.tidy(t + LAPSE);
        assert!(e.online(member, t + LAPSE), "b said so just now");
        assert_eq!(e.len(), 1);
    }
}
