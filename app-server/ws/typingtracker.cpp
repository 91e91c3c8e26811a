// SPDX-License-Identifier: MIT
#include "typingtracker.h"

TypingTracker::TypingTracker(Tell tell, int expiryMs, QObject *parent)
    : QObject(parent), m_tell(std::move(tell)), m_expiryMs(expiryMs)
{
    // Expiry to within a quarter of it: a typist who vanished is cleared 6–7.5 s after their
    // last renewal.
    m_sweep.setInterval(std::max(50, expiryMs / 4));
    connect(&m_sweep, &QTimer::timeout, this, &TypingTracker::sweep);
}

void TypingTracker::set(const QString &room, const QString &user, bool typing)
{
    const Key key{room, user.toLower()};
    if (!typing) {
        end(key, true);
        return;
    }
    auto it = m_typing.find(key);
    const bool fresh = it == m_typing.end();
    if (fresh)
        it = m_typing.insert(key, {user, {}, {}});
    it->expires.setRemainingTime(m_expiryMs);
    if (fresh || it->retell.hasExpired()) {
        it->retell.setRemainingTime(std::min(kRetellMs, m_expiryMs / 2));
        m_tell(room, user, true);
    }
    if (!m_sweep.isActive())
        m_sweep.start();
}

void TypingTracker::messageFrom(const QString &room, const QString &user)
{
    if (!m_typing.isEmpty())
        end({room, user.toLower()}, false);
}

void TypingTracker::left(const QString &room, const QString &user)
{
    if (!m_typing.isEmpty())
        end({room, user.toLower()}, true);
}

void TypingTracker::end(const Key &key, bool tell)
{
    const auto it = m_typing.find(key);
    if (it == m_typing.end())
        return;
    const QString user = it->user;
    m_typing.erase(it);
    if (tell)
        m_tell(key.first, user, false);
    if (m_typing.isEmpty())
        m_sweep.stop();
}

void TypingTracker::sweep()
{
    QList<Key> expired;
    for (auto it = m_typing.cbegin(); it != m_typing.cend(); ++it) {
        if (it->expires.hasExpired())
            expired.append(it.key());
    }
    for (const Key &key : expired)
        end(key, true);
}
