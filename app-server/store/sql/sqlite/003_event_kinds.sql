-- SPDX-License-Identifier: MIT
-- Schema version 3: events of every kind. An edit, delete or reaction names the message it
-- changes (relates_to); a kind's other fields are a JSON object (content). A message row holds
-- its current state: body after the latest edit ('' once deleted), edited, deleted.
ALTER TABLE events ADD COLUMN relates_to TEXT;
ALTER TABLE events ADD COLUMN content TEXT;
ALTER TABLE events ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN topic TEXT NOT NULL DEFAULT '';
-- Who reacted with what on which message: a reaction event adds or removes a row.
CREATE TABLE reactions (
    event_id TEXT NOT NULL REFERENCES events(id),
    user_id  INTEGER NOT NULL REFERENCES users(id),
    key      TEXT NOT NULL,
    PRIMARY KEY (event_id, user_id, key)
) WITHOUT ROWID;
