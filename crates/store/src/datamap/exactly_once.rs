//! What makes a money-moving call, a card processor's event, and a
//! background job take effect once.

use super::*;

const IDEMPOTENCY_KEEP: Retention = days_after(1, "created_at");

const PROVIDER_EVENT_KEEP: Retention = days_after(90, "received_at");

/// A finished job is kept a week, to see what ran when; one still waiting
/// or running has no `finished_at` and stays.
const JOB_KEEP: Retention = days_after(7, "finished_at");

pub(super) static TABLES: &[TableMap] = &[
    // A retried payment request must not pay twice; a day is enough for
    // any client to retry.
    table!("idempotency_keys", ["account_id"], Defaults::new(PAY, Contract, IDEMPOTENCY_KEEP, DeleteRow);
        about "Keys your app sent so that a repeated payment or booking request is not carried out twice.";
        UID => ["account_id"];
        SYS => ["key"].from(Source::Device);
        SYS => ["fingerprint"].secret();
        SYS => ["outcome", "created_at"];
    ),
    table!("provider_events", [], Defaults::new(OPS, Contract, PROVIDER_EVENT_KEEP, DeleteRow);
        about "Notifications payment providers sent us, kept to ignore repeats.";
        SYS => ["provider", "event_id", "kind", "received_at"];
    ),
    table!("jobs", [], Defaults::new(OPS, LegitimateInterests, JOB_KEEP, DeleteRow);
        about "Background work the servers share out among themselves (sweeps, timers, exports); it names no one.";
        SYS => ["id", "kind", "run_key", "state", "run_at", "attempt", "lease_until", "node", "last_error", "finished_at", "created_at"];
    ),
];
