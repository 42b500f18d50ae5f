-- The platform's own keys (blind indexes, one-time codes, CSRF, derived
-- secrets), each wrapped under the master key like a person's key. Rotating
-- the master key rewraps these rows (`koine admin rewrap-keys`) instead of
-- changing the keys, so hashes made under them stay valid.
-- Keep in step with ../postgres/0033_platform_keys.sql.
CREATE TABLE platform_keys (
    purpose TEXT NOT NULL PRIMARY KEY,
    wrapped_key BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
