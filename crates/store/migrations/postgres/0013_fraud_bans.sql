-- Identifiers of accounts closed for fraud, as keyed hashes only, so they
-- cannot sign up again; the account itself is erased.
-- Keep in step with ../sqlite/0013_fraud_bans.sql.

CREATE TABLE fraud_bans (
    id UUID NOT NULL PRIMARY KEY,
    identifier_hash BYTEA NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    banned_by UUID NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX fraud_bans_banned_by ON fraud_bans (banned_by);
CREATE INDEX fraud_bans_created ON fraud_bans (created_at);
