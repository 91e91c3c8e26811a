// SPDX-License-Identifier: MIT
// Accounts per client address and rooms per user are rate limited: 429 rate_limited with
// Retry-After past the limit, while other addresses and users go on. Against the real binary.
#include "httpclient.h"
#include "testserver.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestRateLimits : public QObject
{
    Q_OBJECT

private:
    struct Answer
    {
        int status = 0;
        QByteArray head;
    };
    // POST a JSON body on a fresh connection from a chosen source address.
    static Answer post(quint16 port, const QHostAddress &from, const QByteArray &path,
                       const QJsonObject &body)
    {
        QTcpSocket socket;
        socket.bind(from);
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (!socket.waitForConnected(5000))
            return {};
        const QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
        socket.write("POST " + path + " HTTP/1.1\r\nHost: chat\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nContent-Length: "
                     + QByteArray::number(json.size()) + "\r\n\r\n" + json);
        QByteArray got;
        QDeadlineTimer deadline(10000);
        while (!got.contains("\r\n\r\n") && !deadline.hasExpired()
               && (socket.state() == QAbstractSocket::ConnectedState || socket.bytesAvailable())) {
            socket.waitForReadyRead(100);
            got += socket.readAll();
        }
        Answer answer;
        answer.head = got.left(got.indexOf("\r\n\r\n"));
        answer.status = got.startsWith("HTTP/1.1 ") ? got.mid(9, 3).toInt() : 0;
        return answer;
    }
    static QJsonObject account(const QString &name)
    {
        return {{"username"_L1, name}, {"password"_L1, HttpClient::password()}};
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void accountsPerAddress()
    {
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        server.setEnv(u"CHAT_REGISTER_PER_HOUR"_s, u"5"_s);
        QVERIFY(server.start());
        const quint16 port = quint16(server.http().port());
        const QHostAddress here(u"127.0.0.1"_s), other(u"127.0.0.2"_s);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(post(port, here, "/api/v2/register", account(u"user%1"_s.arg(i))).status, 201);
        const Answer refused = post(port, here, "/api/v2/register", account(u"user5"_s));
        QCOMPARE(refused.status, 429);
        // One more every 12 minutes: the client is told how long to wait.
        QVERIFY2(refused.head.contains("Retry-After: 7"), refused.head.constData());
        QCOMPARE(post(port, other, "/api/v2/register", account(u"user6"_s)).status, 201);
        // Nothing of the refused one was stored.
        HttpClient http(server.http());
        QCOMPARE(http.post(u"/api/v2/login"_s, account(u"user5"_s)).status, 401);
    }

    void roomsPerUser()
    {
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        server.setEnv(u"CHAT_ROOMS_PER_HOUR"_s, u"3"_s);
        QVERIFY(server.start());
        HttpClient http(server.http());
        const QString alice = http.registerUser(u"alice"_s);
        const QString bob = http.registerUser(u"bob"_s);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(http.post(u"/api/v2/rooms"_s, {{"name"_L1, u"room%1"_s.arg(i)}}, alice).status, 201);
        const auto refused = http.post(u"/api/v2/rooms"_s, {{"name"_L1, u"room3"_s}}, alice);
        QCOMPARE(refused.status, 429);
        QCOMPARE(refused.json.value("error"_L1).toObject().value("code"_L1).toString(), u"rate_limited"_s);
        QCOMPARE(http.post(u"/api/v2/rooms"_s, {{"name"_L1, u"room3"_s}}, bob).status, 201); // bob's own
    }
};

QTEST_GUILESS_MAIN(TestRateLimits)
#include "tst_ratelimits.moc"
