-- A parent or guardian's confirmation for a member under 18, by emailed
-- link. Keep in step with ../postgres/0010_guardian_consents.sql.

CREATE TABLE guardian_consents (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    guardian_email TEXT NOT NULL,
    token_hash BLOB UNIQUE,
    requested_at INTEGER NOT NULL,
    confirmed_at INTEGER
) STRICT;
CREATE INDEX guardian_consents_account ON guardian_consents (account_id);
