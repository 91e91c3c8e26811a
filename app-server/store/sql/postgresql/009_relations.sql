-- SPDX-License-Identifier: MIT
-- Schema version 9: the events that relate to a message (edits, deletes, reactions) found by
-- the message's id. A delete erases the text of the message's edits too; this index finds them
-- instead of reading the whole table.
CREATE INDEX events_relates_to ON events (relates_to) WHERE relates_to IS NOT NULL;
