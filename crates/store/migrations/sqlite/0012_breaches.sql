-- Personal-data breaches (GDPR Art. 33/34): the record, and which members
-- were told. Keep in step with ../postgres/0012_breaches.sql.

CREATE TABLE breaches (
    id BLOB NOT NULL PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    categories TEXT NOT NULL,
    discovered_at INTEGER NOT NULL,
    recorded_by BLOB NOT NULL,
    recorded_at INTEGER NOT NULL,
    reported_at INTEGER,
    authority_reference TEXT,
    notified_at INTEGER,
    affected_count INTEGER
) STRICT;
CREATE INDEX breaches_recorded_by ON breaches (recorded_by);
CREATE INDEX breaches_discovered ON breaches (discovered_at);

CREATE TABLE breach_notices (
    breach_id BLOB NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    notified_at INTEGER NOT NULL,
    PRIMARY KEY (breach_id, account_id)
) STRICT;
CREATE INDEX breach_notices_account ON breach_notices (account_id);
