// SPDX-License-Identifier: MIT
// Output queued to WebSockets whose peers do not read is capped per connection, per user and in
// all; past a cap the slowest connection is dropped and everyone else goes on. Against the real
// chat-server binary, on both backends, with raw sockets that stop reading.
#include "httpclient.h"
#include "testserver.h"
#include "wsclient.h"

#include <QDeadlineTimer>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

// A WebSocket client that subscribes to a room and then never reads again, with a tiny receive
// buffer so that what the server sends piles up on the server's side.
class StalledReader
{
public:
    StalledReader(quint16 port, const QString &token, const QString &room)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        const int small = 4096;
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&to), sizeof to) != 0)
            return;
        const QByteArray upgrade = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                   "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                   "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat.v2\r\n"
                                   "Authorization: Bearer " + token.toLatin1() + "\r\n\r\n";
        ::send(m_fd, upgrade.constData(), size_t(upgrade.size()), 0);
        QByteArray got;
        QDeadlineTimer deadline(10000);
        while (!got.contains("\"hello\"") && !deadline.hasExpired()) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 100) > 0) {
                char buffer[4096];
                const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
                if (n <= 0)
                    return;
                got.append(buffer, n);
            }
        }
        if (!got.startsWith("HTTP/1.1 101") || !got.contains("\"hello\""))
            return;
        // One masked text frame: subscribe, live only.
        const QByteArray payload = "{\"type\":\"subscribe\",\"room\":\"" + room.toLatin1() + "\"}";
        QByteArray frame;
        frame.append(char(0x81)).append(char(0x80 | payload.size())).append("\x01\x02\x03\x04", 4);
        for (qsizetype i = 0; i < payload.size(); ++i)
            frame.append(char(payload.at(i) ^ "\x01\x02\x03\x04"[i % 4]));
        ::send(m_fd, frame.constData(), size_t(frame.size()), 0);
        m_ready = true;
    }
    ~StalledReader()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool ready() const { return m_ready; }

    // Reads everything now: true when the server closed or reset the connection within ms.
    bool closedByServer(int ms)
    {
        ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
        QDeadlineTimer deadline(ms);
        while (!deadline.hasExpired()) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0)
                continue;
            char buffer[65536];
            const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
                return true;
        }
        return false;
    }

private:
    int m_fd = -1;
    bool m_ready = false;
};

} // namespace

class TestSlowReaders : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void slowestIsDroppedAtEachCap_data()
    {
        QTest::addColumn<QString>("cap");
        QTest::addColumn<bool>("stalledOfOneUser"); // else one stalled reader per user
        QTest::newRow("per connection") << u"max_queued_bytes_per_connection"_s << false;
        QTest::newRow("per user") << u"max_queued_bytes_per_user"_s << true;
        QTest::newRow("in all") << u"max_queued_bytes"_s << false;
    }

    void slowestIsDroppedAtEachCap()
    {
        QFETCH(QString, cap);
        QFETCH(bool, stalledOfOneUser);
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        server.setEnv(u"CHAT_SEND_RATE"_s, u"100000"_s);
        server.setEnv(u"CHAT_SEND_BURST"_s, u"100000"_s);
        // Only the cap under test is small (2 MiB; per connection 8 MiB, above what one commit
        // group writes to a socket before it is flushed); the others are far away (1 GiB).
        const QString small = cap == u"max_queued_bytes_per_connection"_s ? u"8388608"_s : u"2097152"_s;
        for (const QString &key : {u"max_queued_bytes_per_connection"_s, u"max_queued_bytes_per_user"_s,
                                   u"max_queued_bytes"_s})
            server.setEnv(u"CHAT_"_s + key.toUpper(), key == cap ? small : u"1073741824"_s);
        QVERIFY(server.start());
        HttpClient http(server.http());
        const QString alice = http.registerUser(u"alice"_s);
        const QString bob = http.registerUser(u"bob"_s);

        const quint16 port = quint16(server.http().port());
        std::vector<std::unique_ptr<StalledReader>> stalled;
        for (int i = 0; i < 3; ++i) {
            const QString token = stalledOfOneUser ? http.tokenFor(u"mallory"_s)
                                                   : http.registerUser(u"slow%1"_s.arg(i));
            stalled.push_back(std::make_unique<StalledReader>(port, token, u"general"_s));
            QVERIFY(stalled.back()->ready());
        }
        auto reader = WsClient::connected(server.ws(), bob);
        QVERIFY(reader);
        reader->subscribe(u"general"_s);
        QVERIFY(reader->waitForSubscribed(u"general"_s));

        // 12 MB to every subscriber: far more than the kernel holds for a reader that reads not.
        constexpr int kMessages = 3000;
        auto sender = WsClient::connected(server.ws(), alice);
        QVERIFY(sender);
        const QString body(4000, u'z');
        // In steps of 100 that the reader takes in before the next: a reader keeping up never
        // has much unread, whatever this test process is doing meanwhile.
        constexpr int kStep = 100;
        for (int sent = 0; sent < kMessages;) {
            for (int i = 0; i < kStep; ++i, ++sent)
                sender->sendMessage(u"general"_s, u"m%1"_s.arg(sent), body);
            QVERIFY(reader->waitForMessages(u"general"_s, sent, 30000));
        }
        QVERIFY(sender->waitForAck(u"m%1"_s.arg(kMessages - 1), 30000));

        // The one who reads got everything and is still there.
        QCOMPARE(reader->messages(u"general"_s).size(), kMessages);
        QVERIFY(reader->isConnected());
        // The ones who do not were cut off, and the log says by which cap.
        int dropped = 0;
        for (const auto &s : stalled)
            dropped += s->closedByServer(5000) ? 1 : 0;
        QVERIFY2(dropped >= 1, qPrintable(u"none of 3 stalled readers was dropped"_s));
        QVERIFY2(server.log().contains("(" + cap.toLatin1() + ")"), server.log().right(2000).constData());
        const QByteArray log = server.log();
        QCOMPARE(log.count("dropping slow connection of bob"), 0);
        QCOMPARE(log.count("dropping slow connection of alice"), 0);
    }
};

QTEST_GUILESS_MAIN(TestSlowReaders)
#include "tst_slowreaders.moc"
