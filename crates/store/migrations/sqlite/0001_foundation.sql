-- Foundation: accounts, personal keys, profiles, sessions, one-time codes, outbox, staff audit.
-- SQLite tables are STRICT so declared types are enforced as on PostgreSQL.
-- Instants are INTEGER microseconds since the Unix epoch (ARCHITECTURE P2).
-- Keep column for column in step with ../postgres/0001_foundation.sql (a test checks).

CREATE TABLE accounts (
    id BLOB NOT NULL PRIMARY KEY,
    email TEXT UNIQUE,
    email_verified_at INTEGER,
    phone_hash BLOB UNIQUE,
    phone_enc BLOB,
    phone_verified_at INTEGER,
    password_hash TEXT NOT NULL,
    password_changed_at INTEGER NOT NULL,
    birth_date_enc BLOB,
    minor_until INTEGER,
    staff_role TEXT,
    created_at INTEGER NOT NULL,
    CHECK (email IS NOT NULL OR phone_hash IS NOT NULL)
) STRICT;

CREATE TABLE subject_keys (
    account_id BLOB NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    wrapped_key BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE profiles (
    account_id BLOB NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    bio TEXT,
    country TEXT,
    time_zone TEXT NOT NULL,
    ui_locale TEXT,
    avatar_id BLOB,
    birth_date_visibility TEXT NOT NULL,
    gender TEXT,
    gender_visibility TEXT NOT NULL,
    location TEXT,
    location_visibility TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX profiles_display_name ON profiles (lower(display_name));

CREATE TABLE profile_languages (
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    level TEXT NOT NULL,
    PRIMARY KEY (account_id, language)
) STRICT;

CREATE TABLE sessions (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    authenticated_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    user_agent TEXT,
    ip TEXT
) STRICT;
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE one_time_codes (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    code_hash BLOB NOT NULL UNIQUE,
    new_email TEXT,
    new_phone_hash BLOB,
    new_phone_enc BLOB,
    attempts INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX one_time_codes_account ON one_time_codes (account_id, purpose);

CREATE TABLE outbox (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB REFERENCES accounts(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    claimed_until INTEGER,
    sent_at INTEGER,
    last_error TEXT
) STRICT;
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE sent_at IS NULL;

CREATE TABLE audit_events (
    id BLOB NOT NULL PRIMARY KEY,
    actor_id BLOB NOT NULL,
    subject_id BLOB,
    action TEXT NOT NULL,
    reason TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_events_created ON audit_events (created_at);
