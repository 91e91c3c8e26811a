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
