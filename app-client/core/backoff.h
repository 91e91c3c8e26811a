// SPDX-License-Identifier: MIT
#pragma once

#include <QRandomGenerator>

#include <algorithm>

// Exponential backoff with full jitter: attempt n waits a uniformly random time in
// [0, min(cap, base * 2^n)], so that clients cut off together do not come back together.
//
// A server that closed with 1001 (going away) is restarting and back within seconds: for
// restartWindowMs after that close the ceiling stops at restartCeilingMs. Otherwise a client that
// tried a few times while the port was dark would then wait out a ceiling of 8 or 16 s
// (docs/performance.md, the reconnect storm).
struct Backoff
{
    int baseMs = 500;
    int capMs = 30000;
    int restartCeilingMs = 2000;
    int restartWindowMs = 30000;

    int ceilingMs(int attempt, bool serverRestarting = false) const
    {
        const qint64 grown = qint64(baseMs) << std::min(attempt, 20);
        const int ceiling = int(std::min<qint64>(grown, capMs));
        return serverRestarting ? std::min(ceiling, restartCeilingMs) : ceiling;
    }
    int delayMs(int attempt, bool serverRestarting = false,
                QRandomGenerator *rng = QRandomGenerator::global()) const
    {
        return int(rng->bounded(ceilingMs(attempt, serverRestarting) + 1));
    }
};
