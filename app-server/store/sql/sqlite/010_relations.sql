-- SPDX-License-Identifier: MIT
-- Schema version 10: the events that relate to a message (edits, deletes, reactions) found by
-- the message's id. A delete erases the text of the message's edits too, and a reply names a
-- message of its room; both look them up by this index instead of reading the whole table.
CREATE INDEX events_relates_to ON events(relates_to) WHERE relates_to IS NOT NULL;
