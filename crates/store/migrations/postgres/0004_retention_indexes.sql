-- Indexes for the retention sweeps, which delete by these instants.
-- Keep in step with ../sqlite/0004_retention_indexes.sql.
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX one_time_codes_expires ON one_time_codes (expires_at);
CREATE INDEX outbox_created ON outbox (created_at);
CREATE INDEX legal_holds_lifted ON legal_holds (lifted_at);
