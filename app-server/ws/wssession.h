// SPDX-License-Identifier: MIT
#pragma once

#include "framewriter.h"
#include "protocol.h"
#include "serverservices.h"
#include "store/chatstore.h"
#include "subscriber.h"
#include "tokenbucket.h"
#include "wireerror.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QWebSocket>


#include <memory>
#include <optional>

// One WebSocket client: authenticates from the upgrade's Authorization header, then serves
// subscribe / unsubscribe / send / ping frames. Owns its socket and deletes itself when the socket
// disconnects.
//
// Resume without gaps or duplicates: a subscription is registered with the Hub before its catch-up
// query is posted to the store. Live messages that arrive meanwhile are held; the store answers in
// commit order, so every message is either in a catch-up page or arrives live after it. Held ones
// with seq <= the last one sent are dropped.
class WsSession : public QObject, public Subscriber
{
    Q_OBJECT
public:
    // transport: the TCP socket under socket, written to directly with frames built once
    // (TextFrame), and freed with the session (QWebSocket does not free it); null when it is not
    // known (QtHttpServer's own upgrade, whose WebSocket server frees it): QWebSocket frames.
    // services must outlive the session (ChatServer deletes the Hub, and its sessions, first).
    WsSession(std::unique_ptr<QWebSocket> socket, std::unique_ptr<QTcpSocket> transport,
              const ServerServices &services, QObject *parent = nullptr);
    ~WsSession() override;

    // Refuses a client that did not ask for the chat.v2 subprotocol, else authenticates.
    void start();
    // Whether an upgrade request offers the subprotocol of the contract this server speaks.
    static bool asksForCurrentProtocol(const QNetworkRequest &upgrade);
    // A committed event for a room this session subscribed to; frame is the framed
    // {"type":"event"} text shared by all recipients.
    void deliver(const QString &room, qint64 seq, const TextFrame &frame) override;
    void flush() override;
    // A frame that is not a room's message (e.g. a room-list change) for this session's user;
    // dropped before authentication.
    void push(const TextFrame &frame) override;
    void leftRoom(const QString &room) override;
    const AuthUser *user() const override { return m_user ? &*m_user : nullptr; }
    void keepAlive(qint64 nowMs, qint64 intervalMs) override;
    void close(QWebSocketProtocol::CloseCode code, const QString &reason) override;
    void expire() override;
    void tokenRevoked(const QByteArray &digest) override;
    qint64 queuedBytes() const override { return m_queued; }
    void dropForNotReading(const char *cap) override;

    static constexpr int kCatchUpPage = 500;
    static constexpr int kRefillRetryMs = 500; // a jump the store could not fill yet

private:
    struct Subscription
    {
        quint64 generation = 0;
        bool catchingUp = true;
        bool refilling = false; // catching up on a jump in live seqs, not a new subscription
        qint64 lastSent = 0;
        QList<std::pair<qint64, TextFrame>> held; // live messages that came during catch-up
    };

    void forgetUnusedSignals();
    void onAuthenticated(const Lookup<AuthUser> &user);
    void onTextMessage(const QString &text);
    void handle(const ClientFrame &frame);
    void subscribe(const QString &room, std::optional<qint64> after);
    void fetchCatchUp(const QString &room, quint64 generation, qint64 after, bool liveOnly);
    void onCatchUp(const QString &room, quint64 generation,
                   const std::optional<WireError> &refusal, const HistoryResult &result,
                   bool liveOnly);
    void unsubscribe(const QString &room);
    void send(const ClientFrame &frame);
    void markRead(const QString &room, qint64 seq);
    void typing(const QString &room, bool typing);
    void sendFrame(const ServerFrame &frame);
    void sendText(const TextFrame &frame);
    qint64 unwritten() const; // bytes in the socket's buffer
    enum class Strike { Yes, No }; // does the error count towards closing the connection?
    void sendError(ErrorCode code, const QString &message, const QString &clientId = {},
                   Strike strike = Strike::Yes);
    void sendError(const WireError &error, const QString &clientId = {}, Strike strike = Strike::Yes);
    void closeLater(QWebSocketProtocol::CloseCode code, const QString &reason);

    std::unique_ptr<QTcpSocket> m_transport; // goes after m_socket, which uses it to the end
    std::unique_ptr<QWebSocket> m_socket;
    std::optional<FrameWriter> m_writer; // for the TCP socket under m_socket, if known
    const ServerServices &m_services;
    std::optional<AuthUser> m_user;
    QByteArray m_tokenDigest; // the token it authenticated with: revoked or expired ends it
    void endSession(const QString &why); // unauthorized + close 1008
    QStringList m_early; // frames received before authentication finished
    QHash<QString, Subscription> m_subs;
    quint64 m_nextGeneration = 0;
    qint64 m_lastSeenMs = 0;
    TokenBucket m_errorBudget; // bad frames; exhausted = disconnect
    bool m_closing = false;
    bool m_flushOwed = false; // the Hub has it among those it flushes after this pass

    // Queued output as the OutputLedger knows it: what was left unwritten at the last flush,
    // and less as the socket drains; released when the session is dropped or goes.
    void account();
    void releaseAccount();
    void checkCaps();
    qint64 m_queued = 0;
    qint64 m_writtenSinceAccount = 0; // by sendText since account() last looked
    std::shared_ptr<qint64> m_userQueued; // the user's, once authenticated
};
