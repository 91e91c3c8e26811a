// SPDX-License-Identifier: MIT
// Contract v2 on the wire: events of every kind a client may send, over WebSocket and HTTP, in
// one gapless numbering; their refusals; and contract v1's clients told to upgrade.
#include "apitypes.h"
#include "httpclient.h"
#include "testserver.h"
#include "wsclient.h"

#include <QNetworkRequest>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;

class TestEvents : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<InProcessServer> m_server;
    std::unique_ptr<HttpClient> m_http;

    QString token(const QString &user) { return m_http->tokenFor(user); }
    std::unique_ptr<WsClient> connected(const QString &user)
    {
        return WsClient::connected(m_server->ws(), token(user));
    }
    static EventSubmission change(const QString &clientId, EventKind kind, const QString &target,
                                  const QJsonObject &more = {}, const QString &body = {})
    {
        EventSubmission e;
        e.clientId = clientId;
        e.kind = kind;
        e.body = body;
        e.fields = more;
        e.fields.insert("relatesTo"_L1, target);
        return e;
    }
    static QJsonObject reaction(const QString &key, const QString &op)
    {
        return {{"key"_L1, key}, {"op"_L1, op}};
    }
    // Sends and waits for the answer: the ack's seq, or 0 and the error code.
    static std::pair<qint64, QString> sendAndWait(WsClient &ws, const QString &room,
                                                  const EventSubmission &event)
    {
        const qsizetype from = ws.frames().size();
        ws.send(ClientFrame::send(room, event));
        const auto answer = ws.waitFor(
                [&](const ServerFrame &f) {
                    return (f.type == ServerFrame::Type::Ack || f.type == ServerFrame::Type::Error)
                            && f.clientId == event.clientId;
                },
                15000, from);
        if (!answer)
            return {0, u"no answer"_s};
        if (answer->type == ServerFrame::Type::Error)
            return {0, QString(Errors::code(answer->code))};
        return {answer->seq, {}};
    }
    QList<ChatMessage> events(const QString &room, const QString &user, const QString &query)
    {
        const auto r = m_http->get(u"/api/v2/rooms/%1/events?%2"_s.arg(room, query), token(user));
        const auto page = HistoryPage::fromJson(r.json);
        return page ? page->events : QList<ChatMessage>();
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        ServerConfig config;
        config.sendRate = 100000;
        config.sendBurst = 100000;
        m_server = std::make_unique<InProcessServer>(config);
        QVERIFY(m_server->start());
        m_http = std::make_unique<HttpClient>(m_server->http());
    }

    void helloNamesTheContract()
    {
        auto alice = connected(u"alice"_s);
        const ServerFrame &hello = alice->frames().first();
        QCOMPARE(hello.type, ServerFrame::Type::Hello);
        QCOMPARE(hello.protocol, 2);
        QVERIFY(hello.features.contains(u"reaction"_s));
        QCOMPARE(alice->socket().subprotocol(), u"chat.v2"_s); // answered in the handshake
    }

    void everyKindTravelsInOneTimeline()
    {
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"kinds"_s}}, token(u"alice"_s)).status, 201);
        QCOMPARE(m_http->post(u"/api/v2/rooms/kinds/join"_s, {}, token(u"bob"_s)).status, 204); // seq 1
        auto alice = connected(u"alice"_s);
        auto bob = connected(u"bob"_s);
        bob->subscribe(u"kinds"_s);
        QVERIFY(bob->waitForSubscribed(u"kinds"_s));

        const auto [m1, e1] = sendAndWait(*alice, u"kinds"_s, EventSubmission::message(u"k-1"_s, u"first draft"_s));
        QCOMPARE(m1, 2);
        QVERIFY(bob->waitForMessages(u"kinds"_s, 1));
        const QString id = bob->messages(u"kinds"_s).first().id;
        QCOMPARE(sendAndWait(*alice, u"kinds"_s, change(u"k-2"_s, EventKind::Edit, id, {}, u"final"_s)).first, 3);
        QCOMPARE(sendAndWait(*bob, u"kinds"_s, change(u"k-3"_s, EventKind::Reaction, id, reaction(u"\U0001F44D"_s, u"add"_s))).first, 4);
        EventSubmission topic;
        topic.clientId = u"k-4"_s;
        topic.kind = EventKind::Topic;
        topic.fields = {{"topic"_L1, u"launch week"_s}};
        QCOMPARE(sendAndWait(*alice, u"kinds"_s, topic).first, 5);

        // Refusals name their reason and take no seq.
        QCOMPARE(sendAndWait(*bob, u"kinds"_s, change(u"k-5"_s, EventKind::Edit, id, {}, u"mine now"_s)).second, u"forbidden"_s);
        QCOMPARE(sendAndWait(*bob, u"kinds"_s, change(u"k-6"_s, EventKind::Reaction, id, reaction(u"\U0001F44D"_s, u"add"_s))).second, u"no_change"_s);
        QCOMPARE(sendAndWait(*alice, u"kinds"_s, change(u"k-7"_s, EventKind::Reaction, id, reaction(u"\U0001F44D"_s, u"remove"_s))).second, u"no_change"_s);
        QCOMPARE(sendAndWait(*alice, u"kinds"_s, change(u"k-8"_s, EventKind::Delete, u"01939a3e-7f00-7a00-8000-00000000dead"_s)).second, u"event_not_found"_s);
        alice->sendRaw(u"{\"type\":\"send\",\"room\":\"kinds\",\"clientId\":\"k-9\",\"kind\":\"member\",\"user\":\"bob\",\"change\":\"kick\"}"_s);
        QVERIFY(alice->waitForError(u"invalid_frame"_s));
        // A retry of a change is answered with the original seq.
        QCOMPARE(sendAndWait(*alice, u"kinds"_s, change(u"k-2"_s, EventKind::Edit, id, {}, u"final"_s)).first, 3);
        QCOMPARE(sendAndWait(*alice, u"kinds"_s, change(u"k-10"_s, EventKind::Delete, id)).first, 6);

        // Live: every event once, in seq order, each of its kind.
        QVERIFY(bob->waitForMessages(u"kinds"_s, 5));
        const QList<ChatMessage> live = bob->messages(u"kinds"_s);
        const QList<EventKind> kinds{EventKind::Message, EventKind::Edit, EventKind::Reaction,
                                     EventKind::Topic, EventKind::Delete};
        QCOMPARE(live.size(), kinds.size());
        for (qsizetype i = 0; i < live.size(); ++i) {
            QCOMPARE(live[i].seq, i + 2); // after Bob's join
            QCOMPARE(live[i].kind, kinds[i]);
        }
        QCOMPARE(live[2].sender, u"bob"_s);
        QCOMPARE(live[2].fields.value("key"_L1).toString(), u"\U0001F44D"_s);

        // History: the message in its current state, the changes after it.
        const QList<ChatMessage> page = events(u"kinds"_s, u"bob"_s, u"after=0"_s);
        QCOMPARE(page.size(), 6);
        QCOMPARE(page[0].kind, EventKind::Member);
        QCOMPARE(page[0].fields.value("change"_L1).toString(), u"join"_s);
        QVERIFY(page[1].deleted);
        QVERIFY(page[1].body.isEmpty());
        QCOMPARE(page[1].updatedSeq, 6);
        // Catch-up after a cursor: the same events, the same state.
        auto late = connected(u"bob"_s);
        late->subscribe(u"kinds"_s, 0);
        QVERIFY(late->waitForSubscribed(u"kinds"_s));
        QCOMPARE(late->messages(u"kinds"_s), page);
    }

    void reactionsAreSeenByEachReader()
    {
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"likes"_s}}, token(u"alice"_s)).status, 201);
        QCOMPARE(m_http->post(u"/api/v2/rooms/likes/join"_s, {}, token(u"bob"_s)).status, 204);
        const auto posted = m_http->post(u"/api/v2/rooms/likes/messages"_s,
                                         {{"clientId"_L1, u"l-1"_s}, {"body"_L1, u"lunch?"_s}}, token(u"alice"_s));
        QCOMPARE(posted.status, 201);
        const QString id = posted.json.value("id"_L1).toString();
        QCOMPARE(posted.json.value("kind"_L1).toString(), u"message"_s);
        // The newest page, read (and kept) before anyone reacted.
        QCOMPARE(events(u"likes"_s, u"alice"_s, {}).last().reactions.size(), 0);
        const auto like = m_http->post(u"/api/v2/rooms/likes/messages"_s,
                                       {{"clientId"_L1, u"l-2"_s}, {"kind"_L1, u"reaction"_s},
                                        {"relatesTo"_L1, id}, {"key"_L1, u"\U0001F355"_s}, {"op"_L1, u"add"_s}},
                                       token(u"bob"_s));
        QCOMPARE(like.status, 201);
        QCOMPARE(like.json.value("seq"_L1).toInt(), 3); // after Bob's join and the message
        for (const QString &reader : {u"alice"_s, u"bob"_s}) {
            const QList<ChatMessage> page = events(u"likes"_s, reader, {});
            QCOMPARE(page.size(), 3);
            QCOMPARE(page[1].reactions,
                     (QList<Reaction>{{u"\U0001F355"_s, 1, reader == u"bob"_s}}));
            QCOMPARE(page[1].updatedSeq, 3);
        }
    }

    // POSTs an event to room as user: (status, the stored event or the error's code).
    std::pair<int, QString> post(const QString &room, const QString &user, const QJsonObject &event)
    {
        const auto r = m_http->post(u"/api/v2/rooms/%1/messages"_s.arg(room), event, token(user));
        return {r.status, r.status == 201 ? r.json.value("id"_L1).toString() : r.errorCode()};
    }

    void ownersAndAdminsTakeDownOthersMessages()
    {
        const QString path = u"/api/v2/rooms/modded"_s;
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"modded"_s}}, token(u"alice"_s)).status, 201);
        for (const QString &user : {u"bob"_s, u"carol"_s})
            QCOMPARE(m_http->post(path + u"/join"_s, {}, token(user)).status, 204);
        const auto said = [&](const QString &user, const QString &clientId) {
            return post(u"modded"_s, user, {{"clientId"_L1, clientId}, {"body"_L1, u"by "_s + user}}).second;
        };
        const auto remove = [&](const QString &user, const QString &clientId, const QString &target) {
            return post(u"modded"_s, user, {{"clientId"_L1, clientId}, {"kind"_L1, u"delete"_s}, {"relatesTo"_L1, target}});
        };
        const QString byBob = said(u"bob"_s, u"m-1"_s);
        const QString byCarol = said(u"carol"_s, u"m-2"_s);
        const QString byAlice = said(u"alice"_s, u"m-3"_s);
        // A member cannot take down another member's message, nor the owner's.
        QCOMPARE(remove(u"bob"_s, u"m-4"_s, byCarol), std::pair(403, u"forbidden"_s));
        QCOMPARE(remove(u"bob"_s, u"m-5"_s, byAlice), std::pair(403, u"forbidden"_s));
        // The owner can; so can an admin, once named.
        QCOMPARE(remove(u"alice"_s, u"m-6"_s, byCarol).first, 201);
        QCOMPARE(m_http->post(path + u"/role"_s, {{"user"_L1, u"bob"_s}, {"role"_L1, u"admin"_s}}, token(u"alice"_s)).status, 204);
        QCOMPARE(remove(u"bob"_s, u"m-7"_s, byAlice).first, 201);
        // Editing stays the sender's own, whatever the role.
        const auto edit = post(u"modded"_s, u"alice"_s, {{"clientId"_L1, u"m-8"_s}, {"kind"_L1, u"edit"_s},
                                                       {"relatesTo"_L1, byBob}, {"body"_L1, u"owner's words"_s}});
        QCOMPARE(edit, std::pair(403, u"forbidden"_s));
        const QList<ChatMessage> page = events(u"modded"_s, u"carol"_s, u"after=0"_s);
        QStringList deleted;
        for (const ChatMessage &m : page) {
            if (m.kind == EventKind::Message && m.deleted)
                deleted.append(m.id);
        }
        QCOMPARE(deleted, (QStringList{byCarol, byAlice}));
    }

    void aDeleteErasesEveryVersionOfTheText()
    {
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"erased"_s}}, token(u"alice"_s)).status, 201);
        const QString id = post(u"erased"_s, u"alice"_s, {{"clientId"_L1, u"e-1"_s}, {"body"_L1, u"my card is 4111"_s}}).second;
        for (int i = 2; i <= 3; ++i) {
            QCOMPARE(post(u"erased"_s, u"alice"_s, {{"clientId"_L1, u"e-%1"_s.arg(i)}, {"kind"_L1, u"edit"_s},
                                                   {"relatesTo"_L1, id}, {"body"_L1, u"secret version %1"_s.arg(i)}}).first, 201);
        }
        // Read (and kept in the server's caches) while the edits carry text.
        QCOMPARE(events(u"erased"_s, u"alice"_s, u"after=0"_s).at(1).body, u"secret version 2"_s);
        QCOMPARE(post(u"erased"_s, u"alice"_s, {{"clientId"_L1, u"e-4"_s}, {"kind"_L1, u"delete"_s}, {"relatesTo"_L1, id}}).first, 201);
        for (const QString &query : {u"after=0"_s, QString()}) {
            const QList<ChatMessage> page = events(u"erased"_s, u"alice"_s, query);
            QCOMPARE(page.size(), 4);
            for (const ChatMessage &m : page)
                QVERIFY2(m.body.isEmpty(), qPrintable(m.body));
            QVERIFY(page.first().deleted);
            QCOMPARE(page.at(1).kind, EventKind::Edit); // the edits stay in the timeline, empty
        }
    }

    void anEditAfterAPageWasKeptIsSeenByTheNextReader()
    {
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"kept"_s}}, token(u"alice"_s)).status, 201);
        QCOMPARE(m_http->post(u"/api/v2/rooms/kept/join"_s, {}, token(u"bob"_s)).status, 204);
        const QString id = post(u"kept"_s, u"alice"_s, {{"clientId"_L1, u"p-1"_s}, {"body"_L1, u"draft"_s}}).second;
        // Both readers' newest pages are read, so the server holds them.
        QCOMPARE(events(u"kept"_s, u"alice"_s, {}).last().body, u"draft"_s);
        QCOMPARE(events(u"kept"_s, u"bob"_s, {}).last().body, u"draft"_s);
        QCOMPARE(post(u"kept"_s, u"alice"_s, {{"clientId"_L1, u"p-2"_s}, {"kind"_L1, u"edit"_s},
                                             {"relatesTo"_L1, id}, {"body"_L1, u"final"_s}}).first, 201);
        for (const QString &reader : {u"bob"_s, u"alice"_s}) {
            const QList<ChatMessage> page = events(u"kept"_s, reader, {});
            QCOMPARE(page.at(1).id, id);
            QCOMPARE(page.at(1).body, u"final"_s);
            QVERIFY(page.at(1).edited);
        }
    }

    void repliesNameAMessageOfTheirRoom()
    {
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"replies"_s}}, token(u"alice"_s)).status, 201);
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"elsewhere"_s}}, token(u"alice"_s)).status, 201);
        const QString original = post(u"replies"_s, u"alice"_s, {{"clientId"_L1, u"r-1"_s}, {"body"_L1, u"lunch at 12?"_s}}).second;
        const QString other = post(u"elsewhere"_s, u"alice"_s, {{"clientId"_L1, u"r-2"_s}, {"body"_L1, u"other room"_s}}).second;
        const auto reply = [&](const QString &clientId, const QString &to) {
            return post(u"replies"_s, u"alice"_s, {{"clientId"_L1, clientId}, {"body"_L1, u"yes"_s}, {"replyTo"_L1, to}});
        };
        QCOMPARE(reply(u"r-3"_s, other), std::pair(404, u"event_not_found"_s));
        QCOMPARE(reply(u"r-4"_s, u"01939a3e-7f00-7a00-8000-00000000dead"_s), std::pair(404, u"event_not_found"_s));
        QCOMPARE(reply(u"r-5"_s, original).first, 201);
        const ChatMessage stored = events(u"replies"_s, u"alice"_s, {}).last();
        QCOMPARE(stored.fields.value("replyTo"_L1).toString(), original);
        QCOMPARE(events(u"replies"_s, u"alice"_s, {}).size(), 2); // nothing of the refused ones
    }

    void reactionKeysAreShortText_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<bool>("taken");
        QTest::newRow("thumbs up") << u"👍"_s << true;
        QTest::newRow("skin tone") << u"👍🏽"_s << true;
        QTest::newRow("zwj sequence") << u"👩‍💻"_s << true;
        QTest::newRow("word") << u"+1"_s << true;
        QTest::newRow("16 bytes") << u"abcdefghijklmnop"_s << true;
        QTest::newRow("17 bytes") << u"abcdefghijklmnopq"_s << false;
        QTest::newRow("five emoji") << u"👍👍👍👍👍"_s << false;
        QTest::newRow("newline") << u"a\nb"_s << false;
        QTest::newRow("escape") << u"[31m"_s << false;
        QTest::newRow("C1 control") << u"x"_s << false;
        QTest::newRow("spaces") << u"   "_s << false;
    }

    void reactionKeysAreShortText()
    {
        QFETCH(QString, key);
        QFETCH(bool, taken);
        static int n = 0;
        const QString id = post(u"general"_s, u"alice"_s, {{"clientId"_L1, u"rk-%1"_s.arg(++n)}, {"body"_L1, u"react"_s}}).second;
        const auto r = post(u"general"_s, u"bob"_s, {{"clientId"_L1, u"rk-r-%1"_s.arg(n)}, {"kind"_L1, u"reaction"_s},
                                                    {"relatesTo"_L1, id}, {"key"_L1, key}, {"op"_L1, u"add"_s}});
        QCOMPARE(r.first, taken ? 201 : 400);
        if (!taken)
            QCOMPARE(r.second, u"invalid_request"_s);
        const QList<ChatMessage> page = events(u"general"_s, u"alice"_s, {});
        const auto message = std::find_if(page.cbegin(), page.cend(), [&](const ChatMessage &m) { return m.id == id; });
        QVERIFY(message != page.cend());
        QCOMPARE(message->reactions.size(), taken ? 1 : 0);
        if (taken)
            QCOMPARE(message->reactions.first().key, key);
    }

    void badEventPostsStoreNothing_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("unknown kind") << QByteArray("{\"clientId\":\"b-1\",\"kind\":\"poll\"}") << 400 << u"invalid_request"_s;
        QTest::newRow("member") << QByteArray("{\"clientId\":\"b-2\",\"kind\":\"member\",\"user\":\"bob\",\"change\":\"join\"}") << 400 << u"invalid_request"_s;
        QTest::newRow("edit without target") << QByteArray("{\"clientId\":\"b-3\",\"kind\":\"edit\",\"body\":\"x\"}") << 400 << u"invalid_request"_s;
        QTest::newRow("edit of nothing") << QByteArray("{\"clientId\":\"b-4\",\"kind\":\"edit\",\"body\":\"x\",\"relatesTo\":\"01939a3e-7f00-7a00-8000-00000000dead\"}") << 404 << u"event_not_found"_s;
        QTest::newRow("reaction bad op") << QByteArray("{\"clientId\":\"b-5\",\"kind\":\"reaction\",\"relatesTo\":\"01939a3e-7f00-7a00-8000-00000000dead\",\"key\":\"x\",\"op\":\"flip\"}") << 400 << u"invalid_request"_s;
        QTest::newRow("kind number") << QByteArray("{\"clientId\":\"b-6\",\"kind\":3,\"body\":\"x\"}") << 400 << u"invalid_request"_s;
        QTest::newRow("html format") << QByteArray("{\"clientId\":\"b-7\",\"body\":\"x\",\"format\":\"html\"}") << 400 << u"invalid_request"_s;
        QTest::newRow("empty edit") << QByteArray("{\"clientId\":\"b-8\",\"kind\":\"edit\",\"body\":\"\",\"relatesTo\":\"01939a3e-7f00-7a00-8000-00000000dead\"}") << 400 << u"empty_body"_s;
        QTest::newRow("not json") << QByteArray("{kind:") << 400 << u"bad_json"_s;
    }

    void badEventPostsStoreNothing()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        const qint64 before = events(u"general"_s, u"alice"_s, {}).size();
        const auto r = m_http->postRaw(u"/api/v2/rooms/general/messages"_s, body, token(u"alice"_s));
        QCOMPARE(r.status, status);
        QCOMPARE(r.errorCode(), code);
        QCOMPARE(events(u"general"_s, u"alice"_s, {}).size(), before);
    }

    void contractOneIsRetired()
    {
        // HTTP: every v1 path, known once or not, answers 426 with the code to match on.
        for (const QString &path : {u"/api/v1/login"_s, u"/api/v1/rooms"_s, u"/api/v1/rooms/general/messages"_s}) {
            const auto r = path.endsWith(u"login"_s)
                    ? m_http->post(path, {{"username"_L1, u"alice"_s}, {"password"_L1, HttpClient::password()}})
                    : m_http->get(path, token(u"alice"_s));
            QCOMPARE(r.status, 426);
            QCOMPARE(r.errorCode(), u"upgrade_required"_s);
        }
        // WebSocket without the chat.v2 subprotocol: one error frame, then close 1008.
        QWebSocket old;
        QSignalSpy text(&old, &QWebSocket::textMessageReceived);
        QSignalSpy closed(&old, &QWebSocket::disconnected);
        QNetworkRequest request(m_server->ws());
        request.setRawHeader("Authorization", "Bearer " + token(u"alice"_s).toUtf8());
        old.open(request);
        QVERIFY(closed.wait(10000));
        QCOMPARE(text.size(), 1);
        const auto error = ServerFrame::parse(text.first().first().toString().toUtf8());
        QVERIFY(error);
        QCOMPARE(error->code, ErrorCode::UpgradeRequired);
        QCOMPARE(old.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    }
};

QTEST_GUILESS_MAIN(TestEvents)
#include "tst_events.moc"
