-- Text Koine writes into one member's records about another (lesson
-- notices, their emails) names that person by id, never by name: the name
-- is put in when the text is shown or sent, and erasing the person clears
-- the id, so their name is gone from everyone's records.
-- Keep in step with ../postgres/0020_mentions.sql.

ALTER TABLE notifications ADD COLUMN about_id BLOB;
CREATE INDEX notifications_about ON notifications (about_id);
ALTER TABLE outbox ADD COLUMN about_id BLOB;
CREATE INDEX outbox_about ON outbox (about_id);
