-- Data exports (GDPR Art. 20): each archive is sealed under its owner's key
-- and kept 7 days. Keep in step with ../sqlite/0005_exports.sql.

CREATE TABLE data_exports (
    id UUID NOT NULL PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    requested_at BIGINT NOT NULL,
    ready_at BIGINT,
    expires_at BIGINT NOT NULL,
    size_bytes BIGINT,
    archive BYTEA,
    downloaded_at BIGINT
);
CREATE INDEX data_exports_account ON data_exports (account_id, requested_at);
CREATE INDEX data_exports_expires ON data_exports (expires_at);
