-- The consent ledger: append-only; a person's current choice for a purpose
-- is their latest event for it. Keep in step with ../sqlite/0003_consent.sql.

CREATE TABLE consent_events (
    id UUID NOT NULL PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    granted BOOLEAN NOT NULL,
    policy_version TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX consent_events_account ON consent_events (account_id, purpose, created_at);
