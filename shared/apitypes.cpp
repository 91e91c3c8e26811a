// SPDX-License-Identifier: MIT
#include "apitypes.h"

#include "eventkind.h"
#include "jsonfields.h"
#include "roominfo.h"
#include "validation.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {
bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}
} // namespace

QJsonObject ApiError::toJson() const
{
    return {{"error"_L1, QJsonObject{{"code"_L1, Errors::code(code)}, {"message"_L1, message}}}};
}

std::optional<ApiError> ApiError::fromJson(const QJsonObject &json)
{
    const QJsonObject inner = json.value("error"_L1).toObject();
    ApiError e;
    QString code;
    if (!JsonFields::readString(inner, "code"_L1, &code, nullptr)
        || !JsonFields::readString(inner, "message"_L1, &e.message, nullptr))
        return std::nullopt;
    e.code = Errors::fromCode(code); // Unknown for a code of a newer server
    return e;
}

QJsonObject Credentials::toJson() const
{
    QJsonObject o{{"username"_L1, username}, {"password"_L1, password}};
    if (!device.isEmpty())
        o.insert("device"_L1, device);
    return o;
}

std::optional<Credentials> Credentials::fromJson(const QJsonObject &json, QString *error)
{
    Credentials c;
    if (!JsonFields::readString(json, "username"_L1, &c.username, error)
        || !JsonFields::readString(json, "password"_L1, &c.password, error))
        return std::nullopt;
    if (!Validation::isValidUserName(c.username)) {
        fail(error, u"username must match [A-Za-z0-9_.-]{1,32}"_s);
        return std::nullopt;
    }
    if (!JsonFields::readString(json, "device"_L1, &c.device, error, false))
        return std::nullopt;
    if (!Validation::isValidDeviceName(c.device)) {
        fail(error, u"device must be at most 64 characters, without control characters"_s);
        return std::nullopt;
    }
    return c;
}

QJsonObject AuthResult::toJson() const
{
    return {{"token"_L1, token}, {"user"_L1, user}};
}

std::optional<AuthResult> AuthResult::fromJson(const QJsonObject &json, QString *error)
{
    AuthResult r;
    if (!JsonFields::readString(json, "token"_L1, &r.token, error)
        || !JsonFields::readString(json, "user"_L1, &r.user, error))
        return std::nullopt;
    return r;
}

QJsonObject SessionInfo::toJson() const
{
    QJsonObject o{{"id"_L1, id}, {"device"_L1, device}, {"current"_L1, current},
                  {"expiresAt"_L1, formatTimestamp(expiresAt)}};
    if (createdAt.isValid())
        o.insert("createdAt"_L1, formatTimestamp(createdAt));
    if (lastUsedAt.isValid())
        o.insert("lastUsedAt"_L1, formatTimestamp(lastUsedAt));
    return o;
}

std::optional<SessionInfo> SessionInfo::fromJson(const QJsonObject &json, QString *error)
{
    SessionInfo s;
    QString expires, created, used;
    std::optional<bool> current;
    if (!JsonFields::readString(json, "id"_L1, &s.id, error)
        || !JsonFields::readString(json, "device"_L1, &s.device, error)
        || !JsonFields::readString(json, "expiresAt"_L1, &expires, error)
        || !JsonFields::readString(json, "createdAt"_L1, &created, error, false)
        || !JsonFields::readString(json, "lastUsedAt"_L1, &used, error, false)
        || !JsonFields::readBool(json, "current"_L1, &current, error))
        return std::nullopt;
    s.expiresAt = parseTimestamp(expires);
    s.createdAt = created.isEmpty() ? QDateTime() : parseTimestamp(created);
    s.lastUsedAt = used.isEmpty() ? QDateTime() : parseTimestamp(used);
    s.current = current.value_or(false);
    if (!s.expiresAt.isValid() || (!created.isEmpty() && !s.createdAt.isValid())
        || (!used.isEmpty() && !s.lastUsedAt.isValid())) {
        fail(error, u"session times must be timestamps"_s);
        return std::nullopt;
    }
    return s;
}

QJsonObject PasswordChange::toJson() const
{
    return {{"password"_L1, password}, {"newPassword"_L1, newPassword}};
}

std::optional<PasswordChange> PasswordChange::fromJson(const QJsonObject &json, QString *error)
{
    PasswordChange c;
    if (!JsonFields::readString(json, "password"_L1, &c.password, error)
        || !JsonFields::readString(json, "newPassword"_L1, &c.newPassword, error))
        return std::nullopt;
    return c;
}

QJsonObject PasswordConfirmation::toJson() const
{
    return {{"password"_L1, password}};
}

std::optional<PasswordConfirmation> PasswordConfirmation::fromJson(const QJsonObject &json,
                                                                   QString *error)
{
    PasswordConfirmation c;
    if (!JsonFields::readString(json, "password"_L1, &c.password, error))
        return std::nullopt;
    return c;
}

QJsonObject CreateRoomRequest::toJson() const
{
    QJsonObject json{{"name"_L1, name}, {"private"_L1, isPrivate}};
    if (!topic.isEmpty())
        json.insert("topic"_L1, topic);
    return json;
}

std::optional<CreateRoomRequest> CreateRoomRequest::fromJson(const QJsonObject &json,
                                                             QString *error)
{
    CreateRoomRequest r;
    std::optional<bool> isPrivate;
    if (!JsonFields::readString(json, "name"_L1, &r.name, error)
        || !JsonFields::readBool(json, "private"_L1, &isPrivate, error, false)
        || !JsonFields::readString(json, "topic"_L1, &r.topic, error, false))
        return std::nullopt;
    if (!Validation::isValidRoomName(r.name)) {
        fail(error, u"room name must match [a-z0-9_-]{1,64}"_s);
        return std::nullopt;
    }
    if (r.name.startsWith("dm-"_L1)) {
        fail(error, u"room names starting with 'dm-' are kept for direct conversations"_s);
        return std::nullopt;
    }
    QString why;
    if (EventKinds::fieldsError(EventKind::Topic, {{"topic"_L1, r.topic}}, &why)) {
        fail(error, why);
        return std::nullopt;
    }
    r.isPrivate = isPrivate.value_or(false);
    return r;
}

QJsonObject InviteRequest::toJson() const
{
    return {{"user"_L1, user}};
}

std::optional<InviteRequest> InviteRequest::fromJson(const QJsonObject &json, QString *error)
{
    InviteRequest r;
    if (!JsonFields::readString(json, "user"_L1, &r.user, error))
        return std::nullopt;
    if (!Validation::isValidUserName(r.user)) {
        fail(error, u"user must match [A-Za-z0-9_.-]{1,32}"_s);
        return std::nullopt;
    }
    return r;
}

QJsonObject TopicRequest::toJson() const
{
    return {{"topic"_L1, topic}};
}

std::optional<TopicRequest> TopicRequest::fromJson(const QJsonObject &json, QString *error)
{
    TopicRequest r;
    if (!JsonFields::readString(json, "topic"_L1, &r.topic, error))
        return std::nullopt;
    QString why;
    if (EventKinds::fieldsError(EventKind::Topic, json, &why)) {
        fail(error, why);
        return std::nullopt;
    }
    return r;
}

QJsonObject RoleRequest::toJson() const
{
    return {{"user"_L1, user}, {"role"_L1, role}};
}

std::optional<RoleRequest> RoleRequest::fromJson(const QJsonObject &json, QString *error)
{
    RoleRequest r;
    if (!JsonFields::readString(json, "user"_L1, &r.user, error)
        || !JsonFields::readString(json, "role"_L1, &r.role, error))
        return std::nullopt;
    if (!Validation::isValidUserName(r.user)) {
        fail(error, u"user must match [A-Za-z0-9_.-]{1,32}"_s);
        return std::nullopt;
    }
    if (!RoomRoles::isAssignable(r.role)) {
        fail(error, u"role must be \"admin\" or \"member\""_s);
        return std::nullopt;
    }
    return r;
}

QJsonObject NotifyRequest::toJson() const
{
    return {{"level"_L1, level}};
}

std::optional<NotifyRequest> NotifyRequest::fromJson(const QJsonObject &json, QString *error)
{
    NotifyRequest r;
    if (!JsonFields::readString(json, "level"_L1, &r.level, error))
        return std::nullopt;
    if (!NotifyLevels::isValid(r.level)) {
        fail(error, u"level must be \"all\", \"mentions\" or \"none\""_s);
        return std::nullopt;
    }
    return r;
}

QJsonObject ReadRequest::toJson() const
{
    return {{"seq"_L1, seq}};
}

std::optional<ReadRequest> ReadRequest::fromJson(const QJsonObject &json, QString *error)
{
    std::optional<qint64> seq;
    if (!JsonFields::readInt64(json, "seq"_L1, &seq, error))
        return std::nullopt;
    if (*seq < 0) {
        fail(error, u"seq must be >= 0"_s);
        return std::nullopt;
    }
    return ReadRequest{*seq};
}

QJsonObject HistoryPage::toJson() const
{
    QJsonArray list;
    for (const ChatMessage &m : events)
        list.append(m.toJson());
    return {{"events"_L1, list}, {"epoch"_L1, epoch}, {"hasMore"_L1, hasMore}};
}

std::optional<HistoryPage> HistoryPage::fromJson(const QJsonObject &json, QString *error)
{
    HistoryPage page;
    std::optional<bool> hasMore;
    if (!JsonFields::readString(json, "epoch"_L1, &page.epoch, error)
        || !JsonFields::readBool(json, "hasMore"_L1, &hasMore, error))
        return std::nullopt;
    const QJsonValue list = json.value("events"_L1);
    if (!list.isArray()) {
        fail(error, u"field 'events' must be an array"_s);
        return std::nullopt;
    }
    for (const QJsonValue &v : list.toArray()) {
        auto m = ChatMessage::fromJson(v.toObject(), error);
        if (!m)
            return std::nullopt;
        page.events.append(*m);
    }
    page.hasMore = *hasMore;
    return page;
}
