// SPDX-License-Identifier: MIT
#pragma once

#include <QUuid>

// A version 7 UUID (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Ids made later
// sort after earlier ones, so a B-tree index over them grows at its right edge: a batch of inserts
// touches a few pages instead of one random page per row (measured: docs/performance.md).
QUuid createTimeOrderedUuid(qint64 msSinceEpoch);
QUuid createTimeOrderedUuid(); // now
