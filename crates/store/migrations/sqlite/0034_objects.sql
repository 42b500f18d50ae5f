-- Files in the object store (a directory on one node, S3 in cluster mode),
-- each under its person's prefix p/<account>/<kind>/<id>. This table lists
-- every one (its path follows from its owner, kind and id); a private
-- file's own key is here, sealed under its person's key, so destroying that
-- key makes every copy of the file unreadable.
-- Keep in step with ../postgres/0034_objects.sql.
CREATE TABLE objects (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
    -- Private files only.
    wrapped_key BLOB,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX objects_account ON objects (account_id);

-- Objects and person prefixes (ending in /) to delete from the store: queued
-- in the transaction that lets go of them, deleted after it commits, and
-- retried by the retention sweep until the store confirms. A prefix is done
-- once a listing of it comes back empty.
CREATE TABLE object_deletions (
    path TEXT NOT NULL PRIMARY KEY,
    queued_at INTEGER NOT NULL
) STRICT;

-- Export archives now lie in the object store, sealed with a key of their
-- own: archives built before are built again there by the export job. Each
-- build is a file of its own (`archive_id`), so a second build of one
-- export (two nodes at once) never touches the file the export names.
UPDATE data_exports SET ready_at = NULL, size_bytes = NULL WHERE archive IS NOT NULL;
ALTER TABLE data_exports DROP COLUMN archive;
ALTER TABLE data_exports ADD COLUMN archive_id BLOB;
