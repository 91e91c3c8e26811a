-- SPDX-License-Identifier: MIT
-- Schema version 5: user names that look alike are taken as one (docs/protocol.md, "Names and
-- limits"). The skeleton of a name: lower case, then 1 and i as l, 0 as o, rn as m, vv as w.
-- SqlStore::createUser looks a new name's skeleton up with the same expression. Not unique: names
-- registered before this rule stay as they are.
CREATE INDEX users_skeleton ON users (
    replace(replace(replace(replace(replace(lower(name), '1', 'l'), 'i', 'l'), '0', 'o'), 'rn', 'm'), 'vv', 'w'));
