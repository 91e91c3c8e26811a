// SPDX-License-Identifier: MIT
#include "expirywatch.h"

#include <QDeadlineTimer>

#include <algorithm>

ExpiryWatch::ExpiryWatch(std::function<void(Subscriber *)> expire, QObject *parent)
    : QObject(parent), m_expire(std::move(expire))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ExpiryWatch::expireDue);
}

void ExpiryWatch::watch(Subscriber *session, const QDateTime &expires)
{
    if (!expires.isValid())
        return;
    forget(session);
    // On the monotonic clock from here on: a wall clock set back does not stretch a session.
    const qint64 deadline = QDeadlineTimer::current().deadline()
            + std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(expires));
    m_due.emplace(deadline, session);
    m_deadlines.insert(session, deadline);
    if (m_due.begin()->second == session)
        arm();
}

void ExpiryWatch::forget(Subscriber *session)
{
    const auto it = m_deadlines.constFind(session);
    if (it == m_deadlines.cend())
        return;
    m_due.erase({*it, session});
    m_deadlines.erase(it);
}

void ExpiryWatch::expireDue()
{
    const qint64 now = QDeadlineTimer::current().deadline();
    while (!m_due.empty() && m_due.begin()->first <= now) {
        Subscriber *session = m_due.begin()->second;
        forget(session);
        m_expire(session); // may forget others: nothing is held across the call
    }
    arm();
}

void ExpiryWatch::arm()
{
    if (m_due.empty()) {
        m_timer.stop();
        return;
    }
    const qint64 left = m_due.begin()->first - QDeadlineTimer::current().deadline();
    // A timer counts at most ~24 days; a later expiry is looked at again after a day.
    m_timer.start(int(std::clamp<qint64>(left, 0, 24 * 3600 * 1000)));
}
