-- Personal-data breaches (GDPR Art. 33/34): the record, and which members
-- were told. Keep in step with ../sqlite/0012_breaches.sql.

CREATE TABLE breaches (
    id UUID NOT NULL PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    categories TEXT NOT NULL,
    discovered_at BIGINT NOT NULL,
    recorded_by UUID NOT NULL,
    recorded_at BIGINT NOT NULL,
    reported_at BIGINT,
    authority_reference TEXT,
    notified_at BIGINT,
    affected_count BIGINT
);
CREATE INDEX breaches_recorded_by ON breaches (recorded_by);
CREATE INDEX breaches_discovered ON breaches (discovered_at);

CREATE TABLE breach_notices (
    breach_id UUID NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    notified_at BIGINT NOT NULL,
    PRIMARY KEY (breach_id, account_id)
);
CREATE INDEX breach_notices_account ON breach_notices (account_id);
