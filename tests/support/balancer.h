// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QProcess>
#include <QTemporaryDir>
#include <QUrl>

// HAProxy (Debian's haproxy, installed by make test) in front of chat-servers on 127.0.0.1, as a
// production install would run it: HTTP mode (WebSocket upgrades pass as tunnels), health checks
// on /readyz every 300 ms, a connection to a dead server redispatched to a live one. Foreground
// child of the test, its configuration in a temporary directory; stopped when this goes.
class Balancer
{
public:
    explicit Balancer(const QList<quint16> &backends);
    ~Balancer();
    static QString binary(); // empty when HAProxy is not installed

    bool start(); // waits until its port accepts connections
    QUrl http(const QString &path = {}) const;
    QUrl ws() const;

private:
    QList<quint16> m_backends;
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};
