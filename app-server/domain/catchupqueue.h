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
// - at most one read per user runs at a time; reads go to the reader in batches, at most
//   maxBatches of them on their way at once; a batch takes the next read of each user in turn
//   (round robin, the user who waited longest first), at most kBatchReads of them, and the reader
//   stops a batch once it has read batchEvents events (the rest go back to the front of the line):
//   cheap reads (a subscribe without a cursor, a cursor already at the end) share one trip to the
//   reader thread, while what a batch holds in memory stays about one page;
// - a read asked again under the same (context, key) before it started replaces the waiting one,
//   so a client repeating "subscribe" to a room costs one read, not one per frame;
// - a read whose context is gone (the connection closed) never runs.
// Main thread only; results come back on it, in no order across users.
class CatchUpQueue : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(const HistoryResult &)>;

    static constexpr int kBatchReads = 64;
    CatchUpQueue(StoreService *reader, int maxBatches, int batchEvents = 500,
                 QObject *parent = nullptr);

    void read(QObject *context, const QString &key, const HistoryQuery &query, Done done);
    void cancel(QObject *context); // drops what it has waiting

    qsizetype waiting() const { return m_waitingCount; }
    qint64 readsRun() const { return m_readsRun; }     // since start: reads the reader ran
    qint64 batchesRun() const { return m_batchesRun; } // since start: trips to the reader

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
    struct Running
    {
        qint64 userId;
        Request request;
    };
    void pump();
    void finished(QList<Running> batch, const QList<HistoryResult> &results);

    StoreService *m_reader;
    int m_maxBatches;
    int m_batchEvents;
    int m_running = 0; // batches on their way
    QHash<qint64, User> m_users; // users with work waiting or running
    QList<qint64> m_turns;       // users with work waiting and none running, oldest first
    qsizetype m_waitingCount = 0;
    qint64 m_readsRun = 0;
    qint64 m_batchesRun = 0;
};
