-- An open report keeps the messages it covers: an erased member's among
-- them keep their text and files (no longer naming them) until the report
-- is decided. Keep in step with ../sqlite/0025_report_holds.sql.

-- The first and last sequence numbers of the messages the report copied
-- (0 and 0 for reports made before: they cover nothing beyond their copy).
ALTER TABLE message_reports ADD COLUMN first_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE message_reports ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;

-- An erasure a hold left unfinished: the pseudonym that replaced the
-- person in the rows kept, and the key their kept files are sealed under
-- (their own key is destroyed; NULL: no file was kept). Deleted, key and
-- all, once the last kept row has gone the erasure's way.
CREATE TABLE held_erasures (
    pseudonym UUID NOT NULL PRIMARY KEY,
    wrapped_key BYTEA,
    created_at BIGINT NOT NULL
);
