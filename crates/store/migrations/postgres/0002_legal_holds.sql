-- Legal holds: while one is active for a person, erasure and retention
-- sweeps leave their data alone. No foreign key on account_id: erasure
-- pseudonymises it once a hold is lifted and the person is erased.
-- Keep in step with ../sqlite/0002_legal_holds.sql (a test checks).

CREATE TABLE legal_holds (
    id UUID NOT NULL PRIMARY KEY,
    account_id UUID NOT NULL,
    reason TEXT,
    placed_by UUID NOT NULL,
    placed_at BIGINT NOT NULL,
    lifted_by UUID,
    lifted_at BIGINT
);
CREATE INDEX legal_holds_active ON legal_holds (account_id) WHERE lifted_at IS NULL;
