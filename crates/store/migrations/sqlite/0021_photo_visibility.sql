-- Who sees a member's photo: everyone, members, or only them, like the
-- other optional fields of a profile. Photos were shown to everyone until
-- now, so existing profiles keep that.
-- Keep in step with ../postgres/0021_photo_visibility.sql.

ALTER TABLE profiles ADD COLUMN avatar_visibility TEXT NOT NULL DEFAULT 'public';
-- The picture's address names the picture, not the member: its owner and
-- their choice are looked up by it.
CREATE INDEX profiles_avatar ON profiles (avatar_id);
