// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

// Classic token bucket: holds up to `burst` tokens, refilled at `ratePerSecond`.
class TokenBucket
{
public:
    TokenBucket(double ratePerSecond, double burst) : m_rate(ratePerSecond), m_burst(burst),
        m_tokens(burst)
    {
    }

    // Takes one token if there is one. nowMs is any monotonic millisecond clock.
    bool tryTake(qint64 nowMs)
    {
        if (m_lastMs >= 0)
            m_tokens = std::min(m_burst, m_tokens + double(nowMs - m_lastMs) * m_rate / 1000.0);
        m_lastMs = nowMs;
        if (m_tokens < 1.0)
            return false;
        m_tokens -= 1.0;
        return true;
    }

    // Takes n tokens that were spent elsewhere (another server of the same user): the bucket may
    // go into debt, down to minus one burst, and refills from there.
    void charge(double n, qint64 nowMs)
    {
        if (m_lastMs >= 0)
            m_tokens = std::min(m_burst, m_tokens + double(nowMs - m_lastMs) * m_rate / 1000.0);
        m_lastMs = nowMs;
        m_tokens = std::max(-m_burst, m_tokens - n);
    }

    // After a refused tryTake(): milliseconds until a token is there again.
    qint64 msUntilNext() const
    {
        return m_tokens >= 1.0 ? 0 : qint64((1.0 - m_tokens) * 1000.0 / m_rate) + 1;
    }
    // Whether it would be full again by nowMs (nobody took from it for that long).
    bool fullBy(qint64 nowMs) const
    {
        return m_lastMs < 0 || m_tokens + double(nowMs - m_lastMs) * m_rate / 1000.0 >= m_burst;
    }

private:
    double m_rate;
    double m_burst;
    double m_tokens;
    qint64 m_lastMs = -1;
};
