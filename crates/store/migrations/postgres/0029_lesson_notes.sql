-- A lesson's shared notes pad: each member keeps their own copy of the
-- same text (every save writes both), so a member's export holds it and
-- their erasure takes only their copy. Keep in step with
-- ../sqlite/0029_lesson_notes.sql.
CREATE TABLE lesson_notes (
    lesson_id UUID NOT NULL,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    -- Bumped on every save; a save names the version it changes.
    version BIGINT NOT NULL,
    updated_by UUID,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (lesson_id, account_id)
);
CREATE INDEX lesson_notes_account ON lesson_notes (account_id);
CREATE INDEX lesson_notes_updated ON lesson_notes (updated_at);
CREATE INDEX lesson_notes_updated_by ON lesson_notes (updated_by);
