// SPDX-License-Identifier: MIT
// Conversations against a real server (and, in the _postgresql variant, two servers of one
// database): direct conversations and their race, membership changes as timeline events, who
// may invite and remove whom, leaving ends delivery on every connection, members and the
// directory, typing, read markers and unread counts — and nothing of a private room reaching
// anyone outside it.
#include "apitypes.h"
#include "httpclient.h"
#include "roominfo.h"
#include "testdatabase.h"
#include "testserver.h"
#include "wsclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;

class TestConversations : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<InProcessServer> m_server;
    std::unique_ptr<HttpClient> m_http;
    int m_names = 0;

    QString token(const QString &user) { return m_http->tokenFor(user); }
    // A user name of its own for each test: rooms and DMs of one test never meet another's.
    QString fresh(const QString &base) { return u"%1%2"_s.arg(base).arg(++m_names); }
    // A fresh user, registered.
    QString user(const QString &base)
    {
        const QString name = fresh(base);
        token(name);
        return name;
    }
    std::unique_ptr<WsClient> connected(const QString &user)
    {
        return WsClient::connected(m_server->ws(), token(user));
    }
    std::optional<RoomInfo> roomIn(const QString &user, const QString &room)
    {
        const HttpResponse r = m_http->get(u"/api/v2/rooms"_s, token(user));
        for (const QJsonValue &v : r.json.value("rooms"_L1).toArray()) {
            if (v["name"_L1].toString() == room)
                return RoomInfo::fromJson(v.toObject());
        }
        return std::nullopt;
    }
    QList<ChatMessage> history(const QString &room, const QString &user)
    {
        return m_http->fullHistory(room, token(user));
    }
    static bool isRoomFrame(const ServerFrame &f, const QString &room, const QString &change)
    {
        return f.type == ServerFrame::Type::Room && f.room == room && f.change == change;
    }
    static bool hasEventAfter(const WsClient &ws, const QString &room, qint64 seq)
    {
        const QList<ChatMessage> seen = ws.messages(room);
        return std::any_of(seen.cbegin(), seen.cend(), [seq](const ChatMessage &m) { return m.seq > seq; });
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        ServerConfig config;
        config.sendRate = 100000;
        config.sendBurst = 100000;
        config.presenceGraceSecs = 1;
        config.presenceRoomLimit = 5; // general, with every user of the suite, is a big room
        config.pingIntervalSecs = 1;  // a silent peer is dropped within 2.5 s
        m_server = std::make_unique<InProcessServer>(config);
        QVERIFY(m_server->start());
        m_http = std::make_unique<HttpClient>(m_server->http());
    }

    void directConversationIsOneRoomPerPair()
    {
        const QString alice = user(u"alice"_s), bob = user(u"bob"_s), carol = user(u"carol"_s);
        token(carol);
        const HttpResponse first = m_http->post(u"/api/v2/dms"_s, {{"user"_L1, bob}}, token(alice));
        QCOMPARE(first.status, 201);
        const auto dm = RoomInfo::fromJson(first.json);
        QVERIFY(dm);
        QVERIFY(dm->dm);
        QVERIFY(dm->isPrivate);
        QCOMPARE(dm->peer, bob);
        QVERIFY(!dm->peerOnline);
        QCOMPARE(dm->memberCount, 2);
        QVERIFY(dm->owner.isEmpty()); // nobody's to rule
        // Again, and from the other side: the same room, 200.
        const HttpResponse again = m_http->post(u"/api/v2/dms"_s, {{"user"_L1, bob.toUpper()}}, token(alice));
        QCOMPARE(again.status, 200);
        QCOMPARE(again.json.value("name"_L1).toString(), dm->name);
        const HttpResponse theirs = m_http->post(u"/api/v2/dms"_s, {{"user"_L1, alice}}, token(bob));
        QCOMPARE(theirs.status, 200);
        QCOMPARE(theirs.json.value("name"_L1).toString(), dm->name);
        QCOMPARE(theirs.json.value("peer"_L1).toString(), alice);
        auto aliceOnline = connected(alice); // the list says whether the other one is online
        const auto listed = roomIn(bob, dm->name);
        QVERIFY(listed && listed->dm && listed->member);
        QCOMPARE(listed->peer, alice);
        QVERIFY(listed->peerOnline);

        // Nobody else gets in, or learns of it.
        const QString room = u"/api/v2/rooms/%1"_s.arg(dm->name);
        QCOMPARE(m_http->post(room + u"/join"_s, {}, token(carol)).status, 403);
        QCOMPARE(m_http->post(room + u"/invite"_s, {{"user"_L1, carol}}, token(alice)).status, 403);
        QCOMPARE(m_http->post(room + u"/leave"_s, {}, token(alice)).status, 403);
        QCOMPARE(m_http->post(room + u"/kick"_s, {{"user"_L1, bob}}, token(alice)).status, 403);
        QCOMPARE(m_http->get(room + u"/events"_s, token(carol)).status, 403);
        QCOMPARE(m_http->get(room + u"/members"_s, token(carol)).status, 403);
        QCOMPARE(m_http->get(room, token(carol)).status, 404);
        QVERIFY(!roomIn(carol, dm->name));
        const HttpResponse directory = m_http->get(u"/api/v2/rooms?directory=1"_s, token(alice));
        QVERIFY(!directory.body.contains(dm->name.toUtf8()));

        // Oneself, nobody, and bad requests.
        QCOMPARE(m_http->post(u"/api/v2/dms"_s, {{"user"_L1, alice}}, token(alice)).status, 400);
        QCOMPARE(m_http->post(u"/api/v2/dms"_s, {{"user"_L1, u"nobody-at-all"_s}}, token(alice)).errorCode(),
                 u"user_not_found"_s);
        QCOMPARE(m_http->post(u"/api/v2/dms"_s, {{"user"_L1, 7}}, token(alice)).status, 400);
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"dm-mine"_s}}, token(alice)).status, 400);
    }

    void directConversationRaceGivesOneRoom()
    {
        // Both users ask at the same moment, each through a server of its own where there can be
        // two (PostgreSQL), else both through the one.
        std::unique_ptr<ServerProcess> a, b;
        QUrl first = m_server->http(u"/api/v2/dms"_s), second = first;
        if (TestDatabase::isPostgreSql()) {
            const QString db = QDir(QDir::tempPath()).filePath(u"conversations-race.db"_s);
            a = std::make_unique<ServerProcess>(db);
            b = std::make_unique<ServerProcess>(db);
            QVERIFY(a->start());
            QVERIFY(b->start());
            first = a->http(u"/api/v2/dms"_s);
            second = b->http(u"/api/v2/dms"_s);
        }
        HttpClient http(first.adjusted(QUrl::RemovePath));
        for (int round = 0; round < 10; ++round) {
            const QString alice = fresh(u"racea"_s), bob = fresh(u"raceb"_s);
            const QString ta = http.tokenFor(alice), tb = http.tokenFor(bob);
            const QList<HttpResponse> r = HttpClient::postTogether({first, second}, {ta, tb},
                                                       {{{"user"_L1, bob}}, {{"user"_L1, alice}}});
            QCOMPARE(r.size(), 2);
            QVERIFY2((r[0].status == 201) != (r[1].status == 201),
                     qPrintable(u"%1 and %2"_s.arg(r[0].status).arg(r[1].status)));
            QVERIFY(r[0].status == 200 || r[0].status == 201);
            QVERIFY(r[1].status == 200 || r[1].status == 201);
            QCOMPARE(r[0].json.value("name"_L1).toString(), r[1].json.value("name"_L1).toString());
            int dms = 0;
            for (const QJsonValue &v : http.get(u"/api/v2/rooms"_s, ta).json.value("rooms"_L1).toArray())
                dms += v["dm"_L1].toBool() ? 1 : 0;
            QCOMPARE(dms, 1);
        }
    }

    void leavingEndsDeliveryOnEveryConnection()
    {
        const QString alice = user(u"alice"_s), bob = user(u"bob"_s);
        const QString room = fresh(u"leavers"_s);
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, room}}, token(bob)).status, 201);
        QCOMPARE(m_http->post(u"/api/v2/rooms/%1/join"_s.arg(room), {}, token(alice)).status, 204);
        auto laptop = connected(alice), phone = connected(alice), other = connected(bob);
        for (WsClient *ws : {laptop.get(), phone.get(), other.get()}) {
            ws->subscribe(room, 0);
            QVERIFY(ws->waitForSubscribed(room));
        }
        other->sendMessage(room, u"l-1"_s, u"before"_s);
        QVERIFY(phone->waitForMessages(room, 2));

        QCOMPARE(m_http->post(u"/api/v2/rooms/%1/leave"_s.arg(room), {}, token(alice)).status, 204);
        for (WsClient *ws : {laptop.get(), phone.get()})
            QVERIFY(ws->waitFor([&](const ServerFrame &f) { return isRoomFrame(f, room, u"left"_s); }));
        const QList<ChatMessage> timeline = history(room, bob);
        QCOMPARE(timeline.last().kind, EventKind::Member);
        QCOMPARE(timeline.last().fields.value("change"_L1).toString(), u"leave"_s);
        QCOMPARE(timeline.last().sender, alice);
        const qint64 leftAt = timeline.last().seq;
        // Bob goes on; Alice hears nothing of it, on any connection, and cannot read or post.
        other->sendMessage(room, u"l-2"_s, u"after she left"_s);
        QVERIFY(other->waitForAck(u"l-2"_s));
        const qsizetype before = laptop->frames().size();
        laptop->send(ClientFrame::ping());
        QVERIFY(laptop->waitFor([](const ServerFrame &f) { return f.type == ServerFrame::Type::Pong; }, 15000, before));
        phone->send(ClientFrame::ping());
        QVERIFY(phone->waitFor([](const ServerFrame &f) { return f.type == ServerFrame::Type::Pong; }));
        QVERIFY(!hasEventAfter(*laptop, room, leftAt));
        QVERIFY(!hasEventAfter(*phone, room, leftAt));
        QVERIFY(!laptop->rawFrames().join(u'\n').contains(u"after she left"_s));
        QCOMPARE(m_http->get(u"/api/v2/rooms/%1/events"_s.arg(room), token(alice)).status, 403);
        laptop->sendMessage(room, u"l-3"_s, u"still here?"_s);
        QVERIFY(laptop->waitForError(u"forbidden"_s));
        laptop->subscribe(room, leftAt);
        QVERIFY(laptop->waitForError(u"forbidden"_s));
        QVERIFY(!laptop->rawFrames().join(u'\n').contains(u"after she left"_s));
        // A public room can be joined again.
        QCOMPARE(m_http->post(u"/api/v2/rooms/%1/join"_s.arg(room), {}, token(alice)).status, 204);
        QCOMPARE(m_http->post(u"/api/v2/rooms/%1/leave"_s.arg(room), {}, token(alice)).status, 204);
        QCOMPARE(m_http->post(u"/api/v2/rooms/%1/leave"_s.arg(room), {}, token(alice)).status, 403);
    }

    void invitingAndRemovingFollowRoles()
    {
        const QString owner = user(u"owner"_s), bob = user(u"bob"_s), carol = user(u"carol"_s),
                      dave = user(u"dave"_s);
        token(carol);
        token(dave);
        const QString room = fresh(u"secret"_s);
        const QString path = u"/api/v2/rooms/%1"_s.arg(room);
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, room}, {"private"_L1, true},
                                                   {"topic"_L1, u"plans"_s}}, token(owner)).status, 201);
        auto carols = connected(carol);
        // Outsiders can do nothing; members invite; only the owner names admins.
        QCOMPARE(m_http->post(path + u"/invite"_s, {{"user"_L1, carol}}, token(dave)).status, 403);
        QCOMPARE(m_http->post(path + u"/join"_s, {}, token(dave)).status, 403);
        QCOMPARE(m_http->post(path + u"/invite"_s, {{"user"_L1, bob}}, token(owner)).status, 204);
        QCOMPARE(m_http->post(path + u"/invite"_s, {{"user"_L1, bob}}, token(owner)).status, 204); // no change
        QCOMPARE(m_http->post(path + u"/invite"_s, {{"user"_L1, u"no-such-user"_s}}, token(owner)).errorCode(),
                 u"user_not_found"_s);
        QCOMPARE(m_http->post(path + u"/invite"_s, {{"user"_L1, carol}}, token(bob)).status, 204);
        QVERIFY(carols->waitFor([&](const ServerFrame &f) { return isRoomFrame(f, room, u"invited"_s); }));
        carols->subscribe(room, 0);
        QVERIFY(carols->waitForSubscribed(room));
        QCOMPARE(m_http->post(path + u"/kick"_s, {{"user"_L1, carol}}, token(bob)).status, 403);
        QCOMPARE(m_http->post(path + u"/role"_s, {{"user"_L1, bob}, {"role"_L1, u"admin"_s}}, token(carol)).status, 403);
        QCOMPARE(m_http->post(path + u"/role"_s, {{"user"_L1, bob}, {"role"_L1, u"owner"_s}}, token(owner)).status, 400);
        QCOMPARE(m_http->post(path + u"/role"_s, {{"user"_L1, bob}, {"role"_L1, u"admin"_s}}, token(owner)).status, 204);
        // An admin removes members, not the owner; nobody removes who is not there.
        QCOMPARE(m_http->post(path + u"/kick"_s, {{"user"_L1, owner}}, token(bob)).status, 403);
        QCOMPARE(m_http->post(path + u"/kick"_s, {{"user"_L1, dave}}, token(bob)).errorCode(), u"user_not_found"_s);
        QCOMPARE(m_http->post(path + u"/kick"_s, {{"user"_L1, carol}}, token(bob)).status, 204);
        QVERIFY(carols->waitFor([&](const ServerFrame &f) { return isRoomFrame(f, room, u"kicked"_s); }));
        QCOMPARE(m_http->get(path + u"/events"_s, token(carol)).status, 403);
        QCOMPARE(m_http->get(path, token(carol)).status, 404);

        // Members with their roles; the timeline tells every change, by whom.
        const HttpResponse members = m_http->get(path + u"/members"_s, token(bob));
        QCOMPARE(members.status, 200);
        QList<MemberInfo> list;
        for (const QJsonValue &v : members.json.value("members"_L1).toArray())
            list.append(*MemberInfo::fromJson(v.toObject()));
        QCOMPARE(list.size(), 2);
        const auto roleOf = [&](const QString &name) {
            for (const MemberInfo &m : list) {
                if (m.name == name)
                    return m.role;
            }
            return QString();
        };
        QCOMPARE(roleOf(owner), u"owner"_s);
        QCOMPARE(roleOf(bob), u"admin"_s);
        const auto info = RoomInfo::fromJson(m_http->get(path, token(bob)).json);
        QVERIFY(info);
        QCOMPARE(info->topic, u"plans"_s);
        QCOMPARE(info->memberCount, 2);
        QCOMPARE(info->role, u"admin"_s);
        QStringList changes;
        for (const ChatMessage &m : history(room, owner)) {
            if (m.kind == EventKind::Member)
                changes << u"%1 %2 %3"_s.arg(m.sender, m.fields.value("change"_L1).toString(),
                                             m.fields.value("user"_L1).toString());
        }
        QCOMPARE(changes, (QStringList{owner + u" invite "_s + bob, bob + u" invite "_s + carol,
                                       owner + u" role "_s + bob, bob + u" kick "_s + carol}));
        // The topic is an event too.
        const HttpResponse topic = m_http->post(path + u"/topic"_s, {{"topic"_L1, u"new plans"_s}}, token(bob));
        QCOMPARE(topic.status, 201);
        QCOMPARE(topic.json.value("kind"_L1).toString(), u"topic"_s);
        QCOMPARE(RoomInfo::fromJson(m_http->get(path, token(owner)).json)->topic, u"new plans"_s);
        QCOMPARE(m_http->post(path + u"/topic"_s, {{"topic"_L1, u"mine"_s}}, token(carol)).status, 403);
    }

    void directoryListsPublicRoomsByName()
    {
        const QString alice = user(u"alice"_s);
        const QString tag = fresh(u"dirq"_s);
        for (const QString &name : {tag + u"-alpha"_s, tag + u"-beta"_s, u"x"_s + tag})
            QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, name}}, token(alice)).status, 201);
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, tag + u"-hidden"_s}, {"private"_L1, true}},
                              token(alice)).status, 201);
        const QString outsider = user(u"out"_s);
        const HttpResponse r = m_http->get(u"/api/v2/rooms?directory=1&q=%1"_s.arg(tag), token(outsider));
        QCOMPARE(r.status, 200);
        QStringList names;
        for (const QJsonValue &v : r.json.value("rooms"_L1).toArray()) {
            names << v["name"_L1].toString();
            QCOMPARE(v["member"_L1].toBool(), false);
            QCOMPARE(v["memberCount"_L1].toInt(), 1);
        }
        QCOMPARE(names, (QStringList{tag + u"-alpha"_s, tag + u"-beta"_s, u"x"_s + tag}));
        // LIKE's own characters are only text; a bad query is a 400.
        QCOMPARE(m_http->get(u"/api/v2/rooms?directory=1&q=%25"_s, token(outsider)).json.value("rooms"_L1).toArray().size(), 0);
        QCOMPARE(m_http->get(u"/api/v2/rooms?q=abc"_s, token(outsider)).status, 400);
        QCOMPARE(m_http->get(u"/api/v2/rooms?directory=maybe"_s, token(outsider)).status, 400);
    }

    void typingReachesTheOthersAndExpires()
    {
        const QString alice = user(u"alice"_s), bob = user(u"bob"_s), eve = user(u"eve"_s);
        const QString room = fresh(u"typists"_s);
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, room}, {"private"_L1, true}}, token(alice)).status, 201);
        QCOMPARE(m_http->post(u"/api/v2/rooms/%1/invite"_s.arg(room), {{"user"_L1, bob}}, token(alice)).status, 204);
        auto a = connected(alice), b = connected(bob), e = connected(eve);
        for (WsClient *ws : {a.get(), b.get()}) {
            ws->subscribe(room);
            QVERIFY(ws->waitForSubscribed(room));
        }
        // Eve is no member: she cannot follow the room, so cannot type in it or see who does.
        e->subscribe(room);
        QVERIFY(e->waitForError(u"forbidden"_s));
        e->send(ClientFrame::typingIn(room, true));
        QVERIFY(e->waitForError(u"not_subscribed"_s));

        const auto typingOf = [&](bool typing) {
            return [&, typing](const ServerFrame &f) {
                return f.type == ServerFrame::Type::Typing && f.room == room && f.user == alice
                        && f.typing == typing;
            };
        };
        a->send(ClientFrame::typingIn(room, true));
        QVERIFY(b->waitFor(typingOf(true)));
        // Alice stops saying so: about 6 s later the server says she stopped.
        QElapsedTimer since;
        since.start();
        QVERIFY(b->waitFor(typingOf(false), 12000));
        QVERIFY2(since.elapsed() >= 4000, qPrintable(QString::number(since.elapsed())));
        // A message ends it silently (clients clear it when they show the message).
        a->send(ClientFrame::typingIn(room, true));
        const qsizetype mark = b->frames().size();
        QVERIFY(b->waitFor(typingOf(true), 15000, mark));
        a->sendMessage(room, u"t-1"_s, u"done typing"_s);
        QVERIFY(b->waitForMessages(room, 1));
        // Neither Alice herself nor Eve ever heard of it.
        for (const ServerFrame &f : a->frames())
            QVERIFY(f.type != ServerFrame::Type::Typing);
        for (const QString &raw : e->rawFrames())
            QVERIFY(!raw.contains(room) || raw.contains(u"\"error\""_s));
    }

    void readMarkersFollowTheUserAndSurviveARestart()
    {
        const QString alice = user(u"alice"_s), bob = user(u"bob"_s);
        const QString room = fresh(u"reading"_s);
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, room}}, token(bob)).status, 201);
        QCOMPARE(m_http->post(u"/api/v2/rooms/%1/join"_s.arg(room), {}, token(alice)).status, 204); // seq 1
        auto posted = [&](const QString &id, const QString &body) {
            return m_http->post(u"/api/v2/rooms/%1/messages"_s.arg(room),
                                {{"clientId"_L1, id}, {"body"_L1, body}}, token(bob)).json.value("seq"_L1).toInteger();
        };
        posted(u"r-1"_s, u"morning"_s);                                 // 2
        posted(u"r-2"_s, u"@%1 can you look?"_s.arg(alice.toUpper()));  // 3, a mention
        posted(u"r-3"_s, u"@%1x is not you"_s.arg(alice));              // 4
        const qint64 last = posted(u"r-4"_s, u"thanks @%1."_s.arg(alice)); // 5, a mention
        QCOMPARE(last, 5);
        auto unread = roomIn(alice, room);
        QVERIFY(unread);
        QCOMPARE(unread->lastRead, 0);
        QCOMPARE(unread->unread, 4);
        QCOMPARE(unread->mentions, 2);
        QCOMPARE(roomIn(bob, room)->unread, 0); // his own messages

        // One session reads; the other hears the new marker; it never goes back.
        auto desk = connected(alice), phone = connected(alice);
        desk->send(ClientFrame::read(room, 3));
        QVERIFY(phone->waitFor([&](const ServerFrame &f) {
            return f.type == ServerFrame::Type::Read && f.room == room && f.seq == 3;
        }));
        desk->send(ClientFrame::read(room, 2));
        desk->send(ClientFrame::read(room, 999)); // past the newest: the newest
        QVERIFY(phone->waitFor([&](const ServerFrame &f) {
            return f.type == ServerFrame::Type::Read && f.room == room && f.seq == 5;
        }));
        for (const ServerFrame &f : desk->frames())
            QVERIFY(f.type != ServerFrame::Type::Read); // the reader itself is told nothing
        desk->send(ClientFrame::read(u"no-such-room"_s, 1));
        QVERIFY(desk->waitForError(u"room_not_found"_s));
        QCOMPARE(m_http->post(u"/api/v2/rooms/%1/read"_s.arg(room), {{"seq"_L1, 4}}, token(alice)).json.value("lastRead"_L1).toInteger(), 5);
        unread = roomIn(alice, room);
        QCOMPARE(unread->lastRead, 5);
        QCOMPARE(unread->unread, 0);
        QCOMPARE(unread->mentions, 0);

        // Nobody moves another's marker: a non-member has none.
        const QString eve = user(u"eve"_s);
        QCOMPARE(m_http->post(u"/api/v2/rooms/%1/read"_s.arg(room), {{"seq"_L1, 1}}, token(eve)).status, 403);

        // Notification level, and the numbers after a restart.
        QCOMPARE(m_http->post(u"/api/v2/rooms/%1/notifications"_s.arg(room), {{"level"_L1, u"mentions"_s}}, token(alice)).status, 204);
        QCOMPARE(m_http->post(u"/api/v2/rooms/%1/notifications"_s.arg(room), {{"level"_L1, u"loud"_s}}, token(alice)).status, 400);
        posted(u"r-5"_s, u"@%1 one more"_s.arg(alice));
        const QString aliceToken = token(alice);
        desk.reset();
        phone.reset();
        m_server->stop();
        QVERIFY(m_server->start());
        m_http = std::make_unique<HttpClient>(m_server->http());
        const HttpResponse listed = m_http->get(u"/api/v2/rooms"_s, aliceToken);
        std::optional<RoomInfo> after;
        for (const QJsonValue &v : listed.json.value("rooms"_L1).toArray()) {
            if (v["name"_L1].toString() == room)
                after = RoomInfo::fromJson(v.toObject());
        }
        QVERIFY(after);
        QCOMPARE(after->lastRead, 5);
        QCOMPARE(after->unread, 1);
        QCOMPARE(after->mentions, 1);
        QCOMPARE(after->notify, u"mentions"_s);
    }

    void presenceFollowsSessionsWithoutFlapping()
    {
        const QString alice = user(u"alice"_s), bob = user(u"bob"_s), eve = user(u"eve"_s),
                      carol = user(u"carol"_s);
        const QString room = fresh(u"pals"_s);
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, room}, {"private"_L1, true}}, token(bob)).status, 201);
        for (const QString &invited : {alice, carol})
            QCOMPARE(m_http->post(u"/api/v2/rooms/%1/invite"_s.arg(room), {{"user"_L1, invited}}, token(bob)).status, 204);
        for (int i = 0; i < 6; ++i)
            user(u"crowd"_s); // general is bigger than presence_room_limit (5)
        auto b = connected(bob), e = connected(eve);
        const auto presenceOf = [&](bool online) {
            return [&, online](const ServerFrame &f) {
                return f.type == ServerFrame::Type::Presence && f.user == alice && f.online == online;
            };
        };
        const auto onlineInMembers = [&]() {
            for (const QJsonValue &v : m_http->get(u"/api/v2/rooms/%1/members"_s.arg(room), token(bob))
                                               .json.value("members"_L1).toArray()) {
                if (v["name"_L1].toString() == alice)
                    return v["online"_L1].toBool();
            }
            return false;
        };
        QVERIFY(!onlineInMembers());

        // Connect: online at once, to those sharing a small room.
        auto a = connected(alice);
        QVERIFY(b->waitFor(presenceOf(true)));
        QVERIFY(onlineInMembers());
        // A reconnect within the grace is no flap; a clean close is offline after it.
        a.reset();
        a = connected(alice);
        // Carol comes and goes after that: once her offline is told, an offline of Alice's
        // (whose last session ended before Carol's) would have been told too.
        auto c = connected(carol);
        QVERIFY(b->waitFor([&](const ServerFrame &f) {
            return f.type == ServerFrame::Type::Presence && f.user == carol && f.online;
        }));
        c.reset();
        QVERIFY(b->waitFor([&](const ServerFrame &f) {
            return f.type == ServerFrame::Type::Presence && f.user == carol && !f.online;
        }, 10000));
        int told = 0;
        for (const ServerFrame &f : b->frames())
            told += f.type == ServerFrame::Type::Presence && f.user == alice ? 1 : 0;
        QCOMPARE(told, 1);
        a->socket().close();
        QVERIFY(b->waitFor(presenceOf(false), 10000));
        const auto offline = b->waitFor(presenceOf(false));
        QVERIFY(offline->lastSeen.isValid());
        QVERIFY(!onlineInMembers());

        // A client killed hard (the socket reset) and one that goes silent (no close, no pong):
        // offline within the keep-alive bound and the grace.
        a = connected(alice);
        qsizetype mark = b->frames().size();
        QVERIFY(b->waitFor(presenceOf(true), 15000, mark));
        a->socket().abort();
        QVERIFY(b->waitFor(presenceOf(false), 10000, mark));
        mark = b->frames().size();
        QTcpSocket silent;
        silent.connectToHost(QHostAddress::LocalHost, m_server->ws().port());
        QVERIFY(silent.waitForConnected(5000));
        silent.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                     "Sec-WebSocket-Protocol: chat.v2\r\nAuthorization: Bearer " + token(alice).toUtf8() + "\r\n\r\n");
        QVERIFY(b->waitFor(presenceOf(true), 15000, mark));
        QVERIFY(b->waitFor(presenceOf(false), 15000, mark));

        // Eve shares only a big room with Alice: she hears nothing of her.
        for (const QString &raw : e->rawFrames())
            QVERIFY2(!raw.contains(u"\"presence\""_s) || !raw.contains(alice), qPrintable(raw));
    }

    void presenceAndTypingCrossServers()
    {
        if (!TestDatabase::isPostgreSql())
            QSKIP("several servers need PostgreSQL: the _postgresql variant runs this");
        const QString db = QDir(QDir::tempPath()).filePath(u"conversations-nodes.db"_s);
        ServerProcess a(db), b(db);
        for (ServerProcess *node : {&a, &b}) {
            node->setEnv(u"CHAT_PRESENCE_GRACE"_s, u"1"_s);
            QVERIFY(node->start());
        }
        HttpClient onA(a.http()), onB(b.http());
        const QString alice = fresh(u"alice"_s), bob = fresh(u"bob"_s), room = fresh(u"across"_s);
        const QString ta = onA.tokenFor(alice), tb = onB.tokenFor(bob);
        QCOMPARE(onA.post(u"/api/v2/rooms"_s, {{"name"_L1, room}, {"private"_L1, true}}, ta).status, 201);
        QCOMPARE(onA.post(u"/api/v2/rooms/%1/invite"_s.arg(room), {{"user"_L1, bob}}, ta).status, 204);
        auto bobOnB = WsClient::connected(b.ws(), tb);
        bobOnB->subscribe(room);
        QVERIFY(bobOnB->waitForSubscribed(room));
        auto aliceOnA = WsClient::connected(a.ws(), ta);
        QVERIFY(bobOnB->waitFor([&](const ServerFrame &f) {
            return f.type == ServerFrame::Type::Presence && f.user == alice && f.online;
        }));
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            for (const QJsonValue &v : onB.get(u"/api/v2/rooms/%1/members"_s.arg(room), tb).json.value("members"_L1).toArray()) {
                if (v["name"_L1].toString() == alice)
                    return v["online"_L1].toBool();
            }
            return false;
        }(), 5000);
        aliceOnA->subscribe(room);
        QVERIFY(aliceOnA->waitForSubscribed(room));
        aliceOnA->send(ClientFrame::typingIn(room, true));
        QVERIFY(bobOnB->waitFor([&](const ServerFrame &f) {
            return f.type == ServerFrame::Type::Typing && f.user == alice && f.typing;
        }));
        // Her read marker, moved on A, reaches her session on B.
        auto aliceOnB = WsClient::connected(b.ws(), ta);
        QCOMPARE(onA.post(u"/api/v2/rooms/%1/messages"_s.arg(room), {{"clientId"_L1, u"x-1"_s}, {"body"_L1, u"hi"_s}}, tb).status, 201);
        aliceOnA->send(ClientFrame::read(room, 3));
        QVERIFY(aliceOnB->waitFor([&](const ServerFrame &f) {
            return f.type == ServerFrame::Type::Read && f.room == room && f.seq == 2;
        }));
        aliceOnA.reset();
        aliceOnB.reset();
        QVERIFY(bobOnB->waitFor([&](const ServerFrame &f) {
            return f.type == ServerFrame::Type::Presence && f.user == alice && !f.online;
        }, 15000));
    }

    void usersAreFoundByTheStartOfTheirName()
    {
        const QString asker = user(u"asker"_s);
        const QString a = user(u"findme_"_s), b = user(u"findme_"_s);
        user(u"findmeX"_s); // would match if _ were a wildcard
        const HttpResponse r = m_http->get(u"/api/v2/users?q=FINDME_"_s, token(asker));
        QCOMPARE(r.status, 200);
        QStringList names;
        for (const QJsonValue &v : r.json.value("users"_L1).toArray())
            names << v["name"_L1].toString();
        QCOMPARE(names, (QStringList{a, b})); // '_' is no wildcard
        QCOMPARE(m_http->get(u"/api/v2/users?q=%1"_s.arg(QString(40, u'x')), token(asker)).status, 400);
        QCOMPARE(m_http->get(u"/api/v2/users?q=a"_s).status, 401);
    }

    void directMessagesCountAsMentions()
    {
        const QString alice = user(u"alice"_s), bob = user(u"bob"_s);
        const HttpResponse dm = m_http->post(u"/api/v2/dms"_s, {{"user"_L1, alice}}, token(bob));
        QCOMPARE(dm.status, 201);
        const QString room = dm.json.value("name"_L1).toString();
        for (int i = 0; i < 3; ++i)
            QCOMPARE(m_http->post(u"/api/v2/rooms/%1/messages"_s.arg(room),
                                  {{"clientId"_L1, u"dm-%1"_s.arg(i)}, {"body"_L1, u"psst"_s}}, token(bob)).status, 201);
        const auto info = roomIn(alice, room);
        QVERIFY(info);
        QCOMPARE(info->unread, 3);
        QCOMPARE(info->mentions, 3);
    }
};

QTEST_GUILESS_MAIN(TestConversations)
#include "tst_conversations.moc"
