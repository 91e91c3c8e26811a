-- SPDX-License-Identifier: MIT
-- Schema version 4: a message row names the seq of the newest edit, delete or reaction folded
-- into its state (0: none), so that a reader knows which later events still apply to it.
ALTER TABLE events ADD COLUMN updated_seq INTEGER NOT NULL DEFAULT 0;
