// SPDX-License-Identifier: MIT
#include "walcheckpointer.h"

#include "logging.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

WalCheckpointer::WalCheckpointer(const QString &path, int intervalMs)
    : m_path(path), m_intervalMs(intervalMs)
{
}

WalCheckpointer::~WalCheckpointer()
{
    stop();
}

void WalCheckpointer::start()
{
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->setObjectName(u"chat-checkpoint"_s);
    m_thread->start();
}

void WalCheckpointer::stop()
{
    if (!m_thread)
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread->wait();
    m_thread.reset();
}

void WalCheckpointer::run()
{
    const QString name = u"chat-checkpoint-%1"_s.arg(quintptr(this));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(m_path);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
        if (!db.open()) {
            qCWarning(lcStore) << "checkpointer cannot open" << m_path << db.lastError().text();
        } else {
            QSqlQuery q(db);
            std::unique_lock lock(m_mutex);
            while (!m_wake.wait_for(lock, std::chrono::milliseconds(m_intervalMs),
                                    [this] { return m_stop; })) {
                lock.unlock();
                // Result row: busy (1 if it could not finish), WAL frames, frames copied.
                if (q.exec(u"PRAGMA wal_checkpoint(PASSIVE)"_s) && q.next()) {
                    qCDebug(lcStore) << "checkpoint: wal frames" << q.value(1).toInt() << "copied"
                                     << q.value(2).toInt();
                    ++m_checkpoints;
                } else {
                    qCWarning(lcStore) << "checkpoint failed:" << q.lastError().text();
                }
                q.finish();
                lock.lock();
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}
