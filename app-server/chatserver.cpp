// SPDX-License-Identifier: MIT
#include "chatserver.h"

#include "auth/authservice.h"
#include "auth/passwordhasher.h"
#include "bus/messagebus.h"
#include "bus/postgresbus.h"
#include "bus/sequencer.h"
#include "filelimit.h"
#include "domain/catchupqueue.h"
#include "domain/fileservice.h"
#include "domain/roomservice.h"
#include "http/connectionguard.h"
#include "http/httpapi.h"
#include "logging.h"
#include "protocol.h"
#include "ratelimiter.h"
#include "socketactivation.h"
#include "store/postgresstore.h"
#include "store/sqlitestore.h"
#include "store/storeservice.h"
#include "ws/hub.h"
#include "ws/outputledger.h"
#include "ws/wssession.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHttpServer>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QSysInfo>
#include <QTimer>
#include <QUuid>
#include <QPointer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <limits>

using namespace Qt::StringLiterals;

ChatServer::ChatServer(const ServerConfig &config, QObject *parent)
    : QObject(parent), m_config(config)
{
    const DatabaseUrl database = m_config.resolvedDatabase();
    // Servers sharing a database tell their notifications apart by this name.
    m_node = !m_config.nodeName.isEmpty()
            ? m_config.nodeName
            : u"%1-%2"_s.arg(QSysInfo::machineHostName(),
                             QUuid::createUuid().toString(QUuid::Id128).left(8));
    m_metrics = std::make_unique<Metrics>(m_node);
    auto makeStore = [&](StoreRole role) -> std::unique_ptr<ChatStore> {
        if (database.isPostgreSql()) {
            auto store = std::make_unique<PostgresStore>(database, m_config.dbPasswordFile, role);
            if (role == StoreRole::Writer)
                store->setNode(m_node);
            return store;
        }
        return std::make_unique<SqliteStore>(database.path, role);
    };
    m_store = std::make_unique<StoreService>(makeStore(StoreRole::Writer));
    m_reader = std::make_unique<StoreService>(makeStore(StoreRole::Reader));
    m_catchUp = new CatchUpQueue(m_reader.get(), kCatchUpBatches, kCatchUpBatchEvents, this);
    m_limiter = std::make_unique<RateLimiter>(m_config.sendRate, m_config.sendBurst);
    m_auth = new AuthService(m_store.get(), m_config.tokenTtlDays, this);
    m_hub = new Hub(m_config.pingIntervalSecs, m_config.wsCorkMs, m_config.presenceGraceSecs * 1000, this);
    connect(m_auth, &AuthService::tokenRevoked, m_hub, &Hub::tokenRevoked);
    m_rooms = new RoomService(m_store.get(), m_catchUp, m_reader.get(), m_limiter.get(), m_hub, this);
    connect(&m_hub->presence(), &PresenceTracker::changed, m_rooms,
            [this](qint64 id, const QString &name, bool online, const QDateTime &lastSeen) {
                m_rooms->tellPresence(id, name, online, lastSeen, m_config.presenceRoomLimit);
            });
    m_frameLimiter = std::make_unique<RateLimiter>(m_config.sendRate * 2 + 50,
                                                   m_config.sendBurst * 2 + 100);
    m_output = std::make_unique<OutputLedger>(OutputLedger::Caps{
            m_config.maxQueuedBytesPerConnection, m_config.maxQueuedBytesPerUser, m_config.maxQueuedBytes});
    // So many an hour, all of them at once if need be.
    m_registrations = std::make_unique<AddressRateLimiter>(m_config.registerPerHour / 3600.0,
                                                           m_config.registerPerHour);
    m_roomCreations = std::make_unique<RateLimiter>(m_config.roomsPerHour / 3600.0, m_config.roomsPerHour);
    m_services = {&m_config, m_rooms, m_auth, m_hub, m_frameLimiter.get(), m_output.get(),
                  m_registrations.get(), m_roomCreations.get(),
                  [this](QObject *context, ServerServices::ReadyCallback done) {
                      checkReady(context, std::move(done));
                  },
                  m_metrics.get()};
    m_files = new FileService(m_store.get(), m_reader.get(),
                              {m_config.maxFileBytes, m_config.fileQuotaBytes}, this);
    m_services.files = m_files;
    m_api = new HttpApi(m_services, this);
    m_http = new QHttpServer(this);
    // Commit -> bus -> sequencer -> hub. The sequencer repairs what a bus can lose from the
    // store (on the reader, beside catch-up), outside any user's access rules.
    if (database.isPostgreSql()) {
        m_pgBus = new PostgresBus(database, m_config.dbPasswordFile, m_node, this);
        m_bus = m_pgBus;
    } else {
        m_bus = new LocalBus(this);
    }
    StoreService *reader = m_reader.get();
    m_sequencer = new Sequencer(
            [reader, this](const QString &room, qint64 after, Sequencer::Done done) {
                reader->run<HistoryResult>(
                        m_sequencer,
                        [room, after](ChatStore &s) { return s.eventsAfter(room, after, 500); },
                        [done = std::move(done)](HistoryResult r) {
                            done(r.status == StoreStatus::Ok
                                         ? std::optional(std::move(r.messages))
                                         : std::nullopt);
                        });
            },
            500, this);
    m_sequencer->setFetchNewest([reader, this](const QString &room, Sequencer::Done done) {
        reader->run<HistoryResult>(
                m_sequencer,
                [room](ChatStore &s) {
                    const HistoryResult last = s.eventsAfter(room, std::numeric_limits<qint64>::max(), 0);
                    if (last.status != StoreStatus::Ok || last.lastSeq == 0)
                        return last;
                    return s.eventsAfter(room, last.lastSeq - 1, 1);
                },
                [done = std::move(done)](HistoryResult r) {
                    done(r.status == StoreStatus::Ok ? std::optional(std::move(r.messages))
                                                     : std::nullopt);
                });
    });
    connect(m_store.get(), &StoreService::messagesCommitted, m_bus, &MessageBus::publish);
    connect(m_bus, &MessageBus::received, m_sequencer, &Sequencer::accept);
    connect(m_sequencer, &Sequencer::ordered, m_hub, &Hub::broadcast);
    connect(m_sequencer, &Sequencer::ordered, m_api, &HttpApi::roomsChanged);
    registerMetrics();
    if (m_pgBus) {
        connect(m_pgBus, &PostgresBus::announced, m_sequencer, &Sequencer::announce);
        connect(m_pgBus, &PostgresBus::tokensRevoked, m_auth, &AuthService::revokedElsewhere);
        connect(m_pgBus, &PostgresBus::roomChanged, m_hub, [hub = m_hub](const RoomChange &c) {
            switch (c.kind) {
            case RoomChange::Kind::Created:
                hub->roomCreated(c.room, c.isPrivate, c.userId, c.by);
                break;
            case RoomChange::Kind::Invited:
                hub->userInvited(c.room, c.user, c.by);
                break;
            case RoomChange::Kind::Archived:
            case RoomChange::Kind::Unarchived:
                hub->roomArchived(c.room, c.isPrivate, c.kind == RoomChange::Kind::Archived);
                break;
            }
        });
        // One send limit per user over all servers: each tells the others what it let through,
        // every second, and charges what they tell it.
        m_limiter->setReporting(true);
        auto *report = new QTimer(this);
        connect(report, &QTimer::timeout, this, [this] { m_pgBus->publishSends(m_limiter->takeReport()); });
        report->start(kSendReportMs);
        connect(m_pgBus, &PostgresBus::sentElsewhere, this, [this](qint64 user, int count) {
            m_limiter->charge(user, count);
            if (m_sendsCharged)
                *m_sendsCharged += quint64(count);
        });
        // Typing, read markers and presence reach the sessions of every server.
        using Ephemeral = BusPayload::Ephemeral;
        connect(m_hub, &Hub::typingTold, m_pgBus, [this](const QString &room, const QString &user, bool on) {
            m_pgBus->publishEphemeral({Ephemeral::Kind::Typing, room, 0, user, on, 0});
        });
        connect(m_hub, &Hub::readMarkerTold, m_pgBus, [this](qint64 userId, const QString &room, qint64 seq) {
            m_pgBus->publishEphemeral({Ephemeral::Kind::Read, room, userId, {}, false, seq});
        });
        connect(&m_hub->presence(), &PresenceTracker::localChanged, m_pgBus,
                [this](qint64 userId, const QString &name, bool online) {
                    m_pgBus->publishEphemeral({Ephemeral::Kind::Presence, {}, userId, name, online, 0});
                });
        connect(m_pgBus, &PostgresBus::ephemeralElsewhere, m_hub, [this](const QString &node, const Ephemeral &e) {
            switch (e.kind) {
            case Ephemeral::Kind::Typing:
                m_hub->typingElsewhere(e.room, e.user, e.on);
                break;
            case Ephemeral::Kind::Read:
                m_hub->readMarkerElsewhere(e.userId, e.room, e.seq);
                break;
            case Ephemeral::Kind::Presence:
                m_hub->presence().remoteChanged(node, e.userId, e.user, e.on);
                break;
            }
        });
        connect(m_pgBus, &PostgresBus::onlineElsewhere, m_hub,
                [this](const QString &node, const QList<std::pair<qint64, QString>> &online) {
                    m_hub->presence().remoteOnline(node, online);
                });
        auto *onlineReport = new QTimer(this);
        connect(onlineReport, &QTimer::timeout, this,
                [this] { m_pgBus->publishOnline(m_hub->presence().localOnline()); });
        onlineReport->start(PresenceTracker::kRefreshMs);
        connect(m_pgBus, &PostgresBus::listeningChanged, this, [this](bool listening) {
            // What was committed while nobody listened is read again: every room passed on
            // before, and every room with a subscriber here.
            if (listening)
                m_sequencer->resync(m_hub->rooms());
        });
    }
}

ChatServer::~ChatServer()
{
    // Sessions and sockets go before the services they use.
    delete m_http;
    m_http = nullptr;
    delete m_hub;
    m_hub = nullptr;
    delete m_api; // it counts into m_metrics, which goes before the children
    m_api = nullptr;
}

bool ChatServer::start(QString *error)
{
    if (!PasswordHasher::initialize()) {
        *error = u"libsodium failed to initialise"_s;
        return false;
    }
    // The port first: a server that cannot listen leaves no database behind.
    HttpLimits limits;
    limits.maxHeaderBytes = m_config.maxHttpHeaderBytes;
    limits.maxBodyBytes = m_config.maxHttpBodyBytes;
    limits.maxUploadBytes = m_config.maxFileBytes;
    limits.idleTimeoutMs = m_config.httpIdleTimeoutSecs * 1000;
    limits.requestTimeoutMs = m_config.httpRequestTimeoutSecs * 1000;
    // WebSocket upgrades to /ws go to a WebSocket server of our own, which answers the chat.v2
    // subprotocol (QtHttpServer 6.4's cannot be told any); every other request to QtHttpServer.
    for (int i = 0; i < kWebSocketShards; ++i) {
        auto *ws = new QWebSocketServer(u"chat-server"_s, QWebSocketServer::NonSecureMode, this);
        ws->setSupportedSubprotocols({QString::fromLatin1(Protocol::kSubprotocol)});
        ws->setMaxPendingConnections(4096);
        connect(ws, &QWebSocketServer::newConnection, this, [this, ws] { takeWebSockets(ws); });
        m_ws.append(ws);
    }
    m_tcp = new GuardedTcpServer(limits, [this, self = QPointer(this)](QTcpSocket *socket) {
        if (!self) {
            socket->deleteLater();
            return;
        }
        const Peer peer{socket->peerAddress(), socket->peerPort()};
        const auto failed = connect(socket, &QObject::destroyed, this, [this, peer] {
            if (const auto it = m_upgrading.constFind(peer); it != m_upgrading.cend() && it->socket.isNull())
                m_upgrading.erase(it); // the handshake failed: no QWebSocket came of it
        });
        m_upgrading.insert(peer, {socket, m_ws[m_nextShard], failed});
        m_ws[m_nextShard]->handleConnection(socket);
        m_nextShard = (m_nextShard + 1) % kWebSocketShards;
        Q_EMIT socket->readyRead(); // the request is already in the socket's buffer
    }, this);
    if (m_config.tlsEnabled()) {
        QSslConfiguration tls;
        if (!loadTls(m_config, &tls, error))
            return false;
        m_tcp->setTls(tls);
    }
    const int files = FileLimit::raiseToHard();
    const ConnectionCaps caps = ConnectionCaps::forFileLimit(files, m_config.maxConnections,
                                                             m_config.maxConnectionsPerAddress);
    m_tcp->setCaps(caps);
    qCInfo(lcServer).noquote() << "file limit" << files << "- up to" << caps.total << "connections"
                               << (caps.perAddress > 0 ? u", %1 per address"_s.arg(caps.perAddress) : QString());
    m_tcp->setListenBacklogSize(4096);
    m_tcp->setMaxPendingConnections(4096);
    QString activationError;
    if (const int inherited = SocketActivation::takeListener(&activationError); inherited >= 0) {
        // systemd's socket (chat-server.socket): its address wins over listen=, and it stays
        // open while this process restarts.
        if (!m_tcp->setSocketDescriptor(inherited)) {
            *error = u"cannot use the socket systemd passed: %1"_s.arg(m_tcp->errorString());
            return false;
        }
        qCInfo(lcServer).noquote() << "listening on the socket systemd passed";
    } else if (!activationError.isEmpty()) {
        *error = activationError;
        return false;
    } else if (!m_tcp->listen(m_config.listenAddress, m_config.port)) {
        *error = u"cannot listen on %1: %2"_s.arg(m_config.listenString(), m_tcp->errorString());
        return false;
    }
    // Connections wait in the backlog until the event loop runs, after the database is open.
    if (!openDatabase(error)) {
        m_tcp->close();
        return false;
    }

    if (m_pgBus)
        m_pgBus->start(); // listens from now on; ready once it does
    m_api->registerRoutes(*m_http);
    // A plain GET /ws gets 426. An upgrade the guard did not divert (one arriving after other
    // requests on a kept-alive connection) is still taken, without the subprotocol answered:
    // QtHttpServer 6.4 hands it over only when a route matches the path and its handler writes
    // nothing.
    m_http->route(u"/ws"_s, [](const QHttpServerRequest &request, QHttpServerResponder &&r) {
        if (request.value("Upgrade").compare("websocket", Qt::CaseInsensitive) == 0)
            return;
        HttpReply reply(std::move(r));
        reply.error(ErrorCode::UpgradeRequired);
    });
    connect(m_http, &QAbstractHttpServer::newWebSocketConnection, this,
            &ChatServer::onNewWebSocketConnections);
    m_http->bind(m_tcp);
    qCInfo(lcServer).noquote() << "listening on" << address().toString() << port()
                     << "database" << m_config.resolvedDatabase().displayName();
    return true;
}

bool ChatServer::openDatabase(QString *error)
{
    // Only the default location is created; an explicit --db must name an existing folder.
    if (m_config.dbPath.isEmpty()) {
        const QString folder = QFileInfo(m_config.resolvedDatabase().path).absolutePath();
        if (!QDir().mkpath(folder)) {
            *error = u"cannot create the data folder %1"_s.arg(folder);
            return false;
        }
    }
    // The reader second: it reads the schema and epoch the writer made.
    return m_store->open(error) && m_reader->open(error);
}

bool ChatServer::loadTls(const ServerConfig &config, QSslConfiguration *tls, QString *error)
{
    if (!QSslSocket::supportsSsl()) {
        *error = u"TLS is not available (no OpenSSL backend for QtNetwork)"_s;
        return false;
    }
    QFile certFile(config.tlsCertificate);
    QFile keyFile(config.tlsKey);
    for (QFile *file : {&certFile, &keyFile}) {
        if (QFileInfo(file->fileName()).isDir()) {
            *error = u"cannot read %1: it is a folder"_s.arg(file->fileName());
            return false;
        }
        if (!file->open(QIODevice::ReadOnly)) {
            *error = u"cannot read %1: %2"_s.arg(file->fileName(), file->errorString());
            return false;
        }
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull() || key.isNull()) {
        *error = u"%1 / %2: not a PEM certificate and an unencrypted RSA or EC key"_s.arg(
                config.tlsCertificate, config.tlsKey);
        return false;
    }
    *tls = QSslConfiguration::defaultConfiguration();
    tls->setLocalCertificateChain(chain);
    tls->setPrivateKey(key);
    tls->setPeerVerifyMode(QSslSocket::VerifyNone); // no client certificates
    tls->setProtocol(QSsl::TlsV1_2OrLater);
    qCInfo(lcServer).noquote() << "TLS on: certificate" << chain.first().subjectDisplayName() << "SHA-256"
                     << chain.first().digest(QCryptographicHash::Sha256).toHex(':');
    return true;
}

quint16 ChatServer::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

QHostAddress ChatServer::address() const
{
    return m_tcp ? m_tcp->serverAddress() : m_config.listenAddress;
}

void ChatServer::registerMetrics()
{
    Metrics &m = *m_metrics;
    m.gauge(u"connections"_s, u"open TCP connections (HTTP and WebSocket)"_s,
            [this] { return m_tcp ? m_tcp->openConnections() : 0; });
    m.gauge(u"websockets"_s, u"open WebSocket sessions"_s, [this] { return double(m_hub->sessionCount()); });
    m.gauge(u"subscriptions"_s, u"room subscriptions of the open WebSocket sessions"_s,
            [this] { return double(m_hub->subscriptionCount()); });
    m.counterOf(u"events_handed_out_total"_s, u"events handed to subscribed sessions"_s,
                [this] { return double(m_hub->eventsHandedOut()); });
    quint64 &stored = m.counter(u"events_stored_total"_s, u"events this server committed"_s);
    connect(m_store.get(), &StoreService::messagesCommitted, this,
            [&stored](const QList<ChatMessage> &events) { stored += quint64(events.size()); });
    Metrics::Histogram &batch = m.histogram(u"commit_batch_requests"_s,
                                            u"requests stored per group commit"_s, Metrics::sizeBounds());
    Metrics::Histogram &commit = m.histogram(u"commit_seconds"_s, u"time a group commit took"_s,
                                             Metrics::latencyBounds());
    connect(m_store.get(), &StoreService::groupWritten, this, [&batch, &commit](int requests, qint64 us) {
        batch.observe(requests);
        commit.observe(double(us) / 1e6);
    });
    if (m_pgBus) {
        m.gauge(u"bus_listening"_s, u"1 while this server hears the others of its database"_s,
                [this] { return m_pgBus->isListening() ? 1.0 : 0.0; });
        m_sendsCharged = &m.counter(u"sends_charged_total"_s,
                                    u"messages other servers let users send, charged to their send limit here"_s);
        m_pgBus->count(&m.counter(u"bus_notifications_total"_s,
                                  u"notifications heard from the other servers"_s),
                       &m.histogram(u"bus_lag_seconds"_s,
                                    u"from another server's commit to its events being heard here"_s,
                                    Metrics::latencyBounds()));
    }
}

void ChatServer::checkReady(QObject *context, ServerServices::ReadyCallback done)
{
    if (m_shuttingDown) {
        done(false, u"shutting down"_s);
        return;
    }
    if (m_pgBus && !m_pgBus->isListening()) {
        done(false, u"not listening to the other servers (bus down)"_s);
        return;
    }
    m_reader->run<bool>(
            context, [](ChatStore &s) { return s.ping(); },
            [done = std::move(done)](bool ok) {
                done(ok, ok ? QString() : u"the database does not answer"_s);
            });
}

void ChatServer::onNewWebSocketConnections()
{
    takeWebSockets(nullptr);
}

void ChatServer::takeWebSockets(QWebSocketServer *from)
{
    auto next = [this, from]() -> std::unique_ptr<QWebSocket> {
        if (from && from->hasPendingConnections())
            return std::unique_ptr<QWebSocket>(from->nextPendingConnection());
        if (m_http->hasPendingWebSocketConnections())
            return m_http->nextPendingWebSocketConnection();
        return nullptr;
    };
    while (std::unique_ptr<QWebSocket> socket = next()) {
        if (m_shuttingDown) {
            socket->close(QWebSocketProtocol::CloseCodeGoingAway, u"server shutting down"_s);
            socket.release()->deleteLater();
            continue;
        }
        const Upgrading upgraded = m_upgrading.take({socket->peerAddress(), socket->peerPort()});
        QObject::disconnect(upgraded.failed);
        // The session owns the TCP socket now. Its WebSocket server is done with it: that
        // would free it once disconnected, and look it up through sender() to do so.
        std::unique_ptr<QTcpSocket> transport(upgraded.socket.data());
        if (transport)
            QObject::disconnect(transport.get(), nullptr, upgraded.server, nullptr);
        auto *session = new WsSession(std::move(socket), std::move(transport), m_services, m_hub);
        session->start();
    }
}

void ChatServer::shutdown(std::function<void()> done)
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    qCInfo(lcServer) << "shutting down: closing the listener, committing pending messages";
    if (m_tcp)
        m_tcp->close();
    m_store->close([this, done] {
        qCInfo(lcServer) << "closing" << m_hub->sessionCount() << "WebSocket connections";
        m_hub->closeAll(QWebSocketProtocol::CloseCodeGoingAway, u"server shutting down"_s);
        // Usually every session closed within closeAll(), its close frame in the kernel: done
        // now, not after the deletions they posted (15 000 sessions: 0.2 s of a restart).
        if (m_hub->sessionCount() == 0) {
            qCInfo(lcServer) << "all WebSocket connections closed";
            done();
            return;
        }
        // Give close frames a moment to leave; do not wait for peers that never answer.
        auto *timer = new QTimer(this);
        auto finished = std::make_shared<bool>(false);
        auto finish = [timer, done, finished] {
            if (std::exchange(*finished, true))
                return;
            timer->stop();
            timer->deleteLater();
            done();
        };
        connect(timer, &QTimer::timeout, this, finish);
        connect(m_hub, &Hub::sessionCountChanged, timer, [finish](qsizetype n) {
            if (n == 0)
                finish();
        });
        timer->start(2000);
    });
}
