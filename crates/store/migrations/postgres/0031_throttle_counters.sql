-- Attempt counters shared by every node of a cluster (single-node mode
-- counts in memory). One row per rule, key and time bucket; the key is a
-- keyed hash of the address or identifier, never the value itself.
-- Keep in step with ../sqlite/0031_throttle_counters.sql.
CREATE TABLE throttle_counters (
    scope TEXT NOT NULL,
    key_hash BYTEA NOT NULL,
    bucket BIGINT NOT NULL,
    hits INTEGER NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (scope, key_hash, bucket)
);
CREATE INDEX throttle_counters_expiry ON throttle_counters (expires_at);
