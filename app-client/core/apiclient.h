// SPDX-License-Identifier: MIT
#pragma once

#include "apitypes.h"
#include "certificatetrust.h"
#include "roominfo.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

#include <functional>
#include <optional>

class QIODevice;
class QNetworkReply;

// What went wrong with an API call, in terms a user can act on.
struct ApiFailure
{
    enum class Kind { None, Network, Timeout, Certificate, Unauthorized, Forbidden, NotFound,
                      Conflict, Invalid, RateLimited, Server };
    Kind kind = Kind::None;
    int status = 0;   // HTTP status, 0 when no answer
    ErrorCode code = ErrorCode::Unknown; // the server's error code, when it sent one
    QString message;  // for people

    bool ok() const { return kind == Kind::None; }
};

// The HTTP API of docs/protocol.md over QNetworkAccessManager. Every call has a timeout; results
// come back through callbacks that are skipped when their context object is gone. A 401 on an
// authenticated call also emits sessionExpired() (the token is dead: back to login).
class ApiClient : public QObject
{
    Q_OBJECT
public:
    explicit ApiClient(QObject *parent = nullptr);

    void setServer(const QUrl &server) { m_server = server; }
    QUrl server() const { return m_server; }
    void setToken(const QString &token) { m_token = token; }
    QString token() const { return m_token; }
    void setTimeout(int ms) { m_timeoutMs = ms; }
    void setCertificateTrust(CertificateTrust *trust) { m_trust = trust; }

    using AuthCallback = std::function<void(const ApiFailure &, const AuthResult &)>;
    using RoomsCallback = std::function<void(const ApiFailure &, const QList<RoomInfo> &)>;
    using PageCallback = std::function<void(const ApiFailure &, const HistoryPage &)>;
    using DoneCallback = std::function<void(const ApiFailure &)>;

    void registerUser(const Credentials &credentials, QObject *context, AuthCallback done);
    void login(const Credentials &credentials, QObject *context, AuthCallback done);
    void logout(QObject *context, DoneCallback done);
    // done(failure, how many other sessions of the user the server signed out)
    using PasswordCallback = std::function<void(const ApiFailure &, int revokedSessions)>;
    void changePassword(const PasswordChange &change, QObject *context, PasswordCallback done);
    using SessionsCallback = std::function<void(const ApiFailure &, const QList<SessionInfo> &)>;
    void sessions(QObject *context, SessionsCallback done);
    void endSession(const QString &id, QObject *context, DoneCallback done);
    void rooms(QObject *context, RoomsCallback done);
    void createRoom(const CreateRoomRequest &request, QObject *context, DoneCallback done);
    void joinRoom(const QString &room, QObject *context, DoneCallback done);
    // POST /api/v2/rooms/{room}/<action> with body (leave, invite, kick, role, topic,
    // notifications, read): the membership and per-member routes.
    void roomAction(const QString &room, const QString &action, const QJsonObject &body,
                    QObject *context, DoneCallback done);
    using RoomCallback = std::function<void(const ApiFailure &, const RoomInfo &)>;
    void directRoom(const QString &peer, QObject *context, RoomCallback done);
    using MembersCallback = std::function<void(const ApiFailure &, const QList<MemberInfo> &)>;
    void members(const QString &room, QObject *context, MembersCallback done);
    // The public directory, names containing filter (one page of up to 500).
    void directory(const QString &filter, QObject *context, RoomsCallback done);
    // Users whose name starts with prefix (role empty, online as the server knows).
    void findUsers(const QString &prefix, QObject *context, MembersCallback done);
    // Newest page when both cursors are empty.
    void history(const QString &room, std::optional<qint64> after, std::optional<qint64> before,
                 int limit, QObject *context, PageCallback done);

    // GET /api/v2/search: messages matching query (docs/protocol.md, Search) in room, or in all
    // the user's rooms when room is empty; newest first, older than the message id before.
    struct SearchPage
    {
        QList<ChatMessage> events;
        bool hasMore = false;
    };
    using SearchCallback = std::function<void(const ApiFailure &, const SearchPage &)>;
    void search(const QString &query, const QString &room, const QString &before, QObject *context,
                SearchCallback done);

    // ws:// or wss:// URL of the server's WebSocket endpoint.
    QUrl webSocketUrl() const;

    // A file transfer (FileTransfers): an authenticated request whose reply the caller reads,
    // watches and aborts; upload (may be null) is its body, read as it goes. The timeout is
    // for a stall, not the whole transfer. When it finishes, finish() says how it went (a 401
    // also emits sessionExpired).
    QNetworkReply *transfer(const QByteArray &verb, const QString &path, QIODevice *upload,
                            const QByteArray &contentType);
    ApiFailure finish(QNetworkReply *reply, const QJsonObject &json);

signals:
    void sessionExpired();
    // The server's certificate did not verify and the user has not trusted it.
    void certificateRejected(const CertificateProblem &problem);

private:
    using JsonCallback = std::function<void(const ApiFailure &, const QJsonObject &)>;
    QNetworkReply *start(const QByteArray &verb, const QString &path, QIODevice *upload,
                         const QByteArray &payload, const QByteArray &contentType,
                         bool authenticated);
    void request(const QByteArray &verb, const QString &path, const QJsonObject *body,
                 bool authenticated, QObject *context, JsonCallback done);
    void roomsAfter(const QString &after, QList<RoomInfo> sofar, QObject *context, RoomsCallback done);
    static constexpr qsizetype kMaxRooms = 100000; // a server that pages for ever is left

    QNetworkAccessManager m_nam;
    QUrl m_server;
    QString m_token;
    int m_timeoutMs = 15000;
    CertificateTrust *m_trust = nullptr;
};
