//! "Now", from the system or set by tests, so timers are tested without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Clone, Debug)]
pub enum Clock {
    System,
    /// Microseconds since the epoch, moved only by `set`/`advance`.
    Manual(Arc<AtomicI64>),
}

impl Clock {
    pub fn manual(start: jiff::Timestamp) -> Self {
        Self::Manual(Arc::new(AtomicI64::new(start.as_microsecond())))
    }

    /// Microseconds since the Unix epoch.
    pub fn now_us(&self) -> i64 {
        match self {
            Self::System => jiff::Timestamp::now().as_microsecond(),
            Self::Manual(t) => t.load(Ordering::SeqCst),
        }
    }

    pub fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::from_microsecond(self.now_us()).expect("clock within jiff's range")
    }

    pub fn today_utc(&self) -> jiff::civil::Date {
        self.now().to_zoned(jiff::tz::TimeZone::UTC).date()
    }

    pub fn advance(&self, by: std::time::Duration) {
        if let Self::Manual(t) = self {
            t.fetch_add(by.as_micros() as i64, Ordering::SeqCst);
        }
    }
}

pub const fn micros(d: std::time::Duration) -> i64 {
    d.as_micros() as i64
}
