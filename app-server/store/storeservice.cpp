// SPDX-License-Identifier: MIT
#include "storeservice.h"

#include "logging.h"
#include "threadhandoff.h"

#include <QElapsedTimer>

// Lives on the store thread and owns the ChatStore there.
class StoreWorker : public QObject
{
public:
    StoreWorker(std::unique_ptr<ChatStore> store, StoreService *service)
        : m_store(std::move(store)), m_service(service)
    {
    }

    ChatStore &store() { return *m_store; }

    struct PendingAppend
    {
        AppendRequest request;
        std::shared_ptr<StoreService::Callback> callback;
        std::shared_ptr<AppendResult> result;
    };

    // Any thread.
    void enqueue(PendingAppend pending)
    {
        std::lock_guard lock(m_mutex);
        m_queue.append(std::move(pending));
        if (m_drainScheduled)
            return;
        m_drainScheduled = true;
        ThreadHandOff::post(this, [this] { drain(false); });
    }

    // Store thread. Commits one group (or, when closing, everything queued).
    void drain(bool all)
    {
        for (;;) {
            QList<PendingAppend> group;
            {
                std::lock_guard lock(m_mutex);
                const qsizetype n = std::min<qsizetype>(m_queue.size(), StoreService::kMaxBatch);
                group = m_queue.mid(0, n);
                m_queue.remove(0, n);
                if (m_queue.isEmpty()) {
                    m_drainScheduled = false;
                } else if (!all) {
                    // Let queued queries run between groups; the next group follows them.
                    ThreadHandOff::post(this, [this] { drain(false); });
                }
            }
            if (group.isEmpty())
                return;
            commit(std::move(group));
            if (!all)
                return;
        }
    }

private:
    void commit(QList<PendingAppend> group)
    {
        QList<AppendRequest> requests;
        requests.reserve(group.size());
        for (const PendingAppend &p : group)
            requests.append(p.request);
        QElapsedTimer took;
        took.start();
        const QList<AppendResult> results = m_store->appendBatch(requests);
        const qint64 micros = took.nsecsElapsed() / 1000;
        QList<ChatMessage> committed;
        // Callbacks hold main-thread objects: they are moved, never copied, so that the last
        // reference is dropped on the main thread.
        QList<std::shared_ptr<StoreService::Callback>> callbacks;
        callbacks.reserve(group.size());
        for (qsizetype i = 0; i < group.size(); ++i) {
            *group[i].result = results.value(i);
            callbacks.append(std::move(group[i].callback));
            if (results.value(i).status == StoreStatus::Ok && !results.value(i).duplicate)
                committed.append(results.value(i).message);
        }
        qCDebug(lcStore) << "committed group of" << group.size();
        // One event per group: acks first, then the broadcast, in commit order.
        StoreService *service = m_service;
        ThreadHandOff::post(service, [service, callbacks = std::move(callbacks), committed,
                                      requests = int(group.size()), micros]() mutable {
            for (const auto &cb : callbacks)
                service->deliver(cb);
            callbacks.clear();
            emit service->groupWritten(requests, micros);
            if (!committed.isEmpty())
                emit service->messagesCommitted(committed);
        });
    }

    std::unique_ptr<ChatStore> m_store;
    StoreService *m_service;
    std::mutex m_mutex; // not QMutex: ThreadSanitizer sees pthread mutexes, not Qt's futexes
    QList<PendingAppend> m_queue;
    bool m_drainScheduled = false;
};

StoreService::StoreService(std::unique_ptr<ChatStore> store, QObject *parent) : QObject(parent)
{
    m_worker = new StoreWorker(std::move(store), this);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.setObjectName(QStringLiteral("chat-store"));
    m_thread.start();
}

StoreService::~StoreService()
{
    if (!m_closed) {
        ThreadHandOff::run(m_worker, [w = m_worker] {
            w->drain(true);
            w->store().close();
        });
    }
    m_thread.quit();
    m_thread.wait();
}

bool StoreService::open(QString *error)
{
    bool ok = false;
    QString why;
    QString epoch;
    ThreadHandOff::run(m_worker, [&] {
        ok = m_worker->store().open(&why);
        if (ok)
            epoch = m_worker->store().epoch();
    });
    if (!ok)
        *error = why;
    m_epoch = epoch;
    return ok;
}

void StoreService::post(std::function<void(ChatStore &)> job, QObject *context,
                        std::function<void()> done)
{
    auto callback = std::make_shared<Callback>(Callback{context, std::move(done)});
    StoreWorker *worker = m_worker;
    ThreadHandOff::post(worker, [this, worker, job = std::move(job), callback = std::move(callback)]() mutable {
        job(worker->store());
        // Moved on, so the callback is released on this object's thread.
        ThreadHandOff::post(this, [this, callback = std::move(callback)]() mutable {
            deliver(callback);
            callback.reset();
        });
    });
}

void StoreService::deliver(const std::shared_ptr<Callback> &callback)
{
    if (callback->context && callback->done)
        callback->done();
}

void StoreService::append(const AppendRequest &request, QObject *context,
                          std::function<void(const AppendResult &)> done)
{
    auto result = std::make_shared<AppendResult>();
    auto callback = std::make_shared<Callback>(
            Callback{context, [done = std::move(done), result] { done(*result); }});
    m_worker->enqueue({request, std::move(callback), std::move(result)});
}

void StoreService::close(std::function<void()> done)
{
    m_closed = true;
    StoreWorker *worker = m_worker;
    ThreadHandOff::post(worker, [this, worker, done = std::move(done)] {
        worker->drain(true);
        worker->store().close();
        qCInfo(lcStore) << "store closed";
        ThreadHandOff::post(this, done);
    });
}
