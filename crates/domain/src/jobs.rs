//! Background jobs shared by every node: what kinds there are, and the
//! key that makes a scheduled run happen once however many nodes ask.

named_enum!(
    /// What a job does. Each kind's work is safe to run again (it acts on
    /// rows by their state), so a run cut short is simply run again.
    JobKind {
        /// Deletes or clears what the data map says has expired.
        RetentionSweep => "retention_sweep",
        /// Expires requests, completes lessons, sends reminders.
        LessonTimers => "lesson_timers",
        /// Builds the exports people asked for.
        Exports => "exports",
        /// Sends the mail and text messages due in the outbox.
        MailDelivery => "mail_delivery",
    }
);

/// The key of a scheduled run: the start of the `period_us`-long time
/// bucket `now_us` falls in. Every node that asks for the run of one
/// bucket asks with the same key, so the jobs table keeps one.
pub fn bucket_key(now_us: i64, period_us: i64) -> String {
    let start = now_us.div_euclid(period_us.max(1)) * period_us.max(1);
    match jiff::Timestamp::from_microsecond(start) {
        Ok(t) => t.to_string(),
        Err(_) => start.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_bucket_is_named_by_its_start() {
        let minute = 60_000_000;
        assert_eq!(bucket_key(0, minute), "1970-01-01T00:00:00Z");
        assert_eq!(bucket_key(minute - 1, minute), "1970-01-01T00:00:00Z");
        assert_eq!(bucket_key(minute, minute), "1970-01-01T00:01:00Z");
    }

    proptest! {
        /// Two nodes asking within one bucket ask with one key; a later
        /// bucket has another.
        #[test]
        fn one_key_per_bucket(now in 0i64..4_000_000_000_000_000, period in 1i64..86_400_000_000, d in 0i64..86_400_000_000) {
            let start = now - now % period;
            let same = start + d % period;
            prop_assert_eq!(bucket_key(now, period), bucket_key(same, period));
            prop_assert_ne!(bucket_key(now, period), bucket_key(start + period, period));
        }
    }
}
