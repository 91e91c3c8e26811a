-- SPDX-License-Identifier: MIT
-- Schema version 5 on PostgreSQL: as SQLite's schema 6 (deactivated accounts).
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
