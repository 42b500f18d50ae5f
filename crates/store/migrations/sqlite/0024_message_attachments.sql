-- Files sent with messages: images (re-encoded, so no EXIF) and PDFs,
-- sealed under the sender's key. They go with their message and
-- conversation; an erased sender's files are deleted and their key destroyed.
-- Keep in step with ../postgres/0024_message_attachments.sql.

CREATE TABLE message_attachments (
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
    file_enc BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (message_id, position)
) STRICT;
CREATE INDEX message_attachments_sender ON message_attachments (sender_id);
CREATE INDEX message_attachments_conversation ON message_attachments (conversation_id);
