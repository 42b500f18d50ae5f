-- Files sent with messages move to the file store (`objects`), each under
-- its sender's prefix and sealed with a key of its own under the sender's
-- key; a file has its attachment's id. Those sealed into these rows by
-- earlier versions move there when a node starts, leaving the column empty.
-- Keep in step with ../postgres/0036_attachments_in_store.sql.
-- SQLite cannot drop a NOT NULL: the table is made anew (nothing refers to it).
CREATE TABLE message_attachments_new (
    id BLOB NOT NULL PRIMARY KEY,
    message_id BLOB NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    conversation_id BLOB NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    -- No foreign key, as for messages.sender_id.
    sender_id BLOB NOT NULL,
    -- The order of the files within their message.
    position INTEGER NOT NULL CHECK (position >= 0),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL CHECK (size_bytes > 0),
    file_enc BLOB,
    created_at INTEGER NOT NULL,
    UNIQUE (message_id, position)
) STRICT;
INSERT INTO message_attachments_new
    SELECT id, message_id, conversation_id, sender_id, position, name, content_type, size_bytes, file_enc, created_at
    FROM message_attachments;
DROP TABLE message_attachments;
ALTER TABLE message_attachments_new RENAME TO message_attachments;
CREATE INDEX message_attachments_sender ON message_attachments (sender_id);
CREATE INDEX message_attachments_conversation ON message_attachments (conversation_id);
