// SPDX-License-Identifier: MIT
// Size limits and timeouts of the HTTP side, with raw sockets: slow, huge and idle clients are
// answered and cut off, and the server keeps serving everybody else.
#include "httpclient.h"
#include "testserver.h"
#include "wsclient.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;

class TestHttpLimits : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<InProcessServer> m_server;

    std::unique_ptr<QTcpSocket> connectRaw()
    {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, quint16(m_server->http().port()));
        if (!socket->waitForConnected(5000))
            qWarning() << "connect failed";
        return socket;
    }
    // Reads until the server closes the connection; returns everything it sent.
    static QByteArray readUntilClosed(QTcpSocket &socket, int timeoutMs)
    {
        QByteArray all;
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket,
                         [&] { all += socket.readAll(); });
        if (socket.state() != QAbstractSocket::UnconnectedState) {
            QSignalSpy closed(&socket, &QTcpSocket::disconnected);
            closed.wait(timeoutMs);
        }
        all += socket.readAll();
        return all;
    }
    void serverStillServes()
    {
        HttpClient http(m_server->http());
        QCOMPARE(http.get(u"/healthz"_s).status, 200);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        ServerConfig config;
        config.httpRequestTimeoutSecs = 1;
        config.httpIdleTimeoutSecs = 1;
        config.maxHttpHeaderBytes = 8 * 1024;
        config.maxHttpBodyBytes = 64 * 1024;
        m_server = std::make_unique<InProcessServer>(config);
        QVERIFY(m_server->start());
    }

    void headInPiecesIsCountedOnce()
    {
        // 6 KiB of head in three pieces under an 8 KiB limit, the server having read each piece
        // before the next comes (a round trip on another connection between them).
        auto socket = connectRaw();
        const QByteArray filler(2000, 'a');
        const QList<QByteArray> pieces{"GET /healthz HTTP/1.1\r\nHost: x\r\nX-One: " + filler + "\r\n",
                                       "X-Two: " + filler + "\r\n",
                                       "X-Three: " + filler + "\r\n\r\n"};
        QByteArray answer;
        connect(socket.get(), &QTcpSocket::readyRead, socket.get(), [&] { answer += socket->readAll(); });
        for (const QByteArray &piece : pieces) {
            socket->write(piece);
            QVERIFY(socket->waitForBytesWritten(5000));
            if (&piece != &pieces.last())
                serverStillServes();
        }
        // Answered with no other connection coming after it (that would hand it over anyway).
        QTRY_VERIFY2_WITH_TIMEOUT(answer.contains("\"ok\""), answer.left(200).constData(), 10000);
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    }

    void slowlorisIsCutOff()
    {
        auto socket = connectRaw();
        socket->write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
        QTimer trickle;
        int sent = 0;
        connect(&trickle, &QTimer::timeout, socket.get(), [&] {
            if (socket->state() == QAbstractSocket::ConnectedState)
                socket->write(QByteArray("X-Slow-") + QByteArray::number(sent++) + ": a\r\n");
        });
        trickle.start(100);
        QElapsedTimer elapsed;
        elapsed.start();
        const QByteArray answer = readUntilClosed(*socket, 10000);
        QCOMPARE(socket->state(), QAbstractSocket::UnconnectedState);
        QVERIFY2(answer.startsWith("HTTP/1.1 408"), answer.constData());
        QVERIFY(elapsed.elapsed() < 5000);
        serverStillServes();
    }

    void hugeHeadersAreRefused()
    {
        auto socket = connectRaw();
        QByteArray request = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
        const QByteArray pad = "X-Pad: " + QByteArray(1000, 'a') + "\r\n";
        while (request.size() < 1024 * 1024)
            request += pad;
        socket->write(request);
        const QByteArray answer = readUntilClosed(*socket, 10000);
        QVERIFY2(answer.startsWith("HTTP/1.1 431"), answer.left(200).constData());
        QVERIFY(answer.contains("headers_too_large"));
        serverStillServes();
    }

    void hugeBodyIsRefusedBeforeItArrives()
    {
        auto socket = connectRaw();
        socket->write("POST /api/v2/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Content-Length: 104857600\r\n\r\n");
        // Feed up to 8 MiB of the announced 100 MiB as the socket drains; the server answers
        // long before.
        QByteArray answer;
        connect(socket.get(), &QTcpSocket::readyRead, socket.get(), [&] { answer += socket->readAll(); });
        const QByteArray chunk(256 * 1024, 'x');
        int chunks = 0;
        auto feed = [&] {
            if (answer.isEmpty() && chunks < 32 && socket->state() == QAbstractSocket::ConnectedState
                && socket->bytesToWrite() == 0) {
                ++chunks;
                socket->write(chunk);
            }
        };
        connect(socket.get(), &QTcpSocket::bytesWritten, socket.get(), feed);
        feed();
        QTRY_VERIFY_WITH_TIMEOUT(!answer.isEmpty() || socket->state() != QAbstractSocket::ConnectedState, 10000);
        QVERIFY(chunks < 32);
        answer += readUntilClosed(*socket, 10000);
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());
        QVERIFY(answer.contains("payload_too_large"));
        serverStillServes();
    }

    void bodyUnderTheLimitIsServed()
    {
        HttpClient http(m_server->http());
        QByteArray body = "{\"username\":\"padded\",\"password\":\"long enough\",\"x\":\"";
        body += QByteArray(60 * 1024, 'p') + "\"}";
        const auto r = http.postRaw(u"/api/v2/register"_s, body);
        QCOMPARE(r.status, 201);
    }

    void idleKeepAliveIsClosed()
    {
        auto socket = connectRaw();
        socket->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        const QByteArray answer = readUntilClosed(*socket, 10000);
        QVERIFY(answer.startsWith("HTTP/1.1 200"));
        QCOMPARE(socket->state(), QAbstractSocket::UnconnectedState); // closed once idle
    }

    void loginFloodIsShedNotQueued()
    {
        HttpClient http(m_server->http());
        QVERIFY(!http.registerUser(u"target"_s).isEmpty());
        // 100 simultaneous password guesses: each costs a memory-hard hash, so the server takes
        // a bounded number and answers the rest 503 at once instead of queueing them.
        const QByteArray body = "{\"username\":\"target\",\"password\":\"wrong guess\"}";
        const QByteArray request = "POST /api/v2/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                   "Content-Type: application/json\r\nContent-Length: "
                + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        QList<QByteArray> answers(100);
        int closed = 0;
        for (int i = 0; i < 100; ++i) {
            sockets.push_back(connectRaw());
            QTcpSocket *socket = sockets.back().get();
            connect(socket, &QTcpSocket::readyRead, socket, [&answers, socket, i] { answers[i] += socket->readAll(); });
            connect(socket, &QTcpSocket::disconnected, socket, [&closed] { ++closed; });
            socket->write(request);
        }
        QTRY_COMPARE_WITH_TIMEOUT(closed, 100, 60000);
        int unauthorized = 0;
        int busy = 0;
        for (const QByteArray &a : answers) {
            unauthorized += a.startsWith("HTTP/1.1 401");
            busy += a.startsWith("HTTP/1.1 503") && a.contains("\"busy\"");
        }
        QCOMPARE(unauthorized + busy, 100);
        QVERIFY(busy > 0);
        QVERIFY(unauthorized >= 64);
        serverStillServes();
    }

    void webSocketsOutliveHttpTimeouts()
    {
        HttpClient http(m_server->http());
        WsClient client(m_server->ws(), http.registerUser(u"longlived"_s));
        QVERIFY(client.connectAndHello());
        QSignalSpy disconnected(&client.socket(), &QWebSocket::disconnected);
        // Longer than both HTTP timeouts (1 s); the guard must have stood down.
        QVERIFY(!disconnected.wait(2500));
        client.send(ClientFrame::ping());
        QVERIFY(client.waitFor([](const ServerFrame &f) { return f.type == ServerFrame::Type::Pong; }));
    }
};

QTEST_GUILESS_MAIN(TestHttpLimits)
#include "tst_httplimits.moc"
