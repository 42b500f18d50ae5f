-- The consent ledger: append-only; a person's current choice for a purpose
-- is their latest event for it. Keep in step with ../postgres/0003_consent.sql.

CREATE TABLE consent_events (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    granted INTEGER NOT NULL,
    policy_version TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX consent_events_account ON consent_events (account_id, purpose, created_at);
