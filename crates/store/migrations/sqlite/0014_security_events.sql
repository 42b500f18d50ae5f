-- Security events (sign-ins, failed sign-ins, credential changes) with the
-- network they came from. Full IP addresses are cleared after 7 days — in
-- sessions too — leaving only the network (data map retention).
-- Keep in step with ../postgres/0014_security_events.sql.

ALTER TABLE sessions ADD COLUMN ip_network TEXT;
CREATE INDEX sessions_created ON sessions (created_at);

CREATE TABLE security_events (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    ip TEXT,
    ip_network TEXT,
    user_agent TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX security_events_account ON security_events (account_id, created_at);
CREATE INDEX security_events_created ON security_events (created_at);
