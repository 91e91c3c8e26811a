// SPDX-License-Identifier: MIT
#pragma once

#include "ratelimiter.h"

#include "serverconfig.h"
#include "serverservices.h"

#include <QObject>
#include <QTcpSocket>
#include <QPointer>
#include <QHostAddress>
#include <QHash>

#include <functional>
#include <memory>

class AuthService;
class FileService;
class CatchUpQueue;
class GuardedTcpServer;
class HttpApi;
class Hub;
class RoomService;
class MessageBus;
class Metrics;
class PostgresBus;
class OutputLedger;
class Sequencer;
class QHttpServer;
class QWebSocketServer;
class QSslConfiguration;
class StoreService;

// The composition root of the daemon: store, accounts, HTTP API and WebSocket hub on one port.
class ChatServer : public QObject
{
    Q_OBJECT
public:
    explicit ChatServer(const ServerConfig &config, QObject *parent = nullptr);
    ~ChatServer() override;

    bool start(QString *error); // listens, then opens the database
    quint16 port() const;
    QHostAddress address() const; // where it listens (systemd's socket or listen=)

    // Stops accepting, commits what is pending, closes WebSockets with 1001 (going away), then
    // calls done.
    void shutdown(std::function<void()> done);

private:
    // Batches of catch-up reads on their way to the reader at once: two keep it busy (one runs
    // while the answers of the other are sent); a batch stops once it has read about one page.
    static constexpr int kCatchUpBatches = 2;
    static constexpr int kCatchUpBatchEvents = 500;

    static bool loadTls(const ServerConfig &config, QSslConfiguration *tls, QString *error);
    bool openDatabase(QString *error);
    // /readyz: the database answers and, with several servers, the bus listens.
    void checkReady(QObject *context, ServerServices::ReadyCallback done);
    void registerMetrics();
    void onNewWebSocketConnections();

    ServerConfig m_config;
    std::unique_ptr<Metrics> m_metrics; // before everything that counts into it
    quint64 *m_sendsCharged = nullptr;  // in m_metrics
    static constexpr int kSendReportMs = 1000; // how often the servers of a database swap send counts
    std::unique_ptr<StoreService> m_store;  // writes, and every read but catch-up
    FileService *m_files = nullptr;
    std::unique_ptr<StoreService> m_reader; // catch-up reads, beside the writer
    CatchUpQueue *m_catchUp = nullptr;
    std::unique_ptr<RateLimiter> m_limiter;      // sends, per user
    std::unique_ptr<RateLimiter> m_frameLimiter; // WebSocket frames, per user
    std::unique_ptr<OutputLedger> m_output;      // bytes queued to WebSockets
    std::unique_ptr<AddressRateLimiter> m_registrations; // per client address
    std::unique_ptr<RateLimiter> m_roomCreations;         // per user
    AuthService *m_auth = nullptr;
    RoomService *m_rooms = nullptr;
    QString m_node;                   // this server's name among those of its database
    MessageBus *m_bus = nullptr;      // this server's commits (and, shared, others')
    PostgresBus *m_pgBus = nullptr;   // m_bus on PostgreSQL, else null
    Sequencer *m_sequencer = nullptr; // bus -> hub, per room in order and gap-free
    Hub *m_hub = nullptr;
    HttpApi *m_api = nullptr;
    QHttpServer *m_http = nullptr;
    GuardedTcpServer *m_tcp = nullptr;
    // The /ws upgrades the guard diverts, spread over several QWebSocketServers in turn. Each
    // connects the sockets it is handed to itself and looks a socket up with QObject::sender(),
    // which walks every connection made to that server: takeWebSockets() cuts a socket's
    // connections to its server once its QWebSocket is out, so a walk covers the handshakes in
    // progress only, not every connection ever upgraded (a restart with 15 000 of them spent
    // seconds in those walks; docs/performance.md, reconnect storm).
    static constexpr int kWebSocketShards = 64;
    QList<QWebSocketServer *> m_ws;
    int m_nextShard = 0;
    void takeWebSockets(QWebSocketServer *from);
    // The TCP sockets handed to m_ws, by peer, until their QWebSocket comes out: a session
    // writes its frames to that socket itself (WsSession, TextFrame).
    using Peer = std::pair<QHostAddress, quint16>;
    struct Upgrading
    {
        QPointer<QTcpSocket> socket;
        QWebSocketServer *server = nullptr; // the one of m_ws doing its handshake
        QMetaObject::Connection failed; // forgets the socket if no QWebSocket comes of it
    };
    QHash<Peer, Upgrading> m_upgrading;
    ServerServices m_services;
    bool m_shuttingDown = false;
};
