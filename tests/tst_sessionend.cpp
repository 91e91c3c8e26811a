// SPDX-License-Identifier: MIT
// A WebSocket lives no longer than its token: logout and expiry end it at once (close 1008,
// unauthorized), against the real chat-server binary.
#include "apitypes.h"
#include "httpclient.h"
#include "store/databaseurl.h"
#include "testdatabase.h"
#include "testserver.h"
#include "wsclient.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestSessionEnd : public QObject
{
    Q_OBJECT

private:
    static bool endedUnauthorized(WsClient &ws)
    {
        return ws.waitForError(u"unauthorized"_s, 10000).has_value() && ws.waitForDisconnect(10000)
                && ws.closeCode() == QWebSocketProtocol::CloseCodePolicyViolated;
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void logoutEndsTheTokensSockets()
    {
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        QVERIFY(server.start());
        HttpClient http(server.http());
        const QString first = http.registerUser(u"alice"_s);
        const auto login = http.post(u"/api/v2/login"_s,
                                     {{"username"_L1, u"alice"_s}, {"password"_L1, HttpClient::password()}});
        const QString second = login.json.value("token"_L1).toString();
        QVERIFY(!first.isEmpty() && !second.isEmpty());

        WsClient gone(server.ws(), first), kept(server.ws(), second);
        QVERIFY(gone.connectAndHello());
        QVERIFY(kept.connectAndHello());
        gone.subscribe(u"general"_s);
        QVERIFY(gone.waitForSubscribed(u"general"_s));

        QCOMPARE(http.post(u"/api/v2/logout"_s, {}, first).status, 204);
        QVERIFY(endedUnauthorized(gone));
        // The same user's other token, and its socket, live on.
        kept.sendMessage(u"general"_s, u"k-1"_s, u"still here"_s);
        QVERIFY(kept.waitForAck(u"k-1"_s));
        QCOMPARE(http.get(u"/api/v2/rooms"_s, first).status, 401);
        QCOMPARE(gone.messages(u"general"_s).size(), 0); // nothing reached it after the logout
    }

    void expiryEndsTheSocketOnTime()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(u"chat.db"_s);
        QString token;
        {
            ServerProcess server(db);
            QVERIFY(server.start());
            token = HttpClient(server.http()).registerUser(u"bob"_s);
            int exitCode = -1;
            QVERIFY(server.terminate(&exitCode));
        }
        {
            // The token now runs out three seconds from now.
            QString error;
            const auto url = DatabaseUrl::parse(TestDatabase::forPath(db), &error);
            QVERIFY2(url, qPrintable(error));
            QSqlDatabase sql = QSqlDatabase::addDatabase(url->isPostgreSql() ? u"QPSQL"_s : u"QSQLITE"_s,
                                                         u"expiry"_s);
            if (url->isPostgreSql()) {
                sql.setHostName(url->host);
                sql.setPort(url->port);
                sql.setUserName(url->user);
                sql.setDatabaseName(url->database);
            } else {
                sql.setDatabaseName(url->path);
            }
            QVERIFY2(sql.open(), qPrintable(sql.lastError().text()));
            QSqlQuery q(sql);
            QVERIFY(q.prepare(u"UPDATE tokens SET expires_at = ?"_s));
            q.addBindValue(QDateTime::currentMSecsSinceEpoch() + 3000);
            QVERIFY(q.exec());
            QCOMPARE(q.numRowsAffected(), 1);
            q = QSqlQuery();
            sql.close();
        }
        QSqlDatabase::removeDatabase(u"expiry"_s);
        ServerProcess server(db);
        QVERIFY(server.start());
        HttpClient http(server.http());
        QCOMPARE(http.get(u"/api/v2/rooms"_s, token).status, 200); // cached from here on
        WsClient ws(server.ws(), token);
        QVERIFY(ws.connectAndHello());
        QVERIFY(endedUnauthorized(ws)); // without an expiry watch it would stay open for ever
        // And the token cache does not outlive the expiry either.
        QCOMPARE(http.get(u"/api/v2/rooms"_s, token).status, 401);
    }
};

QTEST_GUILESS_MAIN(TestSessionEnd)
#include "tst_sessionend.moc"
