// SPDX-License-Identifier: MIT
// Requests at the edges, against the real chat-server binary. Heads the server must not guess
// about are answered with their status before any body and the connection closed; a head that
// never finishes (LF-only line ends) meets the request deadline; history cursors at the top of
// the integer range read as "the newest".
#include "httpclient.h"
#include "testserver.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestRequestHeads : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;

    // Sends bytes on a fresh connection; returns all the server sent until it closed.
    QByteArray exchange(const QByteArray &request, int timeoutMs = 10000)
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->http().port()));
        if (!socket.waitForConnected(5000))
            return {};
        QByteArray answer;
        connect(&socket, &QTcpSocket::readyRead, &socket, [&] { answer += socket.readAll(); });
        socket.write(request);
        QSignalSpy closed(&socket, &QTcpSocket::disconnected);
        if (socket.state() == QAbstractSocket::ConnectedState)
            closed.wait(timeoutMs);
        answer += socket.readAll();
        return socket.state() == QAbstractSocket::UnconnectedState ? answer : QByteArray("still open");
    }
    static QByteArray upgrade(const QByteArray &path, const QByteArray &key = "dGhlIHNhbXBsZSBub25jZQ==",
                              const QByteArray &version = "13")
    {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: " + version
               + "\r\nSec-WebSocket-Protocol: chat.v2\r\n\r\n";
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_server = std::make_unique<ServerProcess>(m_dir.filePath(u"chat.db"_s));
        m_server->setEnv(u"CHAT_HTTP_REQUEST_TIMEOUT"_s, u"1"_s);
        QVERIFY(m_server->start());
    }

    void refusedHeads_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("status");
        const QByteArray login = "POST /api/v2/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
        QTest::newRow("two Content-Lengths")
                << login + "Content-Length: 1000\r\nContent-Length: 0\r\n\r\n" << QByteArray("400");
        QTest::newRow("Content-Length and chunked")
                << login + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n" << QByteArray("400");
        QTest::newRow("Content-Length not a number") << login + "Content-Length: 12abc\r\n\r\n" << QByteArray("400");
        QTest::newRow("header line without colon")
                << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n") << QByteArray("400");
        QTest::newRow("HTTP/9.9") << QByteArray("GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n") << QByteArray("505");
        QTest::newRow("request line of two words") << QByteArray("GET /healthz\r\nHost: x\r\n\r\n") << QByteArray("400");
        QTest::newRow("upgrade on /healthz") << upgrade("/healthz") << QByteArray("400");
        QTest::newRow("upgrade on an API route") << upgrade("/api/v2/rooms") << QByteArray("400");
        QTest::newRow("upgrade by POST") << QByteArray("POST" + upgrade("/ws").mid(3)) << QByteArray("400");
        QTest::newRow("two Upgrade headers")
                << QByteArray("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                              "Sec-WebSocket-Version: 13\r\n\r\n")
                << QByteArray("400");
        QTest::newRow("short WebSocket key") << upgrade("/ws", "short") << QByteArray("400");
        QTest::newRow("WebSocket version 8") << upgrade("/ws", "dGhlIHNhbXBsZSBub25jZQ==", "8") << QByteArray("400");
    }

    void refusedHeads()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, status);
        const QByteArray answer = exchange(request);
        QVERIFY2(answer.startsWith("HTTP/1.1 " + status), answer.constData());
        QVERIFY(answer.contains("\"error\""));
        QVERIFY(!answer.contains("101 Switching"));
    }

    void lfOnlyHeadMeetsTheDeadline()
    {
        // Some parsers take bare LF line ends; a WebSocket handshake then waits for CRLF CRLF
        // without a timeout. The head is not whole until CRLF CRLF here, so the deadline holds.
        const QByteArray answer = exchange("GET /ws HTTP/1.1\nHost: x\nUpgrade: websocket\nConnection: Upgrade\n"
                                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n"
                                           "Sec-WebSocket-Version: 13\n\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 408"), answer.constData());
    }

    void historyCursorsAtTheTopOfTheRange()
    {
        HttpClient http(m_server->http());
        const QString token = http.registerUser(u"edge"_s);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(http.post(u"/api/v2/rooms/general/messages"_s,
                               {{"clientId"_L1, u"e-%1"_s.arg(i)}, {"body"_L1, u"x"_s}}, token).status, 201);
        QCOMPARE(http.get(u"/api/v2/rooms/general/events"_s, token).status, 200); // the newest, now held
        for (const char *after : {"9223372036854775807", "9223372036854775806", "4"}) {
            const auto r = http.get(u"/api/v2/rooms/general/events?after=%1"_s.arg(QLatin1StringView(after)), token);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.json.value("events"_L1).toArray().size(), 0); // nothing newer than the newest
            QCOMPARE(r.json.value("hasMore"_L1).toBool(), false);     // so paging forward ends
        }
        const auto r = http.get(u"/api/v2/rooms/general/events?before=9223372036854775807&limit=2"_s, token);
        QCOMPARE(r.json.value("events"_L1).toArray().size(), 2); // the newest two
        QCOMPARE(r.json.value("events"_L1).toArray().last().toObject().value("seq"_L1).toInt(), 3);
    }

    void wellFormedHeadsStillServe()
    {
        for (const QByteArray &request : {QByteArray("GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n"),
                                          // the same length twice is one length
                                          QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                                                     "Content-Length: 0\r\n\r\n")}) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->http().port()));
            QVERIFY(socket.waitForConnected(5000));
            QByteArray answer;
            connect(&socket, &QTcpSocket::readyRead, &socket, [&] { answer += socket.readAll(); });
            socket.write(request);
            QTRY_VERIFY2_WITH_TIMEOUT(answer.contains("\"ok\""), answer.constData(), 10000);
            QVERIFY2(answer.contains(" 200 "), answer.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestRequestHeads)
#include "tst_requestheads.moc"
