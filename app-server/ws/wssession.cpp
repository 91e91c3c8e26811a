// SPDX-License-Identifier: MIT
#include "wssession.h"

#include "auth/authservice.h"
#include "domain/roomservice.h"
#include "hub.h"
#include "logging.h"
#include "outputledger.h"
#include "ratelimiter.h"
#include "serverconfig.h"
#include "wireerror.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QPointer>
#include <QSslSocket>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace {
constexpr int kMaxEarlyFrames = 32;
} // namespace

WsSession::WsSession(std::unique_ptr<QWebSocket> socket, std::unique_ptr<QTcpSocket> transport,
                     const ServerServices &services, QObject *parent)
    : QObject(parent),
      m_transport(std::move(transport)),
      m_socket(std::move(socket)),
      m_services(services),
      m_errorBudget(2, 20)
{
    if (m_transport)
        m_writer.emplace(m_transport.get());
    forgetUnusedSignals();
    const auto limit = quint64(services.config->maxWsMessageBytes);
    m_socket->setMaxAllowedIncomingFrameSize(limit);
    m_socket->setMaxAllowedIncomingMessageSize(limit);
    m_lastSeenMs = QDeadlineTimer::current().deadline();

    connect(m_socket.get(), &QWebSocket::textMessageReceived, this, &WsSession::onTextMessage);
    connect(m_socket.get(), &QWebSocket::binaryMessageReceived, this, [this] {
        m_lastSeenMs = QDeadlineTimer::current().deadline();
        sendError(ErrorCode::InvalidFrame, u"binary frames are not supported"_s);
    });
    if (m_transport && !qobject_cast<QSslSocket *>(m_transport.get()))
        connect(m_transport.get(), &QAbstractSocket::bytesWritten, this, &WsSession::account);
    else
        connect(m_socket.get(), &QWebSocket::bytesWritten, this, &WsSession::account);
    connect(m_socket.get(), &QWebSocket::pong, this,
            [this] { m_lastSeenMs = QDeadlineTimer::current().deadline(); });
    connect(m_socket.get(), &QWebSocket::disconnected, this, [this] {
        if (m_user)
            qCInfo(lcWs).noquote() << "disconnected" << m_user->name << "from"
                                   << m_socket->peerAddress().toString();
        m_services.hub->removeSession(this);
        deleteLater();
    });
    m_services.hub->addSession(this);
}

void WsSession::forgetUnusedSignals()
{
    // QWebSocket re-emits these of its TCP socket and of its frame parser as its own. Nothing
    // here listens to them, and each forwarding is a connection (88 bytes) for the life of an
    // idle session. bytesWritten of a plain socket is taken from the socket itself (see the
    // constructor). The parser is QtWebSockets' private QWebSocketDataProcessor, a child of the
    // QWebSocket in 6.4; if a later Qt has none, nothing is cut.
    QWebSocket *ws = m_socket.get();
    const QObjectList children = ws->children();
    const auto parser = std::find_if(children.cbegin(), children.cend(), [](const QObject *child) {
        return qstrcmp(child->metaObject()->className(), "QWebSocketDataProcessor") == 0;
    });
    if (parser != children.cend()) {
        QObject::disconnect(*parser, SIGNAL(textFrameReceived(QString,bool)), ws, nullptr);
        QObject::disconnect(*parser, SIGNAL(binaryFrameReceived(QByteArray,bool)), ws, nullptr);
    }
    QTcpSocket *tcp = m_transport.get();
    if (!tcp)
        return;
    QObject::disconnect(tcp, &QAbstractSocket::errorOccurred, ws,
                        qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
    QObject::disconnect(tcp, &QAbstractSocket::readChannelFinished, ws, &QWebSocket::readChannelFinished);
    QObject::disconnect(tcp, &QAbstractSocket::proxyAuthenticationRequired, ws,
                        &QWebSocket::proxyAuthenticationRequired);
    if (!qobject_cast<QSslSocket *>(tcp))
        QObject::disconnect(tcp, &QAbstractSocket::bytesWritten, ws, &QWebSocket::bytesWritten);
}

WsSession::~WsSession()
{
    releaseAccount();
    m_socket->disconnect(this); // no signal may reach this half-destroyed session
    m_services.hub->removeSession(this);
    m_services.rooms->cancelCatchUps(this);
}

bool WsSession::asksForCurrentProtocol(const QNetworkRequest &upgrade)
{
    const QList<QByteArray> offered = upgrade.rawHeader("Sec-WebSocket-Protocol").split(',');
    return std::any_of(offered.cbegin(), offered.cend(), [](const QByteArray &p) {
        return p.trimmed() == Protocol::kSubprotocol;
    });
}

void WsSession::start()
{
    if (!asksForCurrentProtocol(m_socket->request())) {
        // A client of the retired contract v1: one clear answer, then the door.
        qCInfo(lcWs).noquote() << "refused connection from" << m_socket->peerAddress().toString()
                               << "without the" << Protocol::kSubprotocol << "subprotocol";
        sendError(ErrorCode::UpgradeRequired,
                  u"this server speaks contract v2 (WebSocket subprotocol %1); update the client"_s
                          .arg(QLatin1StringView(Protocol::kSubprotocol)));
        close(QWebSocketProtocol::CloseCodePolicyViolated, Errors::code(ErrorCode::UpgradeRequired));
        return;
    }
    const QString token = AuthService::bearerToken(
            m_socket->request().rawHeader(QByteArrayLiteral("Authorization")));
    m_tokenDigest = AuthService::digestOf(token);
    m_services.auth->authenticate(token, this,
                                  [this](const Lookup<AuthUser> &user) { onAuthenticated(user); });
}

void WsSession::onAuthenticated(const Lookup<AuthUser> &user)
{
    if (user.failed()) {
        // The database did not answer: not the client's fault, and its token may be good.
        // 1011 (internal error), so that it comes back later instead of signing out.
        qCWarning(lcWs).noquote() << "cannot check the token of a connection from"
                                  << m_socket->peerAddress().toString() << ": the database failed";
        m_early.clear();
        sendError(ErrorCode::Internal, u"the server cannot check sign-ins right now; try again shortly"_s,
                  {}, Strike::No);
        close(QWebSocketProtocol::CloseCodeBadOperation, Errors::code(ErrorCode::Internal));
        return;
    }
    if (!user) {
        qCInfo(lcWs).noquote() << "refused connection from" << m_socket->peerAddress().toString()
                     << "without a valid token";
        m_early.clear();
        sendError(ErrorCode::Unauthorized, u"a valid bearer token is required"_s);
        close(QWebSocketProtocol::CloseCodePolicyViolated, Errors::code(ErrorCode::Unauthorized));
        return;
    }
    m_user = *user;
    m_services.hub->sessionAuthenticated(this);
    m_userQueued = m_services.output->account(user->id);
    *m_userQueued += m_queued;
    qCInfo(lcWs).noquote() << "connection of" << user->name << "from"
                           << m_socket->peerAddress().toString();
    sendFrame(ServerFrame::hello(user->name, m_services.rooms->epoch(), m_services.config->maxBodyBytes));
    const QStringList early = std::exchange(m_early, {});
    for (const QString &text : early)
        onTextMessage(text);
}

void WsSession::expire()
{
    if (!m_closing)
        endSession(u"the session expired"_s);
}

void WsSession::tokenRevoked(const QByteArray &digest)
{
    if (m_user && !m_closing && digest == m_tokenDigest)
        endSession(u"signed out"_s);
}

void WsSession::endSession(const QString &why)
{
    qCInfo(lcWs).noquote() << "ending the connection of" << m_user->name << "from"
                           << m_socket->peerAddress().toString() << ":" << why;
    sendError(ErrorCode::Unauthorized, why + u"; sign in again"_s);
    close(QWebSocketProtocol::CloseCodePolicyViolated, Errors::code(ErrorCode::Unauthorized));
}

void WsSession::onTextMessage(const QString &text)
{
    if (m_closing)
        return;
    const qint64 now = QDeadlineTimer::current().deadline();
    m_lastSeenMs = now;
    if (!m_user) {
        if (m_early.size() >= kMaxEarlyFrames) {
            close(QWebSocketProtocol::CloseCodePolicyViolated, u"too many frames before hello"_s);
            return;
        }
        m_early.append(text);
        return;
    }
    if (!m_services.frames->allow(m_user->id)) {
        sendError(ErrorCode::RateLimited, u"too many frames"_s);
        return;
    }
    FrameError error;
    const auto frame = parseClientFrame(text.toUtf8(), m_services.config->maxBodyBytes, &error);
    if (!frame) {
        sendError(error.code, error.message, error.clientId);
        return;
    }
    handle(*frame);
}

void WsSession::handle(const ClientFrame &frame)
{
    switch (frame.type) {
    case ClientFrame::Type::Subscribe:
        subscribe(frame.room, frame.after);
        break;
    case ClientFrame::Type::Unsubscribe:
        unsubscribe(frame.room);
        break;
    case ClientFrame::Type::Send:
        send(frame);
        break;
    case ClientFrame::Type::Ping:
        sendFrame(ServerFrame{});
        break;
    case ClientFrame::Type::Read:
        markRead(frame.room, frame.seq);
        break;
    case ClientFrame::Type::Typing:
        typing(frame.room, frame.typing);
        break;
    }
}

void WsSession::subscribe(const QString &room, std::optional<qint64> after)
{
    // A repeated subscribe starts over from the new cursor.
    Subscription sub;
    sub.generation = ++m_nextGeneration;
    sub.lastSent = after.value_or(0);
    m_subs.insert(room, sub);
    m_services.hub->subscribe(room, this);
    fetchCatchUp(room, sub.generation, after.value_or(0), !after.has_value());
}

void WsSession::fetchCatchUp(const QString &room, quint64 generation, qint64 after, bool liveOnly)
{
    HistoryQuery query;
    query.room = room;
    query.after = after;
    query.limit = liveOnly ? 0 : kCatchUpPage;
    // Keyed by room: subscribing again before the read ran replaces it (one read, not one per
    // frame); the generation check below drops a result that was superseded while it ran.
    m_services.rooms->catchUp(*m_user, query, this, room,
                              [this, room, generation, liveOnly](const RoomService::Refusal &refusal,
                                                                 const HistoryResult &result) {
                                  onCatchUp(room, generation, refusal, result, liveOnly);
                              });
}

void WsSession::onCatchUp(const QString &room, quint64 generation,
                          const std::optional<WireError> &refusal, const HistoryResult &result,
                          bool liveOnly)
{
    const auto it = m_subs.find(room);
    if (it == m_subs.end() || it->generation != generation || m_closing)
        return; // unsubscribed or re-subscribed meanwhile
    if (refusal && it->refilling && refusal->code == ErrorCode::Internal) {
        // The store could not fill a jump (its database is away): keep the subscription and
        // the held events, and ask again; nothing after the jump goes out before the gap.
        const qint64 after = it->lastSent;
        QTimer::singleShot(kRefillRetryMs, this, [this, room, generation, after] {
            const auto again = m_subs.constFind(room);
            if (again != m_subs.cend() && again->generation == generation && again->refilling)
                fetchCatchUp(room, generation, after, false);
        });
        return;
    }
    if (refusal) {
        m_subs.erase(it);
        m_services.hub->unsubscribe(room, this);
        sendError(*refusal);
        return;
    }
    Subscription &sub = *it;
    // Live only: "subscribed" first, with the room's newest seq, and what came meanwhile after
    // it (docs/protocol.md); with a cursor it comes after the catch-up.
    const bool subscribedFirst = liveOnly && !sub.refilling;
    if (liveOnly) {
        sub.lastSent = result.lastSeq;
        if (subscribedFirst)
            sendFrame(ServerFrame::subscribed(room, sub.lastSent));
    } else {
        // A cursor from the future (another database) must not swallow live messages.
        sub.lastSent = std::min(sub.lastSent, result.lastSeq);
        for (const ChatMessage &m : result.messages) {
            if (m.seq <= sub.lastSent)
                continue;
            sendText(m_services.hub->eventFrame(m));
            sub.lastSent = m.seq;
        }
        if (result.hasMore) {
            flush(); // a page the peer does not read counts before the next one is read
            if (m_closing)
                return;
            fetchCatchUp(room, generation, sub.lastSent, false);
            return;
        }
    }
    for (const auto &[seq, frame] : std::exchange(sub.held, {})) {
        if (seq <= sub.lastSent)
            continue;
        sendText(frame);
        sub.lastSent = seq;
    }
    sub.catchingUp = false;
    if (!std::exchange(sub.refilling, false) && !subscribedFirst)
        sendFrame(ServerFrame::subscribed(room, sub.lastSent));
}

void WsSession::unsubscribe(const QString &room)
{
    if (!m_subs.remove(room)) {
        sendError(ErrorCode::NotSubscribed, u"not subscribed to room '%1'"_s.arg(room));
        return;
    }
    m_services.hub->unsubscribe(room, this);
}

void WsSession::deliver(const QString &room, qint64 seq, const TextFrame &frame)
{
    const auto it = m_subs.find(room);
    if (it == m_subs.end() || m_closing)
        return;
    if (it->catchingUp) {
        it->held.append({seq, frame});
        return;
    }
    if (seq <= it->lastSent)
        return;
    if (seq > it->lastSent + 1) {
        // A jump: events between were stored but not announced here (another server of the
        // same database wrote them). Catch up from the store first, holding this one.
        it->catchingUp = true;
        it->refilling = true;
        it->held.append({seq, frame});
        fetchCatchUp(room, it->generation, it->lastSent, false);
        return;
    }
    it->lastSent = seq;
    sendText(frame);
}

void WsSession::flush()
{
    m_flushOwed = false;
    if (m_closing)
        return;
    if (m_writer)
        m_writer->writeOut();
    else
        m_socket->flush();
    account();
    checkCaps();
}

void WsSession::send(const ClientFrame &frame)
{
    const QString clientId = frame.event.clientId;
    m_services.rooms->post(*m_user, frame.room, frame.event, this,
                           [this, clientId](const RoomService::Refusal &refusal,
                                            const AppendResult &result) {
        if (m_closing)
            return;
        if (!refusal) {
            sendFrame(ServerFrame::ack(result.message));
            return;
        }
        // Sending too fast is met in good faith by a client flushing its outbox, and a store
        // error is the server's trouble (its database went away): neither counts against the
        // connection, or an outage would cut everyone who was sending.
        const bool clientsFault = refusal->code != ErrorCode::RateLimited
                && refusal->code != ErrorCode::Internal;
        sendError(*refusal, clientId, clientsFault ? Strike::Yes : Strike::No);
    });
}

void WsSession::push(const TextFrame &frame)
{
    if (!m_user || m_closing)
        return;
    sendText(frame);
}

void WsSession::markRead(const QString &room, qint64 seq)
{
    // Nothing to answer: the user's other sessions hear of the new marker.
    m_services.rooms->markRead(*m_user, room, seq, this, this,
                               [this](const RoomService::Refusal &refusal, qint64) {
                                   if (refusal && !m_closing)
                                       sendError(*refusal, {}, refusal->code == ErrorCode::Internal
                                                                       ? Strike::No
                                                                       : Strike::Yes);
                               });
}

void WsSession::typing(const QString &room, bool typing)
{
    // Only to a room this session follows: subscribing checked the membership, and leaving
    // ends the subscription.
    if (!m_subs.contains(room)) {
        sendError(ErrorCode::NotSubscribed, u"subscribe to room '%1' before typing in it"_s.arg(room));
        return;
    }
    m_services.hub->typing(room, *m_user, typing);
}

void WsSession::leftRoom(const QString &room)
{
    m_subs.remove(room); // a catch-up that answers later finds no subscription and is dropped
}

void WsSession::sendFrame(const ServerFrame &frame)
{
    sendText(TextFrame(frame.toJson()));
}

qint64 WsSession::unwritten() const
{
    return m_writer ? m_writer->unwritten() : m_socket->bytesToWrite();
}

void WsSession::sendText(const TextFrame &frame)
{
    if (m_closing)
        return;
    // The caps are checked at each flush, on what the kernel would not take (checkCaps). This is
    // the backstop for a peer that gets no flushes (only answers to its own frames) and for a
    // pass that writes without end: twice the cap, counting what this pass wrote and did not
    // flush yet (a busy pass can hold several commit groups for a peer that reads them at once).
    // What is unwritten is counted here, not asked of the socket for every frame.
    if (m_queued + m_writtenSinceAccount > 2 * m_services.output->caps().perConnection) {
        dropForNotReading("max_queued_bytes_per_connection");
        return;
    }
    m_writtenSinceAccount += frame.bytes().size();
    if (m_writer)
        m_writer->queue(frame.bytes());
    else
        m_socket->sendTextMessage(QString::fromUtf8(frame.payload()));
    // Written out once the event loop has handled this pass: one write for all that the pass
    // queued here (a broadcast, a catch-up page, answers to a burst of frames).
    if (!std::exchange(m_flushOwed, true))
        m_services.hub->flushAfterThisPass(this);
}

void WsSession::account()
{
    if (m_closing)
        return; // released already
    const qint64 now = unwritten();
    m_writtenSinceAccount = 0;
    const qint64 delta = now - std::exchange(m_queued, now);
    if (delta == 0)
        return;
    m_services.output->change(delta);
    if (m_userQueued)
        *m_userQueued += delta;
}

void WsSession::releaseAccount()
{
    m_services.output->change(-m_queued);
    if (m_userQueued)
        *m_userQueued -= m_queued;
    m_queued = 0;
}

void WsSession::checkCaps()
{
    // A peer that does not read is dropped rather than buffered for without bound; it resumes
    // with `after` when it reconnects, so nothing is lost. A user's connections together, and
    // everyone's, are capped too: past those, the slowest one goes. Only what the kernel would
    // not take at a flush counts (m_queued): in the middle of a broadcast pass a connection
    // holds a lot that its peer will read at once.
    const OutputLedger::Caps &caps = m_services.output->caps();
    if (m_queued > caps.perConnection)
        dropForNotReading("max_queued_bytes_per_connection");
    else if (m_userQueued && *m_userQueued > caps.perUser)
        m_services.hub->dropSlowest(m_user->id, "max_queued_bytes_per_user");
    else if (m_services.output->total() > caps.total)
        m_services.hub->dropSlowest(0, "max_queued_bytes");
}

void WsSession::dropForNotReading(const char *cap)
{
    if (m_closing)
        return;
    qCInfo(lcWs).noquote() << "dropping slow connection of" << (m_user ? m_user->name : QString())
                           << "from" << m_socket->peerAddress().toString() << "with"
                           << unwritten() << u"bytes unread (%1)"_s.arg(QLatin1StringView(cap));
    // Off the books at once, so that the same pass does not drop another for these bytes.
    releaseAccount();
    m_closing = true;
    m_subs.clear();
    m_services.rooms->cancelCatchUps(this);
    // Not from inside a broadcast that may be iterating the Hub's sessions.
    QPointer<QWebSocket> socket = m_socket.get();
    QMetaObject::invokeMethod(this, [socket] {
        if (socket)
            socket->abort();
    }, Qt::QueuedConnection);
}

void WsSession::sendError(const WireError &error, const QString &clientId, Strike strike)
{
    sendError(error.code, error.message, clientId, strike);
}

void WsSession::sendError(ErrorCode code, const QString &message, const QString &clientId,
                          Strike strike)
{
    if (m_closing)
        return;
    sendFrame(ServerFrame::error(code, message, clientId));
    if (strike == Strike::Yes && !m_errorBudget.tryTake(QDeadlineTimer::current().deadline()))
        closeLater(QWebSocketProtocol::CloseCodePolicyViolated, u"too many bad frames"_s);
}

void WsSession::keepAlive(qint64 nowMs, qint64 intervalMs)
{
    const qint64 silent = nowMs - m_lastSeenMs;
    if (silent > 2 * intervalMs) {
        qCInfo(lcWs).noquote() << "dropping unresponsive connection of"
                     << (m_user ? m_user->name : QString());
        m_closing = true;
        m_socket->abort();
    } else if (silent >= intervalMs) {
        m_socket->ping();
    }
}

void WsSession::close(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (m_closing)
        return;
    m_closing = true;
    m_subs.clear();
    m_services.rooms->cancelCatchUps(this);
    if (m_writer)
        m_writer->writeOut(); // what was sent before the close frame goes before it
    m_socket->close(code, reason);
    // A peer that never answers the close handshake is cut off.
    QPointer<QWebSocket> socket = m_socket.get();
    QTimer::singleShot(5000, this, [socket] {
        if (socket)
            socket->abort();
    });
}

void WsSession::closeLater(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    QMetaObject::invokeMethod(this, [this, code, reason] { close(code, reason); },
                              Qt::QueuedConnection);
}
