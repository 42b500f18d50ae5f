-- Every column naming a person leads an index, so export, erasure and the
-- access report never scan a table (a test checks this against the map).
-- Keep in step with ../postgres/0006_subject_indexes.sql.
CREATE INDEX outbox_account ON outbox (account_id);
CREATE INDEX audit_events_subject ON audit_events (subject_id);
CREATE INDEX audit_events_actor ON audit_events (actor_id);
CREATE INDEX legal_holds_account ON legal_holds (account_id);
CREATE INDEX legal_holds_placed_by ON legal_holds (placed_by);
CREATE INDEX legal_holds_lifted_by ON legal_holds (lifted_by);
