// SPDX-License-Identifier: MIT
#include "protocol.h"

#include "jsonfields.h"
#include "validation.h"

#include <algorithm>
#include <limits>

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace {

constexpr auto kType = "type"_L1;

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QLatin1StringView clientTypeName(ClientFrame::Type t)
{
    switch (t) {
    case ClientFrame::Type::Subscribe: return "subscribe"_L1;
    case ClientFrame::Type::Unsubscribe: return "unsubscribe"_L1;
    case ClientFrame::Type::Send: return "send"_L1;
    case ClientFrame::Type::Ping: return "ping"_L1;
    }
    return {};
}

QLatin1StringView serverTypeName(ServerFrame::Type t)
{
    switch (t) {
    case ServerFrame::Type::Hello: return "hello"_L1;
    case ServerFrame::Type::Subscribed: return "subscribed"_L1;
    case ServerFrame::Type::Ack: return "ack"_L1;
    case ServerFrame::Type::Message: return "message"_L1;
    case ServerFrame::Type::Error: return "error"_L1;
    case ServerFrame::Type::Pong: return "pong"_L1;
    case ServerFrame::Type::Room: return "room"_L1;
    }
    return {};
}

bool parseObject(const QByteArray &utf8, QJsonObject *out, QString *error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error = u"not valid JSON: %1"_s.arg(pe.errorString());
        return false;
    }
    if (!doc.isObject()) {
        *error = u"a frame must be a JSON object"_s;
        return false;
    }
    *out = doc.object();
    return true;
}

} // namespace

QByteArray ClientFrame::toJson() const
{
    QJsonObject o{{kType, clientTypeName(type)}};
    switch (type) {
    case Type::Subscribe:
        o.insert("room"_L1, room);
        if (after)
            o.insert("after"_L1, *after);
        break;
    case Type::Unsubscribe:
        o.insert("room"_L1, room);
        break;
    case Type::Send:
        o.insert("room"_L1, room);
        o.insert("clientId"_L1, clientId);
        o.insert("body"_L1, body);
        break;
    case Type::Ping:
        break;
    }
    return compact(o);
}

std::optional<ClientFrame> parseClientFrame(const QByteArray &utf8, int maxBodyBytes,
                                            FrameError *error)
{
    QJsonObject o;
    QString why;
    if (!parseObject(utf8, &o, &why)) {
        *error = {ErrorCode::BadJson, why, {}};
        return std::nullopt;
    }
    ClientFrame f;
    QString type;
    if (!JsonFields::readString(o, kType, &type, &why)) {
        *error = {ErrorCode::InvalidFrame, why, {}};
        return std::nullopt;
    }
    // Read clientId first so that every later error can name it.
    if (type == "send"_L1 && o.value("clientId"_L1).isString())
        f.clientId = o.value("clientId"_L1).toString();

    auto invalid = [&](ErrorCode code, const QString &message) {
        *error = {code, message, f.clientId};
        return std::nullopt;
    };
    auto readRoom = [&]() {
        if (!JsonFields::readString(o, "room"_L1, &f.room, &why))
            return false;
        if (!Validation::isValidRoomName(f.room)) {
            why = u"room name must match [a-z0-9_-]{1,64}"_s;
            return false;
        }
        return true;
    };

    if (type == "subscribe"_L1) {
        f.type = ClientFrame::Type::Subscribe;
        if (!readRoom())
            return invalid(ErrorCode::InvalidFrame, why);
        if (!JsonFields::readInt64(o, "after"_L1, &f.after, &why, false))
            return invalid(ErrorCode::InvalidFrame, why);
        if (f.after && *f.after < 0)
            return invalid(ErrorCode::InvalidFrame, u"field 'after' must be >= 0"_s);
    } else if (type == "unsubscribe"_L1) {
        f.type = ClientFrame::Type::Unsubscribe;
        if (!readRoom())
            return invalid(ErrorCode::InvalidFrame, why);
    } else if (type == "send"_L1) {
        f.type = ClientFrame::Type::Send;
        if (!JsonFields::readString(o, "clientId"_L1, &f.clientId, &why))
            return invalid(ErrorCode::InvalidFrame, why);
        if (!Validation::isValidClientId(f.clientId)) {
            f.clientId.clear(); // not echoed back: it is not a usable id
            return invalid(ErrorCode::InvalidFrame,
                           u"clientId must be 1 to 64 characters without control characters"_s);
        }
        if (!readRoom())
            return invalid(ErrorCode::InvalidFrame, why);
        if (!JsonFields::readString(o, "body"_L1, &f.body, &why))
            return invalid(ErrorCode::InvalidFrame, why);
        if (const auto bodyError = Validation::bodyError(f.body, maxBodyBytes)) {
            *error = {*bodyError, Validation::bodyErrorMessage(*bodyError, maxBodyBytes), f.clientId};
            return std::nullopt;
        }
    } else if (type == "ping"_L1) {
        f.type = ClientFrame::Type::Ping;
    } else {
        return invalid(ErrorCode::UnknownType, u"unknown frame type '%1'"_s.arg(type.left(32)));
    }
    return f;
}

QByteArray ServerFrame::toJson() const
{
    QJsonObject o{{kType, serverTypeName(type)}};
    switch (type) {
    case Type::Hello:
        o.insert("user"_L1, user);
        o.insert("epoch"_L1, epoch);
        if (maxBodyBytes > 0)
            o.insert("maxBodyBytes"_L1, maxBodyBytes);
        break;
    case Type::Room:
        o.insert("room"_L1, room);
        o.insert("change"_L1, change);
        o.insert("private"_L1, isPrivate);
        o.insert("by"_L1, user);
        break;
    case Type::Subscribed:
        o.insert("room"_L1, room);
        o.insert("lastSeq"_L1, lastSeq);
        break;
    case Type::Ack:
        o.insert("clientId"_L1, clientId);
        o.insert("room"_L1, room);
        o.insert("seq"_L1, seq);
        o.insert("id"_L1, id);
        break;
    case Type::Message:
        o.insert("message"_L1, message.toJson());
        break;
    case Type::Error:
        o.insert("code"_L1, Errors::code(code));
        o.insert("message"_L1, text);
        if (!clientId.isEmpty())
            o.insert("clientId"_L1, clientId);
        break;
    case Type::Pong:
        break;
    }
    return compact(o);
}

std::optional<ServerFrame> ServerFrame::parse(const QByteArray &utf8, QString *error)
{
    QString why;
    QString *err = error ? error : &why;
    QJsonObject o;
    if (!parseObject(utf8, &o, err))
        return std::nullopt;
    ServerFrame f;
    QString type;
    if (!JsonFields::readString(o, kType, &type, err))
        return std::nullopt;
    std::optional<qint64> n;
    if (type == "hello"_L1) {
        f.type = Type::Hello;
        if (!JsonFields::readString(o, "user"_L1, &f.user, err)
            || !JsonFields::readString(o, "epoch"_L1, &f.epoch, err)
            || !JsonFields::readInt64(o, "maxBodyBytes"_L1, &n, err, false))
            return std::nullopt;
        f.maxBodyBytes = int(std::clamp<qint64>(n.value_or(0), 0, std::numeric_limits<int>::max()));
    } else if (type == "room"_L1) {
        f.type = Type::Room;
        if (!JsonFields::readString(o, "room"_L1, &f.room, err)
            || !JsonFields::readString(o, "change"_L1, &f.change, err)
            || !JsonFields::readString(o, "by"_L1, &f.user, err, false))
            return std::nullopt;
        std::optional<bool> isPrivate;
        if (!JsonFields::readBool(o, "private"_L1, &isPrivate, err, false))
            return std::nullopt;
        f.isPrivate = isPrivate.value_or(false);
    } else if (type == "subscribed"_L1) {
        f.type = Type::Subscribed;
        if (!JsonFields::readString(o, "room"_L1, &f.room, err)
            || !JsonFields::readInt64(o, "lastSeq"_L1, &n, err))
            return std::nullopt;
        f.lastSeq = *n;
    } else if (type == "ack"_L1) {
        f.type = Type::Ack;
        if (!JsonFields::readString(o, "clientId"_L1, &f.clientId, err)
            || !JsonFields::readString(o, "room"_L1, &f.room, err)
            || !JsonFields::readInt64(o, "seq"_L1, &n, err)
            || !JsonFields::readString(o, "id"_L1, &f.id, err))
            return std::nullopt;
        f.seq = *n;
    } else if (type == "message"_L1) {
        f.type = Type::Message;
        const QJsonValue m = o.value("message"_L1);
        if (!m.isObject()) {
            *err = u"field 'message' must be an object"_s;
            return std::nullopt;
        }
        auto message = ChatMessage::fromJson(m.toObject(), err);
        if (!message)
            return std::nullopt;
        f.message = *message;
    } else if (type == "error"_L1) {
        f.type = Type::Error;
        QString code;
        if (!JsonFields::readString(o, "code"_L1, &code, err)
            || !JsonFields::readString(o, "message"_L1, &f.text, err)
            || !JsonFields::readString(o, "clientId"_L1, &f.clientId, err, false))
            return std::nullopt;
        f.code = Errors::fromCode(code); // Unknown for a code of a newer server
    } else if (type == "pong"_L1) {
        f.type = Type::Pong;
    } else {
        *err = u"unknown frame type '%1'"_s.arg(type.left(32));
        return std::nullopt;
    }
    return f;
}

ClientFrame ClientFrame::subscribe(const QString &room, std::optional<qint64> after)
{
    ClientFrame f;
    f.type = Type::Subscribe;
    f.room = room;
    f.after = after;
    return f;
}

ClientFrame ClientFrame::unsubscribe(const QString &room)
{
    ClientFrame f;
    f.type = Type::Unsubscribe;
    f.room = room;
    return f;
}

ClientFrame ClientFrame::send(const QString &room, const QString &clientId, const QString &body)
{
    ClientFrame f;
    f.type = Type::Send;
    f.room = room;
    f.clientId = clientId;
    f.body = body;
    return f;
}

ServerFrame ServerFrame::hello(const QString &user, const QString &epoch, int maxBodyBytes)
{
    ServerFrame f;
    f.type = Type::Hello;
    f.user = user;
    f.epoch = epoch;
    f.maxBodyBytes = maxBodyBytes;
    return f;
}

ServerFrame ServerFrame::roomChanged(const QString &room, const QString &change, bool isPrivate,
                                     const QString &by)
{
    ServerFrame f;
    f.type = Type::Room;
    f.room = room;
    f.change = change;
    f.isPrivate = isPrivate;
    f.user = by;
    return f;
}

ServerFrame ServerFrame::subscribed(const QString &room, qint64 lastSeq)
{
    ServerFrame f;
    f.type = Type::Subscribed;
    f.room = room;
    f.lastSeq = lastSeq;
    return f;
}

ServerFrame ServerFrame::ack(const ChatMessage &m)
{
    ServerFrame f;
    f.type = Type::Ack;
    f.clientId = m.clientId;
    f.room = m.room;
    f.seq = m.seq;
    f.id = m.id;
    return f;
}

ServerFrame ServerFrame::messageFrame(const ChatMessage &m)
{
    ServerFrame f;
    f.type = Type::Message;
    f.message = m;
    return f;
}

ServerFrame ServerFrame::error(ErrorCode code, const QString &text, const QString &clientId)
{
    ServerFrame f;
    f.type = Type::Error;
    f.code = code;
    f.text = text;
    f.clientId = clientId;
    return f;
}
