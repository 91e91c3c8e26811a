// SPDX-License-Identifier: MIT
// The HTTP API through QNetworkAccessManager against a server on port 0.
#include "apitypes.h"
#include "http/pagecache.h"
#include "httpclient.h"
#include "testserver.h"

#include <QJsonArray>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;

class TestHttpApi : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<InProcessServer> m_server;
    std::unique_ptr<HttpClient> m_http;
    QString m_alice;
    QString m_bob;

    QJsonObject post(const QString &clientId, const QString &body)
    {
        return {{"clientId"_L1, clientId}, {"body"_L1, body}};
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        ServerConfig config;
        config.sendBurst = 1000; // postAndHistory posts 130 messages at once
        m_server = std::make_unique<InProcessServer>(config);
        QVERIFY(m_server->start());
        m_http = std::make_unique<HttpClient>(m_server->http());
        m_alice = m_http->registerUser(u"alice"_s);
        m_bob = m_http->registerUser(u"bob"_s);
        QVERIFY(!m_alice.isEmpty());
        QVERIFY(!m_bob.isEmpty());
    }

    void health()
    {
        const auto r = m_http->get(u"/healthz"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("status"_L1).toString(), u"ok"_s);
    }

    void registerAndLogin()
    {
        auto r = m_http->post(u"/api/v2/register"_s,
                              {{"username"_L1, u"ALICE"_s}, {"password"_L1, u"whatever1"_s}});
        QCOMPARE(r.status, 409);
        QCOMPARE(r.errorCode(), u"name_taken"_s);
        r = m_http->post(u"/api/v2/register"_s,
                         {{"username"_L1, u"carol"_s}, {"password"_L1, u"short"_s}});
        QCOMPARE(r.status, 400);
        r = m_http->post(u"/api/v2/register"_s,
                         {{"username"_L1, u"bad name"_s}, {"password"_L1, u"long enough"_s}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), u"invalid_request"_s);

        r = m_http->post(u"/api/v2/login"_s,
                         {{"username"_L1, u"alice"_s}, {"password"_L1, HttpClient::password()}});
        QCOMPARE(r.status, 200);
        const auto auth = AuthResult::fromJson(r.json);
        QVERIFY(auth);
        QCOMPARE(auth->user, u"alice"_s);
        QCOMPARE(auth->token.size(), 43); // 256 bits, base64url
        QVERIFY(auth->token != m_alice);

        r = m_http->post(u"/api/v2/login"_s,
                         {{"username"_L1, u"alice"_s}, {"password"_L1, u"wrong password"_s}});
        QCOMPARE(r.status, 401);
        QCOMPARE(r.errorCode(), u"unauthorized"_s);
        r = m_http->post(u"/api/v2/login"_s,
                         {{"username"_L1, u"nobody"_s}, {"password"_L1, u"wrong password"_s}});
        QCOMPARE(r.status, 401);
    }

    void logoutKillsToken()
    {
        auto r = m_http->post(u"/api/v2/login"_s,
                              {{"username"_L1, u"bob"_s}, {"password"_L1, HttpClient::password()}});
        const QString token = r.json.value("token"_L1).toString();
        QCOMPARE(m_http->get(u"/api/v2/rooms"_s, token).status, 200);
        QCOMPARE(m_http->post(u"/api/v2/logout"_s, {}, token).status, 204);
        r = m_http->get(u"/api/v2/rooms"_s, token);
        QCOMPARE(r.status, 401);
        QCOMPARE(m_http->post(u"/api/v2/logout"_s, {}, token).status, 401);
        QCOMPARE(m_http->get(u"/api/v2/rooms"_s, m_bob).status, 200); // other tokens live on
    }

    void everyRouteNeedsAToken_data()
    {
        QTest::addColumn<QByteArray>("verb");
        QTest::addColumn<QString>("path");
        QTest::newRow("rooms") << QByteArray("GET") << u"/api/v2/rooms"_s;
        QTest::newRow("create") << QByteArray("POST") << u"/api/v2/rooms"_s;
        QTest::newRow("join") << QByteArray("POST") << u"/api/v2/rooms/general/join"_s;
        QTest::newRow("invite") << QByteArray("POST") << u"/api/v2/rooms/general/invite"_s;
        QTest::newRow("history") << QByteArray("GET") << u"/api/v2/rooms/general/events"_s;
        QTest::newRow("post") << QByteArray("POST") << u"/api/v2/rooms/general/messages"_s;
        QTest::newRow("logout") << QByteArray("POST") << u"/api/v2/logout"_s;
    }

    void everyRouteNeedsAToken()
    {
        QFETCH(QByteArray, verb);
        QFETCH(QString, path);
        const QJsonObject body{{"name"_L1, u"x"_s}, {"user"_L1, u"bob"_s},
                               {"clientId"_L1, u"c"_s}, {"body"_L1, u"b"_s}};
        for (const QString &token : {QString(), u"not-a-token"_s, QString(43, u'A')}) {
            const auto r = verb == "GET" ? m_http->get(path, token) : m_http->post(path, body, token);
            QCOMPARE(r.status, 401);
            QCOMPARE(r.errorCode(), u"unauthorized"_s);
            QVERIFY(!r.body.contains("general\",\"private")); // nothing leaked
        }
        if (verb == "POST") { // authentication comes before reading the body
            const auto r = m_http->postRaw(path, "not json");
            QCOMPARE(r.status, 401);
        }
    }

    void roomsLifecycle()
    {
        auto r = m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"hideout"_s}, {"private"_L1, true}},
                              m_alice);
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json.value("member"_L1).toBool(), true);
        QCOMPARE(r.json.value("private"_L1).toBool(), true);
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"hideout"_s}}, m_bob).status, 409);
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"Bad Name"_s}}, m_bob).status, 400);
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"plaza"_s}}, m_bob).status, 201);

        auto roomNames = [&](const QString &token) {
            QStringList names;
            for (const QJsonValue &v : m_http->get(u"/api/v2/rooms"_s, token).json.value("rooms"_L1).toArray())
                names.append(v.toObject().value("name"_L1).toString()
                             + (v.toObject().value("member"_L1).toBool() ? u"*"_s : QString()));
            return names;
        };
        QCOMPARE(roomNames(m_bob), (QStringList{u"general*"_s, u"plaza*"_s}));
        QCOMPARE(roomNames(m_alice), (QStringList{u"general*"_s, u"hideout*"_s, u"plaza"_s}));

        // Not a member: no reading, no posting.
        QCOMPARE(m_http->get(u"/api/v2/rooms/plaza/events"_s, m_alice).status, 403);
        QCOMPARE(m_http->post(u"/api/v2/rooms/plaza/messages"_s, post(u"p1"_s, u"hi"_s), m_alice).status, 403);
        QCOMPARE(m_http->post(u"/api/v2/rooms/plaza/join"_s, {}, m_alice).status, 204);
        QCOMPARE(m_http->get(u"/api/v2/rooms/plaza/events"_s, m_alice).status, 200);

        // Private: join refused until invited; only members invite.
        r = m_http->post(u"/api/v2/rooms/hideout/join"_s, {}, m_bob);
        QCOMPARE(r.status, 403);
        QCOMPARE(r.errorCode(), u"forbidden"_s);
        QCOMPARE(m_http->get(u"/api/v2/rooms/hideout/events"_s, m_bob).status, 403);
        QCOMPARE(m_http->post(u"/api/v2/rooms/hideout/invite"_s, {{"user"_L1, u"bob"_s}}, m_bob).status, 403);
        QCOMPARE(m_http->post(u"/api/v2/rooms/hideout/invite"_s, {{"user"_L1, u"nobody"_s}}, m_alice).status, 404);
        QCOMPARE(m_http->post(u"/api/v2/rooms/hideout/invite"_s, {{"user"_L1, u"bob"_s}}, m_alice).status, 204);
        QCOMPARE(m_http->post(u"/api/v2/rooms/hideout/join"_s, {}, m_bob).status, 204);
        QCOMPARE(m_http->get(u"/api/v2/rooms/hideout/events"_s, m_bob).status, 200);

        r = m_http->post(u"/api/v2/rooms/nowhere/join"_s, {}, m_bob);
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorCode(), u"room_not_found"_s);

        // The list in pages by name: limit, then after= the last name of a page.
        r = m_http->get(u"/api/v2/rooms?limit=2"_s, m_alice);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("rooms"_L1).toArray().size(), 2);
        QVERIFY(r.json.value("hasMore"_L1).toBool());
        r = m_http->get(u"/api/v2/rooms?limit=2&after=hideout"_s, m_alice);
        QCOMPARE(r.json.value("rooms"_L1).toArray().size(), 1);
        QCOMPARE(r.json.value("rooms"_L1).toArray().first().toObject().value("name"_L1).toString(), u"plaza"_s);
        QVERIFY(!r.json.value("hasMore"_L1).toBool());
        QVERIFY(!m_http->get(u"/api/v2/rooms"_s, m_alice).json.value("hasMore"_L1).toBool());
        for (const QString &bad : {u"limit=0"_s, u"limit=x"_s, u"after=Bad%20Name"_s, u"after="_s})
            QCOMPARE(m_http->get(u"/api/v2/rooms?"_s + bad, m_alice).status, 400);
    }

    void postAndHistory()
    {
        m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"history"_s}}, m_alice);
        auto r = m_http->post(u"/api/v2/rooms/history/messages"_s, post(u"h-1"_s, u"first"_s), m_alice);
        QCOMPARE(r.status, 201);
        auto m = ChatMessage::fromJson(r.json);
        QVERIFY(m);
        QCOMPARE(m->seq, 1);
        QCOMPARE(m->sender, u"alice"_s);
        QCOMPARE(m->room, u"history"_s);

        // Idempotent retry: 200 with the original.
        r = m_http->post(u"/api/v2/rooms/history/messages"_s, post(u"h-1"_s, u"changed"_s), m_alice);
        QCOMPARE(r.status, 200);
        QCOMPARE(ChatMessage::fromJson(r.json)->id, m->id);
        QCOMPARE(ChatMessage::fromJson(r.json)->body, u"first"_s);

        for (int i = 2; i <= 130; ++i)
            QCOMPARE(m_http->post(u"/api/v2/rooms/history/messages"_s,
                                  post(u"h-%1"_s.arg(i), u"msg %1"_s.arg(i)), m_alice).status, 201);

        r = m_http->get(u"/api/v2/rooms/history/events"_s, m_alice);
        QCOMPARE(r.status, 200);
        auto page = HistoryPage::fromJson(r.json);
        QVERIFY(page);
        QCOMPARE(page->events.size(), 50);
        QCOMPARE(page->events.first().seq, 81);
        QCOMPARE(page->events.last().seq, 130);
        QVERIFY(page->hasMore);
        QVERIFY(!page->epoch.isEmpty());

        page = HistoryPage::fromJson(m_http->get(u"/api/v2/rooms/history/events?before=81&limit=80"_s, m_alice).json);
        QCOMPARE(page->events.size(), 80);
        QCOMPARE(page->events.first().seq, 1);
        QVERIFY(!page->hasMore);

        page = HistoryPage::fromJson(m_http->get(u"/api/v2/rooms/history/events?after=125"_s, m_alice).json);
        QCOMPARE(page->events.size(), 5);
        QCOMPARE(page->events.first().seq, 126);
        QVERIFY(!page->hasMore);

        page = HistoryPage::fromJson(m_http->get(u"/api/v2/rooms/history/events?after=0&limit=1000"_s, m_alice).json);
        QCOMPARE(page->events.size(), 130); // max 200
        for (int i = 0; i < page->events.size(); ++i)
            QCOMPARE(page->events[i].seq, i + 1);

        for (const QString &bad : {u"?after=x"_s, u"?after=-1"_s, u"?limit=0"_s, u"?limit=abc"_s,
                                   u"?after=1&before=5"_s}) {
            r = m_http->get(u"/api/v2/rooms/history/events"_s + bad, m_alice);
            QCOMPARE(r.status, 400);
            QCOMPARE(r.errorCode(), u"invalid_request"_s);
        }
    }

    // The newest page is remembered per room and reader; a commit in the room must end that, and
    // a reader who is not a member must never get it.
    void newestPageFollowsEveryCommit()
    {
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"fresh"_s}, {"private"_L1, true}},
                              m_alice).status, 201);
        auto newest = [&](const QString &token) {
            return HistoryPage::fromJson(
                    m_http->get(u"/api/v2/rooms/fresh/events?limit=3"_s, token).json);
        };
        for (int i = 1; i <= 5; ++i) {
            for (int again = 0; again < 2; ++again) { // remembered, then served from memory
                const auto before = newest(m_alice);
                QVERIFY(before);
                QCOMPARE(before->events.size(), std::min(i - 1, 3));
            }
            QCOMPARE(m_http->post(u"/api/v2/rooms/fresh/messages"_s,
                                  post(u"f-%1"_s.arg(i), u"fresh %1"_s.arg(i)), m_alice).status, 201);
            const auto page = newest(m_alice); // right after the 201: must show it
            QVERIFY(page);
            QCOMPARE(page->events.size(), std::min(i, 3));
            QCOMPARE(page->events.last().seq, i);
            QCOMPARE(page->events.last().body, u"fresh %1"_s.arg(i));
            QCOMPARE(page->hasMore, i > 3);
        }
        QCOMPARE(m_http->get(u"/api/v2/rooms/fresh/events?limit=3"_s, m_bob).status, 403);
        QCOMPARE(m_http->post(u"/api/v2/rooms/fresh/invite"_s, {{"user"_L1, u"bob"_s}}, m_alice).status, 204);
        const auto bobs = newest(m_bob);
        QVERIFY(bobs && !bobs->events.isEmpty());
        // The invitation is the room's newest event.
        QCOMPARE(bobs->events.last().seq, 6);
        QCOMPARE(bobs->events.last().kind, EventKind::Member);
        QCOMPARE(bobs->events.last().fields.value("user"_L1).toString(), u"bob"_s);
    }

    void pageCacheStaysWithinItsBounds()
    {
        PageCache cache(256, 300'000);
        auto page = [](qint64 first) {
            HistoryResult r;
            for (qint64 seq = first; seq < first + 20; ++seq) {
                ChatMessage m;
                m.seq = seq;
                m.room = u"big"_s;
                m.body = QString(1000, u'y');
                r.messages.append(m);
            }
            return r;
        };
        const QByteArray first = cache.body(u"big"_s, page(1), u"e"_s);
        QVERIFY(first.size() > 20'000);
        QCOMPARE(cache.body(u"big"_s, page(1), u"e"_s), first); // served again
        for (qint64 p = 21; p < 21 * 40; p += 20) {
            cache.body(u"big"_s, page(p), u"e"_s);
            QVERIFY2(cache.bytes() <= 300'000, qPrintable(QString::number(cache.bytes())));
        }
        cache.rememberNewest(u"big"_s, 20, 7, first);
        QVERIFY(cache.newest(u"big"_s, 20, 7));
        QVERIFY(!cache.newest(u"big"_s, 20, 8)); // not known to be a member
        QVERIFY(!cache.newest(u"big"_s, 50, 7)); // another page size
        cache.roomChanged(u"big"_s);
        QVERIFY(!cache.newest(u"big"_s, 20, 7));
        // An edit changes a message of an older page: every page of that room is rendered again.
        const QByteArray held = cache.body(u"big"_s, page(1), u"e"_s);
        HistoryResult edited = page(1);
        edited.messages[3].body = u"edited"_s;
        QCOMPARE(cache.body(u"big"_s, edited, u"e"_s), held); // same name: still the old bytes
        const qint64 before = cache.bytes();
        cache.messagesChanged(u"big"_s);
        QVERIFY(cache.bytes() < before);
        QVERIFY(cache.body(u"big"_s, edited, u"e"_s).contains("\"edited\""));
    }

    void badBodiesStoreNothing_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("not json") << QByteArray("hello") << 400 << u"bad_json"_s;
        QTest::newRow("empty") << QByteArray() << 400 << u"bad_json"_s;
        QTest::newRow("array") << QByteArray("[]") << 400 << u"bad_json"_s;
        QTest::newRow("invalid utf-8") << QByteArray("{\"clientId\":\"c\",\"body\":\"\xc3\x28\"}") << 400 << u"bad_json"_s;
        QTest::newRow("wrong type") << QByteArray("{\"clientId\":\"c\",\"body\":42}") << 400 << u"invalid_request"_s;
        QTest::newRow("missing clientId") << QByteArray("{\"body\":\"x\"}") << 400 << u"invalid_request"_s;
        QTest::newRow("empty body") << QByteArray("{\"clientId\":\"c\",\"body\":\"\"}") << 400 << u"empty_body"_s;
        QTest::newRow("too long") << (QByteArray("{\"clientId\":\"c\",\"body\":\"") + QByteArray(4097, 'x') + "\"}")
                                  << 400 << u"body_too_long"_s;
    }

    void badBodiesStoreNothing()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"strict"_s}}, m_alice);
        const auto r = m_http->postRaw(u"/api/v2/rooms/strict/messages"_s, body, m_alice);
        QCOMPARE(r.status, status);
        QCOMPARE(r.errorCode(), code);
        const auto page = HistoryPage::fromJson(m_http->get(u"/api/v2/rooms/strict/events"_s, m_alice).json);
        QVERIFY(page);
        QVERIFY(page->events.isEmpty());
    }

    void oddRoomNamesAreUnknownRooms()
    {
        for (const QString &room : {u"..%2F..%2Fetc"_s, u"Gen%27eral"_s, u"a%20b"_s,
                                    u"x'%20OR%20'1'='1"_s}) {
            const auto r = m_http->get(u"/api/v2/rooms/"_s + room + u"/events"_s, m_alice);
            QCOMPARE(r.status, 404);
        }
        QCOMPARE(m_http->get(u"/api/v2/rooms/general/events"_s, m_alice).status, 200);
    }

    void unknownRoutes()
    {
        auto r = m_http->get(u"/api/v2/nothing"_s, m_alice);
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorCode(), u"not_found"_s);
        QCOMPARE(m_http->get(u"/ws"_s).status, 426);
    }

    void registrationCanBeClosed()
    {
        ServerConfig config;
        config.openRegistration = false;
        InProcessServer closed(config);
        QVERIFY(closed.start());
        HttpClient http(closed.http());
        const auto r = http.post(u"/api/v2/register"_s,
                                 {{"username"_L1, u"dave"_s}, {"password"_L1, u"long enough"_s}});
        QCOMPARE(r.status, 403);
        QCOMPARE(r.errorCode(), u"registration_closed"_s);
    }

    void rateLimitedPosts()
    {
        ServerConfig config;
        config.sendRate = 1;
        config.sendBurst = 3;
        InProcessServer limited(config);
        QVERIFY(limited.start());
        HttpClient http(limited.http());
        const QString token = http.registerUser(u"eve"_s);
        int created = 0;
        int limitedCount = 0;
        for (int i = 0; i < 6; ++i) {
            const auto r = http.post(u"/api/v2/rooms/general/messages"_s, post(u"r%1"_s.arg(i), u"x"_s), token);
            if (r.status == 201)
                ++created;
            else if (r.status == 429 && r.errorCode() == u"rate_limited"_s)
                ++limitedCount;
        }
        QVERIFY2(created >= 3 && created <= 4, qPrintable(QString::number(created)));
        QCOMPARE(created + limitedCount, 6);
    }
};

QTEST_GUILESS_MAIN(TestHttpApi)
#include "tst_httpapi.moc"
