-- Identity documents and certificates move to the file store (`objects`),
-- each sealed with a key of its own under the person's key: an
-- application names its document by id, a certificate's file has the
-- certificate's id. Those sealed into these rows by earlier versions move
-- there when a node starts, leaving the old columns empty.
-- Keep in step with ../sqlite/0035_documents_in_store.sql.
ALTER TABLE teacher_applications ADD COLUMN id_document_id UUID;
ALTER TABLE teacher_certificates ALTER COLUMN file_enc DROP NOT NULL;
