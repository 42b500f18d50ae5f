-- Identity documents and certificates move to the file store (`objects`),
-- each sealed with a key of its own under the person's key: an
-- application names its document by id, a certificate's file has the
-- certificate's id. Those sealed into these rows by earlier versions move
-- there when a node starts, leaving the old columns empty.
-- Keep in step with ../postgres/0035_documents_in_store.sql.
ALTER TABLE teacher_applications ADD COLUMN id_document_id BLOB;
-- SQLite cannot drop a NOT NULL: the table is made anew (nothing refers to it).
CREATE TABLE teacher_certificates_new (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    application_id BLOB REFERENCES teacher_applications(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    content_type TEXT NOT NULL,
    file_enc BLOB,
    verified_at INTEGER,
    created_at INTEGER NOT NULL
) STRICT;
INSERT INTO teacher_certificates_new
    SELECT id, account_id, application_id, title, content_type, file_enc, verified_at, created_at
    FROM teacher_certificates;
DROP TABLE teacher_certificates;
ALTER TABLE teacher_certificates_new RENAME TO teacher_certificates;
CREATE INDEX teacher_certificates_account ON teacher_certificates (account_id);
CREATE INDEX teacher_certificates_application ON teacher_certificates (application_id);
