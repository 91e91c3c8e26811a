-- SPDX-License-Identifier: MIT
-- Schema version 4 on PostgreSQL: as SQLite's schema 5 (the skeleton index of user names).
CREATE INDEX users_skeleton ON users (
    (replace(replace(replace(replace(replace(lower(name), '1', 'l'), 'i', 'l'), '0', 'o'), 'rn', 'm'), 'vv', 'w')));
