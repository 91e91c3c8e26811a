// SPDX-License-Identifier: MIT
// Several real chat-server processes on one PostgreSQL of the test's own: what one node commits
// reaches the subscribers of the others, once and in order, also when the bus connection drops
// or the database goes away for a while; a logout on one node ends the token's sockets on the
// others; /readyz follows the database and the bus; a client of a killed node resumes on another.
#include "httpclient.h"
#include "pgserver.h"
#include "testdatabase.h"
#include "testserver.h"
#include "wsclient.h"

#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestMultiNode : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::vector<std::unique_ptr<ServerProcess>> m_nodes;
    int m_databases = 0;

    // count nodes on one fresh database
    bool startNodes(int count, const QList<std::pair<QString, QString>> &env = {})
    {
        m_nodes.clear();
        const QString path = m_dir.filePath(u"chat%1.db"_s.arg(++m_databases));
        for (int i = 0; i < count; ++i) {
            m_nodes.push_back(std::make_unique<ServerProcess>(path));
            for (const auto &[name, value] : env)
                m_nodes.back()->setEnv(name, value);
            if (!m_nodes.back()->start())
                return false;
        }
        // Ready = listening to the others: what is committed from here on is heard everywhere.
        for (auto &node : m_nodes) {
            HttpClient http(node->http());
            if (!QTest::qWaitFor([&] { return http.get(u"/readyz"_s).status == 200; }, 15000))
                return false;
        }
        return true;
    }
    ServerProcess &node(int i) { return *m_nodes.at(size_t(i)); }

    static QList<qint64> seqsOf(const QList<ChatMessage> &messages)
    {
        QList<qint64> seqs;
        for (const ChatMessage &m : messages)
            seqs.append(m.seq);
        return seqs;
    }
    static QList<qint64> range(qint64 from, qint64 to)
    {
        QList<qint64> out;
        for (qint64 s = from; s <= to; ++s)
            out.append(s);
        return out;
    }
    // Each client connected and subscribed to general.
    static bool inGeneral(std::initializer_list<WsClient *> clients)
    {
        for (WsClient *ws : clients) {
            if (!ws->connectAndHello())
                return false;
            ws->subscribe(u"general"_s);
            if (!ws->waitForSubscribed(u"general"_s))
                return false;
        }
        return true;
    }
    static bool readyIs(ServerProcess &server, int status)
    {
        HttpClient http(server.http());
        return QTest::qWaitFor([&] { return http.get(u"/readyz"_s).status == status; }, 20000);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("CHAT_TEST_BACKEND", "postgresql"); // several nodes need a shared database
        if (PostgresServer::binDir().isEmpty())
            QFAIL("PostgreSQL is not installed (make test installs it)");
    }

    void cleanup() { m_nodes.clear(); }

    void eventsReachSubscribersOfTheOtherNodes()
    {
        QVERIFY(startNodes(3));
        HttpClient http(node(0).http());
        const QString alice = http.tokenFor(u"alice"_s), bob = http.tokenFor(u"bob"_s),
                      carol = http.tokenFor(u"carol"_s);
        WsClient sender(node(0).ws(), alice), onB(node(1).ws(), bob), onC(node(2).ws(), carol);
        QVERIFY(inGeneral({&sender, &onB, &onC}));
        // Small messages travel in the notification; 4 KiB ones, several to a commit, do not
        // fit and are read from the database by the other nodes.
        constexpr int kSmall = 20, kBig = 6;
        for (int i = 0; i < kSmall; ++i)
            sender.sendMessage(u"general"_s, u"s%1"_s.arg(i), u"small %1"_s.arg(i));
        for (int i = 0; i < kBig; ++i)
            sender.sendMessage(u"general"_s, u"b%1"_s.arg(i), QString(4000, QChar(u'a' + i)));
        QVERIFY(sender.waitForAck(u"b%1"_s.arg(kBig - 1)));
        for (WsClient *ws : {&onB, &onC}) {
            QVERIFY(ws->waitForMessages(u"general"_s, kSmall + kBig));
            QCOMPARE(seqsOf(ws->messages(u"general"_s)), range(1, kSmall + kBig));
            QCOMPARE(ws->messages(u"general"_s).last().body, QString(4000, QChar(u'a' + kBig - 1)));
        }
        // And the other way round: what B commits reaches A's subscriber.
        onB.sendMessage(u"general"_s, u"from-b"_s, u"hello from B"_s);
        QVERIFY(sender.waitForMessages(u"general"_s, kSmall + kBig + 1));
        QCOMPARE(sender.messages(u"general"_s).last().body, u"hello from B"_s);
        // A counted what it heard, and how late (one small message: carried in the notification).
        const QByteArray metrics = HttpClient(node(0).http()).get(u"/metrics"_s).body;
        QVERIFY(metrics.contains("chat_bus_listening{node="));
        static const QRegularExpression heard(u"chat_bus_lag_seconds_count\\{node=\"[^\"]+\"\\} (\\d+)"_s);
        QVERIFY(heard.match(QString::fromUtf8(metrics)).captured(1).toInt() >= 1);
    }

    void roomsCreatedAndInvitationsReachTheOtherNodes()
    {
        QVERIFY(startNodes(2));
        HttpClient onA(node(0).http()), onB(node(1).http());
        const QString alice = onA.tokenFor(u"alice"_s), bob = onA.tokenFor(u"bob"_s);
        WsClient bobOnB(node(1).ws(), bob);
        QVERIFY(bobOnB.connectAndHello());
        auto roomFrame = [&bobOnB](const QString &room, const QString &change) {
            return bobOnB.waitFor([&](const ServerFrame &f) {
                return f.type == ServerFrame::Type::Room && f.room == room && f.change == change;
            }, 5000);
        };
        QCOMPARE(onA.post(u"/api/v2/rooms"_s, {{"name"_L1, u"lobby"_s}}, alice).status, 201);
        const auto created = roomFrame(u"lobby"_s, u"created"_s);
        QVERIFY(created);
        QCOMPARE(created->user, u"alice"_s);
        QCOMPARE(onA.post(u"/api/v2/rooms"_s, {{"name"_L1, u"secret"_s}, {"private"_L1, true}}, alice).status, 201);
        QCOMPARE(onA.post(u"/api/v2/rooms/secret/invite"_s, {{"user"_L1, u"bob"_s}}, alice).status, 204);
        const auto invited = roomFrame(u"secret"_s, u"invited"_s);
        QVERIFY(invited);
        // The private room's creation was the creator's business only.
        for (const ServerFrame &f : bobOnB.frames())
            QVERIFY(!(f.type == ServerFrame::Type::Room && f.room == u"secret"_s && f.change == u"created"_s));
        QCOMPARE(onB.get(u"/api/v2/rooms/secret/events"_s, bob).status, 200);
    }

    void theSendLimitHoldsAcrossNodes()
    {
        // A burst of 5, then one message per 10 s: what A let through is charged on B.
        QVERIFY(startNodes(2, {{u"CHAT_SEND_RATE"_s, u"0.1"_s}, {u"CHAT_SEND_BURST"_s, u"5"_s}}));
        HttpClient onA(node(0).http()), onB(node(1).http());
        const QString alice = onA.tokenFor(u"alice"_s);
        auto send = [&alice](HttpClient &http, const QString &id) {
            return http.post(u"/api/v2/rooms/general/messages"_s,
                             {{"clientId"_L1, id}, {"body"_L1, u"hi"_s}}, alice).status;
        };
        for (int i = 0; i < 5; ++i)
            QCOMPARE(send(onA, u"a%1"_s.arg(i)), 201);
        QCOMPARE(send(onA, u"a5"_s), 429);
        static const QRegularExpression charged(u"chat_sends_charged_total\\{node=\"[^\"]+\"\\} (\\d+)"_s);
        QTRY_VERIFY_WITH_TIMEOUT(charged.match(QString::fromUtf8(onB.get(u"/metrics"_s).body)).captured(1).toInt() >= 5,
                                 10000);
        QCOMPARE(send(onB, u"b0"_s), 429);
    }

    void logoutOnOneNodeEndsTheSocketsOnTheOthers()
    {
        QVERIFY(startNodes(2));
        HttpClient onA(node(0).http()), onB(node(1).http());
        const QString token = onA.tokenFor(u"alice"_s);
        QCOMPARE(onB.get(u"/api/v2/rooms"_s, token).status, 200); // B caches the token now
        WsClient ws(node(1).ws(), token);
        QVERIFY(ws.connectAndHello());
        ws.subscribe(u"general"_s);
        QVERIFY(ws.waitForSubscribed(u"general"_s));

        QCOMPARE(onA.post(u"/api/v2/logout"_s, {}, token).status, 204);
        QVERIFY(ws.waitForError(u"unauthorized"_s, 5000));
        QVERIFY(ws.waitForDisconnect(5000));
        QCOMPARE(ws.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QCOMPARE(onB.get(u"/api/v2/rooms"_s, token).status, 401); // not served from B's cache

        // A password change on B signs out carol's other device, connected to A.
        const QString laptop = onB.registerUser(u"carol"_s);
        const auto login = onB.post(u"/api/v2/login"_s, {{"username"_L1, u"carol"_s},
                                                         {"password"_L1, HttpClient::password()}});
        const QString phone = login.json.value("token"_L1).toString();
        WsClient phoneWs(node(0).ws(), phone);
        QVERIFY(phoneWs.connectAndHello());
        QCOMPARE(onB.post(u"/api/v2/account/password"_s,
                          {{"password"_L1, HttpClient::password()}, {"newPassword"_L1, u"another horse"_s}},
                          laptop).status,
                 200);
        QVERIFY(phoneWs.waitForError(u"unauthorized"_s, 5000));
        QVERIFY(phoneWs.waitForDisconnect(5000));
    }

    void aDroppedBusConnectionLeavesNoGap()
    {
        QVERIFY(startNodes(2));
        HttpClient http(node(0).http());
        WsClient sender(node(0).ws(), http.tokenFor(u"alice"_s)),
                reader(node(1).ws(), http.tokenFor(u"bob"_s));
        QVERIFY(inGeneral({&sender, &reader}));
        sender.sendMessage(u"general"_s, u"m0"_s, u"before"_s);
        QVERIFY(reader.waitForMessages(u"general"_s, 1));
        // Every bus connection is cut (as a restarting pooler or a network blip would); what
        // is committed meanwhile is not notified to anyone, and nothing is sent afterwards
        // that could reveal the gap: the nodes must read it again themselves.
        const auto cut = TestDatabase::postgres()->query(
                u"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'chat-server-bus'"_s);
        QVERIFY(cut && cut->size() == 2);
        for (int i = 1; i <= 30; ++i)
            sender.sendMessage(u"general"_s, u"m%1"_s.arg(i), u"during %1"_s.arg(i));
        QVERIFY(sender.waitForAck(u"m30"_s));
        if (!reader.waitForMessages(u"general"_s, 31))
            qWarning().noquote() << node(1).log().right(4000);
        QCOMPARE(seqsOf(reader.messages(u"general"_s)), range(1, 31));
        QVERIFY(node(1).log().contains("lost the connection"));
    }

    void readinessFollowsTheDatabase()
    {
        QVERIFY(startNodes(2));
        HttpClient http(node(0).http());
        WsClient sender(node(0).ws(), http.tokenFor(u"alice"_s)),
                reader(node(1).ws(), http.tokenFor(u"bob"_s));
        QVERIFY(inGeneral({&sender, &reader}));
        PostgresServer *pg = TestDatabase::postgres(); // (which starts one that is not running)
        auto restart = qScopeGuard([pg] { pg->start(); }); // for the next test, pass or fail
        QVERIFY(pg->stop());
        QVERIFY(readyIs(node(0), 503));
        QVERIFY(readyIs(node(1), 503));
        QCOMPARE(HttpClient(node(1).http()).get(u"/healthz"_s).status, 200); // alive all along
        QVERIFY(pg->start());
        restart.dismiss();
        QVERIFY(readyIs(node(0), 200));
        QVERIFY(readyIs(node(1), 200));
        sender.sendMessage(u"general"_s, u"after"_s, u"back again"_s);
        if (!sender.waitForAck(u"after"_s))
            qWarning().noquote() << node(0).log().right(5000) << sender.rawFrames().join(u'\n');
        if (!reader.waitForMessages(u"general"_s, 1))
            qWarning().noquote() << node(1).log().right(5000);
        QVERIFY(reader.messages(u"general"_s).size() == 1);
        QCOMPARE(reader.messages(u"general"_s).first().body, u"back again"_s);
    }

    void clientsOfAKilledNodeResumeOnAnother()
    {
        QVERIFY(startNodes(2));
        HttpClient http(node(0).http());
        const QString bob = http.tokenFor(u"bob"_s);
        WsClient sender(node(0).ws(), http.tokenFor(u"alice"_s));
        auto reader = std::make_unique<WsClient>(node(1).ws(), bob);
        QVERIFY(inGeneral({&sender, reader.get()}));
        for (int i = 1; i <= 20; ++i)
            sender.sendMessage(u"general"_s, u"a%1"_s.arg(i), u"one %1"_s.arg(i));
        QVERIFY(reader->waitForMessages(u"general"_s, 5));
        node(1).kill();
        QVERIFY(reader->waitForDisconnect());
        const qint64 cursor = reader->messages(u"general"_s).last().seq;
        for (int i = 21; i <= 40; ++i)
            sender.sendMessage(u"general"_s, u"a%1"_s.arg(i), u"two %1"_s.arg(i));
        QVERIFY(sender.waitForAck(u"a40"_s));
        // The client reconnects (through a balancer: to the node still up) and resumes.
        const QList<ChatMessage> before = reader->messages(u"general"_s);
        reader = std::make_unique<WsClient>(node(0).ws(), bob);
        QVERIFY(reader->connectAndHello());
        reader->subscribe(u"general"_s, cursor);
        QVERIFY(reader->waitForSubscribed(u"general"_s));
        QVERIFY(reader->waitForMessages(u"general"_s, int(40 - cursor)));
        QCOMPARE(seqsOf(before) + seqsOf(reader->messages(u"general"_s)), range(1, 40));
    }
};

QTEST_GUILESS_MAIN(TestMultiNode)
#include "tst_multinode.moc"
