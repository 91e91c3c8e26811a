// SPDX-License-Identifier: MIT
#include "catchupqueue.h"

#include "store/storeservice.h"

CatchUpQueue::CatchUpQueue(StoreService *reader, int maxBatches, int batchEvents, QObject *parent)
    : QObject(parent),
      m_reader(reader),
      m_maxBatches(std::max(1, maxBatches)),
      m_batchEvents(std::max(1, batchEvents))
{
}

void CatchUpQueue::read(QObject *context, const QString &key, const HistoryQuery &query, Done done)
{
    const qint64 userId = query.userId;
    User &user = m_users[userId];
    for (Request &r : user.waiting) {
        if (r.context == context && r.key == key) {
            r.query = query; // asked again before it ran: the newest question takes its place
            r.done = std::move(done);
            return;
        }
    }
    user.waiting.append({context, key, query, std::move(done)});
    ++m_waitingCount;
    if (!user.running && !m_turns.contains(userId))
        m_turns.append(userId);
    pump();
}

void CatchUpQueue::cancel(QObject *context)
{
    for (auto it = m_users.begin(); it != m_users.end();) {
        m_waitingCount -= it->waiting.removeIf([context](const Request &r) {
            return r.context == context || !r.context;
        });
        if (it->waiting.isEmpty() && !it->running) {
            m_turns.removeOne(it.key());
            it = m_users.erase(it);
        } else {
            ++it;
        }
    }
}

void CatchUpQueue::pump()
{
    while (m_running < m_maxBatches && !m_turns.isEmpty()) {
        QList<Running> batch;
        while (batch.size() < kBatchReads && !m_turns.isEmpty()) {
            const qint64 userId = m_turns.takeFirst();
            const auto it = m_users.find(userId);
            if (it == m_users.end())
                continue;
            std::optional<Request> next;
            while (!it->waiting.isEmpty() && !next) {
                Request r = it->waiting.takeFirst();
                --m_waitingCount;
                if (r.context)
                    next = std::move(r);
            }
            if (!next) {
                if (!it->running)
                    m_users.erase(it);
                continue;
            }
            it->running = true;
            batch.append({userId, std::move(*next)});
        }
        if (batch.isEmpty())
            return;
        ++m_running;
        ++m_batchesRun;
        QList<HistoryQuery> queries;
        for (const Running &r : std::as_const(batch))
            queries.append(r.request.query);
        m_reader->run<QList<HistoryResult>>(
                this,
                [queries, maxEvents = m_batchEvents](ChatStore &store) {
                    QList<HistoryResult> results;
                    qsizetype events = 0;
                    for (const HistoryQuery &query : queries) {
                        if (events >= maxEvents)
                            break; // the rest wait for the next trip
                        results.append(store.history(query));
                        events += results.constLast().messages.size();
                    }
                    return results;
                },
                [this, batch = std::move(batch)](const QList<HistoryResult> &results) mutable {
                    finished(std::move(batch), results);
                });
    }
}

void CatchUpQueue::finished(QList<Running> batch, const QList<HistoryResult> &results)
{
    --m_running;
    m_readsRun += results.size();
    QList<qint64> again; // users whose read did not fit: first in line, in their order
    for (qsizetype i = 0; i < batch.size(); ++i) {
        Running &r = batch[i];
        const auto it = m_users.find(r.userId);
        if (i < results.size()) {
            if (r.request.context && r.request.done)
                r.request.done(results.at(i));
        } else if (r.request.context && it != m_users.end()) {
            it->waiting.prepend(std::move(r.request));
            ++m_waitingCount;
        }
        // done() may have closed connections: look the user up again.
        const auto user = m_users.find(r.userId);
        if (user == m_users.end())
            continue;
        user->running = false;
        if (user->waiting.isEmpty())
            m_users.erase(user);
        else if (i >= results.size())
            again.append(r.userId);
        else
            m_turns.append(r.userId);
    }
    m_turns = again + m_turns;
    pump();
}
