// SPDX-License-Identifier: MIT
// The real chat-server binary: every acknowledged message survives SIGKILL, retries after the
// restart are stored once, and SIGTERM shuts down cleanly (WebSocket close 1001).
#include "apitypes.h"
#include "httpclient.h"
#include "pgserver.h"
#include "testdatabase.h"
#include "testserver.h"
#include "wsclient.h"

#include <QFile>
#include <QJsonArray>
#include <QScopeGuard>
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

    void databaseOfTheFirstReleaseOpens()
    {
        // tests/fixtures/chat-schema1.db was written by chat-server 0.1.0 (schema 1: alice and
        // Bob with the password "correct horse", a private room ops, five messages; its tokens
        // deleted). Whatever migrations come later must keep opening it with everything in it.
        if (TestDatabase::isPostgreSql())
            QSKIP("an SQLite file of release 0.1.0; PostgreSQL came later, with its own schema");
        QTemporaryDir dir;
        const QString db = dir.filePath(u"chat.db"_s);
        QVERIFY(QFile::copy(QStringLiteral(CHAT_FIXTURES_DIR "/chat-schema1.db"), db));
        QFile::setPermissions(db, QFile::ReadOwner | QFile::WriteOwner);
        ServerProcess server(db);
        QVERIFY(server.start());
        HttpClient http(server.http());
        const HttpResponse login = http.post(u"/api/v2/login"_s, {{"username"_L1, u"bob"_s},
                                                                 {"password"_L1, HttpClient::password()}});
        QCOMPARE(login.status, 200);
        QCOMPARE(login.json.value("user"_L1).toString(), u"Bob"_s);
        const QString token = login.json.value("token"_L1).toString();
        const HttpResponse page = http.get(u"/api/v2/rooms/general/events"_s, token);
        QCOMPARE(page.status, 200);
        const auto history = HistoryPage::fromJson(page.json);
        QVERIFY(history);
        QCOMPARE(history->epoch, u"7ceed9db-bc86-45eb-abad-eebb054f5ebf"_s); // the same database
        QCOMPARE(history->events.size(), 4);
        QCOMPARE(history->events.last().body, u"h\u00e9llo \U0001F600 from Bob\n    indented"_s);
        QCOMPARE(http.fullHistory(u"ops"_s, token).size(), 1);
        const HttpResponse rooms = http.get(u"/api/v2/rooms"_s, token);
        QCOMPARE(rooms.json.value("rooms"_L1).toArray().size(), 2);
        // The messages written before search existed are found (the migration indexed them).
        const HttpResponse found = http.get(u"/api/v2/search?q=hello"_s, token);
        QCOMPARE(found.status, 200);
        const QJsonArray hits = found.json.value("events"_L1).toArray();
        QCOMPARE(hits.size(), 1);
        QCOMPARE(hits.first().toObject().value("seq"_L1).toInteger(), 4);
        // It goes on from where it was: the next message is seq 5, a retry of an old clientId
        // returns the old message.
        const HttpResponse next = http.post(u"/api/v2/rooms/general/messages"_s,
                                            {{"clientId"_L1, u"after-upgrade"_s}, {"body"_L1, u"still here"_s}}, token);
        QCOMPARE(next.status, 201);
        QCOMPARE(next.json.value("seq"_L1).toInteger(), 5);
        const HttpResponse retry = http.post(u"/api/v2/rooms/general/messages"_s,
                                             {{"clientId"_L1, u"b1"_s}, {"body"_L1, u"resent"_s}}, token);
        QCOMPARE(retry.status, 200);
        QCOMPARE(retry.json.value("seq"_L1).toInteger(), 4);
    }

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
                http.get(u"/api/v2/rooms/general/events"_s, token).json)->epoch;

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
        QCOMPARE(HistoryPage::fromJson(after.get(u"/api/v2/rooms/general/events"_s, token).json)->epoch,
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

    void databaseServerRestartUnderLoad()
    {
        if (!TestDatabase::isPostgreSql())
            QSKIP("needs a database server that can go away: the _postgresql variant runs it");
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        server.setEnv(u"CHAT_SEND_RATE"_s, u"100000"_s);
        server.setEnv(u"CHAT_SEND_BURST"_s, u"100000"_s);
        QVERIFY(server.start());
        HttpClient http(server.http());
        const QString token = http.registerUser(u"alice"_s);
        QVERIFY(!token.isEmpty());
        PostgresServer *pg = TestDatabase::postgres();
        QVERIFY(pg);
        auto restart = qScopeGuard([pg] { pg->start(); }); // for the next test, pass or fail

        // The first half is in flight when the database crashes; the second half is sent to a
        // server whose database is gone (however fast the first half went through).
        constexpr int total = 2000;
        WsClient client(server.ws(), token);
        QVERIFY(client.connectAndHello());
        for (int i = 1; i <= total / 2; ++i)
            client.sendMessage(u"general"_s, u"d-%1"_s.arg(i), u"message %1"_s.arg(i));
        QVERIFY(client.waitFor([](const ServerFrame &f) {
            return f.type == ServerFrame::Type::Ack && f.clientId == u"d-300"_s;
        }, 30000));
        QVERIFY(pg->kill()); // the database crashes under load; chat-server stays up
        for (int i = total / 2 + 1; i <= total; ++i)
            client.sendMessage(u"general"_s, u"d-%1"_s.arg(i), u"message %1"_s.arg(i));
        // Every send is answered: an ack (stored before the crash) or a transient error.
        auto answered = [&] {
            QSet<QString> ids;
            for (const ServerFrame &f : client.frames()) {
                if ((f.type == ServerFrame::Type::Ack || f.type == ServerFrame::Type::Error)
                    && !f.clientId.isEmpty())
                    ids.insert(f.clientId);
            }
            return ids.size();
        };
        QTRY_COMPARE_WITH_TIMEOUT(answered(), total, 30000);
        QHash<QString, qint64> acked;
        int errors = 0;
        for (const ServerFrame &f : client.frames()) {
            if (f.type == ServerFrame::Type::Ack)
                acked.insert(f.clientId, f.seq);
            if (f.type == ServerFrame::Type::Error) {
                QCOMPARE(f.code, ErrorCode::Internal);
                QVERIFY(Errors::isTransient(f.code)); // the client keeps it and sends again
                ++errors;
            }
        }
        qInfo() << acked.size() << "acked," << errors << "refused as internal while the database was down";
        QVERIFY(errors > 0);
        QVERIFY(client.isConnected()); // the link outlived the database

        // The database comes back; chat-server reconnects by itself on the next operation, and
        // the client's resends are stored once, acked ones with their original seq.
        QVERIFY(pg->start());
        restart.dismiss();
        const qsizetype before = client.frames().size();
        for (int i = 1; i <= total; ++i)
            client.sendMessage(u"general"_s, u"d-%1"_s.arg(i), u"message %1"_s.arg(i));
        auto ackedAgain = [&] {
            return std::count_if(client.frames().cbegin() + before, client.frames().cend(),
                                 [](const ServerFrame &f) { return f.type == ServerFrame::Type::Ack; });
        };
        QTRY_COMPARE_WITH_TIMEOUT(ackedAgain(), qsizetype(total), 30000);
        const QList<ChatMessage> stored = http.fullHistory(u"general"_s, token);
        QCOMPARE(stored.size(), total);
        QSet<QString> ids;
        for (int i = 0; i < stored.size(); ++i) {
            QCOMPARE(stored[i].seq, i + 1);
            ids.insert(stored[i].clientId);
            if (acked.contains(stored[i].clientId))
                QCOMPARE(acked.value(stored[i].clientId), stored[i].seq);
        }
        QCOMPARE(ids.size(), total);
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
