-- SPDX-License-Identifier: MIT
-- Schema version 2 on PostgreSQL: events of every kind (as SQLite's schema 3).
ALTER TABLE events ADD COLUMN relates_to TEXT;
ALTER TABLE events ADD COLUMN content TEXT;
ALTER TABLE events ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN topic TEXT NOT NULL DEFAULT '';
CREATE TABLE reactions (
    event_id TEXT NOT NULL REFERENCES events(id),
    user_id  BIGINT NOT NULL REFERENCES users(id),
    key      TEXT NOT NULL,
    PRIMARY KEY (event_id, user_id, key)
);
