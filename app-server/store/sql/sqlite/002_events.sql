-- SPDX-License-Identifier: MIT
-- Schema version 2: the timeline of a room holds events (messages now; edits, reactions and
-- membership later), numbered by a counter row per room that the storing transaction advances.
ALTER TABLE rooms ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
UPDATE rooms SET last_seq = COALESCE((SELECT MAX(m.seq) FROM messages m WHERE m.room_id = rooms.id), 0);
ALTER TABLE messages RENAME TO events;
ALTER TABLE events ADD COLUMN kind TEXT NOT NULL DEFAULT 'message';
DROP INDEX messages_sender_client;
CREATE UNIQUE INDEX events_sender_client ON events(sender_id, client_id);
-- Names are unique ignoring case on every engine through the same expression.
CREATE UNIQUE INDEX users_name_lower ON users(lower(name));
