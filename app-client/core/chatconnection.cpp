// SPDX-License-Identifier: MIT
#include "chatconnection.h"

#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QWebSocketHandshakeOptions>

Q_LOGGING_CATEGORY(lcConnection, "chat.client.connection", QtInfoMsg)

using namespace Qt::StringLiterals;

ChatConnection::ChatConnection(QObject *parent) : QObject(parent)
{
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &ChatConnection::connectNow);
    connect(&m_livenessTimer, &QTimer::timeout, this, &ChatConnection::onLivenessTick);
}

void ChatConnection::open()
{
    m_wanted = true;
    m_refused = false;
    m_attempt = 0;
    if (m_state == State::Disconnected || m_state == State::Reconnecting)
        connectNow();
}

void ChatConnection::close()
{
    m_wanted = false;
    m_reconnectTimer.stop();
    m_livenessTimer.stop();
    if (m_socket) {
        QWebSocket *socket = std::exchange(m_socket, nullptr);
        socket->disconnect(this);
        socket->close(QWebSocketProtocol::CloseCodeNormal);
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(2000, socket, &QObject::deleteLater);
    }
    m_authenticated = false;
    setState(State::Disconnected);
}

void ChatConnection::dropSocket()
{
    if (!m_socket)
        return;
    QWebSocket *socket = std::exchange(m_socket, nullptr);
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

void ChatConnection::reconnectNow()
{
    if (!m_wanted || m_state == State::Connected || m_state == State::Connecting)
        return;
    m_reconnectTimer.stop();
    connectNow();
}

int ChatConnection::msecsUntilReconnect() const
{
    return m_reconnectTimer.isActive() ? m_reconnectTimer.remainingTime() : 0;
}

void ChatConnection::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void ChatConnection::connectNow()
{
    if (!m_wanted)
        return;
    dropSocket();
    m_authenticated = false;
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(m_socket, &QWebSocket::connected, this, &ChatConnection::onConnected);
    // Unconnected covers every end: refused, reset, closed by either side.
    connect(m_socket, &QWebSocket::stateChanged, this, [this](QAbstractSocket::SocketState s) {
        if (s == QAbstractSocket::UnconnectedState && sender() == m_socket)
            linkLost();
    });
    connect(m_socket, &QWebSocket::textMessageReceived, this, &ChatConnection::onTextMessage);
    connect(m_socket, &QWebSocket::sslErrors, this, [this, socket = m_socket](const QList<QSslError> &errors) {
        const QSslCertificate certificate = socket->sslConfiguration().peerCertificate();
        const QString server = u"%1:%2"_s.arg(m_url.host()).arg(m_url.port(443));
        if (m_trust && m_trust->isTrusted(server, certificate)) {
            socket->ignoreSslErrors(errors);
            return;
        }
        emit certificateRejected({server, certificate, CertificateTrust::describe(errors, certificate)});
    });
    QNetworkRequest request(m_url);
    request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    setState(State::Connecting);
    qCDebug(lcConnection) << "connecting to" << m_url << "attempt" << m_attempt;
    QWebSocketHandshakeOptions options;
    options.setSubprotocols({QString::fromLatin1(Protocol::kSubprotocol)});
    m_socket->open(request, options);
    // A connect that hangs counts as a failure too.
    m_livenessTimer.start(m_tuning.pingIntervalMs + m_tuning.pongTimeoutMs);
    m_sinceLastFrame.start();
    m_pingOutstanding = true;
}

void ChatConnection::onConnected()
{
    m_connectedFor.start();
    m_sinceLastFrame.start();
    m_pingOutstanding = false;
    m_livenessTimer.start(std::max(100, m_tuning.pongTimeoutMs / 4));
    // State stays Connecting until hello: the token is not yet accepted.
}

void ChatConnection::linkLost()
{
    if (m_socket && m_socket->closeCode() == QWebSocketProtocol::CloseCodeGoingAway)
        m_serverRestarting.start(); // a planned restart: it is back within seconds (Backoff)
    dropSocket();
    m_livenessTimer.stop();
    const bool wasAuthenticated = m_authenticated;
    m_authenticated = false;
    if (m_refused || !m_wanted) {
        setState(State::Disconnected);
        return;
    }
    if (wasAuthenticated && m_connectedFor.isValid()
        && m_connectedFor.elapsed() >= m_tuning.stableAfterMs)
        m_attempt = 0;
    scheduleReconnect();
}

void ChatConnection::scheduleReconnect()
{
    const bool restarting = m_serverRestarting.isValid()
            && m_serverRestarting.elapsed() < m_tuning.backoff.restartWindowMs;
    const int delay = m_tuning.backoff.delayMs(m_attempt, restarting);
    ++m_attempt;
    qCInfo(lcConnection) << "link lost; reconnecting in" << delay << "ms";
    m_reconnectTimer.start(delay);
    setState(State::Reconnecting);
    emit reconnectScheduled(delay);
}

void ChatConnection::onLivenessTick()
{
    if (!m_socket)
        return;
    const qint64 silent = m_sinceLastFrame.elapsed();
    if (m_pingOutstanding && silent >= m_tuning.pongTimeoutMs) {
        qCInfo(lcConnection) << "no answer for" << silent << "ms; dropping the link";
        linkLost();
        return;
    }
    if (!m_pingOutstanding && m_authenticated && silent >= m_tuning.pingIntervalMs) {
        sendFrame(ClientFrame::ping());
        m_pingOutstanding = true;
        m_sinceLastFrame.start();
    }
}

void ChatConnection::onTextMessage(const QString &text)
{
    m_sinceLastFrame.start();
    m_pingOutstanding = false;
    QString why;
    const auto frame = ServerFrame::parse(text.toUtf8(), &why);
    if (!frame) {
        qCWarning(lcConnection) << "ignoring a frame the client does not understand:" << why;
        return;
    }
    switch (frame->type) {
    case ServerFrame::Type::Hello: {
        m_authenticated = true;
        m_serverRestarting.invalidate();
        m_user = frame->user;
        const QString old = m_epoch;
        m_epoch = frame->epoch;
        if (frame->maxBodyBytes > 0 && frame->maxBodyBytes != m_maxBodyBytes) {
            m_maxBodyBytes = frame->maxBodyBytes;
            emit limitsReceived(m_maxBodyBytes);
        }
        if (!old.isEmpty() && old != m_epoch)
            emit epochChanged(old, m_epoch); // cursors are void: the provider forgets them now
        for (const QString &room : std::as_const(m_rooms))
            subscribeNow(room);
        setState(State::Connected);
        emit ready();
        break;
    }
    case ServerFrame::Type::Event:
        if (frame->event.kind == EventKind::Unknown) {
            qCDebug(lcConnection) << "skipping an event of a kind this client does not know";
            break;
        }
        emit eventReceived(frame->event);
        break;
    case ServerFrame::Type::Ack:
        emit ackReceived(frame->clientId, frame->room, frame->seq, frame->id);
        break;
    case ServerFrame::Type::Subscribed:
        emit subscribed(frame->room, frame->lastSeq);
        break;
    case ServerFrame::Type::Error:
        if (frame->code == ErrorCode::Unauthorized) {
            m_refused = true;
            emit unauthorized();
        } else if (frame->code == ErrorCode::UpgradeRequired) {
            m_refused = true; // another contract version: reconnecting will not help
        }
        emit errorReceived(frame->code, frame->text, frame->clientId);
        break;
    case ServerFrame::Type::Room:
        emit roomChanged(frame->room, frame->change, frame->user);
        break;
    case ServerFrame::Type::Read:
        emit readMarkerReceived(frame->room, frame->seq);
        break;
    case ServerFrame::Type::Typing:
        emit typingReceived(frame->room, frame->user, frame->typing);
        break;
    case ServerFrame::Type::Presence:
        emit presenceReceived(frame->user, frame->online, frame->lastSeen);
        break;
    case ServerFrame::Type::Pong:
        break;
    }
}

void ChatConnection::subscribe(const QString &room)
{
    if (m_rooms.contains(room))
        return;
    m_rooms.append(room);
    if (m_authenticated)
        subscribeNow(room);
}

void ChatConnection::unsubscribe(const QString &room)
{
    if (!m_rooms.removeOne(room) || !m_authenticated)
        return;
    sendFrame(ClientFrame::unsubscribe(room));
}

void ChatConnection::subscribeNow(const QString &room)
{
    sendFrame(ClientFrame::subscribe(room, m_cursor ? m_cursor(room) : std::nullopt));
}

bool ChatConnection::sendEvent(const QString &room, const EventSubmission &event)
{
    if (!m_authenticated)
        return false;
    sendFrame(ClientFrame::send(room, event));
    return true;
}

void ChatConnection::sendRead(const QString &room, qint64 seq)
{
    if (m_authenticated)
        sendFrame(ClientFrame::read(room, seq));
}

void ChatConnection::sendTyping(const QString &room, bool typing)
{
    if (m_authenticated)
        sendFrame(ClientFrame::typingIn(room, typing));
}

void ChatConnection::sendFrame(const ClientFrame &frame)
{
    if (m_socket)
        m_socket->sendTextMessage(QString::fromUtf8(frame.toJson()));
}
