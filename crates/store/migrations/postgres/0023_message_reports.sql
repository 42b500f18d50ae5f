-- Reports of messages and conversations to trust & safety, with a copy of
-- the reported messages as evidence, and messaging restrictions staff place.
-- A report follows its own rule: no foreign keys, as it outlives the
-- conversation and names the people in it by pseudonym once they leave.
-- Keep in step with ../sqlite/0023_message_reports.sql.

CREATE TABLE message_reports (
    id UUID NOT NULL PRIMARY KEY,
    conversation_id UUID NOT NULL,
    -- NULL: the whole conversation is reported.
    message_id UUID,
    reporter_id UUID NOT NULL,
    reported_id UUID NOT NULL,
    reason TEXT NOT NULL,
    details TEXT,
    -- The reported messages as they were (JSON); cleared a while after
    -- the report is closed.
    evidence TEXT,
    status TEXT NOT NULL,
    outcome TEXT,
    decision_note TEXT,
    created_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX message_reports_queue ON message_reports (status, created_at);
CREATE INDEX message_reports_reporter ON message_reports (reporter_id);
CREATE INDEX message_reports_reported ON message_reports (reported_id);
CREATE INDEX message_reports_closed ON message_reports (closed_at);

CREATE TABLE messaging_restrictions (
    account_id UUID NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    report_id UUID,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
