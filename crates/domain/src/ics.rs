//! iCalendar (RFC 5545) text for lessons: the calendar feed and the `.ics`
//! attached to booking emails. Times are written in UTC, so every calendar
//! shows them in its owner's zone.

use jiff::Timestamp;

/// One lesson as a calendar event.
#[derive(Debug, Clone)]
pub struct Event {
    /// Stable across changes, so a reschedule updates the same event.
    pub uid: String,
    /// Bumped on every change of time or status.
    pub sequence: i64,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub summary: String,
    pub description: String,
    pub url: String,
    pub status: EventStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    Tentative,
    Confirmed,
    Cancelled,
}

impl EventStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Tentative => "TENTATIVE",
            Self::Confirmed => "CONFIRMED",
            Self::Cancelled => "CANCELLED",
        }
    }
}

fn stamp(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a character (§3.1).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// `calendar` with every `mark` in its text values replaced by `value`
/// (escaped as TEXT), its lines folded again.
pub fn replace_text(calendar: &str, mark: &str, value: &str) -> String {
    let mut out = String::with_capacity(calendar.len() + value.len());
    for line in calendar.replace("\r\n ", "").split_terminator("\r\n") {
        fold(&line.replace(mark, &text(value)), &mut out);
    }
    out
}

/// A calendar named `name` holding `events`, stamped at `now`.
pub fn calendar(name: &str, events: &[Event], now: Timestamp) -> String {
    let mut out = String::new();
    let mut line = |l: String| fold(&l, &mut out);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Koine//Lessons//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", text(name)));
    for e in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", text(&e.uid)));
        line(format!("SEQUENCE:{}", e.sequence));
        line(format!("DTSTAMP:{}", stamp(now)));
        line(format!("DTSTART:{}", stamp(e.starts_at)));
        line(format!("DTEND:{}", stamp(e.ends_at)));
        line(format!("SUMMARY:{}", text(&e.summary)));
        line(format!("DESCRIPTION:{}", text(&e.description)));
        line(format!("URL:{}", text(&e.url)));
        line(format!("STATUS:{}", e.status.as_str()));
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaced_text_is_escaped_and_folded_again() {
        let at = Timestamp::from_second(1_800_000_000).unwrap();
        let e = Event {
            uid: "x@koine".into(),
            sequence: 0,
            starts_at: at,
            ends_at: at,
            summary: format!(
                "Spanish lesson with {{about}} and a long tail to fold {}",
                "x".repeat(40)
            ),
            description: "d".into(),
            url: "u".into(),
            status: EventStatus::Confirmed,
        };
        let cal = calendar("Koine", &[e], at);
        let name = "Ana, María; de la Peña y Cortés del Río Grande";
        let filled = replace_text(&cal, "{about}", name);
        assert!(!filled.contains("{about}"));
        for l in filled.split("\r\n") {
            assert!(l.len() <= 75, "{l:?}");
        }
        let unfolded = filled.replace("\r\n ", "");
        assert!(
            unfolded.contains("SUMMARY:Spanish lesson with Ana\\, María\\; de la Peña"),
            "{unfolded}"
        );
        assert_eq!(
            replace_text(&cal, "{nothing}", "x"),
            cal,
            "nothing to replace: the same calendar"
        );
    }

    #[test]
    fn events_in_utc_escaped_and_folded() {
        let e = Event {
            uid: "0190@koine".into(),
            sequence: 2,
            starts_at: "2027-03-28T01:30:00Z".parse().unwrap(),
            ends_at: "2027-03-28T02:30:00Z".parse().unwrap(),
            summary: "Spanish, 60 min; with María".into(),
            description: "Line one\nline two, with \\ backslash ".repeat(4),
            url: "http://127.0.0.1/lessons/0190".into(),
            status: EventStatus::Confirmed,
        };
        let cal = calendar("Koine lessons", &[e], "2027-03-01T00:00:00Z".parse().unwrap());
        assert!(cal.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(cal.ends_with("END:VCALENDAR\r\n"));
        assert!(cal.contains("DTSTART:20270328T013000Z\r\n"));
        assert!(cal.contains("SUMMARY:Spanish\\, 60 min\\; with María\r\n"));
        assert!(cal.contains("Line one\\nline two\\, with \\\\ backslash"));
        assert!(cal.contains("STATUS:CONFIRMED\r\nEND:VEVENT"));
        for l in cal.split("\r\n") {
            assert!(l.len() <= 75, "{l:?} is {} octets", l.len());
        }
        // Unfolding gives the description back whole.
        let unfolded = cal.replace("\r\n ", "");
        assert!(unfolded.contains(&format!(
            "DESCRIPTION:{}",
            text(&"Line one\nline two, with \\ backslash ".repeat(4))
        )));
    }
}
