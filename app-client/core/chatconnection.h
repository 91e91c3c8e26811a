// SPDX-License-Identifier: MIT
#pragma once

#include "eventsubmission.h"

#include "backoff.h"
#include "certificatetrust.h"
#include "protocol.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <functional>
#include <optional>

// The client's WebSocket link. Keeps itself connected until close(): reconnects with exponential
// backoff and full jitter, checks liveness with application pings, and on every (re)connect
// re-subscribes each room with `after` = the last seq the client has (asked from the cursor
// provider). A changed epoch (another database) is reported before anything is re-subscribed.
class ChatConnection : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected, Reconnecting };
    Q_ENUM(State)

    struct Tuning
    {
        Backoff backoff;
        int stableAfterMs = 10000; // connected this long: the next drop starts from attempt 0
        int pingIntervalMs = 15000; // silence before an application ping
        int pongTimeoutMs = 10000;  // no frame this long after a ping: the link is dead
    };

    explicit ChatConnection(QObject *parent = nullptr);

    void setTuning(const Tuning &tuning) { m_tuning = tuning; }
    void setUrl(const QUrl &url) { m_url = url; }
    // The epoch the client's cursors belong to before any hello (a cache's): a hello naming another
    // one is an epoch change.
    void setKnownEpoch(const QString &epoch) { m_epoch = epoch; }
    void setToken(const QString &token) { m_token = token; }
    void setCertificateTrust(CertificateTrust *trust) { m_trust = trust; }
    // Last seq the client holds for a room; nullopt = nothing known: subscribe live only (the
    // caller loads history over HTTP).
    void setCursorProvider(std::function<std::optional<qint64>(const QString &room)> provider)
    {
        m_cursor = std::move(provider);
    }

    void open();  // connect, and stay connected until close()
    void close();
    void reconnectNow();

    State state() const { return m_state; }
    int msecsUntilReconnect() const;
    QString epoch() const { return m_epoch; }
    QString user() const { return m_user; }
    int maxBodyBytes() const { return m_maxBodyBytes; } // from hello; 0 until the server said

    // Rooms stay subscribed across reconnects.
    void subscribe(const QString &room);
    void unsubscribe(const QString &room);
    // false when not connected; the caller keeps the message and sends it after `ready`.
    bool sendEvent(const QString &room, const EventSubmission &event);
    // Ephemeral frames: dropped while the link is down (nothing to resend later).
    void sendRead(const QString &room, qint64 seq);
    void sendTyping(const QString &room, bool typing);

signals:
    void stateChanged(ChatConnection::State state);
    void reconnectScheduled(int msecs);
    void epochChanged(const QString &oldEpoch, const QString &newEpoch);
    void ready(); // hello received and rooms re-subscribed: send what is queued
    // A live or catch-up event of a kind this client knows (others are skipped).
    void eventReceived(const ChatMessage &event);
    void ackReceived(const QString &clientId, const QString &room, qint64 seq, const QString &id);
    void errorReceived(ErrorCode code, const QString &message, const QString &clientId);
    void subscribed(const QString &room, qint64 lastSeq);
    void limitsReceived(int maxBodyBytes);
    // A room appeared in the user's list: change is "created" or "invited", by who did it.
    void roomChanged(const QString &room, const QString &change, const QString &by);
    void readMarkerReceived(const QString &room, qint64 seq); // moved on another device
    void typingReceived(const QString &room, const QString &user, bool typing);
    void presenceReceived(const QString &user, bool online, const QDateTime &lastSeen);
    void unauthorized(); // the server refused the token: reconnecting will not help
    void certificateRejected(const CertificateProblem &problem);

private:
    void setState(State state);
    void connectNow();
    void scheduleReconnect();
    void onConnected();
    void linkLost(); // any end of the socket: reconnect unless closed or refused
    void dropSocket();
    void onTextMessage(const QString &text);
    void onLivenessTick();
    void sendFrame(const ClientFrame &frame);
    void subscribeNow(const QString &room);

    Tuning m_tuning;
    QUrl m_url;
    QString m_token;
    CertificateTrust *m_trust = nullptr;
    std::function<std::optional<qint64>(const QString &)> m_cursor;
    QWebSocket *m_socket = nullptr;
    State m_state = State::Disconnected;
    bool m_wanted = false;
    bool m_authenticated = false;
    bool m_refused = false;
    int m_attempt = 0;
    QTimer m_reconnectTimer;
    QTimer m_livenessTimer;
    QElapsedTimer m_connectedFor;
    QElapsedTimer m_sinceLastFrame;
    QElapsedTimer m_serverRestarting; // since its close with 1001; invalid once a hello came
    bool m_pingOutstanding = false;
    QString m_epoch;
    QString m_user;
    int m_maxBodyBytes = 0;
    QStringList m_rooms; // in subscription order
};
