-- Disclosures of a member's data to recipients outside Koine (an
-- authority, a processor, someone else), recorded by staff so the access
-- report can say to whom data went (GDPR Art. 15(1)(c)).
-- Keep in step with ../postgres/0015_disclosures.sql.

CREATE TABLE disclosures (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB,
    recipient_kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    categories TEXT NOT NULL,
    reason TEXT NOT NULL,
    disclosed_at INTEGER NOT NULL,
    recorded_by BLOB NOT NULL,
    recorded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX disclosures_account ON disclosures (account_id);
CREATE INDEX disclosures_recorded_by ON disclosures (recorded_by);
CREATE INDEX disclosures_recorded ON disclosures (recorded_at);
