// SPDX-License-Identifier: MIT
// The real chat-server binary: every acknowledged message survives SIGKILL, retries after the
// restart are stored once, and SIGTERM shuts down cleanly (WebSocket close 1001).
#include "apitypes.h"
#include "httpclient.h"
#include "testserver.h"
#include "wsclient.h"

#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestCrashRecovery : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void sigkillLosesNoAckedMessage()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(u"chat.db"_s);
        ServerProcess server(db);
        server.setEnv(u"CHAT_SEND_RATE"_s, u"100000"_s); // this client sends as fast as it can
        server.setEnv(u"CHAT_SEND_BURST"_s, u"100000"_s);
        QVERIFY(server.start());
        HttpClient http(server.http());
        const QString token = http.registerUser(u"alice"_s);
        QVERIFY(!token.isEmpty());
        const QString epoch = HistoryPage::fromJson(
                http.get(u"/api/v1/rooms/general/messages"_s, token).json)->epoch;

        constexpr int total = 2000;
        QHash<QString, ServerFrame> acked; // clientId -> ack
        {
            WsClient client(server.ws(), token);
            QVERIFY(client.connectAndHello());
            for (int i = 1; i <= total; ++i)
                client.sendMessage(u"general"_s, u"k-%1"_s.arg(i), u"message %1"_s.arg(i));
            // Kill while acks are still coming in.
            QVERIFY(client.waitFor([](const ServerFrame &f) {
                return f.type == ServerFrame::Type::Ack && f.clientId == u"k-300"_s;
            }, 30000));
            server.kill();
            for (const ServerFrame &f : client.frames()) {
                if (f.type == ServerFrame::Type::Ack)
                    acked.insert(f.clientId, f);
            }
        }
        qInfo() << acked.size() << "of" << total << "acked before SIGKILL";
        QVERIFY(acked.size() >= 300);

        QVERIFY(server.start());
        HttpClient after(server.http());
        QList<ChatMessage> stored = after.fullHistory(u"general"_s, token); // the token survived too
        QVERIFY(stored.size() >= acked.size());
        QHash<QString, ChatMessage> byClient;
        for (int i = 0; i < stored.size(); ++i) {
            QCOMPARE(stored[i].seq, i + 1); // no gap
            QVERIFY(!byClient.contains(stored[i].clientId)); // no duplicate
            byClient.insert(stored[i].clientId, stored[i]);
        }
        for (const ServerFrame &ack : std::as_const(acked)) {
            QVERIFY2(byClient.contains(ack.clientId), qPrintable(ack.clientId));
            QCOMPARE(byClient.value(ack.clientId).seq, ack.seq);
            QCOMPARE(byClient.value(ack.clientId).id, ack.id);
        }
        QCOMPARE(HistoryPage::fromJson(after.get(u"/api/v1/rooms/general/messages"_s, token).json)->epoch,
                 epoch);

        // The client resends everything it has no ack for, and, to be sure, everything else too.
        WsClient retry(server.ws(), token);
        QVERIFY(retry.connectAndHello());
        for (int i = 1; i <= total; ++i)
            retry.sendMessage(u"general"_s, u"k-%1"_s.arg(i), u"message %1"_s.arg(i));
        QVERIFY(retry.waitForAck(u"k-%1"_s.arg(total), 30000));
        QTRY_COMPARE_WITH_TIMEOUT(
                std::count_if(retry.frames().cbegin(), retry.frames().cend(),
                              [](const ServerFrame &f) { return f.type == ServerFrame::Type::Ack; }),
                qsizetype(total), 30000);
        for (const ServerFrame &f : retry.frames()) {
            if (f.type == ServerFrame::Type::Ack && byClient.contains(f.clientId))
                QCOMPARE(f.seq, byClient.value(f.clientId).seq); // the original seq
        }
        stored = after.fullHistory(u"general"_s, token);
        QCOMPARE(stored.size(), total);
        QSet<QString> clientIds;
        for (int i = 0; i < stored.size(); ++i) {
            QCOMPARE(stored[i].seq, i + 1);
            clientIds.insert(stored[i].clientId);
        }
        QCOMPARE(clientIds.size(), total);
    }

    void sigtermClosesCleanly()
    {
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        server.setEnv(u"CHAT_SEND_BURST"_s, u"100"_s);
        QVERIFY(server.start());
        HttpClient http(server.http());
        const QString token = http.registerUser(u"bob"_s);
        WsClient client(server.ws(), token);
        QVERIFY(client.connectAndHello());
        client.subscribe(u"general"_s);
        QVERIFY(client.waitForSubscribed(u"general"_s));
        for (int i = 1; i <= 50; ++i)
            client.sendMessage(u"general"_s, u"t-%1"_s.arg(i), u"bye %1"_s.arg(i));
        QVERIFY(client.waitForAck(u"t-50"_s));

        int exitCode = -1;
        QVERIFY(server.terminate(&exitCode));
        QCOMPARE(exitCode, 0);
        QVERIFY(client.waitForDisconnect());
        QCOMPARE(client.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
        QVERIFY(server.output().contains("listening on"));

        QVERIFY(server.start());
        HttpClient after(server.http());
        QCOMPARE(after.fullHistory(u"general"_s, token).size(), 50);
    }
};

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crashrecovery.moc"
