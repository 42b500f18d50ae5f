-- Consent choices of visitors who are not signed in, under a random visitor
-- id kept in their browser (append-only, like consent_events).
-- Keep in step with ../postgres/0008_visitor_consent.sql.

CREATE TABLE visitor_consent_events (
    id BLOB NOT NULL PRIMARY KEY,
    visitor_id BLOB NOT NULL,
    purpose TEXT NOT NULL,
    granted INTEGER NOT NULL,
    policy_version TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX visitor_consent_events_visitor ON visitor_consent_events (visitor_id);
CREATE INDEX visitor_consent_events_created ON visitor_consent_events (created_at);
