// SPDX-License-Identifier: MIT
// One account cannot make the server's writes wait: catch-up reads are served beside the writer,
// repeats coalesce, and the frame budget is the user's, not the socket's. Against the real
// chat-server binary, on both backends.
#include "httpclient.h"
#include "testserver.h"
#include "wsclient.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestCatchUpLoad : public QObject
{
    Q_OBJECT

private:
    static qsizetype indexOf(const WsClient &ws, const std::function<bool(const ServerFrame &)> &pred)
    {
        const QList<ServerFrame> &frames = ws.frames();
        for (qsizetype i = 0; i < frames.size(); ++i) {
            if (pred(frames.at(i)))
                return i;
        }
        return -1;
    }
    static bool isPong(const ServerFrame &f) { return f.type == ServerFrame::Type::Pong; }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void sendsAreAckedWhileCatchUpsWait()
    {
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        server.setEnv(u"CHAT_SEND_RATE"_s, u"100000"_s);
        server.setEnv(u"CHAT_SEND_BURST"_s, u"100000"_s);
        QVERIFY(server.start());
        HttpClient http(server.http());
        const QString alice = http.registerUser(u"alice"_s);
        const QString mallory = http.registerUser(u"mallory"_s);
        QVERIFY(!alice.isEmpty() && !mallory.isEmpty());

        // A room of 500 messages of 4 000 characters: one catch-up page, 2 MB to read.
        constexpr int kStored = 500;
        const QString body(4000, u'x');
        {
            auto seeder = WsClient::connected(server.ws(), alice);
            QVERIFY(seeder);
            for (int i = 0; i < kStored; ++i)
                seeder->sendMessage(u"general"_s, u"s%1"_s.arg(i), body);
            QVERIFY(seeder->waitForAck(u"s%1"_s.arg(kStored - 1), 60000)); // acks come in commit order
        }

        // Seven of eight sockets of one user each ask for the whole room 150 times; a pong on each says
        // the server has read every one of those frames.
        constexpr int kSockets = 8;
        constexpr int kRepeats = 150;
        std::vector<std::unique_ptr<WsClient>> sockets;
        for (int s = 0; s < kSockets; ++s) {
            sockets.push_back(WsClient::connected(server.ws(), mallory));
            QVERIFY(sockets.back());
        }
        for (int s = 0; s < kSockets - 1; ++s) {
            for (int i = 0; i < kRepeats; ++i)
                sockets[s]->subscribe(u"general"_s, 0);
            sockets[s]->send(ClientFrame::ping());
        }
        for (int s = 0; s < kSockets - 1; ++s)
            QVERIFY(sockets[s]->waitFor(isPong, 60000));

        // The last socket does the same and then sends: its send must not wait for any of those
        // reads, its own included (before, it was answered only after all of them had run).
        WsClient &last = *sockets.back();
        for (int i = 0; i < kRepeats; ++i)
            last.subscribe(u"general"_s, 0);
        last.sendMessage(u"general"_s, u"m-1"_s, u"while you read"_s);
        QVERIFY(last.waitForAck(u"m-1"_s, 60000));
        QVERIFY(last.waitForSubscribed(u"general"_s, 60000));
        const qsizetype ack = indexOf(last, [](const ServerFrame &f) {
            return f.type == ServerFrame::Type::Ack && f.clientId == u"m-1"_s;
        });
        const qsizetype subscribed = indexOf(last, [](const ServerFrame &f) {
            return f.type == ServerFrame::Type::Subscribed;
        });
        QVERIFY2(ack < subscribed, qPrintable(u"ack at frame %1, subscribed at frame %2"_s.arg(ack).arg(subscribed)));

        // Coalesced, nothing is lost or doubled: each socket has every event once, in order, and
        // one `subscribed`, and the message sent meanwhile arrives on all of them.
        for (int s = 0; s < kSockets; ++s) {
            WsClient &ws = *sockets[s];
            QVERIFY(ws.waitForMessages(u"general"_s, kStored + 1, 60000));
            const QList<ChatMessage> events = ws.messages(u"general"_s);
            QCOMPARE(events.size(), kStored + 1);
            for (qsizetype i = 0; i < events.size(); ++i)
                QCOMPARE(events.at(i).seq, i + 1);
            QCOMPARE(events.constLast().clientId, u"m-1"_s);
            const auto subscribedFrames = std::count_if(ws.frames().cbegin(), ws.frames().cend(),
                                                        [](const ServerFrame &f) {
                                                            return f.type == ServerFrame::Type::Subscribed;
                                                        });
            QCOMPARE(subscribedFrames, 1);
        }
    }

    void frameBudgetIsPerUser()
    {
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        // Frame budget: 2 × 1 + 50 per second, burst 2 × 1 + 100 = 102.
        server.setEnv(u"CHAT_SEND_RATE"_s, u"1"_s);
        server.setEnv(u"CHAT_SEND_BURST"_s, u"1"_s);
        QVERIFY(server.start());
        HttpClient http(server.http());
        const QString carol = http.registerUser(u"carol"_s);
        const QString mallory = http.registerUser(u"mallory"_s);
        constexpr int kPings = 80;
        auto pingAndCount = [](WsClient &ws) {
            for (int i = 0; i < kPings; ++i)
                ws.send(ClientFrame::ping());
        };
        auto answers = [](const WsClient &ws, ServerFrame::Type type) {
            return std::count_if(ws.frames().cbegin(), ws.frames().cend(),
                                 [type](const ServerFrame &f) { return f.type == type; });
        };

        // One socket within the budget: every ping answered.
        auto alone = WsClient::connected(server.ws(), carol);
        QVERIFY(alone);
        pingAndCount(*alone);
        QTRY_COMPARE_WITH_TIMEOUT(answers(*alone, ServerFrame::Type::Pong), kPings, 15000);
        QCOMPARE(answers(*alone, ServerFrame::Type::Error), 0);

        // Two sockets of one user, each within what one may send, together over it.
        auto first = WsClient::connected(server.ws(), mallory);
        auto second = WsClient::connected(server.ws(), mallory);
        QVERIFY(first && second);
        pingAndCount(*first);
        pingAndCount(*second);
        auto limited = [](const WsClient &ws) {
            return std::count_if(ws.frames().cbegin(), ws.frames().cend(), [](const ServerFrame &f) {
                return f.type == ServerFrame::Type::Error && f.code == ErrorCode::RateLimited;
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(limited(*first) + limited(*second) > 0, 15000);
    }
};

QTEST_GUILESS_MAIN(TestCatchUpLoad)
#include "tst_catchupload.moc"
