-- When a session was last used: sessions end after a time without use (30 minutes for staff,
-- 7 days for residents), as well as at their absolute expiry. Kept equivalent to
-- sqlite/0010_session_activity.sql.
ALTER TABLE sessions ADD COLUMN last_seen BIGINT;
