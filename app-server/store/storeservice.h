// SPDX-License-Identifier: MIT
#pragma once

#include "chatstore.h"

#include <mutex>
#include <QObject>
#include <QPointer>
#include <QThread>

#include <functional>
#include <memory>

class StoreWorker;

// Runs a ChatStore on its own thread with its own connection. Callers (on the main thread) post
// jobs and get results back on the main thread, in the order the store thread ran them: a caller
// that registers for broadcasts before posting a query sees every later commit after the result.
// Appends are committed in groups: whatever queued up while a transaction ran goes into the next.
// A message is acknowledged (and messagesCommitted emitted) only after its transaction committed.
class StoreService : public QObject
{
    Q_OBJECT
public:
    explicit StoreService(std::unique_ptr<ChatStore> store, QObject *parent = nullptr);
    ~StoreService() override;

    bool open(QString *error); // blocks until the store thread opened the database
    QString epoch() const { return m_epoch; }

    // Runs job(store) on the store thread, then done(result) on this thread if context is alive.
    template<typename R>
    void run(QObject *context, std::function<R(ChatStore &)> job, std::function<void(R)> done)
    {
        auto result = std::make_shared<R>();
        post([job = std::move(job), result](ChatStore &store) { *result = job(store); },
             context, [done = std::move(done), result] { done(std::move(*result)); });
    }

    void append(const AppendRequest &request, QObject *context,
                std::function<void(const AppendResult &)> done);

    // Commits what is queued, closes the database, then calls done on this thread.
    void close(std::function<void()> done);

    static constexpr int kMaxBatch = 1000;

signals:
    // New messages (not retries) of one committed transaction, in commit order.
    void messagesCommitted(const QList<ChatMessage> &messages);
    // After every group commit (committed or not): its requests and the time it took.
    void groupWritten(int requests, qint64 microseconds);

private:
    friend class StoreWorker;
    struct Callback
    {
        QPointer<QObject> context;
        std::function<void()> done;
    };
    void post(std::function<void(ChatStore &)> job, QObject *context, std::function<void()> done);
    void deliver(const std::shared_ptr<Callback> &callback); // on this thread

    QThread m_thread;
    StoreWorker *m_worker = nullptr; // lives on m_thread
    QString m_epoch;
    bool m_closed = false;
};
