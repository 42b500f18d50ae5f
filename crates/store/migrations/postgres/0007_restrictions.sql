-- Restriction of processing (GDPR Art. 18): while a row is active (not
-- lifted), the account's data is only stored. Keep in step with
-- ../sqlite/0007_restrictions.sql.

CREATE TABLE processing_restrictions (
    id UUID NOT NULL PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    reason TEXT,
    requested_at BIGINT NOT NULL,
    lifted_at BIGINT
);
CREATE INDEX processing_restrictions_account ON processing_restrictions (account_id);
CREATE INDEX processing_restrictions_lifted ON processing_restrictions (lifted_at);
