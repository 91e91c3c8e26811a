-- SPDX-License-Identifier: MIT
-- Schema version 9: conversations. A member has a role in the room ('member' or 'admin'; the
-- owner is rooms.owner_id), a read marker (the newest seq they have read, moved only forward)
-- and a notification level ('all', 'mentions' or 'none'). A direct conversation is a private
-- room whose dm_key names its pair of users ('<lower id>:<higher id>'), so that one pair has one
-- room whoever asks first; other rooms have none.
ALTER TABLE members ADD COLUMN role TEXT NOT NULL DEFAULT 'member';
ALTER TABLE members ADD COLUMN last_read INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN notify TEXT NOT NULL DEFAULT 'all';
ALTER TABLE rooms ADD COLUMN dm_key TEXT;
CREATE UNIQUE INDEX rooms_dm_key ON rooms(dm_key);
CREATE INDEX members_user ON members(user_id);
-- How many members a room has, kept by every statement that adds or removes one: presence goes
-- to those sharing a small room (or a dm) with a user, found without counting big rooms.
ALTER TABLE rooms ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
UPDATE rooms SET member_count = (SELECT COUNT(*) FROM members m WHERE m.room_id = rooms.id);
