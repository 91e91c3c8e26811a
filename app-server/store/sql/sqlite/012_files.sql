-- SPDX-License-Identifier: MIT
-- Schema version 12: files posted to rooms, stored in the database itself (docs/architecture.md,
-- "Files": one copy in the backup, in the migration and on every server of a PostgreSQL).
-- A file belongs to the room it was uploaded to and to at most one message (event_id, set when
-- the message that attaches it is stored; NULL until then). Content is kept once per SHA-256 in
-- chunks of 256 KiB, so that a range is read without the rest; a message deleted takes its file
-- row with it, and the content once no file row names it.
CREATE TABLE files (
    id          TEXT PRIMARY KEY,
    room_id     INTEGER NOT NULL REFERENCES rooms(id),
    uploader_id INTEGER NOT NULL REFERENCES users(id),
    event_id    TEXT UNIQUE,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    width       INTEGER NOT NULL DEFAULT 0,
    height      INTEGER NOT NULL DEFAULT 0,
    thumbnail   BLOB,
    created_at  INTEGER NOT NULL
);
CREATE INDEX files_uploader ON files(uploader_id);
CREATE INDEX files_sha256 ON files(sha256);
CREATE TABLE file_chunks (
    sha256 TEXT NOT NULL,
    n      INTEGER NOT NULL,
    data   BLOB NOT NULL,
    PRIMARY KEY (sha256, n)
);
