//! The online classroom: when a lesson's room is open and to whom, and the
//! name of the short-lived relay (TURN) credentials its members get. Pure;
//! the services sign the credentials and supply "now".

use crate::booking::LessonStatus;
use crate::refusal::Refusal;
use std::time::Duration;

/// When rooms open and close around their lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomTimes {
    /// A room opens this long before its lesson starts.
    pub open_before: Duration,
    /// A room closes this long after its lesson ends.
    pub close_after: Duration,
}

impl Default for RoomTimes {
    fn default() -> Self {
        Self {
            open_before: Duration::from_secs(10 * 60),
            close_after: Duration::from_secs(15 * 60),
        }
    }
}

/// The time a lesson's room is open, in microseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomWindow {
    pub opens_at: i64,
    pub closes_at: i64,
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

impl RoomTimes {
    /// `close_after` in microseconds.
    pub fn close_after_us(&self) -> i64 {
        micros(self.close_after)
    }
}

impl RoomWindow {
    pub fn of(starts_at: i64, ends_at: i64, times: RoomTimes) -> Self {
        Self {
            opens_at: starts_at.saturating_sub(micros(times.open_before)),
            closes_at: ends_at.saturating_add(times.close_after_us()),
        }
    }

    pub fn is_open(&self, now: i64) -> bool {
        (self.opens_at..self.closes_at).contains(&now)
    }
}

/// Which side of the lesson someone is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Learner,
    Teacher,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Learner => "learner",
            Self::Teacher => "teacher",
        }
    }
}

/// Whether a lesson member may enter its room at `now`: the lesson must be
/// going ahead (confirmed, or just ended and awaiting the learner's
/// confirmation) and the room open.
pub fn admit(status: LessonStatus, window: RoomWindow, now: i64) -> Result<(), Refusal> {
    match status {
        LessonStatus::Confirmed | LessonStatus::AwaitingConfirmation => {}
        _ => return Err(Refusal::RoomLessonNotGoingAhead),
    }
    if now < window.opens_at {
        Err(Refusal::RoomNotOpenYet)
    } else if now >= window.closes_at {
        Err(Refusal::RoomClosed)
    } else {
        Ok(())
    }
}

/// Whether a lesson's room is still ahead or open at `now` (its Join
/// button shows): the lesson is going ahead and the room has not closed.
pub fn room_ahead(status: LessonStatus, window: RoomWindow, now: i64) -> bool {
    !matches!(
        admit(status, window, now),
        Err(Refusal::RoomLessonNotGoingAhead | Refusal::RoomClosed)
    )
}

/// The user name of a TURN credential in the shared-secret scheme that
/// coturn implements (`use-auth-secret`; draft-uberti-behave-turn-rest):
/// the expiry in Unix seconds, a colon, then who it is for — here the
/// lesson and the member, so a relay that checks more than the signature
/// (Koine's own) can refuse anyone else, and the id of the secret that
/// signs it, so a relay holding several while the secret is rotated knows
/// which. The password is the base64-encoded HMAC-SHA1 of this name under
/// that secret.
pub fn turn_user_name(expires_at_us: i64, lesson: uuid::Uuid, member: uuid::Uuid, secret_id: &str) -> String {
    format!(
        "{}:{}.{}.{secret_id}",
        expires_at_us.div_euclid(1_000_000),
        lesson.simple(),
        member.simple()
    )
}

/// A TURN user name read back: its expiry (Unix seconds), lesson, member
/// and the id of its secret (none in a name made before names carried it).
pub fn parse_turn_user_name(name: &str) -> Option<(i64, uuid::Uuid, uuid::Uuid, Option<&str>)> {
    let (expiry, who) = name.split_once(':')?;
    let mut parts = who.splitn(3, '.');
    let (lesson, member, secret) = (parts.next()?, parts.next()?, parts.next());
    Some((
        expiry.parse().ok()?,
        uuid::Uuid::try_parse(lesson).ok()?,
        uuid::Uuid::try_parse(member).ok()?,
        secret,
    ))
}

/// Whether a TURN relay may carry media to and from `ip`: only public
/// unicast addresses. A relay that reaches loopback, private, link-local,
/// shared (CGNAT) or reserved addresses lets anyone with a credential into
/// the network it runs in.
pub fn relay_may_reach(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return relay_may_reach(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

/// The longest shared notes of a lesson, in characters.
pub const MAX_NOTES_CHARS: usize = 20_000;

/// The text of a lesson's shared notes pad: free text (trimmed, NFC, line
/// ends `\n`, no control characters but line breaks and tabs) up to
/// [`MAX_NOTES_CHARS`]; empty clears the pad.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedNotes(String);

impl SharedNotes {
    pub fn parse(raw: &str) -> Result<Self, crate::Invalid> {
        // Browsers send a textarea's line ends as CRLF.
        let text = raw.replace("\r\n", "\n");
        Ok(Self(
            crate::validation::optional_text("body", &text, MAX_NOTES_CHARS)?.unwrap_or_default(),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The longest session description relayed (a call with audio, video and
/// a screen is a few KiB).
pub const MAX_SDP_BYTES: usize = 16 * 1024;

/// The longest ICE candidate line relayed.
pub const MAX_CANDIDATE_BYTES: usize = 1024;

/// One attempt of a member's page at the call (a connection): a new one
/// for each, so a signal meant for an earlier attempt — a reloaded tab, a
/// call started again — is told apart and dropped by the browser.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CallId(String);

impl TryFrom<String> for CallId {
    type Error = crate::Invalid;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        let fits =
            (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if fits {
            Ok(Self(s))
        } else {
            Err(crate::Invalid::new("call", "invalid"))
        }
    }
}

impl From<CallId> for String {
    fn from(c: CallId) -> Self {
        c.0
    }
}

/// A signal with the attempts it is from and for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallSignal {
    /// The sender's attempt.
    pub call: CallId,
    /// The receiver's attempt it answers; none: whichever is there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<CallId>,
    pub signal: Signal,
}

/// A WebRTC signal from one member of a lesson to the other, relayed over
/// the stream. Koine checks its shape and size, and reads nothing else.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Signal {
    /// In the room and ready: the other side may (re)start the call.
    Ready,
    Offer {
        sdp: String,
    },
    Answer {
        sdp: String,
    },
    Candidate {
        candidate: String,
        #[serde(default)]
        sdp_mid: Option<String>,
        #[serde(default)]
        sdp_m_line_index: Option<u16>,
    },
    /// Left the room (hung up or closed the tab).
    Leave,
    /// This member's recorder started or stopped (the other side shows it).
    Recording {
        on: bool,
    },
}

impl Signal {
    /// Refuses an empty or oversized description or candidate.
    pub fn check(&self) -> Result<(), crate::Invalid> {
        let too_long = |field: &'static str| crate::Invalid::new(field, "too-long");
        match self {
            Self::Offer { sdp } | Self::Answer { sdp } if sdp.is_empty() => Err(crate::Invalid::new("sdp", "required")),
            Self::Offer { sdp } | Self::Answer { sdp } if sdp.len() > MAX_SDP_BYTES => Err(too_long("sdp")),
            Self::Candidate { candidate, sdp_mid, .. }
                if candidate.len() > MAX_CANDIDATE_BYTES || sdp_mid.as_ref().is_some_and(|m| m.len() > 64) =>
            {
                Err(too_long("candidate"))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MINUTE: i64 = 60_000_000;

    #[test]
    fn the_room_opens_ten_minutes_before_and_closes_fifteen_after() {
        let w = RoomWindow::of(100 * MINUTE, 160 * MINUTE, RoomTimes::default());
        assert_eq!(w.opens_at, 90 * MINUTE);
        assert_eq!(w.closes_at, 175 * MINUTE);
        let ok = |now| admit(LessonStatus::Confirmed, w, now);
        assert_eq!(ok(90 * MINUTE - 1), Err(Refusal::RoomNotOpenYet));
        assert_eq!(ok(90 * MINUTE), Ok(()));
        assert_eq!(ok(175 * MINUTE - 1), Ok(()));
        assert_eq!(ok(175 * MINUTE), Err(Refusal::RoomClosed));
        assert_eq!(admit(LessonStatus::AwaitingConfirmation, w, 170 * MINUTE), Ok(()));
    }

    #[test]
    fn only_a_lesson_going_ahead_has_a_room() {
        let w = RoomWindow::of(100 * MINUTE, 160 * MINUTE, RoomTimes::default());
        for s in [
            LessonStatus::Requested,
            LessonStatus::Declined,
            LessonStatus::Withdrawn,
            LessonStatus::Expired,
            LessonStatus::Cancelled,
            LessonStatus::Completed,
            LessonStatus::ProblemReported,
            LessonStatus::Disputed,
            LessonStatus::Settled,
        ] {
            assert_eq!(
                admit(s, w, 120 * MINUTE),
                Err(Refusal::RoomLessonNotGoingAhead),
                "{s:?}"
            );
        }
    }

    #[test]
    fn a_turn_user_name_reads_back() {
        let (l, m) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let name = turn_user_name(1_800_000_123_456, l, m, "0a1b2c3d");
        assert!(name.starts_with("1800000:"), "{name}");
        assert_eq!(parse_turn_user_name(&name), Some((1_800_000, l, m, Some("0a1b2c3d"))));
        let older = format!("1800000:{}.{}", l.simple(), m.simple());
        assert_eq!(parse_turn_user_name(&older), Some((1_800_000, l, m, None)));
        assert_eq!(parse_turn_user_name("1800000:nope"), None);
        assert_eq!(parse_turn_user_name("soon:a.b"), None);
    }

    #[test]
    fn a_relay_reaches_only_public_addresses() {
        let may = |s: &str| relay_may_reach(s.parse().unwrap());
        for public in [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.216.34",
            "2a00:1450:4001:81b::200e",
            "::ffff:8.8.8.8",
        ] {
            assert!(may(public), "{public}");
        }
        for inner in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.0.8",
            "198.18.0.1",
            "192.0.2.1",
            "240.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!may(inner), "{inner}");
        }
    }

    #[test]
    fn signals_are_read_strictly_and_kept_small() {
        let offer: Signal = serde_json::from_str(r#"{"type":"offer","sdp":"v=0"}"#).unwrap();
        assert_eq!(offer, Signal::Offer { sdp: "v=0".into() });
        assert!(offer.check().is_ok());
        let c: Signal =
            serde_json::from_str(r#"{"type":"candidate","candidate":"candidate:1 1 udp 1 192.0.2.1 9 typ relay"}"#)
                .unwrap();
        assert!(c.check().is_ok());
        assert!(serde_json::from_str::<Signal>(r#"{"type":"offer","sdp":"v=0","x":1}"#).is_err());
        assert!(serde_json::from_str::<Signal>(r#"{"type":"dial"}"#).is_err());
        assert!(Signal::Offer { sdp: String::new() }.check().is_err());
        assert!(
            Signal::Answer {
                sdp: "a".repeat(MAX_SDP_BYTES + 1)
            }
            .check()
            .is_err()
        );
        let long = Signal::Candidate {
            candidate: "c".repeat(MAX_CANDIDATE_BYTES + 1),
            sdp_mid: None,
            sdp_m_line_index: None,
        };
        assert!(long.check().is_err());
    }

    #[test]
    fn a_call_signal_names_its_attempts() {
        let s: CallSignal = serde_json::from_str(r#"{"call":"a1-B_2","to":"x","signal":{"type":"ready"}}"#).unwrap();
        assert_eq!(s.signal, Signal::Ready);
        assert_eq!(String::from(s.call), "a1-B_2");
        let bare: CallSignal = serde_json::from_str(r#"{"call":"a","signal":{"type":"leave"}}"#).unwrap();
        assert_eq!(bare.to, None);
        for bad in [
            r#"{"signal":{"type":"ready"}}"#,
            r#"{"call":"","signal":{"type":"ready"}}"#,
            r#"{"call":"a b","signal":{"type":"ready"}}"#,
            r#"{"call":"a","signal":{"type":"ready"},"extra":1}"#,
        ] {
            assert!(serde_json::from_str::<CallSignal>(bad).is_err(), "{bad}");
        }
        let long = format!(r#"{{"call":"{}","signal":{{"type":"ready"}}}}"#, "a".repeat(65));
        assert!(serde_json::from_str::<CallSignal>(&long).is_err());
    }

    #[test]
    fn shared_notes_are_text_of_bounded_length() {
        assert_eq!(SharedNotes::parse(" a\r\nb ").unwrap().as_str(), "a\nb");
        assert!(SharedNotes::parse(&"é".repeat(MAX_NOTES_CHARS)).is_ok());
        assert!(SharedNotes::parse(&"é".repeat(MAX_NOTES_CHARS + 1)).is_err());
        assert!(SharedNotes::parse("bell\u{7}").is_err());
        assert!(SharedNotes::parse("").is_ok(), "a pad may be emptied");
    }

    proptest! {
        #[test]
        fn the_whole_lesson_is_inside_its_window(start in 0i64..1_000_000 * MINUTE, minutes in 1i64..240) {
            let end = start + minutes * MINUTE;
            let w = RoomWindow::of(start, end, RoomTimes::default());
            prop_assert!(w.is_open(start) && w.is_open(end - 1) && w.is_open(end));
            prop_assert!(!w.is_open(w.closes_at));
        }
    }
}
