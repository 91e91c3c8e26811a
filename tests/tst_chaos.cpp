// SPDX-License-Identifier: MIT
// Chaos: many clients send into several rooms while the real server is SIGKILLed and restarted and
// client links are cut at random. Clients do what the real client does (resend unacked messages
// with the same clientId, resume with `after`). At the end, from the server's history and every
// client's received stream: every acked message is stored exactly once with its acked seq, seqs
// have no gaps, no client saw a message twice, after the final resume every client has them all,
// and nothing was stored that no client sent.
//
// The same with several servers on one PostgreSQL behind HAProxy, one of them killed in turn.
//
// make test runs a short version; `make chaos` a long one (CHAT_CHAOS_SECONDS, CHAT_CHAOS_CLIENTS),
// `make chaos NODES=3` the multi-node one (CHAT_CHAOS_NODES).
#include "apitypes.h"
#include "balancer.h"
#include "httpclient.h"
#include "protocol.h"
#include "testdatabase.h"
#include "testserver.h"
#include "wsclient.h"

#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace {

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok && v > 0 ? v : fallback;
}

// One simulated user: a real QWebSocket per connection, an outbox of unacked sends, cursors.
class ChaosClient : public QObject
{
public:
    ChaosClient(const QString &name, const QString &token, const QStringList &rooms, QUrl url)
        : m_name(name), m_token(token), m_rooms(rooms), m_url(std::move(url))
    {
        m_sendTimer.setInterval(40 + int(QRandomGenerator::global()->bounded(40)));
        connect(&m_sendTimer, &QTimer::timeout, this, &ChaosClient::sendNext);
        m_retryTimer.setInterval(1000);
        connect(&m_retryTimer, &QTimer::timeout, this, &ChaosClient::resendUnacked);
        m_retryTimer.start();
    }

    void start() { connectNow(); m_sendTimer.start(); }
    void stopSending() { m_sendTimer.stop(); }
    void drop()
    {
        if (m_socket)
            m_socket->abort();
    }
    // Reconnects once more and reports when every room's catch-up has finished.
    void finalResume()
    {
        m_final = true;
        m_subscribed.clear();
        if (m_socket)
            m_socket->abort();
        else
            connectNow();
    }
    bool resumedEverywhere() const { return m_final && m_subscribed.size() == m_rooms.size(); }
    bool connected() const { return m_hello; }

    QString name() const { return m_name; }
    qsizetype unackedCount() const { return m_unacked.size(); }
    const QHash<QString, ServerFrame> &acks() const { return m_acked; }
    const QHash<QString, QPair<QString, QString>> &sent() const { return m_sent; } // id -> room, body
    QList<qint64> receivedSeqs(const QString &room) const { return m_received.value(room); }
    QStringList violations() const { return m_violations; }

private:
    void connectNow()
    {
        // One link at a time: finalResume() may connect while a delayed reconnect is pending,
        // and two live links would each deliver every message (seen as "saw X twice").
        if (m_socket)
            return;
        m_hello = false;
        m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
        connect(m_socket, &QWebSocket::textMessageReceived, this, &ChaosClient::onFrame);
        connect(m_socket, &QWebSocket::stateChanged, this, [this, socket = m_socket](QAbstractSocket::SocketState s) {
            if (s != QAbstractSocket::UnconnectedState || socket != m_socket)
                return;
            m_socket->deleteLater();
            m_socket = nullptr;
            m_hello = false;
            // Delayed reconnects, with jitter.
            QTimer::singleShot(50 + int(QRandomGenerator::global()->bounded(400)), this,
                               &ChaosClient::connectNow);
        });
        QNetworkRequest request(m_url);
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
        WsClient::openCurrent(*m_socket, request);
    }

    void send(const QString &clientId)
    {
        const auto &[room, body] = m_sent.value(clientId);
        m_socket->sendTextMessage(
                QString::fromUtf8(ClientFrame::send(room, clientId, body).toJson()));
    }

    void sendNext()
    {
        const QString clientId = u"%1-%2"_s.arg(m_name).arg(++m_counter);
        const QString room = m_rooms.at(int(QRandomGenerator::global()->bounded(m_rooms.size())));
        m_sent.insert(clientId, {room, u"%1 says %2"_s.arg(m_name).arg(m_counter)});
        m_unacked.insert(clientId);
        if (m_hello)
            send(clientId);
    }

    void resendUnacked()
    {
        if (!m_hello)
            return;
        for (const QString &id : std::as_const(m_unacked))
            send(id);
    }

    void onFrame(const QString &text)
    {
        const auto frame = ServerFrame::parse(text.toUtf8());
        if (!frame) {
            m_violations << u"unparseable frame"_s;
            return;
        }
        switch (frame->type) {
        case ServerFrame::Type::Hello:
            m_hello = true;
            for (const QString &room : std::as_const(m_rooms)) {
                const qint64 after = m_received.value(room).isEmpty() ? 0 : m_received.value(room).last();
                m_socket->sendTextMessage(
                        QString::fromUtf8(ClientFrame::subscribe(room, after).toJson()));
            }
            resendUnacked();
            break;
        case ServerFrame::Type::Event: {
            QList<qint64> &seqs = m_received[frame->event.room];
            const qint64 last = seqs.isEmpty() ? 0 : seqs.last();
            if (frame->event.seq <= last)
                m_violations << u"%1 saw %2#%3 twice"_s.arg(m_name, frame->event.room).arg(frame->event.seq);
            else if (frame->event.seq != last + 1)
                m_violations << u"%1 missed %2#%3..%4"_s.arg(m_name, frame->event.room).arg(last + 1).arg(frame->event.seq - 1);
            else
                seqs.append(frame->event.seq);
            break;
        }
        case ServerFrame::Type::Ack:
            if (m_acked.contains(frame->clientId) && m_acked.value(frame->clientId).seq != frame->seq)
                m_violations << u"%1 acked with two seqs"_s.arg(frame->clientId);
            m_acked.insert(frame->clientId, *frame);
            m_unacked.remove(frame->clientId);
            break;
        case ServerFrame::Type::Subscribed:
            if (m_final)
                m_subscribed.insert(frame->room);
            break;
        case ServerFrame::Type::Error:
            if (frame->code != ErrorCode::RateLimited && frame->code != ErrorCode::Internal)
                m_violations << u"%1 got error %2: %3"_s.arg(m_name, Errors::code(frame->code), frame->text);
            break;
        case ServerFrame::Type::Pong:
            break;
        }
    }

    QString m_name;
    QString m_token;
    QStringList m_rooms;
    QUrl m_url;
    QWebSocket *m_socket = nullptr;
    bool m_hello = false;
    bool m_final = false;
    int m_counter = 0;
    QTimer m_sendTimer;
    QTimer m_retryTimer;
    QHash<QString, QPair<QString, QString>> m_sent;
    QSet<QString> m_unacked;
    QHash<QString, ServerFrame> m_acked;
    QHash<QString, QList<qint64>> m_received;
    QSet<QString> m_subscribed;
    QStringList m_violations;
};

} // namespace

class TestChaos : public QObject
{
    Q_OBJECT

private:
    // Where the clients connect, and what one "kill" is.
    struct Target
    {
        QUrl http;
        QUrl ws;
        std::function<bool()> kill; // SIGKILL and restart; false when the restart failed
    };

    void runChaos(const Target &target)
    {
        const int seconds = envInt("CHAT_CHAOS_SECONDS", 12);
        const int clientCount = envInt("CHAT_CHAOS_CLIENTS", 20);
        const int killEveryMs = envInt("CHAT_CHAOS_KILL_EVERY_MS", 3000);
        const QStringList rooms{u"general"_s, u"ops"_s, u"random"_s};

        HttpClient http(target.http);

        std::vector<std::unique_ptr<ChaosClient>> clients;
        QString anyToken;
        for (int i = 0; i < clientCount; ++i) {
            const QString name = u"user%1"_s.arg(i);
            const QString token = http.registerUser(name);
            QVERIFY(!token.isEmpty());
            for (const QString &room : rooms.mid(1)) {
                if (i == 0)
                    QCOMPARE(http.post(u"/api/v2/rooms"_s, {{"name"_L1, room}}, token).status, 201);
                else
                    QCOMPARE(http.post(u"/api/v2/rooms/%1/join"_s.arg(room), {}, token).status, 204);
            }
            anyToken = token;
            clients.push_back(std::make_unique<ChaosClient>(name, token, rooms, target.ws));
        }
        for (auto &c : clients)
            c->start();

        // Chaos: hard kills of the server and random link drops, for `seconds`.
        int kills = 0;
        int drops = 0;
        QTimer killer;
        bool restarted = true;
        connect(&killer, &QTimer::timeout, this, [&] {
            ++kills;
            restarted = target.kill() && restarted;
        });
        QTimer dropper;
        connect(&dropper, &QTimer::timeout, this, [&] {
            clients[QRandomGenerator::global()->bounded(int(clients.size()))]->drop();
            ++drops;
        });
        killer.start(killEveryMs);
        dropper.start(150);
        QTest::qWait(seconds * 1000); // the chaos phase is a duration, not a synchronisation
        killer.stop();
        dropper.stop();
        for (auto &c : clients)
            c->stopSending();

        // Everything typed gets acked eventually, then everyone resumes once more.
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(clients.cbegin(), clients.cend(),
                                             [](const auto &c) { return c->unackedCount() == 0; }),
                                 120000);
        for (auto &c : clients)
            c->finalResume();
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(clients.cbegin(), clients.cend(),
                                             [](const auto &c) { return c->resumedEverywhere(); }),
                                 120000);

        // The server's account of every room.
        QHash<QString, QList<ChatMessage>> stored;
        QHash<QString, ChatMessage> byClientId;
        for (const QString &room : rooms) {
            stored[room] = http.fullHistory(room, anyToken);
            for (qsizetype i = 0; i < stored[room].size(); ++i) {
                const ChatMessage &m = stored[room].at(i);
                QCOMPARE(m.seq, i + 1); // no gap
                if (m.kind == EventKind::Member)
                    continue; // the joins at the start: the server's, not a client's
                QVERIFY2(!byClientId.contains(m.clientId), qPrintable(m.clientId)); // stored once
                byClientId.insert(m.clientId, m);
            }
        }
        qsizetype sent = 0;
        qsizetype acked = 0;
        qsizetype lost = 0;
        QStringList violations;
        for (const auto &c : clients) {
            violations += c->violations();
            sent += c->sent().size();
            acked += c->acks().size();
            for (const ServerFrame &ack : c->acks()) {
                const auto it = byClientId.constFind(ack.clientId);
                if (it == byClientId.cend() || it->seq != ack.seq || it->id != ack.id || it->room != ack.room)
                    ++lost;
            }
            for (const QString &room : rooms) {
                const QList<qint64> seen = c->receivedSeqs(room);
                if (seen.size() != stored[room].size())
                    violations << u"%1 has %2 of %3 messages in %4"_s.arg(c->name()).arg(seen.size())
                                          .arg(stored[room].size()).arg(room);
            }
        }
        // Nothing stored that no client sent, and as it was sent.
        qsizetype unknown = 0;
        QHash<QString, QPair<QString, QString>> allSent;
        for (const auto &c : clients)
            allSent.insert(c->sent());
        for (const ChatMessage &m : std::as_const(byClientId)) {
            const auto it = allSent.constFind(m.clientId);
            if (it == allSent.cend() || it->first != m.room || it->second != m.body
                || !m.clientId.startsWith(m.sender + u'-'))
                ++unknown;
        }
        qInfo().noquote() << u"chaos: %1 s, %2 clients, %3 rooms: sent %4, acked %5, stored %6, "
                             "server kills survived %7, link drops %8, lost %9, duplicates/gaps %10, "
                             "unknown stored %11"_s
                                     .arg(seconds).arg(clientCount).arg(rooms.size()).arg(sent)
                                     .arg(acked).arg(byClientId.size()).arg(kills).arg(drops)
                                     .arg(lost).arg(violations.size()).arg(unknown);
        for (const QString &v : violations.mid(0, 20))
            qWarning().noquote() << v;
        QVERIFY(kills >= 2);
        QVERIFY(restarted);
        QCOMPARE(acked, sent);
        QCOMPARE(byClientId.size(), sent);
        QCOMPARE(lost, 0);
        QCOMPARE(unknown, 0);
        QVERIFY(violations.isEmpty());
    }

    static std::unique_ptr<ServerProcess> node(const QString &dbPath)
    {
        auto server = std::make_unique<ServerProcess>(dbPath);
        server->setPort(ServerProcess::freePort()); // a restart keeps it: the balancer names it
        server->setEnv(u"CHAT_SEND_RATE"_s, u"1000"_s);
        server->setEnv(u"CHAT_SEND_BURST"_s, u"1000"_s);
        return server;
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void exactlyOnceThroughKillsAndDrops()
    {
        QTemporaryDir dir;
        auto server = node(dir.filePath(u"chat.db"_s));
        QVERIFY(server->start());
        runChaos({server->http(), server->ws(), [&server] {
                      server->kill();
                      return server->start(); // same database, same port
                  }});
    }

    // Several servers on one PostgreSQL behind HAProxy: one of them SIGKILLed in turn (and
    // restarted) while the others carry on; clients of the killed one reconnect through the
    // balancer to another and resume. `make chaos NODES=3` runs it at length.
    void exactlyOnceAcrossNodesBehindABalancer()
    {
        if (!TestDatabase::isPostgreSql())
            QSKIP("several servers share a PostgreSQL database: the _postgresql variant runs it");
        const int count = envInt("CHAT_CHAOS_NODES", 3);
        QTemporaryDir dir;
        std::vector<std::unique_ptr<ServerProcess>> nodes;
        QList<quint16> ports;
        for (int i = 0; i < count; ++i) {
            nodes.push_back(node(dir.filePath(u"chat.db"_s)));
            QVERIFY(nodes.back()->start());
            ports.append(quint16(nodes.back()->http().port()));
        }
        // Ready (listening to the others on the bus) one by one, then through the balancer: under
        // a sanitizer three servers starting together can take longer than 15 s, and a failure
        // then says which one was not ready.
        for (const auto &n : nodes) {
            HttpClient direct(n->http());
            QTRY_COMPARE_WITH_TIMEOUT(direct.get(u"/readyz"_s).status, 200, 60000);
        }
        Balancer balancer(ports);
        QVERIFY(balancer.start());
        HttpClient probe(balancer.http());
        QTRY_COMPARE_WITH_TIMEOUT(probe.get(u"/readyz"_s).status, 200, 30000);
        int next = 0;
        runChaos({balancer.http(), balancer.ws(), [&] {
                      ServerProcess &victim = *nodes.at(size_t(next++ % count));
                      victim.kill();
                      return victim.start();
                  }});
    }
};

QTEST_GUILESS_MAIN(TestChaos)
#include "tst_chaos.moc"
