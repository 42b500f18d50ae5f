//! What makes a money-moving call, and a card processor's event, take effect once.

use super::*;

const IDEMPOTENCY_KEEP: Retention = DaysAfter {
    days: 1,
    column: "created_at",
};

const PROVIDER_EVENT_KEEP: Retention = DaysAfter {
    days: 90,
    column: "received_at",
};

pub(super) static TABLES: &[TableMap] = &[
    TableMap {
        table: "idempotency_keys",
        // A retried payment request must not pay twice; a day is enough for
        // any client to retry.
        about: "Keys your app sent so that a repeated payment or booking request is not carried out twice.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PAY, Contract, IDEMPOTENCY_KEEP, DeleteRow);
            [
                T.col("account_id", UID),
                T.col("key", SYS).from(Source::Device),
                T.col("fingerprint", SYS).secret(),
                T.col("outcome", SYS),
                T.col("created_at", SYS),
            ]
        },
    },
    TableMap {
        table: "provider_events",
        about: "Notifications payment providers sent us, kept to ignore repeats.",
        subjects: &[],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(OPS, Contract, PROVIDER_EVENT_KEEP, DeleteRow);
            [
                T.col("provider", SYS),
                T.col("event_id", SYS),
                T.col("kind", SYS),
                T.col("received_at", SYS),
            ]
        },
    },
];
