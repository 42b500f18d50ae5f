-- Background jobs shared by every node (and by the one process of a
-- single-node install). A node claims a job with a lease it renews while it
-- works; a job whose lease lapsed is claimed again with the next attempt
-- number, and writes carrying an older attempt are refused (fencing).
-- Times are the database's clock. A scheduled run's key is its time bucket,
-- so however many nodes ask for it, one row exists.
-- Keep in step with ../sqlite/0032_jobs.sql.
CREATE TABLE jobs (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL,
    run_key TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done')),
    run_at BIGINT NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 0,
    lease_until BIGINT,
    node TEXT,
    last_error TEXT,
    finished_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (kind, run_key)
);
CREATE INDEX jobs_waiting ON jobs (state, run_at);
-- The retention sweep deletes finished jobs by when they finished.
CREATE INDEX jobs_finished ON jobs (finished_at);
