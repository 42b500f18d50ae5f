-- A lesson's shared notes pad: each member keeps their own copy of the
-- same text (every save writes both), so a member's export holds it and
-- their erasure takes only their copy. Keep in step with
-- ../postgres/0029_lesson_notes.sql.
CREATE TABLE lesson_notes (
    lesson_id BLOB NOT NULL,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    -- Bumped on every save; a save names the version it changes.
    version INTEGER NOT NULL,
    updated_by BLOB,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (lesson_id, account_id)
) STRICT;
CREATE INDEX lesson_notes_account ON lesson_notes (account_id);
CREATE INDEX lesson_notes_updated ON lesson_notes (updated_at);
CREATE INDEX lesson_notes_updated_by ON lesson_notes (updated_by);
