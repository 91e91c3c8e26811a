-- Who owns a room (its creator from now on; NULL for rooms made before: nobody recorded) and
-- whether it is archived (readable and joinable, no new events) since when.
ALTER TABLE rooms ADD COLUMN owner_id INTEGER REFERENCES users(id);
ALTER TABLE rooms ADD COLUMN archived_at INTEGER;
