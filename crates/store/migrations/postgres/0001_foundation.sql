-- Foundation: accounts, personal keys, profiles, sessions, one-time codes, outbox, staff audit.
-- Instants are BIGINT microseconds since the Unix epoch (ARCHITECTURE P2).
-- Keep column for column in step with ../sqlite/0001_foundation.sql (a test checks).

CREATE TABLE accounts (
    id UUID NOT NULL PRIMARY KEY,
    email TEXT UNIQUE,
    email_verified_at BIGINT,
    phone_hash BYTEA UNIQUE,
    phone_enc BYTEA,
    phone_verified_at BIGINT,
    password_hash TEXT NOT NULL,
    password_changed_at BIGINT NOT NULL,
    birth_date_enc BYTEA,
    minor_until BIGINT,
    staff_role TEXT,
    created_at BIGINT NOT NULL,
    CHECK (email IS NOT NULL OR phone_hash IS NOT NULL)
);

CREATE TABLE subject_keys (
    account_id UUID NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    wrapped_key BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE profiles (
    account_id UUID NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    bio TEXT,
    country TEXT,
    time_zone TEXT NOT NULL,
    ui_locale TEXT,
    avatar_id UUID,
    birth_date_visibility TEXT NOT NULL,
    gender TEXT,
    gender_visibility TEXT NOT NULL,
    location TEXT,
    location_visibility TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX profiles_display_name ON profiles (lower(display_name));

CREATE TABLE profile_languages (
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    level TEXT NOT NULL,
    PRIMARY KEY (account_id, language)
);

CREATE TABLE sessions (
    id UUID NOT NULL PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    authenticated_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    user_agent TEXT,
    ip TEXT
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE one_time_codes (
    id UUID NOT NULL PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    code_hash BYTEA NOT NULL UNIQUE,
    new_email TEXT,
    new_phone_hash BYTEA,
    new_phone_enc BYTEA,
    attempts INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX one_time_codes_account ON one_time_codes (account_id, purpose);

CREATE TABLE outbox (
    id UUID NOT NULL PRIMARY KEY,
    account_id UUID REFERENCES accounts(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE sent_at IS NULL;

CREATE TABLE audit_events (
    id UUID NOT NULL PRIMARY KEY,
    actor_id UUID NOT NULL,
    subject_id UUID,
    action TEXT NOT NULL,
    reason TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX audit_events_created ON audit_events (created_at);
