// SPDX-License-Identifier: MIT
// Hostile WebSocket input against the real chat-server binary, spoken frame by frame on a raw TCP
// socket: the server answers with an error or closes the connection, keeps serving others, stores
// nothing, and its memory stays bounded.
#include "apitypes.h"
#include "httpclient.h"
#include "testserver.h"
#include "wsclient.h"

#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

using namespace Qt::StringLiterals;

namespace {

enum Opcode : quint8 { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9 };

// One client frame; masked unless told otherwise. declaredLength overrides the length field.
QByteArray frame(quint8 opcode, const QByteArray &payload, bool fin = true, bool masked = true,
                 qint64 declaredLength = -1)
{
    QByteArray out;
    out.append(char((fin ? 0x80 : 0x00) | opcode));
    const quint64 length = declaredLength >= 0 ? quint64(declaredLength) : quint64(payload.size());
    const char maskBit = masked ? char(0x80) : char(0);
    if (length < 126) {
        out.append(char(maskBit | char(length)));
    } else if (length < 65536) {
        out.append(char(maskBit | 126));
        char be[2];
        qToBigEndian(quint16(length), be);
        out.append(be, 2);
    } else {
        out.append(char(maskBit | 127));
        char be[8];
        qToBigEndian(quint64(length), be);
        out.append(be, 8);
    }
    QByteArray body = payload;
    if (masked) {
        const QByteArray mask("\x12\x34\x56\x78", 4);
        out.append(mask);
        for (qsizetype i = 0; i < body.size(); ++i)
            body[i] = char(body[i] ^ mask[i % 4]);
    }
    return out + body;
}

// A WebSocket client that writes whatever bytes it is told to, and records what comes back.
class RawWebSocket
{
public:
    RawWebSocket(quint16 port, const QString &token)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket,
                         [this] { m_received += m_socket.readAll(); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        if (!m_socket.waitForConnected(5000))
            return;
        m_socket.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                       "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat.v2\r\nAuthorization: Bearer "
                       + token.toLatin1() + "\r\n\r\n");
    }
    bool waitHello()
    {
        QDeadlineTimer deadline(10000);
        while (!m_received.contains("\"hello\"") && !deadline.hasExpired())
            QSignalSpy(&m_socket, &QTcpSocket::readyRead).wait(200);
        return m_received.startsWith("HTTP/1.1 101") && m_received.contains("\"hello\"");
    }
    void write(const QByteArray &bytes) { m_socket.write(bytes); }
    bool waitClosed(int ms = 10000)
    {
        if (m_socket.state() == QAbstractSocket::UnconnectedState)
            return true;
        QSignalSpy closed(&m_socket, &QTcpSocket::disconnected);
        return closed.wait(ms) || m_socket.state() == QAbstractSocket::UnconnectedState;
    }
    bool waitFor(const QByteArray &needle, int ms = 10000)
    {
        QDeadlineTimer deadline(ms);
        while (!m_received.contains(needle) && !deadline.hasExpired()
               && m_socket.state() == QAbstractSocket::ConnectedState)
            QSignalSpy(&m_socket, &QTcpSocket::readyRead).wait(200);
        return m_received.contains(needle);
    }
    // Status code of the server's close frame (0 when there was none).
    int closeCode() const
    {
        const qsizetype at = m_received.lastIndexOf(QByteArray("\x88", 1));
        if (at < 0 || at + 3 >= m_received.size())
            return 0;
        return quint8(m_received.at(at + 2)) << 8 | quint8(m_received.at(at + 3));
    }
    QByteArray received() const { return m_received; }
    QTcpSocket &socket() { return m_socket; }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
};


} // namespace

class TestBadInput : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<HttpClient> m_http;
    QString m_token;
    int m_barriers = 0;
    qint64 m_rssBefore = 0;

    quint16 port() const { return quint16(m_server->http().port()); }
    // Events stored in general, once everything sent before is committed: appends commit in
    // order, so a later one acked is the barrier (history is read beside the writer and would
    // not wait). The barrier messages themselves are not counted.
    qsizetype stored()
    {
        WsClient barrier(m_server->ws(), m_token);
        const QString id = u"barrier-%1"_s.arg(++m_barriers);
        if (!barrier.connectAndHello())
            return -1;
        barrier.sendMessage(u"general"_s, id, u"barrier"_s);
        if (!barrier.waitForAck(id))
            return -1;
        const QList<ChatMessage> all = m_http->fullHistory(u"general"_s, m_token);
        return std::count_if(all.cbegin(), all.cend(), [](const ChatMessage &m) {
            return !m.clientId.startsWith(u"barrier-"_s);
        });
    }
    void serverStillServes()
    {
        WsClient client(m_server->ws(), m_token);
        QVERIFY(client.connectAndHello());
        client.send(ClientFrame::ping());
        QVERIFY(client.waitFor([](const ServerFrame &f) { return f.type == ServerFrame::Type::Pong; }));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_server = std::make_unique<ServerProcess>(m_dir.filePath(u"chat.db"_s));
        m_server->setEnv(u"CHAT_SEND_RATE"_s, u"50"_s);
        m_server->setEnv(u"CHAT_SEND_BURST"_s, u"50"_s);
        QVERIFY(m_server->start());
        m_http = std::make_unique<HttpClient>(m_server->http());
        m_token = m_http->registerUser(u"mallory"_s);
        QVERIFY(!m_token.isEmpty());
        serverStillServes();
        m_rssBefore = m_server->rssKiB();
        QVERIFY(m_rssBefore > 0);
    }

    void fragmentedMessageIsReassembled()
    {
        RawWebSocket ws(port(), m_token);
        QVERIFY(ws.waitHello());
        ws.write(frame(Text, "{\"type\":", false) + frame(Continuation, "\"pi", false)
                 + frame(Ping, "keepalive") // control frames may sit between fragments
                 + frame(Continuation, "ng\"}", true));
        QVERIFY(ws.waitFor("\"pong\""));
    }

    void fragmentsBeyondTheLimitClose()
    {
        RawWebSocket ws(port(), m_token);
        QVERIFY(ws.waitHello());
        QByteArray flood = frame(Text, QByteArray(1024, 'a'), false);
        for (int i = 0; i < 100; ++i) // 100 KiB in total, over the 64 KiB message limit
            flood += frame(Continuation, QByteArray(1024, 'a'), i == 99);
        ws.write(flood);
        QVERIFY(ws.waitClosed());
        QCOMPARE(ws.closeCode(), 1009);
    }

    void oversizedControlFrameIsAProtocolError()
    {
        RawWebSocket ws(port(), m_token);
        QVERIFY(ws.waitHello());
        ws.write(frame(Ping, QByteArray(200, 'p')));
        QVERIFY(ws.waitClosed());
        QCOMPARE(ws.closeCode(), 1002);
    }

    // RFC 6455 says a server MUST close on an unmasked client frame; QtWebSockets 6.4 accepts it
    // and exposes no frame-level hook to refuse it (docs/reliability.md). What is checked here is
    // what holds: the frame is handled like any other, on this connection only, and nothing breaks.
    void unmaskedClientFrameIsHandledLikeAnyOther()
    {
        RawWebSocket ws(port(), m_token);
        QVERIFY(ws.waitHello());
        ws.write(frame(Text, "{\"type\":\"ping\"}", true, false));
        QVERIFY(ws.waitFor("\"pong\""));
        ws.write(frame(Text, "not json", true, false));
        QVERIFY(ws.waitFor("\"bad_json\""));
        serverStillServes();
    }

    void gigabyteLengthHeaderIsRefusedWithoutAllocating()
    {
        RawWebSocket ws(port(), m_token);
        QVERIFY(ws.waitHello());
        ws.write(frame(Text, QByteArray(4096, 'x'), true, true, qint64(1) << 30));
        QVERIFY(ws.waitClosed());
        QCOMPARE(ws.closeCode(), 1009);
        QVERIFY(m_server->rssKiB() < m_rssBefore + 64 * 1024);
    }

    void framesAfterCloseAreIgnored()
    {
        const qsizetype before = stored();
        RawWebSocket ws(port(), m_token);
        QVERIFY(ws.waitHello());
        const QByteArray send = "{\"type\":\"send\",\"room\":\"general\",\"clientId\":\"after-close\",\"body\":\"x\"}";
        ws.write(frame(Close, QByteArray("\x03\xe8", 2)) + frame(Text, send) + frame(Text, send));
        QVERIFY(ws.waitClosed());
        QVERIFY(!ws.received().contains("\"ack\""));
        QCOMPARE(stored(), before);
    }

    void floodOfSendsIsRateLimitedThenCut()
    {
        const qsizetype before = stored();
        // A user of its own: the frame budget it exhausts is the user's, on every connection.
        RawWebSocket ws(port(), m_http->registerUser(u"flooder"_s));
        QVERIFY(ws.waitHello());
        QByteArray burst;
        for (int i = 0; i < 10000; ++i)
            burst += frame(Text, "{\"type\":\"send\",\"room\":\"general\",\"clientId\":\"flood-"
                                         + QByteArray::number(i) + "\",\"body\":\"spam\"}");
        ws.write(burst);
        QVERIFY(ws.waitClosed(30000));
        QVERIFY(ws.received().contains("\"rate_limited\""));
        // The server sends close 1008; but it closes while this client is still writing, and the
        // kernel then resets the connection, which can discard the close frame before it is read
        // (seen in slower sanitizer builds). Either way the connection must be gone.
        if (ws.closeCode() != 0)
            QCOMPARE(ws.closeCode(), 1008);
        const qsizetype accepted = stored() - before;
        qInfo() << "of 10000 sends in one burst," << accepted << "were stored before the cut";
        QVERIFY(accepted >= 1);
        QVERIFY(accepted <= 200); // the burst allowance plus what the refill adds meanwhile
    }

    void deepJsonIsRefusedButTheConnectionStays()
    {
        RawWebSocket ws(port(), m_token);
        QVERIFY(ws.waitHello());
        ws.write(frame(Text, QByteArray(20000, '[') + QByteArray(20000, ']')));
        ws.write(frame(Text, "{\"type\":\"send\",\"room\":[[[[[]]]]],\"clientId\":{},\"body\":null}"));
        ws.write(frame(Text, "{\"type\":\"ping\"}"));
        QVERIFY(ws.waitFor("\"pong\""));
        QVERIFY(ws.received().contains("\"bad_json\""));
        QVERIFY(ws.received().contains("\"invalid_frame\""));
    }

    void binaryFramesGetAnError()
    {
        RawWebSocket ws(port(), m_token);
        QVERIFY(ws.waitHello());
        ws.write(frame(Binary, QByteArray("\x00\x01\x02", 3)));
        QVERIFY(ws.waitFor("\"invalid_frame\""));
    }

    void memoryStaysBounded()
    {
        serverStillServes();
        const qint64 after = m_server->rssKiB();
        qInfo() << "server RSS before the attacks" << m_rssBefore << "KiB, after" << after << "KiB";
        QVERIFY(after < m_rssBefore + 64 * 1024);
    }
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
