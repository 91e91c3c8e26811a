-- SPDX-License-Identifier: MIT
-- Schema version 1. Statements are separated by ';' at the end of a line (a CREATE TRIGGER ends at
-- its END;).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE TABLE tokens (
    hash       BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
CREATE INDEX tokens_user ON tokens(user_id);
CREATE TABLE rooms (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    private    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE members (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;
CREATE TABLE messages (
    room_id   INTEGER NOT NULL REFERENCES rooms(id),
    seq       INTEGER NOT NULL,
    id        TEXT NOT NULL UNIQUE,
    sender_id INTEGER NOT NULL REFERENCES users(id),
    client_id TEXT NOT NULL,
    body      TEXT NOT NULL,
    ts        INTEGER NOT NULL,
    PRIMARY KEY (room_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX messages_sender_client ON messages(sender_id, client_id);
INSERT INTO rooms (name, private, created_at) VALUES ('general', 0, 0);
