-- How a member takes part in classrooms. No row: the defaults (a minor's
-- address is hidden, an adult's is not). Keep in step with
-- ../postgres/0027_classroom_preferences.sql.
CREATE TABLE classroom_preferences (
    account_id BLOB NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    -- Media only through the relay, so the other member never learns the
    -- member's IP address.
    hide_ip INTEGER NOT NULL CHECK (hide_ip IN (0, 1)),
    updated_at INTEGER NOT NULL
) STRICT;
