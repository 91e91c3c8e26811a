// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>
#include <set>
#include <utility>

class Subscriber;

// The token expiries of every session, on one timer set for the earliest: a session ends at its
// token's expiry without a QTimer of its own (a timer and its connection were 0.9 KiB of each
// idle connection's 12). The Hub watches a session once it authenticated and forgets it when it
// goes.
class ExpiryWatch : public QObject
{
public:
    explicit ExpiryWatch(std::function<void(Subscriber *)> expire, QObject *parent = nullptr);

    // session's token expires at expires (wall clock); an invalid time never expires.
    void watch(Subscriber *session, const QDateTime &expires);
    void forget(Subscriber *session);
    qsizetype size() const { return m_deadlines.size(); }

private:
    void expireDue();
    void arm();

    std::function<void(Subscriber *)> m_expire;
    std::set<std::pair<qint64, Subscriber *>> m_due; // monotonic deadline (ms), session
    QHash<Subscriber *, qint64> m_deadlines;
    QTimer m_timer;
};
