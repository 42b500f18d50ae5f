-- Conversations between members: who takes part, the messages in order,
-- blocks, and each member's messaging preferences.
-- A conversation outlives a member who leaves: their membership goes, their
-- messages stay in place under a pseudonym with the text deleted.
-- Keep in step with ../sqlite/0022_conversations.sql.

CREATE TABLE conversations (
    id UUID NOT NULL PRIMARY KEY,
    created_at BIGINT NOT NULL,
    last_activity_at BIGINT NOT NULL,
    -- The sequence number of the newest message; each message takes the next.
    last_seq BIGINT NOT NULL DEFAULT 0 CHECK (last_seq >= 0)
);
CREATE INDEX conversations_activity ON conversations (last_activity_at);

CREATE TABLE conversation_members (
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    joined_at BIGINT NOT NULL,
    -- Everything up to here has been read (on any device).
    last_read_seq BIGINT NOT NULL DEFAULT 0,
    -- Email notices: the newest message one covered, and when it was sent.
    emailed_seq BIGINT NOT NULL DEFAULT 0,
    emailed_at BIGINT,
    PRIMARY KEY (conversation_id, account_id)
);
CREATE INDEX conversation_members_account ON conversation_members (account_id);

CREATE TABLE messages (
    id UUID NOT NULL PRIMARY KEY,
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL CHECK (seq > 0),
    -- No foreign key: an erased sender's id is replaced by a pseudonym.
    sender_id UUID NOT NULL,
    kind TEXT NOT NULL,
    body TEXT,
    -- Contact details the guard took out: how many, and of which kinds.
    redactions BIGINT NOT NULL DEFAULT 0,
    redacted_kinds TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (conversation_id, seq)
);
CREATE INDEX messages_sender ON messages (sender_id, created_at);

CREATE TABLE member_blocks (
    blocker_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    blocked_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
CREATE INDEX member_blocks_blocked ON member_blocks (blocked_id);

CREATE TABLE messaging_preferences (
    account_id UUID NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    read_receipts BOOLEAN NOT NULL DEFAULT FALSE,
    typing_indicators BOOLEAN NOT NULL DEFAULT FALSE,
    email TEXT NOT NULL DEFAULT 'digest',
    -- Set while a teacher is away: sent once per conversation as a reply.
    away_message TEXT,
    updated_at BIGINT NOT NULL
);
