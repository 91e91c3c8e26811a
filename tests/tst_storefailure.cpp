// SPDX-License-Identifier: MIT
// A database that fails is answered as `internal`, never as a domain answer: no empty room list,
// no "wrong password", no "signed out" (a client told 401 drops a token that is still good), no
// "no such room". Against the real chat-server binary on a PostgreSQL that is stopped under it.
#include "httpclient.h"
#include "pgserver.h"
#include "testdatabase.h"
#include "testserver.h"
#include "wsclient.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestStoreFailure : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void failuresAreInternalNotDomainAnswers()
    {
        if (!TestDatabase::isPostgreSql())
            QSKIP("needs a database that can go away under a running server: the _postgresql variant runs it");
        QTemporaryDir dir;
        const QString db = dir.filePath(u"chat.db"_s);
        QString token;
        {
            ServerProcess first(db);
            QVERIFY(first.start());
            token = HttpClient(first.http()).registerUser(u"alice"_s);
            QVERIFY(!token.isEmpty());
            int exitCode = -1;
            QVERIFY(first.terminate(&exitCode));
        }
        // A server that has not seen the token yet: checking it needs the database.
        ServerProcess server(db);
        QVERIFY(server.start());
        HttpClient http(server.http());
        PostgresServer *pg = TestDatabase::postgres();
        QVERIFY(pg);
        auto restart = qScopeGuard([pg] { pg->start(); });
        QVERIFY(pg->kill());

        const auto rooms = http.get(u"/api/v2/rooms"_s, token);
        QCOMPARE(rooms.status, 500); // was 401: the client would have signed out
        QCOMPARE(rooms.json.value("error"_L1).toObject().value("code"_L1).toString(), u"internal"_s);
        const auto login = http.post(u"/api/v2/login"_s,
                                     {{"username"_L1, u"alice"_s}, {"password"_L1, HttpClient::password()}});
        QCOMPARE(login.status, 500); // was 401 "wrong name or password"
        auto live = std::make_unique<WsClient>(server.ws(), token);
        QVERIFY(!live->connectAndHello(10000));
        QVERIFY(live->waitForError(u"internal"_s, 10000));
        QVERIFY(live->waitForDisconnect(10000));
        QCOMPARE(live->closeCode(), QWebSocketProtocol::CloseCodeBadOperation); // 1011, not 1008

        QVERIFY(pg->start());
        restart.dismiss();
        // Once it is back, the same token works (it was never taken for signed out).
        QTRY_COMPARE_WITH_TIMEOUT(http.get(u"/api/v2/rooms"_s, token).status, 200, 20000);
        const auto list = http.get(u"/api/v2/rooms"_s, token);
        QCOMPARE(list.json.value("rooms"_L1).toArray().size(), 1);
        // And with it cached, a failing database is still no empty list.
        QVERIFY(pg->kill());
        auto again = qScopeGuard([pg] { pg->start(); });
        const auto cachedUser = http.get(u"/api/v2/rooms"_s, token);
        QCOMPARE(cachedUser.status, 500); // was 200 {"rooms":[]}
        const auto join = http.post(u"/api/v2/rooms/nosuch/join"_s, {}, token);
        QCOMPARE(join.status, 500); // not 404: nobody could look
    }
};

QTEST_GUILESS_MAIN(TestStoreFailure)
#include "tst_storefailure.moc"
