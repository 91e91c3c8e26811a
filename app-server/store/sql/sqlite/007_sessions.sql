-- SPDX-License-Identifier: MIT
-- Schema version 7: a token is a session the user can see and end (GET/DELETE /api/v2/sessions):
-- when it was issued, when it was last used (to the token cache's minute) and on what device.
-- Tokens issued before know neither (NULL).
ALTER TABLE tokens ADD COLUMN created_at INTEGER;
ALTER TABLE tokens ADD COLUMN last_used_at INTEGER;
ALTER TABLE tokens ADD COLUMN device TEXT;
