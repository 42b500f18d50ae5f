-- Legal holds: while one is active for a person, erasure and retention
-- sweeps leave their data alone. No foreign key on account_id: erasure
-- pseudonymises it once a hold is lifted and the person is erased.
-- Keep in step with ../postgres/0002_legal_holds.sql (a test checks).

CREATE TABLE legal_holds (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB NOT NULL,
    reason TEXT,
    placed_by BLOB NOT NULL,
    placed_at INTEGER NOT NULL,
    lifted_by BLOB,
    lifted_at INTEGER
) STRICT;
CREATE INDEX legal_holds_active ON legal_holds (account_id) WHERE lifted_at IS NULL;
