// SPDX-License-Identifier: MIT
// chat-soak: many WebSocket connections and a steady message stream against the real chat-server
// for minutes, checking that nothing is lost or duplicated and that the server's memory stays flat.
// `make soak` runs it (not part of CI). Settings from the environment:
//   SOAK_SECONDS (600), SOAK_CONNECTIONS (5000), SOAK_USERS (100), SOAK_ROOMS (50),
//   SOAK_RATE messages per second in total (200; deliveries/s = rate x connections / rooms).
#include "httpclient.h"
#include "protocol.h"
#include "testserver.h"
#include "wsclient.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QWebSocket>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

int env(const char *name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok && v > 0 ? v : fallback;
}


struct Totals
{
    qint64 sent = 0;
    qint64 acked = 0;
    qint64 deliveries = 0;
    qint64 gaps = 0;       // a subscriber missed a seq: lost
    qint64 duplicates = 0; // a subscriber saw a seq twice
    qint64 errors = 0;     // error frames and unexpected disconnects
};

class Connection : public QObject
{
public:
    Connection(const QUrl &url, const QString &token, const QString &room, Totals *totals)
        : m_room(room), m_totals(totals)
    {
        connect(&m_socket, &QWebSocket::textMessageReceived, this, &Connection::onText);
        connect(&m_socket, &QWebSocket::disconnected, this, [this] {
            if (!m_closing)
                ++m_totals->errors;
        });
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        WsClient::openCurrent(m_socket, request);
    }
    bool ready() const { return m_subscribed; }
    void send(qint64 n)
    {
        const ClientFrame f = ClientFrame::send(
                m_room, u"s%1"_s.arg(n),
                u"soak message %1 ............................................................"_s.arg(n));
        m_socket.sendTextMessage(QString::fromUtf8(f.toJson()));
        ++m_outstanding;
        ++m_totals->sent;
    }
    qint64 outstanding() const { return m_outstanding; }
    void close()
    {
        m_closing = true;
        m_socket.close();
    }

private:
    void onText(const QString &text)
    {
        const auto frame = ServerFrame::parse(text.toUtf8());
        if (!frame) {
            ++m_totals->errors;
            return;
        }
        switch (frame->type) {
        case ServerFrame::Type::Hello: {
            m_socket.sendTextMessage(QString::fromUtf8(ClientFrame::subscribe(m_room).toJson()));
            break;
        }
        case ServerFrame::Type::Subscribed:
            m_lastSeq = frame->lastSeq;
            m_subscribed = true;
            break;
        case ServerFrame::Type::Event:
            ++m_totals->deliveries;
            if (frame->event.seq <= m_lastSeq)
                ++m_totals->duplicates;
            else if (frame->event.seq != m_lastSeq + 1)
                m_totals->gaps += frame->event.seq - m_lastSeq - 1;
            m_lastSeq = std::max(m_lastSeq, frame->event.seq);
            break;
        case ServerFrame::Type::Ack:
            --m_outstanding;
            ++m_totals->acked;
            break;
        case ServerFrame::Type::Error:
            ++m_totals->errors;
            break;
        case ServerFrame::Type::Pong:
            break;
        }
    }

    QWebSocket m_socket;
    QString m_room;
    Totals *m_totals;
    qint64 m_lastSeq = 0;
    qint64 m_outstanding = 0;
    bool m_subscribed = false;
    bool m_closing = false;
};

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    const int seconds = env("SOAK_SECONDS", 600);
    const int connections = env("SOAK_CONNECTIONS", 5000);
    const int users = env("SOAK_USERS", 100);
    const int rooms = env("SOAK_ROOMS", 50);
    const int rate = env("SOAK_RATE", 200);

    QTemporaryDir dir;
    ServerProcess server(dir.filePath(u"chat.db"_s));
    server.setEnv(u"CHAT_SEND_RATE"_s, u"100000"_s);
    server.setEnv(u"CHAT_SEND_BURST"_s, u"100000"_s);
    if (!server.start()) {
        std::fprintf(stderr, "chat-soak: the server did not start\n");
        return 1;
    }
    HttpClient http(server.http());
    QStringList tokens;
    for (int u = 0; u < users; ++u) {
        const QString token = http.registerUser(u"soak%1"_s.arg(u));
        if (token.isEmpty())
            return 1;
        tokens << token;
    }
    for (int r = 0; r < rooms; ++r)
        http.post(u"/api/v2/rooms"_s, {{"name"_L1, u"room%1"_s.arg(r)}}, tokens.first());
    for (int u = 1; u < users; ++u) {
        for (int r = 0; r < rooms; ++r)
            http.post(u"/api/v2/rooms/room%1/join"_s.arg(r), {}, tokens.at(u));
    }

    Totals totals;
    std::vector<std::unique_ptr<Connection>> conns;
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < connections; ++i) {
        conns.push_back(std::make_unique<Connection>(server.ws(), tokens.at(i % users),
                                                     u"room%1"_s.arg(i % rooms), &totals));
        if (i % 200 == 199) // let the handshakes through in batches
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    QDeadlineTimer connecting(120000);
    while (!std::all_of(conns.cbegin(), conns.cend(), [](const auto &c) { return c->ready(); })) {
        if (connecting.hasExpired()) {
            std::fprintf(stderr, "chat-soak: not every connection subscribed within 2 minutes\n");
            return 1;
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 100);
    }
    const qint64 rssStart = server.rssKiB();
    std::printf("soak: %d connections (%d users, %d rooms) up in %.1f s; server RSS %lld KiB\n",
                connections, users, rooms, clock.elapsed() / 1000.0, rssStart);
    std::fflush(stdout);

    // Steady sending: every 10 ms, rate/100 messages from connections in turn.
    qint64 n = 0;
    size_t next = 0;
    QTimer sender;
    double carry = 0;
    QObject::connect(&sender, &QTimer::timeout, [&] {
        carry += rate / 100.0;
        for (; carry >= 1.0; carry -= 1.0) {
            conns[next]->send(++n);
            next = (next + 1) % conns.size();
        }
    });
    QTimer report;
    qint64 lastDeliveries = 0;
    QObject::connect(&report, &QTimer::timeout, [&] {
        std::printf("soak: t=%4llds deliveries/s %6lld, sent %lld, acked %lld, lost %lld, "
                    "duplicates %lld, errors %lld, server RSS %lld KiB\n",
                    clock.elapsed() / 1000, (totals.deliveries - lastDeliveries) / 10, totals.sent,
                    totals.acked, totals.gaps, totals.duplicates, totals.errors, server.rssKiB());
        std::fflush(stdout);
        lastDeliveries = totals.deliveries;
    });
    clock.restart();
    sender.start(10);
    report.start(10000);
    QDeadlineTimer end(qint64(seconds) * 1000);
    while (!end.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 100);
    sender.stop();
    report.stop();
    const double elapsed = clock.elapsed() / 1000.0;
    QDeadlineTimer drain(60000);
    while (totals.acked < totals.sent && !drain.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 100);
    const qint64 expected = totals.acked * (connections / rooms); // every subscriber of the room
    QDeadlineTimer deliver(60000);
    while (totals.deliveries < expected && !deliver.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 100);
    const qint64 rssEnd = server.rssKiB();
    for (auto &c : conns)
        c->close();
    std::printf("soak result: %.0f s, %d connections, %lld messages sent, %lld acked, %lld deliveries "
                "(%.0f/s, expected %lld), lost %lld, duplicates %lld, errors %lld, server RSS %lld KiB "
                "at start, %lld KiB at end\n",
                elapsed, connections, totals.sent, totals.acked, totals.deliveries,
                totals.deliveries / elapsed, expected, totals.gaps, totals.duplicates, totals.errors,
                rssStart, rssEnd);
    const bool ok = totals.acked == totals.sent && totals.deliveries == expected && totals.gaps == 0
            && totals.duplicates == 0;
    return ok ? 0 : 1;
}
