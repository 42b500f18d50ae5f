-- Published privacy policy versions, each with the notice as it stood.
-- Keep in step with ../sqlite/0011_policy_versions.sql.

CREATE TABLE policy_versions (
    version TEXT NOT NULL PRIMARY KEY,
    published_at BIGINT NOT NULL,
    notice TEXT NOT NULL,
    notified BOOLEAN NOT NULL
);
