// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QtGlobal>

#include <memory>

// Bytes waiting in user space to be written to WebSockets (Qt's socket buffers: what the kernel
// would not take yet because the peer does not read), per connection, per user and in all, so
// that slow readers cannot hold the server's memory together either: a user opening many
// sockets and reading none of them is capped like one. Sessions report their own queue
// (WsSession::account); past a cap the slowest connection of that user (or of all) is dropped.
// Main thread only.
class OutputLedger
{
public:
    struct Caps
    {
        qint64 perConnection = 16 << 20;
        qint64 perUser = 32 << 20;
        qint64 total = qint64(512) << 20;
    };
    explicit OutputLedger(const Caps &caps) : m_caps(caps) {}

    // The running total of one user's connections, shared by them (gone with the last one).
    std::shared_ptr<qint64> account(qint64 userId)
    {
        if (const auto it = m_users.constFind(userId); it != m_users.cend()) {
            if (auto held = it->lock())
                return held;
        }
        if (m_users.size() > 1024) // forget users without connections now and then
            m_users.removeIf([](const auto &entry) { return entry.value().expired(); });
        auto fresh = std::make_shared<qint64>(0);
        m_users.insert(userId, fresh);
        return fresh;
    }
    void change(qint64 delta) { m_total += delta; }
    qint64 total() const { return m_total; }
    const Caps &caps() const { return m_caps; }

private:
    Caps m_caps;
    qint64 m_total = 0;
    QHash<qint64, std::weak_ptr<qint64>> m_users;
};
