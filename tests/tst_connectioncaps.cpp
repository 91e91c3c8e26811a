// SPDX-License-Identifier: MIT
// Connections are capped in all and per address (503 busy over a cap), and a server at its file
// limit neither spins nor stops accepting for good. Against the real chat-server binary.
#include "testserver.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

class TestConnectionCaps : public QObject
{
    Q_OBJECT

private:
    using Sockets = std::vector<std::unique_ptr<QTcpSocket>>;

    static std::unique_ptr<QTcpSocket> open(quint16 port, const QHostAddress &from = {})
    {
        auto socket = std::make_unique<QTcpSocket>();
        if (!from.isNull() && !socket->bind(from))
            qWarning() << "cannot bind to" << from;
        socket->connectToHost(QHostAddress::LocalHost, port);
        if (!socket->waitForConnected(5000))
            qWarning() << "not connected:" << socket->errorString();
        return socket;
    }

    // The status line's code of a GET on a fresh connection; 0 when nothing came.
    static int statusOfGet(quint16 port, const QString &path, const QHostAddress &from = {},
                           QByteArray *answer = nullptr)
    {
        auto socket = open(port, from);
        socket->write("GET " + path.toLatin1() + " HTTP/1.1\r\nHost: chat\r\nConnection: close\r\n\r\n");
        QByteArray got;
        // Until the head is here or the server closed (a wait, not an assertion: 0 says it).
        (void)QTest::qWaitFor([&] {
            got += socket->readAll();
            return got.contains("\r\n\r\n") || socket->state() != QAbstractSocket::ConnectedState;
        }, 10000);
        got += socket->readAll();
        if (answer)
            *answer = got;
        return got.startsWith("HTTP/1.1 ") ? got.mid(9, 3).toInt() : 0;
    }

    // GETs path on fresh connections until the answer is `wanted` (or timeoutMs passed); the
    // last status seen.
    static int awaitStatus(quint16 port, const QString &path, int wanted, int timeoutMs = 10000,
                           const QHostAddress &from = {})
    {
        QDeadlineTimer deadline(timeoutMs);
        int status = statusOfGet(port, path, from);
        while (status != wanted && !deadline.hasExpired()) {
            QTest::qWait(50);
            status = statusOfGet(port, path, from);
        }
        return status;
    }

    // The server's CPU time so far, in clock ticks (utime + stime of /proc/PID/stat).
    static qint64 cpuTicks(qint64 pid)
    {
        QFile stat(u"/proc/%1/stat"_s.arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            return -1;
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        return fields.value(11).toLongLong() + fields.value(12).toLongLong();
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void theSoftFileLimitIsRaisedToTheHardOne()
    {
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        rlimit ours{};
        QCOMPARE(::getrlimit(RLIMIT_NOFILE, &ours), 0);
        const int hard = int(std::min<rlim_t>(ours.rlim_max, 4096)); // a child cannot go above ours
        QVERIFY(hard > 300);
        server.setFileLimit(300, hard);
        QVERIFY(server.start());
        const QByteArray expected = "file limit " + QByteArray::number(hard) + " - up to "
                + QByteArray::number(hard - 128 - 64) + " connections";
        QVERIFY2(server.log().contains(expected), server.log().constData());
    }

    void overTheTotalCapIs503()
    {
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        server.setEnv(u"CHAT_MAX_CONNECTIONS"_s, u"5"_s);
        QVERIFY(server.start());
        const quint16 port = quint16(server.http().port());
        QCOMPARE(statusOfGet(port, u"/healthz"_s), 200);

        Sockets idle;
        for (int i = 0; i < 5; ++i)
            idle.push_back(open(port));
        QCOMPARE(awaitStatus(port, u"/healthz"_s, 503), 503);
        QByteArray answer;
        QCOMPARE(statusOfGet(port, u"/healthz"_s, {}, &answer), 503);
        QVERIFY(answer.contains("\"busy\""));
        QVERIFY(answer.contains("Retry-After: "));

        idle.front()->disconnectFromHost(); // a place is free again once the server saw it go
        QCOMPARE(awaitStatus(port, u"/healthz"_s, 200), 200);
    }

    void overTheCapOfOneAddressIs503ForItOnly()
    {
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        server.setEnv(u"CHAT_MAX_CONNECTIONS_PER_ADDRESS"_s, u"3"_s);
        QVERIFY(server.start());
        const quint16 port = quint16(server.http().port());
        const QHostAddress other(u"127.0.0.2"_s);

        Sockets idle;
        for (int i = 0; i < 3; ++i)
            idle.push_back(open(port));
        QCOMPARE(awaitStatus(port, u"/healthz"_s, 503), 503);
        QCOMPARE(statusOfGet(port, u"/healthz"_s, other), 200); // another address is not held back
        idle.clear();
        QCOMPARE(awaitStatus(port, u"/healthz"_s, 200), 200);
    }

    void aServerAtItsFileLimitWaitsInsteadOfSpinning()
    {
        // 256 files: the server keeps 128 for itself, takes 64 connections and says 503 to the
        // next 64; beyond that, connections wait in the kernel's backlog. Before, accept() failed
        // with EMFILE on every poll and was retried at once: 100 % CPU, nobody served.
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        server.setFileLimit(256);
        QVERIFY(server.start());
        const quint16 port = quint16(server.http().port());

        Sockets idle;
        for (int i = 0; i < 320; ++i)
            idle.push_back(open(port));
        // Some are told at once that the server is full.
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(idle.cbegin(), idle.cend(), [](const auto &s) {
                                     return s->peek(12).startsWith("HTTP/1.1 503");
                                 }), 10000);
        // A measuring window, not a synchronisation: a spinning server burns ~100 ticks a second.
        const qint64 before = cpuTicks(server.pid());
        QTest::qWait(1000);
        const qint64 spent = cpuTicks(server.pid()) - before;
        QVERIFY2(before >= 0 && spent < 50, qPrintable(u"%1 ticks of CPU in 1 s while full"_s.arg(spent)));

        idle.clear(); // all gone: the server accepts and answers again
        QCOMPARE(awaitStatus(port, u"/healthz"_s, 200, 15000), 200);
        // Said once, not once per connection that found it full.
        QCOMPARE(server.log().count("not accepting more until one closes"), 1);
        // Descriptors the server did not open itself (inherited, the database's) can still run it
        // out before its ceiling: then accept() fails, which pauses accepting for a moment and is
        // said once too.
        QVERIFY(server.log().count("cannot accept connections") <= 1);
    }
};

QTEST_GUILESS_MAIN(TestConnectionCaps)
#include "tst_connectioncaps.moc"
