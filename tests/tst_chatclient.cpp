// SPDX-License-Identifier: MIT
// chat_client_core against the real chat-server binary: history, live messages, reconnects,
// the outbox across client restarts, and an epoch change.
#include "chatclient.h"
#include "clientharness.h"
#include "httpclient.h"
#include "pgserver.h"
#include "testdatabase.h"
#include "testserver.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFileInfo>
#include <QScopeGuard>
#include <QSet>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
QList<qint64> seqsOf(const QList<ChatMessage> &messages)
{
    QList<qint64> out;
    for (const ChatMessage &m : messages)
        out.append(m.seq);
    return out;
}
QList<qint64> oneTo(qint64 n)
{
    QList<qint64> out;
    for (qint64 i = 1; i <= n; ++i)
        out.append(i);
    return out;
}
} // namespace

class TestChatClient : public QObject, protected ClientHarness
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init() { QVERIFY(startFresh()); }

    void cleanup() { m_server.reset(); }

    void historyLoadsAndPagesBackwards()
    {
        HttpClient http(m_server->http());
        const QString bob = http.registerUser(u"bob"_s);
        for (int i = 1; i <= 120; ++i)
            http.post(u"/api/v2/rooms/general/messages"_s,
                      {{"clientId"_L1, u"h%1"_s.arg(i)}, {"body"_L1, u"old %1"_s.arg(i)}}, bob);

        auto alice = loggedIn(u"alice"_s);
        MessageListModel *model = alice->messages(u"general"_s);
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(model, &QAbstractItemModel::rowsInserted);
        QSignalSpy loading(alice.get(), &ChatClient::historyLoading);
        alice->openRoom(u"general"_s);
        QTRY_COMPARE(model->rowCount(), 50);
        QCOMPARE(loading.first().at(1).toBool(), true);
        QCOMPARE(model->firstSeq(), 71);
        QCOMPARE(model->lastSeq(), 120);
        QVERIFY(alice->hasOlder(u"general"_s));
        QCOMPARE(inserted.size(), 1);
        alice->loadOlder(u"general"_s);
        QTRY_COMPARE(model->rowCount(), 100);
        alice->loadOlder(u"general"_s);
        QTRY_COMPARE(model->rowCount(), 120);
        QTRY_VERIFY(!alice->hasOlder(u"general"_s));
        QCOMPARE(inserted.size(), 3); // one insert per page
        QCOMPARE(seqsOf(model->confirmedMessages()), oneTo(120));
    }

    void roomListFollowsTheServersPages()
    {
        auto alice = loggedIn(u"alice"_s);
        HttpClient http(QUrl(u"http://127.0.0.1:%1"_s.arg(m_port)));
        constexpr int kRooms = 505; // the server's pages hold 500
        for (int i = 0; i < kRooms; ++i) {
            QCOMPARE(http.post(u"/api/v2/rooms"_s, {{"name"_L1, u"room-%1"_s.arg(i, 3, 10, QChar(u'0'))}},
                               alice->api()->token()).status,
                     201);
        }
        std::optional<QList<RoomInfo>> rooms;
        alice->api()->rooms(this, [&rooms](const ApiFailure &f, const QList<RoomInfo> &list) {
            if (f.ok())
                rooms = list;
        });
        QTRY_VERIFY_WITH_TIMEOUT(rooms.has_value(), 15000);
        QCOMPARE(rooms->size(), kRooms + 1); // and general
        QCOMPARE(rooms->constLast().name, u"room-504"_s);
    }

    void liveMessagesAndOwnRowsReconciled()
    {
        auto alice = loggedIn(u"alice"_s);
        auto bob = loggedIn(u"bob"_s);
        alice->openRoom(u"general"_s);
        bob->openRoom(u"general"_s);
        QVERIFY(waitConnected(*alice));
        QVERIFY(waitConnected(*bob));
        // A message already in Bob's first history page is not news: let that page land first.
        QTRY_VERIFY(!bob->isLoadingHistory(u"general"_s));
        QAbstractItemModelTester tester(alice->messages(u"general"_s),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy arrived(bob.get(), &ChatClient::messageArrived);
        const QString clientId = alice->sendMessage(u"general"_s, u"hi bob"_s);
        MessageListModel *mine = alice->messages(u"general"_s);
        QCOMPARE(mine->rowCount(), 1); // shown at once, pending
        QTRY_COMPARE(mine->confirmedCount(), 1);
        QCOMPARE(mine->rowCount(), 1); // the same row, now confirmed
        QCOMPARE(mine->index(0).data(MessageListModel::ClientIdRole).toString(), clientId);
        QTRY_COMPARE(bob->messages(u"general"_s)->confirmedCount(), 1);
        QCOMPARE(bob->messages(u"general"_s)->index(0).data(MessageListModel::BodyRole).toString(),
                 u"hi bob"_s);
        QTRY_COMPARE(arrived.size(), 1);
        QCOMPARE(arrived.first().at(1).toBool(), false); // not bob's own
        QTRY_COMPARE(alice->outbox()->size(), 0);
    }

    void everyNewMessageIsNewsWhileTheRoomListReloads()
    {
        // A room list fetched while a message is on its way already names that message's seq;
        // the message is still news (a notification) when it arrives.
        auto alice = loggedIn(u"alice"_s);
        auto bob = loggedIn(u"bob"_s);
        alice->openRoom(u"general"_s);
        bob->openRoom(u"general"_s);
        QVERIFY(waitConnected(*alice));
        QVERIFY(waitConnected(*bob));
        QTRY_VERIFY(!bob->isLoadingHistory(u"general"_s));
        QSignalSpy arrived(bob.get(), &ChatClient::messageArrived);
        QTimer reloader;
        connect(&reloader, &QTimer::timeout, bob.get(), &ChatClient::reloadRooms);
        reloader.start(1);
        constexpr int kMessages = 20;
        for (int i = 0; i < kMessages; ++i)
            alice->sendMessage(u"general"_s, u"m%1"_s.arg(i));
        QTRY_COMPARE_WITH_TIMEOUT(bob->messages(u"general"_s)->confirmedCount(), kMessages, 15000);
        reloader.stop();
        QCOMPARE(arrived.size(), kMessages);
    }

    void reconnectsAfterServerRestartWhileOthersSend()
    {
        auto alice = loggedIn(u"alice"_s);
        auto bob = loggedIn(u"bob"_s);
        alice->openRoom(u"general"_s);
        QVERIFY(waitConnected(*alice));
        QVERIFY(waitConnected(*bob));
        MessageListModel *seen = alice->messages(u"general"_s);
        QAbstractItemModelTester tester(seen, QAbstractItemModelTester::FailureReportingMode::QtTest);

        int sent = 0;
        QTimer writer;
        connect(&writer, &QTimer::timeout, this, [&] {
            if (sent < 90)
                bob->sendMessage(u"general"_s, u"bob %1"_s.arg(++sent));
        });
        writer.start(15);
        QTRY_VERIFY_WITH_TIMEOUT(seen->confirmedCount() >= 20, 15000);

        // Hard stop: no close frames; Bob keeps typing into his outbox meanwhile.
        m_server->kill();
        QTRY_COMPARE_WITH_TIMEOUT(alice->connection()->state(), ChatConnection::State::Reconnecting, 10000);
        const int before = sent;
        QTRY_VERIFY_WITH_TIMEOUT(sent >= before + 15, 10000);
        QVERIFY(bob->outbox()->size() >= 15);

        QVERIFY(startServer());
        QTRY_COMPARE_WITH_TIMEOUT(sent, 90, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(bob->outbox()->size(), 0, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(seen->confirmedCount(), 90, 20000);
        writer.stop();

        const QList<ChatMessage> got = seen->confirmedMessages();
        QCOMPARE(seqsOf(got), oneTo(90)); // every message once, in seq order
        QSet<QString> bodies;
        for (const ChatMessage &m : got)
            bodies.insert(m.body);
        QCOMPARE(bodies.size(), 90);
        QCOMPARE(seqsOf(serverHistory(bob->api()->token())), oneTo(90)); // stored once each
        // Bob's own view: 90 rows, all confirmed, none pending twice.
        QTRY_COMPARE(bob->messages(u"general"_s)->rowCount(), 90);
        QCOMPARE(bob->messages(u"general"_s)->confirmedCount(), 90);
    }

    void aPlannedRestartKeepsTheRetriesQuick()
    {
        // SIGTERM: the server closes every connection with 1001 (going away) and its port goes
        // dark. The client keeps its retries within restartCeilingMs instead of backing off
        // further, and is back as soon as the server is.
        ChatClient::Options o = options(u"alice"_s);
        o.tuning.backoff = {50, 60000};
        o.tuning.backoff.restartCeilingMs = 100;
        ChatClient alice(o);
        QSignalSpy started(&alice, &ChatClient::sessionStarted);
        alice.login(u"alice"_s, u"correct horse"_s, ChatClient::Account::NewOrExisting);
        QVERIFY(started.wait(15000));
        QVERIFY(waitConnected(alice));
        QSignalSpy scheduled(alice.connection(), &ChatConnection::reconnectScheduled);
        int exitCode = -1;
        QVERIFY(m_server->terminate(&exitCode));
        QCOMPARE(exitCode, 0);
        // Growing, the 8th ceiling would be 50 ms * 2^7 = 6.4 s, and eight draws all within
        // 100 ms would come about once in five million runs.
        QTRY_VERIFY_WITH_TIMEOUT(scheduled.size() >= 8, 10000);
        for (const QList<QVariant> &delay : std::as_const(scheduled))
            QVERIFY2(delay.at(0).toInt() <= 100, qPrintable(u"waited %1 ms"_s.arg(delay.at(0).toInt())));
        QVERIFY(startServer());
        QVERIFY(waitConnected(alice));
    }

    void outboxSurvivesClientRestartAndSendsOnce()
    {
        QString token;
        QString ackedClientId;
        {
            auto alice = loggedIn(u"alice"_s);
            token = alice->api()->token();
            QVERIFY(waitConnected(*alice));
            ackedClientId = alice->sendMessage(u"general"_s, u"already stored"_s);
            QTRY_COMPARE(alice->outbox()->size(), 0);
            m_server->kill();
            QTRY_COMPARE_WITH_TIMEOUT(alice->connection()->state(), ChatConnection::State::Reconnecting, 10000);
            for (int i = 1; i <= 5; ++i)
                alice->sendMessage(u"general"_s, u"offline %1"_s.arg(i));
            QCOMPARE(alice->outbox()->size(), 5);
            QCOMPARE(alice->messages(u"general"_s)->rowCount(), 6);
        } // the client quits with 5 unsent messages

        // Also pretend the ack of the first message was lost: it is back in the outbox file.
        {
            QDir outboxDir(m_dir->filePath(u"client-alice/outbox"_s));
            const QStringList files = outboxDir.entryList({u"*.db"_s});
            QCOMPARE(files.size(), 1);
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tamper"_s);
            db.setDatabaseName(outboxDir.filePath(files.first()));
            QVERIFY(db.open());
            QSqlQuery q(db);
            q.prepare(u"INSERT INTO outbox (client_id, room, body, typed_at) VALUES (?, 'general', 'already stored', 0)"_s);
            q.addBindValue(ackedClientId);
            QVERIFY(q.exec());
            q = QSqlQuery();
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(u"tamper"_s);
        }

        QVERIFY(startServer());
        ChatClient again(options(u"alice"_s));
        QSignalSpy started(&again, &ChatClient::sessionStarted);
        again.resume(u"alice"_s, token);
        QVERIFY(started.wait(15000));
        MessageListModel *model = again.messages(u"general"_s);
        QCOMPARE(model->rowCount(), 6); // shown as pending right away
        again.openRoom(u"general"_s);
        QTRY_COMPARE_WITH_TIMEOUT(again.outbox()->size(), 0, 20000);
        QTRY_COMPARE(model->confirmedCount(), 6);
        QCOMPARE(model->rowCount(), 6);
        const QList<ChatMessage> stored = serverHistory(token);
        QCOMPARE(seqsOf(stored), oneTo(6)); // the lost-ack one was not stored twice
        QCOMPARE(stored.first().clientId, ackedClientId);
        QCOMPARE(seqsOf(model->confirmedMessages()), oneTo(6));
    }

    void serverThatCannotStoreIsExplainedAndWaitedFor()
    {
        if (!TestDatabase::isPostgreSql())
            QSKIP("needs a database that can go away under a running server: the _postgresql variant runs it");
        auto alice = loggedIn(u"alice"_s);
        alice->openRoom(u"general"_s);
        QVERIFY(waitConnected(*alice));
        MessageListModel *model = alice->messages(u"general"_s);
        alice->sendMessage(u"general"_s, u"before"_s);
        QTRY_COMPARE(model->confirmedCount(), 1);

        QSignalSpy noticed(alice.get(), &ChatClient::noticed);
        PostgresServer *pg = TestDatabase::postgres();
        QVERIFY(pg);
        auto restart = qScopeGuard([pg] { pg->start(); }); // for the next test, pass or fail
        QVERIFY(pg->kill()); // chat-server stays up, its database does not
        alice->sendMessage(u"general"_s, u"while the database is down"_s);
        alice->sendMessage(u"general"_s, u"and another"_s);
        QTRY_VERIFY(!noticed.isEmpty());
        QCOMPARE(noticed.first().at(0).toString(),
                 u"The server can't store messages right now. Yours will be sent later."_s);
        QCOMPARE(model->confirmedCount(), 1);
        QCOMPARE(model->rowCount(), 3); // both wait in the outbox, shown as sending
        QVERIFY(alice->connection()->state() == ChatConnection::State::Connected);

        QVERIFY(pg->start());
        restart.dismiss();
        QTRY_COMPARE_WITH_TIMEOUT(model->confirmedCount(), 3, 20000);
        QCOMPARE(model->rowCount(), 3); // each stored once
        QCOMPARE(noticed.size(), 1);    // told once, not once per retry
        QCOMPARE(serverHistory(alice->api()->token()).size(), 3);
    }

    void epochChangeResetsCursors()
    {
        if (TestDatabase::isPostgreSql())
            QSKIP("restores a copy of the SQLite file; what the client does is the same on any backend");
        auto alice = loggedIn(u"alice"_s);
        alice->openRoom(u"general"_s);
        QVERIFY(waitConnected(*alice));
        for (int i = 1; i <= 10; ++i)
            alice->sendMessage(u"general"_s, u"before %1"_s.arg(i));
        MessageListModel *model = alice->messages(u"general"_s);
        QTRY_COMPARE(model->confirmedCount(), 10);
        const QString token = alice->api()->token();
        const QString oldEpoch = alice->connection()->epoch();

        // The server comes back from an older backup: 4 messages, then others wrote 3 new ones.
        m_server->kill();
        QTRY_COMPARE_WITH_TIMEOUT(alice->connection()->state(), ChatConnection::State::Reconnecting, 10000);
        // The killed server left its last transactions in the WAL: copy both files.
        QVERIFY(QFile::copy(m_dir->filePath(u"chat.db"_s), m_dir->filePath(u"restored.db"_s)));
        QVERIFY(QFile::copy(m_dir->filePath(u"chat.db-wal"_s), m_dir->filePath(u"restored.db-wal"_s)));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"restore"_s);
            db.setDatabaseName(m_dir->filePath(u"restored.db"_s));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s));
            QVERIFY(q.exec(u"UPDATE meta SET value = 'restored-epoch' WHERE key = 'epoch'"_s));
            QVERIFY(q.exec(u"DELETE FROM events WHERE seq > 4"_s));
            QVERIFY(q.exec(u"UPDATE rooms SET last_seq = MIN(last_seq, 4)"_s)); // as backed up
            q = QSqlQuery();
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(u"restore"_s);
        }
        QSignalSpy epochChanged(alice->connection(), &ChatConnection::epochChanged);
        QVERIFY(startServer(u"restored.db"_s));
        HttpClient http(m_server->http());
        const QString carol = http.registerUser(u"carol"_s);
        for (int i = 1; i <= 3; ++i)
            http.post(u"/api/v2/rooms/general/messages"_s,
                      {{"clientId"_L1, u"n%1"_s.arg(i)}, {"body"_L1, u"after restore %1"_s.arg(i)}}, carol);

        QTRY_VERIFY_WITH_TIMEOUT(epochChanged.size() == 1, 20000);
        QCOMPARE(epochChanged.first().at(0).toString(), oldEpoch);
        QCOMPARE(alice->connection()->epoch(), u"restored-epoch"_s);
        // The view now mirrors the restored server exactly: seq 5..7 are the new messages, not
        // the old ones with the same numbers.
        const QList<ChatMessage> stored = serverHistory(token);
        QCOMPARE(stored.size(), 7);
        QTRY_COMPARE_WITH_TIMEOUT(model->confirmedCount(), 7, 20000);
        const QList<ChatMessage> shown = model->confirmedMessages();
        for (int i = 0; i < 7; ++i) {
            QCOMPARE(shown[i].id, stored[i].id);
            QCOMPARE(shown[i].body, stored[i].body);
        }
    }

    void startsOfflineWithAStoredToken()
    {
        QString token;
        {
            auto alice = loggedIn(u"alice"_s);
            token = alice->api()->token();
        }
        m_server->kill();
        ChatClient client(options(u"alice"_s));
        QSignalSpy started(&client, &ChatClient::sessionStarted);
        client.resume(u"alice"_s, token);
        QVERIFY(started.wait(15000)); // usable without the server
        client.openRoom(u"general"_s);
        client.sendMessage(u"general"_s, u"queued at startup"_s);
        QCOMPARE(client.messages(u"general"_s)->rowCount(), 1);
        QVERIFY(startServer());
        QTRY_COMPARE_WITH_TIMEOUT(client.outbox()->size(), 0, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(client.messages(u"general"_s)->confirmedCount(), 1, 10000);
        QTRY_VERIFY(client.rooms()->rowOf(u"general"_s) >= 0); // the room list came too
        QCOMPARE(seqsOf(serverHistory(token)), oneTo(1));
    }

    void longOutboxIsSentWithinTheRateLimit()
    {
        auto alice = loggedIn(u"alice"_s);
        alice->openRoom(u"general"_s);
        QVERIFY(waitConnected(*alice));
        m_server->kill();
        QTRY_COMPARE_WITH_TIMEOUT(alice->connection()->state(), ChatConnection::State::Reconnecting, 10000);
        for (int i = 1; i <= 80; ++i) // more than the default burst of 50
            alice->sendMessage(u"general"_s, u"queued %1"_s.arg(i));
        QVERIFY(startServer(u"chat.db"_s, true)); // default limits: 20/s, burst 50
        QVERIFY(waitConnected(*alice));
        QSignalSpy states(alice->connection(), &ChatConnection::stateChanged);
        QTRY_COMPARE_WITH_TIMEOUT(alice->outbox()->size(), 0, 20000);
        QCOMPARE(states.size(), 0); // rate_limited answers did not cost the connection
        QCOMPARE(seqsOf(serverHistory(alice->api()->token())), oneTo(80));
        QTRY_COMPARE(alice->messages(u"general"_s)->confirmedCount(), 80);
    }

    void deadTokenEndsTheSession()
    {
        ChatClient client(options(u"ghost"_s));
        QSignalSpy expired(&client, &ChatClient::sessionExpired);
        client.resume(u"ghost"_s, QString(43, u'x'));
        QVERIFY(expired.wait(15000));
    }

    void takenNameIsReportedWhenCreatingAnAccount()
    {
        HttpClient(m_server->http()).registerUser(u"alice"_s);
        ChatClient client(options(u"Alice"_s));
        QSignalSpy failed(&client, &ChatClient::loginFailed);
        QSignalSpy started(&client, &ChatClient::sessionStarted);
        client.login(u"Alice"_s, u"another password"_s, ChatClient::Account::New);
        QVERIFY(failed.wait(15000));
        QVERIFY2(failed.first().at(0).toString().contains(u"already taken"_s),
                 qPrintable(failed.first().at(0).toString()));
        QCOMPARE(started.size(), 0);
    }

    void unreadCountsComeFromTheServer()
    {
        HttpClient http(m_server->http());
        const QString bob = http.registerUser(u"bob"_s);
        {
            auto alice = loggedIn(u"alice"_s);
            alice->openRoom(u"general"_s);
            http.post(u"/api/v2/rooms/general/messages"_s, {{"clientId"_L1, u"seen"_s}, {"body"_L1, u"seen"_s}}, bob);
            QTRY_COMPARE_WITH_TIMEOUT(alice->messages(u"general"_s)->confirmedCount(), 1, 10000);
            QCOMPARE(alice->rooms()->unread(u"general"_s), 1); // shown is not read: the UI says when
        }
        for (int i = 1; i <= 3; ++i)
            http.post(u"/api/v2/rooms/general/messages"_s,
                      {{"clientId"_L1, u"w%1"_s.arg(i)}, {"body"_L1, u"while closed %1"_s.arg(i)}}, bob);
        auto again = loggedIn(u"alice"_s);
        QCOMPARE(again->rooms()->unread(u"general"_s), 4); // the server's count: nothing was read
        // Reading on one device is what another sees after its next start.
        again->markRead(u"general"_s, again->rooms()->lastSeq(u"general"_s));
        QCOMPARE(again->rooms()->unread(u"general"_s), 0);
        QTRY_COMPARE_WITH_TIMEOUT(HttpClient(m_server->http()).get(u"/api/v2/rooms/general"_s, again->api()->token())
                                          .json.value("unread"_L1).toInt(), 0, 10000);
        auto third = loggedIn(u"alice"_s);
        QCOMPARE(third->rooms()->unread(u"general"_s), 0);
    }

    void roomsAppearWhenCreatedOrInvitedTo()
    {
        auto alice = loggedIn(u"alice"_s);
        QVERIFY(waitConnected(*alice));
        HttpClient http(m_server->http());
        const QString bob = http.registerUser(u"bob"_s);
        QSignalSpy notices(alice.get(), &ChatClient::noticed);
        QCOMPARE(http.post(u"/api/v2/rooms"_s, {{"name"_L1, u"hidden"_s}, {"private"_L1, true}}, bob).status, 201);
        QCOMPARE(http.post(u"/api/v2/rooms"_s, {{"name"_L1, u"plaza"_s}, {"private"_L1, false}}, bob).status, 201);
        QTRY_VERIFY_WITH_TIMEOUT(alice->rooms()->rowOf(u"plaza"_s) >= 0, 10000);
        QCOMPARE(alice->rooms()->rowOf(u"hidden"_s), -1); // private: nothing to see, nothing said
        QCOMPARE(notices.size(), 1);
        // An invite to the private room: listed as a member, subscribed (its messages arrive).
        QCOMPARE(http.post(u"/api/v2/rooms/hidden/invite"_s, {{"user"_L1, u"ALICE"_s}}, bob).status, 204);
        QTRY_VERIFY_WITH_TIMEOUT(alice->rooms()->isMember(u"hidden"_s), 10000);
        QTRY_COMPARE(notices.size(), 2);
        QCOMPARE(notices.last().first().toString(), u"bob added you to the room #hidden."_s);
        QCOMPARE(http.post(u"/api/v2/rooms/hidden/messages"_s, {{"clientId"_L1, u"s1"_s}, {"body"_L1, u"psst"_s}}, bob).status, 201);
        QTRY_COMPARE_WITH_TIMEOUT(alice->messages(u"hidden"_s)->confirmedCount(), 1, 10000);
    }

    void refusedMessagesStayUntilDiscardedAndAreNotResent()
    {
        QString clientId;
        {
            auto alice = loggedIn(u"alice"_s);
            QVERIFY(waitConnected(*alice));
            clientId = alice->sendMessage(u"nowhere"_s, u"to a room that does not exist"_s);
            QVERIFY(!clientId.isEmpty());
            MessageListModel *model = alice->messages(u"nowhere"_s);
            QTRY_COMPARE_WITH_TIMEOUT(model->index(0).data(MessageListModel::DeliveryRole)
                                              .value<MessageListModel::Delivery>(),
                                      MessageListModel::Delivery::Failed, 10000);
            QCOMPARE(model->index(0).data(MessageListModel::ErrorRole).toString(),
                     u"this room does not exist any more"_s);
            QCOMPARE(alice->outbox()->size(), 1);
        }
        // After a restart it is shown again as refused, and not sent again.
        auto alice = loggedIn(u"alice"_s);
        QVERIFY(waitConnected(*alice));
        MessageListModel *model = alice->messages(u"nowhere"_s);
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->index(0).data(MessageListModel::DeliveryRole).value<MessageListModel::Delivery>(),
                 MessageListModel::Delivery::Failed);
        alice->discard(clientId);
        QCOMPARE(model->rowCount(), 0);
        QCOMPARE(alice->outbox()->size(), 0);

        // Too long for the server (which said its limit in hello): not queued at all.
        QSignalSpy errors(alice.get(), &ChatClient::errorOccurred);
        QCOMPARE(alice->maxBodyBytes(), 4096);
        QVERIFY(alice->sendMessage(u"general"_s, QString(4097, u'x')).isEmpty());
        QCOMPARE(errors.size(), 1);
        QCOMPARE(alice->outbox()->size(), 0);
        QCOMPARE(alice->messages(u"general"_s)->rowCount(), 0);
    }

    void outboxFilesArePrivate()
    {
        auto alice = loggedIn(u"alice"_s);
        m_server->kill();
        alice->sendMessage(u"general"_s, u"private until sent"_s);
        const QDir outbox(QDir(options(u"alice"_s).dataDir).filePath(u"outbox"_s));
        // (QFile's User bits are the owner's as seen by the owner.)
        QCOMPARE(QFileInfo(outbox.path()).permissions() & 0x0777,
                 QFile::ReadUser | QFile::WriteUser | QFile::ExeUser);
        const QFileInfoList files = outbox.entryInfoList(QDir::Files);
        QVERIFY(files.size() >= 2); // the database and its write-ahead log at least
        for (const QFileInfo &file : files) {
            QVERIFY2((file.permissions() & 0x0777) == (QFile::ReadUser | QFile::WriteUser),
                     qPrintable(file.fileName()));
        }
    }

    void loginErrorsAreReadable()
    {
        ChatClient client(options(u"nobody"_s));
        QSignalSpy failed(&client, &ChatClient::loginFailed);
        client.login(u"nobody"_s, u"wrong password"_s, ChatClient::Account::Existing);
        QVERIFY(failed.wait(15000));
        QCOMPARE(failed.first().at(0).toString(), u"wrong username or password"_s);

        ChatClient offline(options(u"x"_s));
        ChatClient::Options o = options(u"x"_s);
        o.server = QUrl(u"http://127.0.0.1:%1"_s.arg(ServerProcess::freePort()));
        ChatClient unreachable(o);
        QSignalSpy failed2(&unreachable, &ChatClient::loginFailed);
        unreachable.login(u"x"_s, u"whatever1"_s, ChatClient::Account::Existing);
        QVERIFY(failed2.wait(15000));
        QVERIFY2(failed2.first().at(0).toString().startsWith(u"Cannot reach the server"_s),
                 qPrintable(failed2.first().at(0).toString()));
    }
};

QTEST_GUILESS_MAIN(TestChatClient)
#include "tst_chatclient.moc"
