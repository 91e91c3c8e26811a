// SPDX-License-Identifier: MIT
#include "catchupqueue.h"

#include "store/storeservice.h"

CatchUpQueue::CatchUpQueue(StoreService *reader, int maxRunning, QObject *parent)
    : QObject(parent), m_reader(reader), m_maxRunning(std::max(1, maxRunning))
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
    while (m_running < m_maxRunning && !m_turns.isEmpty()) {
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
        ++m_running;
        ++m_readsRun;
        m_reader->run<HistoryResult>(
                this, [query = next->query](ChatStore &store) { return store.history(query); },
                [this, userId, context = next->context, done = std::move(next->done)](HistoryResult r) {
                    if (context)
                        done(r);
                    finished(userId);
                });
    }
}

void CatchUpQueue::finished(qint64 userId)
{
    --m_running;
    const auto it = m_users.find(userId);
    if (it != m_users.end()) {
        it->running = false;
        if (it->waiting.isEmpty())
            m_users.erase(it);
        else
            m_turns.append(userId);
    }
    pump();
}
