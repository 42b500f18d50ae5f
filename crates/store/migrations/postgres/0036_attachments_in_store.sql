-- Files sent with messages move to the file store (`objects`), each under
-- its sender's prefix and sealed with a key of its own under the sender's
-- key; a file has its attachment's id. Those sealed into these rows by
-- earlier versions move there when a node starts, leaving the column empty.
-- Keep in step with ../sqlite/0036_attachments_in_store.sql.
ALTER TABLE message_attachments ALTER COLUMN file_enc DROP NOT NULL;
