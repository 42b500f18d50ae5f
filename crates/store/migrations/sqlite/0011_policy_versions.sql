-- Published privacy policy versions, each with the notice as it stood.
-- Keep in step with ../postgres/0011_policy_versions.sql.

CREATE TABLE policy_versions (
    version TEXT NOT NULL PRIMARY KEY,
    published_at INTEGER NOT NULL,
    notice TEXT NOT NULL,
    notified INTEGER NOT NULL
) STRICT;
