-- Sending a message asks whether the other member has written in this
-- conversation (and whether their away reply has gone out): without this
-- index each send read all of their messages there, more with every one.
-- Keep in step with ../postgres/0030_messages_by_sender.sql.
CREATE INDEX messages_conversation_sender ON messages (conversation_id, sender_id, kind);
