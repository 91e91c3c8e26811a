// SPDX-License-Identifier: MIT
#pragma once

#include "store/chatstore.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

#include <functional>

class StoreService;

// Catch-up reads (a WebSocket subscribing with a cursor, or repairing a jump) waiting for the
// reader store, shared fairly between users so that nobody's reads can fill it:
// - at most one read per user runs at a time, and at most maxRunning in all; the next one goes
//   to the user who waited longest (round robin over users with work);
// - a read asked again under the same (context, key) before it started replaces the waiting one,
//   so a client repeating "subscribe" to a room costs one read, not one per frame;
// - a read whose context is gone (the connection closed) never runs.
// Main thread only; results come back on it, in no order across users.
class CatchUpQueue : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(const HistoryResult &)>;

    CatchUpQueue(StoreService *reader, int maxRunning, QObject *parent = nullptr);

    void read(QObject *context, const QString &key, const HistoryQuery &query, Done done);
    void cancel(QObject *context); // drops what it has waiting

    qsizetype waiting() const { return m_waitingCount; }
    qint64 readsRun() const { return m_readsRun; } // since start: what the reader was asked

private:
    struct Request
    {
        QPointer<QObject> context;
        QString key;
        HistoryQuery query;
        Done done;
    };
    struct User
    {
        QList<Request> waiting;
        bool running = false;
    };
    void pump();
    void finished(qint64 userId);

    StoreService *m_reader;
    int m_maxRunning;
    int m_running = 0;
    QHash<qint64, User> m_users; // users with work waiting or running
    QList<qint64> m_turns;       // users with work waiting and none running, oldest first
    qsizetype m_waitingCount = 0;
    qint64 m_readsRun = 0;
};
