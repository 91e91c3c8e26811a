// SPDX-License-Identifier: MIT
#pragma once

#include <QRandomGenerator>

#include <algorithm>

// Exponential backoff with full jitter: attempt n waits a uniformly random time in
// [0, min(cap, base * 2^n)], so that clients cut off together do not come back together.
struct Backoff
{
    int baseMs = 500;
    int capMs = 30000;

    int ceilingMs(int attempt) const
    {
        const qint64 grown = qint64(baseMs) << std::min(attempt, 20);
        return int(std::min<qint64>(grown, capMs));
    }
    int delayMs(int attempt, QRandomGenerator *rng = QRandomGenerator::global()) const
    {
        return int(rng->bounded(ceilingMs(attempt) + 1));
    }
};
