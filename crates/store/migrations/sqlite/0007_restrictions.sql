-- Restriction of processing (GDPR Art. 18): while a row is active (not
-- lifted), the account's data is only stored. Keep in step with
-- ../postgres/0007_restrictions.sql.

CREATE TABLE processing_restrictions (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    reason TEXT,
    requested_at INTEGER NOT NULL,
    lifted_at INTEGER
) STRICT;
CREATE INDEX processing_restrictions_account ON processing_restrictions (account_id);
CREATE INDEX processing_restrictions_lifted ON processing_restrictions (lifted_at);
