// SPDX-License-Identifier: MIT
#pragma once

#include "tokenbucket.h"

#include <QElapsedTimer>
#include <QHash>

// Per-user send limit shared by every connection and the HTTP API of that user.
class RateLimiter
{
public:
    RateLimiter(double ratePerSecond, int burst) : m_rate(ratePerSecond), m_burst(burst)
    {
        m_clock.start();
    }

    bool allow(qint64 userId)
    {
        auto it = m_buckets.find(userId);
        if (it == m_buckets.end())
            it = m_buckets.insert(userId, TokenBucket(m_rate, m_burst));
        return it->tryTake(m_clock.elapsed());
    }

private:
    double m_rate;
    int m_burst;
    QElapsedTimer m_clock;
    QHash<qint64, TokenBucket> m_buckets;
};
