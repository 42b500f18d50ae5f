-- Conversations between members: who takes part, the messages in order,
-- blocks, and each member's messaging preferences.
-- A conversation outlives a member who leaves: their membership goes, their
-- messages stay in place under a pseudonym with the text deleted.
-- Keep in step with ../postgres/0022_conversations.sql.

CREATE TABLE conversations (
    id BLOB NOT NULL PRIMARY KEY,
    created_at INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL,
    -- The sequence number of the newest message; each message takes the next.
    last_seq INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0)
) STRICT;
CREATE INDEX conversations_activity ON conversations (last_activity_at);

CREATE TABLE conversation_members (
    conversation_id BLOB NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    joined_at INTEGER NOT NULL,
    -- Everything up to here has been read (on any device).
    last_read_seq INTEGER NOT NULL DEFAULT 0,
    -- Email notices: the newest message one covered, and when it was sent.
    emailed_seq INTEGER NOT NULL DEFAULT 0,
    emailed_at INTEGER,
    PRIMARY KEY (conversation_id, account_id)
) STRICT;
CREATE INDEX conversation_members_account ON conversation_members (account_id);

CREATE TABLE messages (
    id BLOB NOT NULL PRIMARY KEY,
    conversation_id BLOB NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL CHECK (seq > 0),
    -- No foreign key: an erased sender's id is replaced by a pseudonym.
    sender_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    body TEXT,
    -- Contact details the guard took out: how many, and of which kinds.
    redactions INTEGER NOT NULL DEFAULT 0,
    redacted_kinds TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (conversation_id, seq)
) STRICT;
CREATE INDEX messages_sender ON messages (sender_id, created_at);

CREATE TABLE member_blocks (
    blocker_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    blocked_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
) STRICT;
CREATE INDEX member_blocks_blocked ON member_blocks (blocked_id);

CREATE TABLE messaging_preferences (
    account_id BLOB NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    read_receipts INTEGER NOT NULL DEFAULT 0 CHECK (read_receipts IN (0, 1)),
    typing_indicators INTEGER NOT NULL DEFAULT 0 CHECK (typing_indicators IN (0, 1)),
    email TEXT NOT NULL DEFAULT 'digest',
    -- Set while a teacher is away: sent once per conversation as a reply.
    away_message TEXT,
    updated_at INTEGER NOT NULL
) STRICT;
