// SPDX-License-Identifier: MIT
// A WebSocket lives no longer than its token: logout, expiry, a password change (for the other
// devices) and deactivating the account end it at once (close 1008, unauthorized), against the
// real chat-server binary.
#include "apitypes.h"
#include "httpclient.h"
#include "store/databaseurl.h"
#include "testdatabase.h"
#include "testserver.h"
#include "wsclient.h"

#include <QJsonArray>
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

    void passwordChangeSignsOutTheOtherSessions()
    {
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        QVERIFY(server.start());
        HttpClient http(server.http());
        const QString here = http.registerUser(u"carol"_s);
        const auto login = http.post(u"/api/v2/login"_s,
                                     {{"username"_L1, u"carol"_s}, {"password"_L1, HttpClient::password()}});
        const QString laptop = login.json.value("token"_L1).toString();
        const QString other = http.registerUser(u"dave"_s);
        QVERIFY(!here.isEmpty() && !laptop.isEmpty() && !other.isEmpty());
        QCOMPARE(http.get(u"/api/v2/rooms"_s, laptop).status, 200); // in the token cache now

        WsClient kept(server.ws(), here), gone(server.ws(), laptop), bystander(server.ws(), other);
        QVERIFY(kept.connectAndHello());
        QVERIFY(gone.connectAndHello());
        QVERIFY(bystander.connectAndHello());
        gone.subscribe(u"general"_s);
        QVERIFY(gone.waitForSubscribed(u"general"_s));

        const QString next = u"a new password"_s;
        // Refused without a change: the current password wrong, the new one too short.
        auto wrong = http.post(u"/api/v2/account/password"_s,
                               PasswordChange{u"not it at all"_s, next}.toJson(), here);
        QCOMPARE(wrong.status, 403);
        QCOMPARE(wrong.errorCode(), u"wrong_password"_s);
        auto weak = http.post(u"/api/v2/account/password"_s,
                              PasswordChange{HttpClient::password(), u"short"_s}.toJson(), here);
        QCOMPARE(weak.status, 400);
        QCOMPARE(weak.errorCode(), u"invalid_request"_s);
        QCOMPARE(http.post(u"/api/v2/account/password"_s,
                           PasswordChange{HttpClient::password(), next}.toJson()).status, 401);
        QCOMPARE(http.get(u"/api/v2/rooms"_s, laptop).status, 200);

        const auto changed = http.post(u"/api/v2/account/password"_s,
                                       PasswordChange{HttpClient::password(), next}.toJson(), here);
        QCOMPARE(changed.status, 200);
        QCOMPARE(changed.json.value("revokedSessions"_L1).toInt(), 1);
        QVERIFY(endedUnauthorized(gone));
        QCOMPARE(http.get(u"/api/v2/rooms"_s, laptop).status, 401); // the cache let go of it too
        // The device that changed it stays signed in, on HTTP and on its socket; others are untouched.
        QCOMPARE(http.get(u"/api/v2/rooms"_s, here).status, 200);
        kept.sendMessage(u"general"_s, u"c-1"_s, u"still here"_s);
        QVERIFY(kept.waitForAck(u"c-1"_s));
        bystander.sendMessage(u"general"_s, u"d-1"_s, u"me too"_s);
        QVERIFY(bystander.waitForAck(u"d-1"_s));
        QCOMPARE(gone.messages(u"general"_s).size(), 0);

        // Only the new password signs in now.
        QCOMPARE(http.post(u"/api/v2/login"_s, Credentials{u"carol"_s, HttpClient::password()}.toJson())
                         .status, 401);
        QCOMPARE(http.post(u"/api/v2/login"_s, Credentials{u"carol"_s, next}.toJson()).status, 200);
    }

    void deactivationEndsEverySessionAndSignIn()
    {
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        QVERIFY(server.start());
        HttpClient http(server.http());
        const QString one = http.registerUser(u"erin"_s);
        const QString two = http.post(u"/api/v2/login"_s,
                                      Credentials{u"erin"_s, HttpClient::password()}.toJson())
                                    .json.value("token"_L1).toString();
        QVERIFY(!one.isEmpty() && !two.isEmpty());
        WsClient a(server.ws(), one), b(server.ws(), two);
        QVERIFY(a.connectAndHello());
        QVERIFY(b.connectAndHello());
        a.sendMessage(u"general"_s, u"e-1"_s, u"goodbye"_s);
        QVERIFY(a.waitForAck(u"e-1"_s));

        const auto wrong = http.post(u"/api/v2/account/deactivate"_s,
                                     PasswordConfirmation{u"not my password"_s}.toJson(), one);
        QCOMPARE(wrong.status, 403);
        QCOMPARE(wrong.errorCode(), u"wrong_password"_s);
        QCOMPARE(http.get(u"/api/v2/rooms"_s, two).status, 200);

        QCOMPARE(http.post(u"/api/v2/account/deactivate"_s,
                           PasswordConfirmation{HttpClient::password()}.toJson(), one).status, 204);
        QVERIFY(endedUnauthorized(a));
        QVERIFY(endedUnauthorized(b));
        QCOMPARE(http.get(u"/api/v2/rooms"_s, one).status, 401);
        QCOMPARE(http.get(u"/api/v2/rooms"_s, two).status, 401);
        // Signing in: the right password is told the account is deactivated, a wrong one learns
        // nothing more than for any account.
        const auto refused = http.post(u"/api/v2/login"_s,
                                       Credentials{u"erin"_s, HttpClient::password()}.toJson());
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.errorCode(), u"account_disabled"_s);
        QCOMPARE(http.post(u"/api/v2/login"_s, Credentials{u"erin"_s, u"guess guess"_s}.toJson()).status,
                 401);
        // The name stays taken, and what the account wrote stays in the room.
        QCOMPARE(http.post(u"/api/v2/register"_s, Credentials{u"erin"_s, HttpClient::password()}.toJson())
                         .status, 409);
        const QString reader = http.registerUser(u"frank"_s);
        const QList<ChatMessage> history = http.fullHistory(u"general"_s, reader);
        QVERIFY(std::any_of(history.cbegin(), history.cend(),
                            [](const ChatMessage &m) { return m.body == u"goodbye"_s && m.sender == u"erin"_s; }));
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

    void sessionsAreListedAndOneCanBeEnded()
    {
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        QVERIFY(server.start());
        HttpClient http(server.http());
        QVERIFY(!http.registerUser(u"alice"_s).isEmpty());
        auto login = [&http](const QString &user, const QString &device) {
            return http.post(u"/api/v2/login"_s, {{"username"_L1, user},
                                                  {"password"_L1, HttpClient::password()},
                                                  {"device"_L1, device}});
        };
        const QString laptop = login(u"alice"_s, u"Laptop (chat-client)"_s).json.value("token"_L1).toString();
        const QString phone = login(u"alice"_s, u"Phone"_s).json.value("token"_L1).toString();
        QVERIFY(!laptop.isEmpty() && !phone.isEmpty());
        QCOMPARE(login(u"alice"_s, u"bad\u0007name"_s).status, 400);
        QCOMPARE(login(u"alice"_s, QString(65, u'x')).status, 400);

        HttpResponse list = http.get(u"/api/v2/sessions"_s, laptop);
        QCOMPARE(list.status, 200);
        QList<SessionInfo> sessions;
        for (const QJsonValue &v : list.json.value("sessions"_L1).toArray()) {
            QString error;
            const auto s = SessionInfo::fromJson(v.toObject(), &error);
            QVERIFY2(s, qPrintable(error));
            sessions.append(*s);
        }
        QCOMPARE(sessions.size(), 3); // the registration's too
        QString phoneId, laptopId;
        for (const SessionInfo &s : std::as_const(sessions)) {
            QCOMPARE(s.id.size(), 32);
            QVERIFY(s.createdAt.isValid() && s.lastUsedAt.isValid() && s.expiresAt > s.createdAt);
            QCOMPARE(s.current, s.device == u"Laptop (chat-client)"_s);
            if (s.device == u"Phone"_s)
                phoneId = s.id;
            if (s.current)
                laptopId = s.id;
        }
        QVERIFY(!phoneId.isEmpty() && !laptopId.isEmpty());
        // The token itself is nowhere in the list.
        QVERIFY(!list.body.contains(phone.toUtf8()) && !list.body.contains(laptop.toUtf8()));

        WsClient phoneWs(server.ws(), phone);
        QVERIFY(phoneWs.connectAndHello());
        QCOMPARE(http.del(u"/api/v2/sessions/"_s + phoneId, laptop).status, 204);
        QVERIFY(endedUnauthorized(phoneWs));
        QCOMPARE(http.get(u"/api/v2/rooms"_s, phone).status, 401);
        QCOMPARE(http.get(u"/api/v2/sessions"_s, laptop).json.value("sessions"_L1).toArray().size(), 2);
        QCOMPARE(http.del(u"/api/v2/sessions/"_s + phoneId, laptop).status, 404); // gone already
        QCOMPARE(http.del(u"/api/v2/sessions/not-an-id"_s, laptop).status, 404);
        // Nobody ends another user's session, nor learns whether it exists.
        const QString bob = http.registerUser(u"bob"_s);
        const HttpResponse foreign = http.del(u"/api/v2/sessions/"_s + laptopId, bob);
        QCOMPARE(foreign.status, 404);
        QCOMPARE(foreign.errorCode(), u"not_found"_s);
        QCOMPARE(http.get(u"/api/v2/rooms"_s, laptop).status, 200);
        QCOMPARE(http.del(u"/api/v2/sessions/"_s + laptopId, {}).status, 401);
        // Ending the session that asks is signing out.
        QCOMPARE(http.del(u"/api/v2/sessions/"_s + laptopId, laptop).status, 204);
        QCOMPARE(http.get(u"/api/v2/rooms"_s, laptop).status, 401);
    }
};

QTEST_GUILESS_MAIN(TestSessionEnd)
#include "tst_sessionend.moc"
