// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"
#include "errorcode.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

// Bodies of the HTTP API (docs/protocol.md, "HTTP"). fromJson checks shape and the fixed name
// rules; limits that are configurable (message body size) are checked by the server.

struct ApiError
{
    ErrorCode code = ErrorCode::Unknown;
    QString message;

    QJsonObject toJson() const; // {"error":{"code","message"}}
    static std::optional<ApiError> fromJson(const QJsonObject &json);
};

struct Credentials // POST /api/v2/register and /login
{
    QString username;
    QString password;
    QString device; // optional: what the user will see in their sessions (up to 64 characters)

    QJsonObject toJson() const;
    static std::optional<Credentials> fromJson(const QJsonObject &json, QString *error = nullptr);
};

struct AuthResult // 200/201 of register and login
{
    QString token;
    QString user;

    QJsonObject toJson() const;
    static std::optional<AuthResult> fromJson(const QJsonObject &json, QString *error = nullptr);
};

struct SessionInfo // an element of GET /api/v2/sessions
{
    QString id;          // DELETE /api/v2/sessions/{id}
    QString device;      // "" when unknown
    QDateTime createdAt; // null when unknown (sessions of an older server)
    QDateTime lastUsedAt;
    QDateTime expiresAt;
    bool current = false; // the session that asked

    QJsonObject toJson() const;
    static std::optional<SessionInfo> fromJson(const QJsonObject &json, QString *error = nullptr);
};

struct PasswordChange // POST /api/v2/account/password
{
    QString password;    // the current one
    QString newPassword; // checked by the server (Validation::passwordError)

    QJsonObject toJson() const;
    static std::optional<PasswordChange> fromJson(const QJsonObject &json, QString *error = nullptr);
};

struct PasswordConfirmation // POST /api/v2/account/deactivate
{
    QString password;

    QJsonObject toJson() const;
    static std::optional<PasswordConfirmation> fromJson(const QJsonObject &json,
                                                        QString *error = nullptr);
};

struct CreateRoomRequest // POST /api/v2/rooms
{
    QString name;
    bool isPrivate = false;
    QString topic;

    QJsonObject toJson() const;
    static std::optional<CreateRoomRequest> fromJson(const QJsonObject &json,
                                                     QString *error = nullptr);
};

struct InviteRequest // POST /api/v2/rooms/{room}/invite
{
    QString user;

    QJsonObject toJson() const;
    static std::optional<InviteRequest> fromJson(const QJsonObject &json, QString *error = nullptr);
};

// POST /api/v2/rooms/{room}/topic
struct TopicRequest
{
    QString topic; // at most EventKinds::kMaxTopicLength characters, may be empty

    QJsonObject toJson() const;
    static std::optional<TopicRequest> fromJson(const QJsonObject &json, QString *error = nullptr);
};

// POST /api/v2/rooms/{room}/role
struct RoleRequest
{
    QString user;
    QString role; // "admin" or "member"

    QJsonObject toJson() const;
    static std::optional<RoleRequest> fromJson(const QJsonObject &json, QString *error = nullptr);
};

// POST /api/v2/rooms/{room}/notifications
struct NotifyRequest
{
    QString level; // "all", "mentions" or "none"

    QJsonObject toJson() const;
    static std::optional<NotifyRequest> fromJson(const QJsonObject &json, QString *error = nullptr);
};

// POST /api/v2/rooms/{room}/read
struct ReadRequest
{
    qint64 seq = 0; // the newest seq the user has seen

    QJsonObject toJson() const;
    static std::optional<ReadRequest> fromJson(const QJsonObject &json, QString *error = nullptr);
};

struct HistoryPage // GET /api/v2/rooms/{room}/events
{
    QList<ChatMessage> events; // ascending seq; kinds this build does not know are kept as Unknown
    QString epoch;
    bool hasMore = false;

    QJsonObject toJson() const;
    static std::optional<HistoryPage> fromJson(const QJsonObject &json, QString *error = nullptr);
};
