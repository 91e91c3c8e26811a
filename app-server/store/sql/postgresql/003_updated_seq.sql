-- SPDX-License-Identifier: MIT
-- Schema version 3 on PostgreSQL: as SQLite's schema 4 (updated_seq of a message row).
ALTER TABLE events ADD COLUMN updated_seq BIGINT NOT NULL DEFAULT 0;
