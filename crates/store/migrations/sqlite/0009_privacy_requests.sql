-- Data-subject requests from the public form (members, non-members,
-- parents), worked by the privacy officer against a statutory deadline.
-- Keep in step with ../postgres/0009_privacy_requests.sql.

CREATE TABLE privacy_requests (
    id BLOB NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    regime TEXT NOT NULL,
    relation TEXT NOT NULL,
    requester_name TEXT NOT NULL,
    requester_email TEXT NOT NULL,
    details TEXT,
    verify_hash BLOB UNIQUE,
    account_id BLOB REFERENCES accounts(id) ON DELETE SET NULL,
    status TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    verified_at INTEGER,
    due_at INTEGER NOT NULL,
    extension_reason TEXT,
    outcome TEXT,
    handled_by BLOB,
    closed_at INTEGER
) STRICT;
CREATE INDEX privacy_requests_received ON privacy_requests (received_at);
CREATE INDEX privacy_requests_account ON privacy_requests (account_id);
CREATE INDEX privacy_requests_handled_by ON privacy_requests (handled_by);
