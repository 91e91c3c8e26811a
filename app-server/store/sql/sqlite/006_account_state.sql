-- SPDX-License-Identifier: MIT
-- Schema version 6: accounts can be deactivated (POST /api/v2/account/deactivate). A deactivated
-- account keeps its name and its messages; it cannot sign in and has no tokens.
ALTER TABLE users ADD COLUMN disabled_at INTEGER;
