-- A parent or guardian's confirmation for a member under 18, by emailed
-- link. Keep in step with ../sqlite/0010_guardian_consents.sql.

CREATE TABLE guardian_consents (
    id UUID NOT NULL PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    guardian_email TEXT NOT NULL,
    token_hash BYTEA UNIQUE,
    requested_at BIGINT NOT NULL,
    confirmed_at BIGINT
);
CREATE INDEX guardian_consents_account ON guardian_consents (account_id);
