// SPDX-License-Identifier: MIT
#include "balancer.h"

#include "testserver.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QStandardPaths>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

Balancer::Balancer(const QList<quint16> &backends) : m_backends(backends)
{
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
}

Balancer::~Balancer()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QString Balancer::binary()
{
    return QStandardPaths::findExecutable(u"haproxy"_s, {u"/usr/sbin"_s, u"/usr/local/sbin"_s});
}

bool Balancer::start()
{
    if (binary().isEmpty()) {
        qWarning("HAProxy is not installed (make test installs haproxy)");
        return false;
    }
    m_port = ServerProcess::freePort();
    QString config = uR"(global
    maxconn 4000
defaults
    mode http
    timeout connect 1s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    retries 3
    option redispatch
frontend chat
    bind 127.0.0.1:%1
    default_backend nodes
backend nodes
    balance leastconn
    option httpchk GET /readyz
    http-check expect status 200
    default-server check inter 300ms fall 1 rise 1
)"_s.arg(m_port);
    for (qsizetype i = 0; i < m_backends.size(); ++i)
        config += u"    server n%1 127.0.0.1:%2\n"_s.arg(i).arg(m_backends.at(i));
    QFile file(m_dir.filePath(u"haproxy.cfg"_s));
    if (!file.open(QIODevice::WriteOnly) || file.write(config.toUtf8()) < 0)
        return false;
    file.close();
    m_process.start(binary(), {u"-db"_s, u"-f"_s, file.fileName()});
    if (!m_process.waitForStarted(5000))
        return false;
    const QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired() && m_process.state() == QProcess::Running) {
        QTcpSocket probe;
        probe.connectToHost(u"127.0.0.1"_s, m_port);
        if (probe.waitForConnected(200))
            return true;
        m_process.waitForFinished(100);
    }
    qWarning() << "HAProxy did not come up:" << m_process.readAllStandardOutput();
    return false;
}

QUrl Balancer::http(const QString &path) const
{
    return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path));
}

QUrl Balancer::ws() const
{
    return QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_port));
}
