// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QThread>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

// Copies committed WAL frames into the database file from a thread and a connection of its own,
// so the writer never stops for a checkpoint (one reads and writes every changed page and syncs
// twice: tens of milliseconds that stalled every acknowledgement behind it). The writer's own
// automatic checkpoints are turned off while this runs. PASSIVE checkpoints never block the writer;
// SQLite restarts the WAL from its beginning once a checkpoint has caught up.
class WalCheckpointer
{
public:
    WalCheckpointer(const QString &path, int intervalMs);
    ~WalCheckpointer(); // stop()

    void start();
    void stop(); // waits for a checkpoint in progress
    quint64 checkpoints() const { return m_checkpoints.load(); } // completed, for tests

private:
    void run();

    QString m_path;
    int m_intervalMs;
    std::unique_ptr<QThread> m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::atomic<quint64> m_checkpoints{0};
};
