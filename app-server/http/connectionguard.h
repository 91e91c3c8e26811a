// SPDX-License-Identifier: MIT
#pragma once

#include "errorcode.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTimer>

#include <functional>

class QTcpSocket;

struct HttpLimits
{
    qint64 maxHeaderBytes = 16 * 1024;
    qint64 maxBodyBytes = 64 * 1024;
    qint64 maxUploadBytes = 25 << 20; // a file upload's body (POST /api/v2/rooms/{room}/files)
    int idleTimeoutMs = 60'000;    // keep-alive connection with no request in flight
    int requestTimeoutMs = 15'000; // from a request's first byte to its last
};

// QtHttpServer 6.4 reads headers without bound, buffers whole bodies and never times out a
// connection. The guard watches each socket before QtHttpServer sees its bytes and answers
// 431 / 413 / 408 and closes when a request is too big (a declared Content-Length over the limit is
// refused before the body is sent) or arrives too slowly, and closes idle keep-alive connections.
// It stands down once the socket is a WebSocket: at once when it hands an upgrade over itself, and
// when QtHttpServer upgrades a kept-alive connection (which disconnects every signal of the
// socket, the guard's included).
class ConnectionGuard : public QObject
{
    Q_OBJECT
public:
    // Takes a socket whose next bytes are a request, whole and unread.
    using Handler = std::function<void(QTcpSocket *)>;

    // The socket is given to no one until its first request head is whole: a WebSocket upgrade
    // to /ws then goes to toWebSocket (QtHttpServer 6.4's own WebSocket server cannot negotiate a
    // subprotocol), anything else to toHttp (QtHttpServer), which never sees those upgrades.
    ConnectionGuard(QTcpSocket *socket, const HttpLimits &limits, Handler toHttp,
                    Handler toWebSocket);

    // Answers 503 busy at once (a connection over a cap) and closes; nobody else gets the socket.
    void refuseBusy(const QString &why);

private:
    void onReadyRead();
    void onBytesWritten();
    void onTimeout();
    bool attached() const { return bool(m_readConnection); }
    void finishRejection();
    // Answers with the code's status and closes; message defaults to the code's own.
    void reject(ErrorCode code, const char *reason, const QString &message = {},
                const QByteArray &extraHeaders = {});
    void handToWebSocket();
    void handToHttp();

    QTcpSocket *m_socket;
    HttpLimits m_limits;
    Handler m_toHttp;      // until the first request is handed over
    Handler m_toWebSocket; // likewise
    bool m_replaying = false; // readyRead emitted again for QtHttpServer's first read
    qint64 m_peeked = 0;      // bytes looked at before the hand-over (nobody reads them)
    QTimer m_timer;
    QMetaObject::Connection m_readConnection;
    bool m_inRequest = false;
    bool m_rejected = false;
    bool m_headersDone = false;
    QByteArray m_headers; // the current request's head, until its blank line (bounded)
    qint64 m_bodyBytes = 0;
    qint64 m_expectedBody = -1; // Content-Length; -1 = not known yet, or chunked
    bool m_upload = false;      // the request in flight is a file upload
    qint64 m_bodyLimit = 0;     // for the request in flight
};

// How many connections a server keeps open. Over `total` or `perAddress` (0 = no such cap) a new
// connection is answered 503 busy and closed; at `ceiling` the server stops accepting (the
// connections wait in the kernel's backlog) until one closes, so it never runs out of file
// descriptors: out of them, accept() fails at once on every poll, and Qt 6.4 retries it at once.
struct ConnectionCaps
{
    int total = 0;
    int perAddress = 0;
    int ceiling = 0; // above total: room to say 503; 0 = none
    // From the configured caps and this process' file limit (descriptors kept for the database,
    // the event loop and threads).
    static ConnectionCaps forFileLimit(int fileLimit, int maxConnections, int maxPerAddress);
    static constexpr int kReservedFiles = 128;
    static constexpr int kRefusalRoom = 64;
};

// A QTcpServer whose sockets get a ConnectionGuard before QtHttpServer takes them. With a TLS
// configuration every connection is a QSslSocket that starts the server handshake at once: the port
// then speaks https and wss only, and QtHttpServer reads the decrypted stream. It counts open
// connections (each socket carries a ticket that counts it until the socket is destroyed, whoever
// owns it then) and applies the ConnectionCaps; an accept error pauses accepting for a moment
// instead of for ever.
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    // WebSocket upgrades to /ws go to toWebSocket instead of QtHttpServer (see ConnectionGuard).
    GuardedTcpServer(const HttpLimits &limits, ConnectionGuard::Handler toWebSocket,
                     QObject *parent = nullptr);
    void setTls(const QSslConfiguration &tls) { m_tls = tls; m_useTls = true; }
    void setCaps(const ConnectionCaps &caps) { m_caps = caps; }
    int openConnections() const { return m_open; }

    static constexpr int kAcceptRetryMs = 250;
    static constexpr int kWarnEveryMs = 60'000; // caps reached: said once a minute, not per connection

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    friend class ConnectionTicket;
    void released(const QHostAddress &peer);
    void onAcceptError(QAbstractSocket::SocketError error);
    static bool shouldWarn(QElapsedTimer &last); // at most once per kWarnEveryMs

    HttpLimits m_limits;
    ConnectionGuard::Handler m_toWebSocket;
    QSslConfiguration m_tls;
    bool m_useTls = false;
    ConnectionCaps m_caps;
    int m_open = 0;
    QHash<QHostAddress, int> m_perAddress;
    bool m_atCeiling = false;
    bool m_acceptFailing = false;
    QTimer m_acceptRetry;
    QElapsedTimer m_warnedCeiling, m_warnedTotal, m_warnedPerAddress;
};
