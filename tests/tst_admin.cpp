// SPDX-License-Identifier: MIT
// chat-admin, the real binary, on databases the real chat-server made and serves: accounts and
// sessions on SQLite (refused while a server holds the file) and on PostgreSQL (the running
// servers end what it revokes), a migration of a release's SQLite database into PostgreSQL after
// which a server serves the very same history, and a backup taken while a load writes.
#include "httpclient.h"
#include "pgserver.h"
#include "testserver.h"
#include "wsclient.h"

#include <QBuffer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace {

// A small picture as PNG bytes (the same every call).
QByteArray pngImage()
{
    QImage image(90, 60, QImage::Format_RGB32);
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            image.setPixel(x, y, qRgb(x * 2, y * 4, 128));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

struct AdminRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonArray json() const { return QJsonDocument::fromJson(out).array(); }
};

AdminRun admin(const QStringList &args, const QByteArray &input = {})
{
    QProcess process;
    process.start(QStringLiteral(CHAT_ADMIN_BINARY), args);
    if (!process.waitForStarted())
        return {};
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(60000)) {
        process.kill();
        return {};
    }
    AdminRun run{process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                 process.readAllStandardOutput(), process.readAllStandardError()};
    if (run.exitCode != 0)
        qInfo().noquote() << "chat-admin" << args.join(u' ') << "->" << run.exitCode << run.err.trimmed();
    return run;
}

QString login(HttpClient &http, const QString &name, const QString &password, const QString &device = {})
{
    const HttpResponse r = http.post(u"/api/v2/login"_s, {{"username"_L1, name},
                                                          {"password"_L1, password},
                                                          {"device"_L1, device}});
    return r.status == 200 ? r.json.value("token"_L1).toString() : QString();
}

// Everything a user's client sees of the installation: the room list and each room's history
// (current state of every message, the epoch of each page).
QJsonObject viewOf(HttpClient &http, const QString &token)
{
    QJsonObject view;
    const HttpResponse rooms = http.get(u"/api/v2/rooms"_s, token);
    view.insert("rooms"_L1, rooms.json);
    for (const QJsonValue &room : rooms.json.value("rooms"_L1).toArray()) {
        const QString name = room.toObject().value("name"_L1).toString();
        QJsonArray pages;
        for (qint64 after = 0;;) {
            const HttpResponse page = http.get(u"/api/v2/rooms/%1/events?after=%2&limit=200"_s
                                                       .arg(name).arg(after), token);
            pages.append(page.json);
            const QJsonArray events = page.json.value("events"_L1).toArray();
            if (page.status != 200 || events.isEmpty() || !page.json.value("hasMore"_L1).toBool())
                break;
            after = events.last().toObject().value("seq"_L1).toInteger();
        }
        view.insert(name, pages);
    }
    return view;
}

HttpResponse post(HttpClient &http, const QString &room, const QString &token, QJsonObject event)
{
    return http.post(u"/api/v2/rooms/%1/messages"_s.arg(room), event, token);
}

} // namespace

class TestAdmin : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<PostgresServer> m_pg;
    int m_databases = 0;

    // Both started and hearing each other: what one commits from here on reaches the other.
    static bool startListening(std::initializer_list<ServerProcess *> nodes)
    {
        for (ServerProcess *node : nodes) {
            if (!node->start())
                return false;
        }
        for (ServerProcess *node : nodes) {
            HttpClient http(node->http());
            if (!QTest::qWaitFor([&http] { return http.get(u"/readyz"_s).status == 200; }, 15000))
                return false;
        }
        return true;
    }

    QString postgresDatabase()
    {
        if (!m_pg) {
            m_pg = std::make_unique<PostgresServer>();
            if (!m_pg->start())
                return {};
        }
        const QString name = u"admin%1"_s.arg(++m_databases);
        return m_pg->createDatabase(name) ? m_pg->url(name) : QString();
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        if (PostgresServer::binDir().isEmpty())
            QFAIL("PostgreSQL is not installed (make test installs it)");
    }

    void accountsAndSessionsOnSqlite()
    {
        const QString db = m_dir.filePath(u"accounts.db"_s);
        QCOMPARE(admin({u"--db"_s, db, u"users"_s, u"create"_s, u"alice"_s, u"--password-stdin"_s},
                       "alice-password\n").exitCode, 0);
        QVERIFY(admin({u"--db"_s, db, u"users"_s, u"create"_s, u"aIice"_s}).err.contains("taken"));
        QCOMPARE(admin({u"--db"_s, db, u"users"_s, u"create"_s, u"no/slash"_s}).exitCode, 2);
        QCOMPARE(admin({u"--db"_s, db, u"users"_s, u"create"_s, u"weak"_s, u"--password-stdin"_s},
                       "short\n").exitCode, 1);

        ServerProcess server(db);
        QVERIFY(server.start());
        HttpClient http(server.http());
        const QString token = login(http, u"alice"_s, u"alice-password"_s, u"Laptop"_s);
        QVERIFY(!token.isEmpty());
        // Lists beside the running server.
        const QJsonArray users = admin({u"--db"_s, db, u"--json"_s, u"users"_s, u"list"_s}).json();
        QCOMPARE(users.size(), 1);
        QCOMPARE(users[0]["name"_L1].toString(), u"alice"_s);
        QCOMPARE(users[0]["sessions"_L1].toInt(), 1);
        QCOMPARE(users[0]["disabled"_L1].toBool(), false);
        const QJsonArray sessions = admin({u"--db"_s, db, u"--json"_s, u"tokens"_s, u"list"_s, u"alice"_s}).json();
        QCOMPARE(sessions.size(), 1);
        QCOMPARE(sessions[0]["device"_L1].toString(), u"Laptop"_s);
        const QString id = sessions[0]["id"_L1].toString();
        QCOMPARE(id, http.get(u"/api/v2/sessions"_s, token).json["sessions"_L1][0]["id"_L1].toString());
        // Changes wait for the server to stop: it keeps caches of what it wrote.
        const AdminRun refused = admin({u"--db"_s, db, u"tokens"_s, u"revoke"_s, u"alice"_s, id});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY(refused.err.contains("stop the server"));
        int exitCode = -1;
        QVERIFY(server.terminate(&exitCode));

        QCOMPARE(admin({u"--db"_s, db, u"tokens"_s, u"revoke"_s, u"alice"_s, id}).exitCode, 0);
        QVERIFY(admin({u"--db"_s, db, u"tokens"_s, u"revoke"_s, u"alice"_s, id}).err.contains("no session"));
        const AdminRun reset = admin({u"--db"_s, db, u"users"_s, u"reset-password"_s, u"alice"_s});
        QCOMPARE(reset.exitCode, 0);
        const QString password = QRegularExpression(u"password: (\\S+)"_s).match(QString::fromUtf8(reset.out)).captured(1);
        QVERIFY2(password.size() >= 16, reset.out.constData());
        QCOMPARE(admin({u"--db"_s, db, u"users"_s, u"disable"_s, u"nobody"_s}).exitCode, 1);

        QVERIFY(server.start());
        HttpClient again(server.http());
        QCOMPARE(again.get(u"/api/v2/sessions"_s, token).status, 401);
        QVERIFY(login(again, u"alice"_s, u"alice-password"_s).isEmpty());
        QVERIFY(!login(again, u"alice"_s, password).isEmpty());
    }

    void revocationsReachTheRunningServersOnPostgres()
    {
        const QString url = postgresDatabase();
        QVERIFY(!url.isEmpty());
        ServerProcess a(url), b(url);
        QVERIFY(startListening({&a, &b}));
        HttpClient onA(a.http()), onB(b.http());
        QVERIFY(!onA.tokenFor(u"alice"_s).isEmpty());
        const QString second = login(onB, u"alice"_s, HttpClient::password());
        WsClient wsA(a.ws(), onA.tokenFor(u"alice"_s)), wsB(b.ws(), second);
        QVERIFY(wsA.connectAndHello());
        QVERIFY(wsB.connectAndHello());
        QCOMPARE(admin({u"--db"_s, url, u"--json"_s, u"users"_s, u"list"_s}).json()[0]["sessions"_L1].toInt(), 2);

        QCOMPARE(admin({u"--db"_s, url, u"users"_s, u"disable"_s, u"alice"_s}).exitCode, 0);
        QVERIFY(wsA.waitForDisconnect());
        QVERIFY(wsB.waitForDisconnect());
        QCOMPARE(int(wsA.closeCode()), 1008);
        QCOMPARE(int(wsB.closeCode()), 1008);
        QCOMPARE(onB.post(u"/api/v2/login"_s, {{"username"_L1, u"alice"_s},
                                               {"password"_L1, HttpClient::password()}}).errorCode(),
                 u"account_disabled"_s);

        QCOMPARE(admin({u"--db"_s, url, u"users"_s, u"enable"_s, u"alice"_s}).exitCode, 0);
        const QString back = login(onA, u"alice"_s, HttpClient::password());
        QVERIFY(!back.isEmpty());
        WsClient wsAgain(b.ws(), back);
        QVERIFY(wsAgain.connectAndHello());
        QCOMPARE(admin({u"--db"_s, url, u"users"_s, u"revoke-tokens"_s, u"alice"_s}).exitCode, 0);
        QVERIFY(wsAgain.waitForDisconnect());
        QCOMPARE(onA.get(u"/api/v2/sessions"_s, back).status, 401);

        const QJsonArray rooms = admin({u"--db"_s, url, u"--json"_s, u"rooms"_s, u"list"_s}).json();
        QCOMPARE(rooms.size(), 1);
        QCOMPARE(rooms[0]["name"_L1].toString(), u"general"_s);
        QCOMPARE(rooms[0]["members"_L1].toInt(), 1);
        // Backups of PostgreSQL are pg_dump's.
        QVERIFY(admin({u"--db"_s, url, u"backup"_s, m_dir.filePath(u"pg.dump"_s)}).err.contains("pg_dump"));
    }

    void archivingOnPostgresStopsWritesOnTheRunningServers()
    {
        const QString url = postgresDatabase();
        QVERIFY(!url.isEmpty());
        ServerProcess a(url), b(url);
        QVERIFY(startListening({&a, &b}));
        HttpClient onA(a.http()), onB(b.http());
        const QString alice = onA.tokenFor(u"alice"_s), bob = onA.tokenFor(u"bob"_s);
        QCOMPARE(onA.post(u"/api/v2/rooms"_s, {{"name"_L1, u"old"_s}}, alice).status, 201);
        QCOMPARE(post(onA, u"old"_s, alice, {{"clientId"_L1, u"m1"_s}, {"body"_L1, u"before"_s}}).status, 201);
        auto roomOf = [](const HttpResponse &list, const QString &name) {
            for (const QJsonValue &room : list.json.value("rooms"_L1).toArray()) {
                if (room["name"_L1].toString() == name)
                    return room.toObject();
            }
            return QJsonObject();
        };
        QCOMPARE(roomOf(onB.get(u"/api/v2/rooms"_s, alice), u"old"_s)["owner"_L1].toString(), u"alice"_s);
        WsClient ws(b.ws(), alice);
        QVERIFY(ws.connectAndHello());
        ws.subscribe(u"old"_s);
        QVERIFY(ws.waitForSubscribed(u"old"_s));

        QCOMPARE(admin({u"--db"_s, url, u"rooms"_s, u"archive"_s, u"old"_s}).exitCode, 0);
        QVERIFY(ws.waitFor([](const ServerFrame &f) {
            return f.type == ServerFrame::Type::Room && f.room == u"old"_s && f.change == u"archived"_s;
        }, 5000));
        const HttpResponse refused = post(onB, u"old"_s, alice, {{"clientId"_L1, u"m2"_s}, {"body"_L1, u"after"_s}});
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.errorCode(), u"room_archived"_s);
        ws.sendMessage(u"old"_s, u"m3"_s, u"after, by WebSocket"_s);
        QVERIFY(ws.waitForError(u"room_archived"_s));
        // A retry of what was stored before still gets its original; reading goes on.
        const HttpResponse retry = post(onB, u"old"_s, alice, {{"clientId"_L1, u"m1"_s}, {"body"_L1, u"before"_s}});
        QCOMPARE(retry.status, 200);
        QCOMPARE(retry.json.value("seq"_L1).toInteger(), 1);
        QCOMPARE(onA.fullHistory(u"old"_s, alice).size(), 1);
        // Joining still works: an archive is there to be read.
        QCOMPARE(onA.post(u"/api/v2/rooms/old/join"_s, {}, bob).status, 204);
        const QList<ChatMessage> read = onB.fullHistory(u"old"_s, bob);
        QCOMPARE(read.size(), 2); // the message, and Bob's join
        QCOMPARE(read.last().kind, EventKind::Member);
        QCOMPARE(roomOf(onA.get(u"/api/v2/rooms"_s, alice), u"old"_s)["archived"_L1].toBool(), true);
        QVERIFY(admin({u"--db"_s, url, u"rooms"_s, u"archive"_s, u"old"_s}).err.contains("archived already"));

        QCOMPARE(admin({u"--db"_s, url, u"rooms"_s, u"set-owner"_s, u"old"_s, u"bob"_s}).exitCode, 0);
        QCOMPARE(admin({u"--db"_s, url, u"rooms"_s, u"unarchive"_s, u"old"_s}).exitCode, 0);
        const HttpResponse again = post(onB, u"old"_s, alice, {{"clientId"_L1, u"m4"_s}, {"body"_L1, u"open again"_s}});
        QCOMPARE(again.status, 201);
        QCOMPARE(again.json.value("seq"_L1).toInteger(), 3); // after Bob's join: refusals took none
        const QJsonObject listed = roomOf(onA.get(u"/api/v2/rooms"_s, alice), u"old"_s);
        QCOMPARE(listed["owner"_L1].toString(), u"bob"_s);
        QCOMPARE(listed["archived"_L1].toBool(), false);
        bool found = false;
        for (const QJsonValue &room : admin({u"--db"_s, url, u"--json"_s, u"rooms"_s, u"list"_s}).json()) {
            if (room["name"_L1].toString() == u"old"_s) {
                found = true;
                QCOMPARE(room["owner"_L1].toString(), u"bob"_s);
                QVERIFY(room["archivedAt"_L1].isNull());
                QCOMPARE(room["lastSeq"_L1].toInt(), 3);
            }
        }
        QVERIFY(found);
    }

    void archivingOnSqliteWaitsForTheServer()
    {
        const QString db = m_dir.filePath(u"archive.db"_s);
        ServerProcess server(db);
        QVERIFY(server.start());
        HttpClient http(server.http());
        const QString alice = http.tokenFor(u"alice"_s);
        QCOMPARE(post(http, u"general"_s, alice, {{"clientId"_L1, u"m1"_s}, {"body"_L1, u"hello"_s}}).status, 201);
        QVERIFY(admin({u"--db"_s, db, u"rooms"_s, u"archive"_s, u"general"_s}).err.contains("stop the server"));
        int exitCode = -1;
        QVERIFY(server.terminate(&exitCode));
        QCOMPARE(admin({u"--db"_s, db, u"rooms"_s, u"archive"_s, u"general"_s}).exitCode, 0);
        QVERIFY(admin({u"--db"_s, db, u"rooms"_s, u"set-owner"_s, u"general"_s, u"nobody"_s}).err.contains("no user"));
        QVERIFY(server.start());
        HttpClient again(server.http());
        QCOMPARE(post(again, u"general"_s, alice, {{"clientId"_L1, u"m2"_s}, {"body"_L1, u"hi"_s}}).errorCode(),
                 u"room_archived"_s);
        QCOMPARE(post(again, u"general"_s, alice, {{"clientId"_L1, u"m1"_s}, {"body"_L1, u"hello"_s}}).status, 200);
        QCOMPARE(again.fullHistory(u"general"_s, alice).size(), 1);
    }

    void migrateServesTheSameHistoryFromPostgres()
    {
        const QString source = m_dir.filePath(u"release.db"_s);
        QJsonObject aliceView, bobView;
        QString alice, bob, bobLoggedOut, photo, draft;
        QByteArray thumbnail, draftBytes;
        {
            ServerProcess server(source);
            server.setEnv(u"CHAT_SEND_RATE"_s, u"100000"_s);
            server.setEnv(u"CHAT_SEND_BURST"_s, u"100000"_s);
            QVERIFY(server.start());
            HttpClient http(server.http());
            alice = http.tokenFor(u"alice"_s);
            bob = http.tokenFor(u"bob"_s);
            QVERIFY(!http.tokenFor(u"carol"_s).isEmpty());
            bobLoggedOut = login(http, u"bob"_s, HttpClient::password(), u"Old phone"_s);
            QCOMPARE(http.post(u"/api/v2/logout"_s, {}, bobLoggedOut).status, 204);
            QCOMPARE(http.post(u"/api/v2/rooms"_s, {{"name"_L1, u"secret"_s}, {"private"_L1, true}}, alice).status, 201);
            QCOMPARE(http.post(u"/api/v2/rooms/secret/invite"_s, {{"user"_L1, u"bob"_s}}, alice).status, 204);
            QString first;
            for (int i = 0; i < 250; ++i) { // more than one page of 200
                const HttpResponse r = post(http, u"general"_s, i % 2 ? alice : bob,
                                            {{"clientId"_L1, u"g%1"_s.arg(i)}, {"body"_L1, u"général %1 ✓"_s.arg(i)}});
                QCOMPARE(r.status, 201);
                if (i == 1)
                    first = r.json.value("id"_L1).toString();
            }
            QCOMPARE(post(http, u"secret"_s, alice, {{"clientId"_L1, u"s1"_s}, {"body"_L1, u"only us"_s}}).status, 201);
            QCOMPARE(post(http, u"general"_s, alice, {{"clientId"_L1, u"e1"_s}, {"kind"_L1, u"edit"_s},
                                                      {"relatesTo"_L1, first}, {"body"_L1, u"edited"_s}}).status, 201);
            QCOMPARE(post(http, u"general"_s, bob, {{"clientId"_L1, u"r1"_s}, {"kind"_L1, u"reaction"_s},
                                                    {"relatesTo"_L1, first}, {"key"_L1, u"👍"_s}, {"op"_L1, u"add"_s}}).status, 201);
            const QString doomed = post(http, u"secret"_s, alice, {{"clientId"_L1, u"s2"_s}, {"body"_L1, u"oops"_s}}).json["id"_L1].toString();
            QCOMPARE(post(http, u"secret"_s, alice, {{"clientId"_L1, u"d1"_s}, {"kind"_L1, u"delete"_s},
                                                     {"relatesTo"_L1, doomed}}).status, 201);
            // Files go with the database: one of several chunks on a message, one not posted yet.
            QByteArray big;
            for (int i = 0; i < 700 * 1024; ++i)
                big += char(i * 7 % 251);
            photo = http.upload(u"secret"_s, u"photo.png"_s, "image/png", pngImage(), alice).json["file"_L1]["id"_L1].toString();
            QVERIFY(!photo.isEmpty());
            QCOMPARE(post(http, u"secret"_s, alice, {{"clientId"_L1, u"f1"_s}, {"body"_L1, u"look"_s},
                                                     {"attachment"_L1, photo}}).status, 201);
            thumbnail = http.get(u"/api/v2/files/%1/thumbnail"_s.arg(photo), bob).body;
            QVERIFY(!thumbnail.isEmpty());
            draft = http.upload(u"secret"_s, u"draft.bin"_s, "application/octet-stream", big, alice).json["file"_L1]["id"_L1].toString();
            QVERIFY(!draft.isEmpty());
            draftBytes = big;
            aliceView = viewOf(http, alice);
            bobView = viewOf(http, bob);
            QCOMPARE(aliceView.value("general"_L1).toArray().size(), 2); // two pages
            // Not while the server runs: it could write after the copy.
            const QString url = postgresDatabase();
            const AdminRun refused = admin({u"migrate"_s, u"--from"_s, u"sqlite:"_s + source, u"--to"_s, url});
            QCOMPARE(refused.exitCode, 1);
            QVERIFY(refused.err.contains("stop the server"));
            int exitCode = -1;
            QVERIFY(server.terminate(&exitCode));
        }
        const QString target = postgresDatabase();
        const AdminRun migrated = admin({u"migrate"_s, u"--from"_s, u"sqlite:"_s + source, u"--to"_s, target});
        QCOMPARE(migrated.exitCode, 0);
        QVERIFY2(migrated.out.contains("room general: last seq 252, 252 events up to seq 252"), migrated.out.constData());
        QVERIFY(migrated.out.contains("users: 3 rows"));

        ServerProcess server(target);
        QVERIFY(server.start());
        HttpClient http(server.http());
        QCOMPARE(viewOf(http, alice), aliceView);
        QCOMPARE(viewOf(http, bob), bobView);
        QCOMPARE(http.get(u"/api/v2/sessions"_s, bobLoggedOut).status, 401);
        QCOMPARE(http.get(u"/api/v2/files/"_s + photo, bob).body, pngImage());
        QCOMPARE(http.get(u"/api/v2/files/%1/thumbnail"_s.arg(photo), bob).body, thumbnail);
        QCOMPARE(http.get(u"/api/v2/files/"_s + draft, alice).body, draftBytes);
        QCOMPARE(post(http, u"secret"_s, alice, {{"clientId"_L1, u"f2"_s}, {"body"_L1, u"draft"_s},
                                                 {"attachment"_L1, draft}}).status, 201);
        // Search works on what was carried over: PostgreSQL indexes it itself (accents folded).
        const HttpResponse found = http.get(u"/api/v2/search?q=general+edited&limit=50"_s, alice);
        QCOMPARE(found.status, 200);
        QCOMPARE(found.json.value("events"_L1).toArray().size(), 0); // "edited" replaced "général 1 ✓"
        const HttpResponse generals = http.get(u"/api/v2/search?q=general&limit=50"_s, alice);
        QCOMPARE(generals.json.value("events"_L1).toArray().size(), 50);
        QVERIFY(generals.json.value("hasMore"_L1).toBool());
        QCOMPARE(http.get(u"/api/v2/search?q=edited"_s, alice).json.value("events"_L1).toArray().size(), 1);
        QCOMPARE(http.get(u"/api/v2/search?q=oops"_s, alice).json.value("events"_L1).toArray().size(), 0); // deleted
        // The installation goes on where it stopped: seqs, user and room ids.
        const HttpResponse next = post(http, u"general"_s, alice, {{"clientId"_L1, u"after"_s}, {"body"_L1, u"on PostgreSQL"_s}});
        QCOMPARE(next.status, 201);
        QCOMPARE(next.json.value("seq"_L1).toInteger(), 253);
        QCOMPARE(post(http, u"general"_s, alice, {{"clientId"_L1, u"g1"_s}, {"body"_L1, u"retry"_s}}).status, 200);
        QVERIFY(!http.tokenFor(u"dave"_s).isEmpty());
        QCOMPARE(http.post(u"/api/v2/rooms"_s, {{"name"_L1, u"new-room"_s}}, alice).status, 201);
        int exitCode = -1;
        QVERIFY(server.terminate(&exitCode));

        const AdminRun twice = admin({u"migrate"_s, u"--from"_s, u"sqlite:"_s + source, u"--to"_s, target});
        QCOMPARE(twice.exitCode, 1);
        QVERIFY(twice.err.contains("not empty"));
    }

    void backupWhileALoadWrites()
    {
        const QString db = m_dir.filePath(u"busy.db"_s);
        const QString copy = m_dir.filePath(u"busy-backup.db"_s);
        ServerProcess server(db);
        server.setEnv(u"CHAT_SEND_RATE"_s, u"100000"_s);
        server.setEnv(u"CHAT_SEND_BURST"_s, u"100000"_s);
        QVERIFY(server.start());
        HttpClient http(server.http());
        WsClient ws(server.ws(), http.tokenFor(u"alice"_s));
        QVERIFY(ws.connectAndHello());
        qsizetype scanned = 0;
        qint64 acks = 0;
        auto acked = [&] { // counted once per frame: the pump asks every millisecond
            for (; scanned < ws.frames().size(); ++scanned)
                acks += ws.frames().at(scanned).type == ServerFrame::Type::Ack ? 1 : 0;
            return acks;
        };
        // A steady writer: a few messages every millisecond, of a size that makes a database of
        // megabytes, so the copy takes a while.
        int sent = 0;
        QTimer pump;
        pump.setInterval(1);
        QObject::connect(&pump, &QTimer::timeout, &ws, [&] {
            for (int i = 0; i < 4 && sent - acked() < 200; ++i, ++sent)
                ws.sendMessage(u"general"_s, u"m%1"_s.arg(sent), u"%1 "_s.arg(sent) + QString(1000, u'x'));
        });
        pump.start();
        QTRY_VERIFY_WITH_TIMEOUT(acked() >= 3000, 60000);

        QProcess backup;
        QSignalSpy finished(&backup, &QProcess::finished);
        const qint64 before = acked();
        backup.start(QStringLiteral(CHAT_ADMIN_BINARY), {u"--db"_s, db, u"backup"_s, copy});
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        const qint64 after = acked();
        QVERIFY2(backup.exitCode() == 0, backup.readAllStandardError().constData());
        QTRY_VERIFY_WITH_TIMEOUT(acked() >= after + 500, 60000); // the load went on
        pump.stop();
        QTRY_COMPARE_WITH_TIMEOUT(acked(), qint64(sent), 30000);
        qInfo() << "acked before the backup" << before << "when it ended" << after << "in all" << sent;
        QVERIFY(QFile::exists(copy));
        QVERIFY(!QFile::exists(copy + u".partial"_s));
        QVERIFY(admin({u"--db"_s, db, u"backup"_s, copy}).err.contains("exists already"));
        int exitCode = -1;
        QVERIFY(server.terminate(&exitCode));

        // The copy is the database as of one commit: every seq up to the room's last, each event
        // the one the live database has under that seq.
        qint64 copied = 0;
        {
            QSqlDatabase backupDb = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"backup"_s);
            backupDb.setDatabaseName(copy);
            QVERIFY(backupDb.open());
            QSqlQuery q(backupDb);
            QVERIFY(q.exec(u"ATTACH DATABASE '%1' AS live"_s.arg(db)));
            QVERIFY(q.exec(u"SELECT r.last_seq, COUNT(e.seq), MAX(e.seq), MIN(e.seq) FROM rooms r "
                           "JOIN events e ON e.room_id = r.id WHERE r.name = 'general' GROUP BY r.last_seq"_s));
            QVERIFY(q.next());
            copied = q.value(1).toLongLong();
            QCOMPARE(q.value(0).toLongLong(), copied);
            QCOMPARE(q.value(2).toLongLong(), copied);
            QCOMPARE(q.value(3).toLongLong(), 1);
            QVERIFY(q.exec(u"SELECT COUNT(*) FROM events b JOIN live.events l ON l.room_id = b.room_id "
                           "AND l.seq = b.seq AND l.id = b.id AND l.body = b.body"_s));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toLongLong(), copied);
            q.finish();
            backupDb.close();
        }
        QSqlDatabase::removeDatabase(u"backup"_s);
        // Everything acked before it started is in it; what was written after it ended is not
        // (of the 500 acked after it ended at most the 200 in flight were committed earlier).
        QVERIFY2(copied >= before && copied < sent, qPrintable(u"%1 events copied"_s.arg(copied)));

        // And it is a database a server starts on (a restore is a copy back).
        ServerProcess restored(copy);
        QVERIFY(restored.start());
        HttpClient onCopy(restored.http());
        QCOMPARE(onCopy.fullHistory(u"general"_s, http.tokenFor(u"alice"_s)).size(), copied);
    }
};

QTEST_GUILESS_MAIN(TestAdmin)
#include "tst_admin.moc"
