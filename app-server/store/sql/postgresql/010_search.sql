-- SPDX-License-Identifier: MIT
-- Schema version 10: full-text search over the current text of messages (GET /api/v2/search),
-- with the semantics of SQLite's index: words folded to lower case and without accents
-- (configuration simple, after unaccent: cafe finds Café). A generated column keeps it in step
-- with the message's text in the transaction that changes it (empty for other kinds and for
-- deleted messages), under a GIN index. unaccent ships with Debian's PostgreSQL and is a trusted
-- extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
CREATE FUNCTION chat_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
ALTER TABLE events ADD COLUMN search tsvector GENERATED ALWAYS AS (CASE WHEN kind = 'message' AND deleted = 0 THEN to_tsvector('simple'::regconfig, chat_unaccent(body)) END) STORED;
CREATE INDEX events_search ON events USING gin (search);
