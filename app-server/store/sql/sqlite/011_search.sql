-- SPDX-License-Identifier: MIT
-- Schema version 11: full-text search over the current text of messages (GET /api/v2/search).
-- An FTS5 index of its own (unicode61 folds case, remove_diacritics 2 folds accents: cafe finds
-- Café); its rowid names the message as room_id * 2^32 + seq. Triggers keep it in step inside the
-- transaction that writes the events: a message is added, its text replaced by an edit, and taken
-- out when it is deleted (its text goes from the index's own copy too) or its row removed (a
-- restore of a backup by hand, say: a seq written again then replaces what the index had).
CREATE VIRTUAL TABLE message_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO message_search (rowid, body)
    SELECT room_id * 4294967296 + seq, body FROM events WHERE kind = 'message' AND deleted = 0;
CREATE TRIGGER message_search_insert AFTER INSERT ON events
    WHEN new.kind = 'message' AND new.deleted = 0
BEGIN
    INSERT OR REPLACE INTO message_search (rowid, body) VALUES (new.room_id * 4294967296 + new.seq, new.body);
END;
CREATE TRIGGER message_search_update AFTER UPDATE OF body, deleted ON events
    WHEN new.kind = 'message'
BEGIN
    DELETE FROM message_search WHERE rowid = old.room_id * 4294967296 + old.seq;
    INSERT INTO message_search (rowid, body)
        SELECT new.room_id * 4294967296 + new.seq, new.body WHERE new.deleted = 0;
END;
CREATE TRIGGER message_search_delete AFTER DELETE ON events
BEGIN
    DELETE FROM message_search WHERE rowid = old.room_id * 4294967296 + old.seq;
END;
