-- The key database (`key_database_url`): each person's key, wrapped under
-- the master key, apart from the data it protects, so that its backups can
-- be kept for less time than the data's. No foreign key: the accounts are
-- in the other database.
-- Keep in step with ../postgres/0001_subject_keys.sql.
CREATE TABLE subject_keys (
    account_id BLOB NOT NULL PRIMARY KEY,
    wrapped_key BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
-- Keys whose account is gone are looked for among the older ones.
CREATE INDEX subject_keys_created ON subject_keys (created_at);
