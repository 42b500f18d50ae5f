-- Which consent request each answer was given to: a consent given to an
-- earlier request (other purposes or recipients) is asked for again.
-- Keep in step with ../sqlite/0017_consent_revisions.sql.

ALTER TABLE consent_events ADD COLUMN consent_revision BIGINT;
ALTER TABLE visitor_consent_events ADD COLUMN consent_revision BIGINT;
