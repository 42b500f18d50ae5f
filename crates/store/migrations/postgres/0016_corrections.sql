-- Correction requests for fields a member cannot change themselves (a date
-- of birth, which the age gate depends on): the field, and the corrected
-- value sealed under the member's key (P5).
-- Keep in step with ../sqlite/0016_corrections.sql.

ALTER TABLE privacy_requests ADD COLUMN correction_field TEXT;
ALTER TABLE privacy_requests ADD COLUMN correction_enc BYTEA;
