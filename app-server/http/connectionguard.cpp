// SPDX-License-Identifier: MIT
#include "connectionguard.h"

#include "logging.h"
#include "requestparsing.h"
#include "socketbuffers.h"

#include "apitypes.h"

#include <QJsonDocument>
#include <QPointer>
#include <QSslSocket>
#include <QTcpSocket>

#include <sys/socket.h>
#include <unistd.h>

ConnectionGuard::ConnectionGuard(QTcpSocket *socket, const HttpLimits &limits, Handler toHttp,
                                 Handler toWebSocket)
    : QObject(socket),
      m_socket(socket),
      m_limits(limits),
      m_toHttp(std::move(toHttp)),
      m_toWebSocket(std::move(toWebSocket))
{
    m_bodyLimit = m_limits.maxBodyBytes;
    // Connected before QtHttpServer's own slot, so this runs first on every read.
    m_readConnection = connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::onReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, &ConnectionGuard::onBytesWritten);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ConnectionGuard::onTimeout);
    m_timer.start(m_limits.idleTimeoutMs);
}

void ConnectionGuard::onReadyRead()
{
    if (m_replaying)
        return; // the bytes of the first request, counted already, now for QtHttpServer
    // What arrived since the last read: once QtHttpServer has the socket, the bytes it has not
    // consumed; before, everything unread past what this guard looked at already.
    QByteArray fresh = m_socket->peek(m_socket->bytesAvailable());
    if (m_toHttp) {
        fresh.remove(0, m_peeked);
        m_peeked += fresh.size();
    }
    if (fresh.isEmpty())
        return;
    if (!m_inRequest) {
        m_inRequest = true;
        m_timer.start(m_limits.requestTimeoutMs);
    }
    if (!m_headersDone) {
        m_headers += fresh;
        const qsizetype end = m_headers.indexOf("\r\n\r\n");
        if (end < 0) {
            if (m_headers.size() > m_limits.maxHeaderBytes)
                reject(ErrorCode::HeadersTooLarge, "Request Header Fields Too Large");
            return;
        }
        if (end + 4 > m_limits.maxHeaderBytes) {
            reject(ErrorCode::HeadersTooLarge, "Request Header Fields Too Large");
            return;
        }
        const RequestParsing::RequestHead head = RequestParsing::readHead(m_headers.left(end), "/ws");
        if (head.problem) {
            reject(head.problem->code, head.problem->reason, head.problem->message);
            return;
        }
        if (m_toWebSocket && head.webSocketUpgrade) {
            handToWebSocket();
            return;
        }
        m_headersDone = true;
        m_bodyBytes = m_headers.size() - (end + 4);
        m_expectedBody = head.bodyLength;
        m_headers.clear();
        m_upload = head.fileUpload;
        m_bodyLimit = m_upload ? m_limits.maxUploadBytes : m_limits.maxBodyBytes;
        if (m_expectedBody > m_bodyLimit) {
            reject(ErrorCode::PayloadTooLarge, "Payload Too Large");
            return;
        }
        if (m_toHttp)
            handToHttp();
    } else {
        m_bodyBytes += fresh.size();
        // A file may take longer than a request to arrive: the deadline is then for progress.
        if (m_upload)
            m_timer.start(m_limits.requestTimeoutMs);
    }
    if (m_bodyBytes > m_bodyLimit) {
        reject(ErrorCode::PayloadTooLarge, "Payload Too Large");
        return;
    }
    if (m_expectedBody >= 0 && m_bodyBytes >= m_expectedBody)
        m_timer.stop(); // the request is here; answering it may take as long as it takes
}

void ConnectionGuard::onBytesWritten()
{
    if (m_rejected) {
        finishRejection();
        return;
    }
    // A response went out: the next bytes start a new request.
    m_inRequest = false;
    m_headersDone = false;
    m_headers.clear();
    m_bodyBytes = 0;
    m_expectedBody = -1;
    m_upload = false;
    m_bodyLimit = m_limits.maxBodyBytes;
    m_timer.start(m_limits.idleTimeoutMs);
}

void ConnectionGuard::onTimeout()
{
    if (m_rejected) {
        m_socket->abort(); // the client never went away by itself
        return;
    }
    if (!attached()) {
        deleteLater(); // the socket is a WebSocket now
        return;
    }
    if (m_inRequest) {
        reject(ErrorCode::RequestTimeout, "Request Timeout");
    } else {
        qCDebug(lcHttp) << "closing idle connection from" << m_socket->peerAddress().toString();
        m_socket->disconnectFromHost();
    }
}

void ConnectionGuard::refuseBusy(const QString &why)
{
    m_toHttp = {};
    m_toWebSocket = {};
    reject(ErrorCode::Busy, "Service Unavailable", why, "Retry-After: 5\r\n");
}

void ConnectionGuard::reject(ErrorCode code, const char *reason, const QString &message,
                             const QByteArray &extraHeaders)
{
    const int status = Errors::httpStatus(code);
    if (code == ErrorCode::Busy) // connections over a cap come in floods: GuardedTcpServer tells
        qCDebug(lcHttp).noquote() << "refusing connection from" << m_socket->peerAddress().toString();
    else
        qCInfo(lcHttp).noquote() << "rejecting request from" << m_socket->peerAddress().toString()
                                 << status << reason;
    const QByteArray body = QJsonDocument(
            ApiError{code, message.isEmpty() ? Errors::defaultMessage(code) : message}.toJson())
                                    .toJson(QJsonDocument::Compact);
    const QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\nConnection: close\r\n" + extraHeaders
            + "\r\n" + body;
    // QtHttpServer must not parse anything more from this connection.
    disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
    m_rejected = true;
    // Lingering close: closing with unread input makes the kernel send RST, and the client may
    // then never read the answer. So half-close once the answer is out and discard what the
    // client still sends, for a short while.
    connect(m_socket, &QTcpSocket::readyRead, this, [this] { m_socket->readAll(); });
    connect(m_socket, &QTcpSocket::disconnected, m_socket, &QObject::deleteLater);
    m_socket->write(response);
    m_timer.start(2000);
}

void ConnectionGuard::handToWebSocket()
{
    // QtHttpServer never had this socket; the WebSocket server reads the request from the start.
    m_timer.stop();
    QTcpSocket *socket = m_socket;
    disconnect(socket, nullptr, this, nullptr);
    disconnect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    socket->setParent(nullptr); // the WebSocket server frees it, or the session made of it
    // A WebSocket idles for hours: its buffers free their chunks once drained. (Not HTTP: there
    // the kept chunk gathers a response's several writes into one send().)
    shrinkSocketBuffers(socket);
    const Handler toWebSocket = std::move(m_toWebSocket);
    deleteLater();
    toWebSocket(socket);
}

void ConnectionGuard::handToHttp()
{
    m_toWebSocket = {};
    // QtHttpServer frees the socket itself once it went away, but not while it still answers.
    disconnect(m_socket, &QAbstractSocket::disconnected, m_socket, &QObject::deleteLater);
    std::exchange(m_toHttp, {})(m_socket);
    // Its bytes arrived before QtHttpServer listened: tell it again (this guard skips the echo).
    m_replaying = true;
    emit m_socket->readyRead();
    m_replaying = false;
}

void ConnectionGuard::finishRejection()
{
    if (m_socket->bytesToWrite() == 0)
        ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
}

// Counts one open connection from its socket's creation to its destruction, whoever owns the
// socket by then (QtHttpServer, a QWebSocket): it is the socket's child.
class ConnectionTicket : public QObject
{
public:
    ConnectionTicket(QTcpSocket *socket, GuardedTcpServer *server, const QHostAddress &peer)
        : QObject(socket), m_server(server), m_peer(peer)
    {
        ++server->m_open;
        ++server->m_perAddress[peer];
    }
    ~ConnectionTicket() override
    {
        if (m_server) // else the server went first, with its counts
            m_server->released(m_peer);
    }

private:
    QPointer<GuardedTcpServer> m_server;
    QHostAddress m_peer;
};

ConnectionCaps ConnectionCaps::forFileLimit(int fileLimit, int maxConnections, int maxPerAddress)
{
    ConnectionCaps caps;
    caps.ceiling = std::max(16, fileLimit - kReservedFiles);
    const int allowed = std::max(8, caps.ceiling - kRefusalRoom);
    caps.total = maxConnections > 0 ? std::min(maxConnections, allowed) : allowed;
    caps.perAddress = maxPerAddress;
    return caps;
}

GuardedTcpServer::GuardedTcpServer(const HttpLimits &limits, ConnectionGuard::Handler toWebSocket,
                                   QObject *parent)
    : QTcpServer(parent), m_limits(limits), m_toWebSocket(std::move(toWebSocket))
{
    connect(this, &QTcpServer::acceptError, this, &GuardedTcpServer::onAcceptError);
    m_acceptRetry.setSingleShot(true);
    m_acceptRetry.setInterval(kAcceptRetryMs);
    connect(&m_acceptRetry, &QTimer::timeout, this, [this] {
        if (!m_atCeiling)
            resumeAccepting();
    });
}

void GuardedTcpServer::onAcceptError(QAbstractSocket::SocketError error)
{
    // QTcpServer has paused itself, for good: look again in a moment. Logged once per spell.
    if (!std::exchange(m_acceptFailing, true))
        qCWarning(lcHttp).noquote() << "cannot accept connections:" << errorString() << "(" << error
                                    << "); retrying every" << kAcceptRetryMs << "ms";
    pauseAccepting();
    m_acceptRetry.start();
}

void GuardedTcpServer::released(const QHostAddress &peer)
{
    --m_open;
    if (const auto it = m_perAddress.find(peer); it != m_perAddress.end() && --*it <= 0)
        m_perAddress.erase(it);
    if (m_atCeiling && m_open < m_caps.ceiling) {
        m_atCeiling = false;
        qCDebug(lcHttp) << "accepting connections again," << m_open << "open";
        resumeAccepting();
    }
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    if (std::exchange(m_acceptFailing, false))
        qCInfo(lcHttp) << "accepting connections again";
    if (m_caps.ceiling > 0 && m_open >= m_caps.ceiling) {
        // pauseAccepting() stops the next poll, not the accept loop QTcpServer is in: what that
        // loop still takes is closed at once, so the process never holds more than its ceiling.
        ::close(int(descriptor));
        return;
    }
    QTcpSocket *socket = nullptr;
    if (m_useTls) {
        auto *ssl = new QSslSocket(this);
        ssl->setSslConfiguration(m_tls);
        socket = ssl;
    } else {
        socket = new QTcpSocket(this);
    }
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    useSmallReadChunks(socket);
    // Until QtHttpServer or the WebSocket server takes it, a socket that goes away is ours to free.
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    if (auto *ssl = qobject_cast<QSslSocket *>(socket)) {
        // A client that does not speak TLS (or fails the handshake) is dropped.
        connect(ssl, &QSslSocket::errorOccurred, ssl, [ssl](QAbstractSocket::SocketError e) {
            if (e == QAbstractSocket::SslHandshakeFailedError || e == QAbstractSocket::SslInternalError)
                ssl->abort();
        });
        ssl->startServerEncryption();
    }
    const QHostAddress peer = socket->peerAddress();
    const int fromPeer = m_perAddress.value(peer);
    new ConnectionTicket(socket, this, peer);
    if (m_caps.ceiling > 0 && m_open >= m_caps.ceiling && !m_atCeiling) {
        m_atCeiling = true;
        if (shouldWarn(m_warnedCeiling))
            qCWarning(lcHttp) << m_open << "connections open: not accepting more until one closes";
        pauseAccepting();
    }
    // QTcpServer::addPendingConnection() announces a socket (pendingConnectionAvailable, Qt 6.4)
    // whenever it is called: QtHttpServer takes it then, once its first request head is here.
    auto *guard = new ConnectionGuard(socket, m_limits,
                                      [this](QTcpSocket *s) { addPendingConnection(s); },
                                      m_toWebSocket);
    if (m_caps.total > 0 && m_open > m_caps.total) {
        if (shouldWarn(m_warnedTotal))
            qCWarning(lcHttp) << "refusing connections with 503:" << m_open - 1 << "open, the cap is"
                              << m_caps.total;
        guard->refuseBusy(QStringLiteral("the server has too many connections; try again in a moment"));
    } else if (m_caps.perAddress > 0 && fromPeer >= m_caps.perAddress) {
        if (shouldWarn(m_warnedPerAddress))
            qCWarning(lcHttp).noquote() << "refusing connections from" << peer.toString()
                                        << "with 503:" << fromPeer << "open, the cap is" << m_caps.perAddress;
        guard->refuseBusy(QStringLiteral("too many connections from your address; close some and try again"));
    }
}

bool GuardedTcpServer::shouldWarn(QElapsedTimer &last)
{
    if (last.isValid() && last.elapsed() < kWarnEveryMs)
        return false;
    last.start();
    return true;
}
