// SPDX-License-Identifier: MIT
#pragma once

#include "tokenbucket.h"

#include <QElapsedTimer>
#include <QHash>
#include <QString>

#include <utility>

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
        auto it = bucket(key, now);
        if (it->tryTake(now)) {
            if (m_reporting)
                ++m_taken[key];
            return true;
        }
        if (retryAfterMs)
            *retryAfterMs = it->msUntilNext();
        return false;
    }

    // Several servers of one database: what each server lets a user take is told to the others
    // (takeReport(), about every second) and charged there (charge()), so the user's sustained
    // rate over all servers is the configured one; the tolerance is what the others allowed
    // before they heard, at most one report interval at the full rate plus a burst per server.
    void setReporting(bool on) { m_reporting = on; }
    QHash<Key, int> takeReport() { return std::exchange(m_taken, {}); }
    void charge(const Key &key, int n)
    {
        const qint64 now = m_clock.elapsed();
        bucket(key, now)->charge(n, now);
    }

    static constexpr qsizetype kForgetAbove = 65536;

private:
    typename QHash<Key, TokenBucket>::iterator bucket(const Key &key, qint64 now)
    {
        auto it = m_buckets.find(key);
        if (it == m_buckets.end()) {
            if (m_buckets.size() >= kForgetAbove)
                m_buckets.removeIf([now](const auto &entry) { return entry.value().fullBy(now); });
            it = m_buckets.insert(key, TokenBucket(m_rate, m_burst));
        }
        return it;
    }

    double m_rate;
    int m_burst;
    QElapsedTimer m_clock;
    QHash<Key, TokenBucket> m_buckets;
    bool m_reporting = false;
    QHash<Key, int> m_taken; // since the last report
};

using RateLimiter = KeyedRateLimiter<qint64>;       // per user id
using AddressRateLimiter = KeyedRateLimiter<QString>; // per client address
