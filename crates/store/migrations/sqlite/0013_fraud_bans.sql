-- Identifiers of accounts closed for fraud, as keyed hashes only, so they
-- cannot sign up again; the account itself is erased.
-- Keep in step with ../postgres/0013_fraud_bans.sql.

CREATE TABLE fraud_bans (
    id BLOB NOT NULL PRIMARY KEY,
    identifier_hash BLOB NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    banned_by BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX fraud_bans_banned_by ON fraud_bans (banned_by);
CREATE INDEX fraud_bans_created ON fraud_bans (created_at);
