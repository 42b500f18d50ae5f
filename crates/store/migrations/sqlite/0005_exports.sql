-- Data exports (GDPR Art. 20): each archive is sealed under its owner's key
-- and kept 7 days. Keep in step with ../postgres/0005_exports.sql.

CREATE TABLE data_exports (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    requested_at INTEGER NOT NULL,
    ready_at INTEGER,
    expires_at INTEGER NOT NULL,
    size_bytes INTEGER,
    archive BLOB,
    downloaded_at INTEGER
) STRICT;
CREATE INDEX data_exports_account ON data_exports (account_id, requested_at);
CREATE INDEX data_exports_expires ON data_exports (expires_at);
