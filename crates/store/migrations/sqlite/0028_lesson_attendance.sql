-- Who was in a lesson's classroom, and when: each stay from joining the
-- call to leaving it (left_at NULL: still there, or the page never said).
-- Evidence that the lesson took place, for its completion and disputes.
-- No foreign key, like lesson_events: kept for as long as the lesson's
-- record. Keep in step with ../postgres/0028_lesson_attendance.sql.
CREATE TABLE lesson_attendance (
    id BLOB NOT NULL PRIMARY KEY,
    lesson_id BLOB NOT NULL,
    account_id BLOB NOT NULL,
    joined_at INTEGER NOT NULL,
    left_at INTEGER,
    CHECK (left_at IS NULL OR left_at >= joined_at)
) STRICT;
CREATE INDEX lesson_attendance_lesson ON lesson_attendance (lesson_id, account_id);
CREATE INDEX lesson_attendance_account ON lesson_attendance (account_id);
CREATE INDEX lesson_attendance_joined ON lesson_attendance (joined_at);

-- When the classroom had seen both members (the lesson then completes
-- sooner by itself).
ALTER TABLE lessons ADD COLUMN both_attended_at INTEGER;
