-- Recording a lesson needs both members' consent for that lesson: such a
-- consent names its lesson (NULL: a consent about the account as a whole).
-- No foreign key: the consent stays on record, with the account, after the
-- lesson's own record is gone.
-- Keep in step with ../postgres/0026_lesson_consent.sql.
ALTER TABLE consent_events ADD COLUMN lesson_id BLOB;
CREATE INDEX consent_events_lesson ON consent_events (lesson_id) WHERE lesson_id IS NOT NULL;
