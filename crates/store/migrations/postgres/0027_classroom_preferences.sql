-- How a member takes part in classrooms. No row: the defaults (a minor's
-- address is hidden, an adult's is not). Keep in step with
-- ../sqlite/0027_classroom_preferences.sql.
CREATE TABLE classroom_preferences (
    account_id UUID NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    -- Media only through the relay, so the other member never learns the
    -- member's IP address.
    hide_ip BOOLEAN NOT NULL,
    updated_at BIGINT NOT NULL
);
