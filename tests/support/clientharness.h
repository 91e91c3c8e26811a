// SPDX-License-Identifier: MIT
#pragma once

// What the client-core suites share: the real chat-server binary on a port of its own, a
// temporary folder, and ChatClients logged in against it with quick reconnects.
#include "chatclient.h"
#include "httpclient.h"
#include "testserver.h"

#include <QDeadlineTimer>
#include <QSignalSpy>
#include <QTemporaryDir>

class ClientHarness
{
protected:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ServerProcess> m_server;
    quint16 m_port = 0;

    // A fresh folder and port, and the server started on them.
    bool startFresh()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_port = ServerProcess::freePort();
        return startServer();
    }
    bool startServer(const QString &db = QStringLiteral("chat.db"), bool defaultLimits = false)
    {
        m_server = std::make_unique<ServerProcess>(m_dir->filePath(db));
        m_server->setPort(m_port);
        if (!defaultLimits) {
            m_server->setEnv(QStringLiteral("CHAT_SEND_BURST"), QStringLiteral("10000"));
            m_server->setEnv(QStringLiteral("CHAT_SEND_RATE"), QStringLiteral("10000"));
        }
        return m_server->start();
    }
    QUrl serverUrl() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)); }
    ChatClient::Options options(const QString &who)
    {
        ChatClient::Options o;
        o.server = serverUrl();
        o.dataDir = m_dir->filePath(QStringLiteral("client-") + who);
        o.tuning.backoff = {50, 500};
        o.tuning.pingIntervalMs = 1000;
        o.tuning.pongTimeoutMs = 1000;
        o.retryDelayMs = 100;
        return o;
    }
    // device: the client's own data folder (outbox, cache) is per user and device; another device
    // starts with nothing cached.
    std::unique_ptr<ChatClient> loggedIn(const QString &who, const QString &device = {})
    {
        ChatClient::Options o = options(who);
        if (!device.isEmpty())
            o.dataDir += u'-' + device;
        auto client = std::make_unique<ChatClient>(o);
        QSignalSpy started(client.get(), &ChatClient::sessionStarted);
        client->login(who, QStringLiteral("correct horse"), ChatClient::Account::NewOrExisting);
        if (!started.wait(15000))
            qWarning() << who << "did not log in";
        return client;
    }
    static bool waitConnected(ChatClient &c, int ms = 15000)
    {
        QDeadlineTimer deadline(ms);
        while (c.connection()->state() != ChatConnection::State::Connected) {
            if (deadline.hasExpired())
                return false;
            QSignalSpy spy(c.connection(), &ChatConnection::stateChanged);
            spy.wait(100);
        }
        return true;
    }
    QList<ChatMessage> serverHistory(const QString &token, const QString &room = QStringLiteral("general"))
    {
        return HttpClient(serverUrl()).fullHistory(room, token);
    }
};
