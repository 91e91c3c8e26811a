// SPDX-License-Identifier: MIT
#pragma once

#include "tokenbucket.h"

#include <QElapsedTimer>
#include <QHash>
#include <QString>

// A token bucket per key (a user id, a client address), e.g. the per-user send limit shared by
// every connection and the HTTP API of that user. Buckets that would be full again are forgotten
// once there are many, so a stream of new keys (addresses) cannot grow it without end.
template<typename Key>
class KeyedRateLimiter
{
public:
    KeyedRateLimiter(double ratePerSecond, int burst) : m_rate(ratePerSecond), m_burst(burst)
    {
        m_clock.start();
    }

    // Takes one token of key's bucket; when there is none, *retryAfterMs (if given) says when.
    bool allow(const Key &key, qint64 *retryAfterMs = nullptr)
    {
        const qint64 now = m_clock.elapsed();
        auto it = m_buckets.find(key);
        if (it == m_buckets.end()) {
            if (m_buckets.size() >= kForgetAbove)
                m_buckets.removeIf([now](const auto &entry) { return entry.value().fullBy(now); });
            it = m_buckets.insert(key, TokenBucket(m_rate, m_burst));
        }
        if (it->tryTake(now))
            return true;
        if (retryAfterMs)
            *retryAfterMs = it->msUntilNext();
        return false;
    }

    static constexpr qsizetype kForgetAbove = 65536;

private:
    double m_rate;
    int m_burst;
    QElapsedTimer m_clock;
    QHash<Key, TokenBucket> m_buckets;
};

using RateLimiter = KeyedRateLimiter<qint64>;       // per user id
using AddressRateLimiter = KeyedRateLimiter<QString>; // per client address
