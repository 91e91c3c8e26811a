// SPDX-License-Identifier: MIT
#include "protocol.h"

#include "jsonfields.h"
#include "validation.h"

#include <algorithm>
#include <limits>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace {

constexpr auto kType = "type"_L1;

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
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

bool readRoom(const QJsonObject &o, QString *room, QString *why)
{
    if (!JsonFields::readString(o, "room"_L1, room, why))
        return false;
    if (!Validation::isValidRoomName(*room)) {
        *why = u"room name must match [a-z0-9_-]{1,64}"_s;
        return false;
    }
    return true;
}

// The frames a client sends, one entry each: its type, its name on the wire, how its fields are
// written and how they are read and checked (a refusal as FrameError; its clientId is filled in
// by the caller when the frame carried a usable one). A new frame is one more entry.
struct ClientCodec
{
    ClientFrame::Type type;
    QLatin1StringView name;
    void (*write)(const ClientFrame &f, QJsonObject &o);
    std::optional<FrameError> (*read)(const QJsonObject &o, int maxBodyBytes, ClientFrame &f);
};

std::optional<FrameError> invalidFrame(const QString &why)
{
    return FrameError{ErrorCode::InvalidFrame, why, {}};
}

const ClientCodec kClientFrames[] = {
    {ClientFrame::Type::Subscribe, "subscribe"_L1,
     [](const ClientFrame &f, QJsonObject &o) {
         o.insert("room"_L1, f.room);
         if (f.after)
             o.insert("after"_L1, *f.after);
     },
     [](const QJsonObject &o, int, ClientFrame &f) -> std::optional<FrameError> {
         QString why;
         if (!readRoom(o, &f.room, &why) || !JsonFields::readInt64(o, "after"_L1, &f.after, &why, false))
             return invalidFrame(why);
         if (f.after && *f.after < 0)
             return invalidFrame(u"field 'after' must be >= 0"_s);
         return std::nullopt;
     }},
    {ClientFrame::Type::Unsubscribe, "unsubscribe"_L1,
     [](const ClientFrame &f, QJsonObject &o) { o.insert("room"_L1, f.room); },
     [](const QJsonObject &o, int, ClientFrame &f) -> std::optional<FrameError> {
         QString why;
         if (!readRoom(o, &f.room, &why))
             return invalidFrame(why);
         return std::nullopt;
     }},
    {ClientFrame::Type::Send, "send"_L1, // (an unusable clientId is never echoed back)
     [](const ClientFrame &f, QJsonObject &o) {
         o = f.event.toJson();
         o.insert(kType, "send"_L1);
         o.insert("room"_L1, f.room);
     },
     [](const QJsonObject &o, int maxBodyBytes, ClientFrame &f) -> std::optional<FrameError> {
         QString why;
         if (const auto code = EventSubmission::read(o, maxBodyBytes, &f.event, &why))
             return FrameError{*code == ErrorCode::InvalidRequest ? ErrorCode::InvalidFrame : *code,
                               why, {}};
         if (!readRoom(o, &f.room, &why))
             return invalidFrame(why);
         return std::nullopt;
     }},
    {ClientFrame::Type::Read, "read"_L1,
     [](const ClientFrame &f, QJsonObject &o) {
         o.insert("room"_L1, f.room);
         o.insert("seq"_L1, f.seq);
     },
     [](const QJsonObject &o, int, ClientFrame &f) -> std::optional<FrameError> {
         QString why;
         std::optional<qint64> seq;
         if (!readRoom(o, &f.room, &why) || !JsonFields::readInt64(o, "seq"_L1, &seq, &why))
             return invalidFrame(why);
         if (*seq < 0)
             return invalidFrame(u"field 'seq' must be >= 0"_s);
         f.seq = *seq;
         return std::nullopt;
     }},
    {ClientFrame::Type::Typing, "typing"_L1,
     [](const ClientFrame &f, QJsonObject &o) {
         o.insert("room"_L1, f.room);
         o.insert("typing"_L1, f.typing);
     },
     [](const QJsonObject &o, int, ClientFrame &f) -> std::optional<FrameError> {
         QString why;
         std::optional<bool> typing;
         if (!readRoom(o, &f.room, &why) || !JsonFields::readBool(o, "typing"_L1, &typing, &why))
             return invalidFrame(why);
         f.typing = *typing;
         return std::nullopt;
     }},
    {ClientFrame::Type::Ping, "ping"_L1, [](const ClientFrame &, QJsonObject &) {},
     [](const QJsonObject &, int, ClientFrame &) -> std::optional<FrameError> { return std::nullopt; }},
};

// The frames the server sends, as kClientFrames: one entry each.
struct ServerCodec
{
    ServerFrame::Type type;
    QLatin1StringView name;
    void (*write)(const ServerFrame &f, QJsonObject &o);
    bool (*read)(const QJsonObject &o, ServerFrame &f, QString *err);
};

const ServerCodec kServerFrames[] = {
    {ServerFrame::Type::Hello, "hello"_L1,
     [](const ServerFrame &f, QJsonObject &o) {
         o.insert("user"_L1, f.user);
         o.insert("epoch"_L1, f.epoch);
         o.insert("protocol"_L1, f.protocol);
         o.insert("features"_L1, QJsonArray::fromStringList(f.features));
         if (f.maxBodyBytes > 0)
             o.insert("maxBodyBytes"_L1, f.maxBodyBytes);
     },
     [](const QJsonObject &o, ServerFrame &f, QString *err) {
         std::optional<qint64> n, protocol;
         if (!JsonFields::readString(o, "user"_L1, &f.user, err)
             || !JsonFields::readString(o, "epoch"_L1, &f.epoch, err)
             || !JsonFields::readInt64(o, "protocol"_L1, &protocol, err)
             || !JsonFields::readInt64(o, "maxBodyBytes"_L1, &n, err, false))
             return false;
         f.maxBodyBytes = int(std::clamp<qint64>(n.value_or(0), 0, std::numeric_limits<int>::max()));
         f.protocol = int(std::clamp<qint64>(*protocol, 0, std::numeric_limits<int>::max()));
         for (const QJsonValue &v : o.value("features"_L1).toArray()) {
             if (v.isString())
                 f.features.append(v.toString());
         }
         return true;
     }},
    {ServerFrame::Type::Room, "room"_L1,
     [](const ServerFrame &f, QJsonObject &o) {
         o.insert("room"_L1, f.room);
         o.insert("change"_L1, f.change);
         o.insert("private"_L1, f.isPrivate);
         o.insert("by"_L1, f.user);
     },
     [](const QJsonObject &o, ServerFrame &f, QString *err) {
         std::optional<bool> isPrivate;
         if (!JsonFields::readString(o, "room"_L1, &f.room, err)
             || !JsonFields::readString(o, "change"_L1, &f.change, err)
             || !JsonFields::readString(o, "by"_L1, &f.user, err, false)
             || !JsonFields::readBool(o, "private"_L1, &isPrivate, err, false))
             return false;
         f.isPrivate = isPrivate.value_or(false);
         return true;
     }},
    {ServerFrame::Type::Subscribed, "subscribed"_L1,
     [](const ServerFrame &f, QJsonObject &o) {
         o.insert("room"_L1, f.room);
         o.insert("lastSeq"_L1, f.lastSeq);
     },
     [](const QJsonObject &o, ServerFrame &f, QString *err) {
         std::optional<qint64> n;
         if (!JsonFields::readString(o, "room"_L1, &f.room, err)
             || !JsonFields::readInt64(o, "lastSeq"_L1, &n, err))
             return false;
         f.lastSeq = *n;
         return true;
     }},
    {ServerFrame::Type::Ack, "ack"_L1,
     [](const ServerFrame &f, QJsonObject &o) {
         o.insert("clientId"_L1, f.clientId);
         o.insert("room"_L1, f.room);
         o.insert("seq"_L1, f.seq);
         o.insert("id"_L1, f.id);
     },
     [](const QJsonObject &o, ServerFrame &f, QString *err) {
         std::optional<qint64> n;
         if (!JsonFields::readString(o, "clientId"_L1, &f.clientId, err)
             || !JsonFields::readString(o, "room"_L1, &f.room, err)
             || !JsonFields::readInt64(o, "seq"_L1, &n, err)
             || !JsonFields::readString(o, "id"_L1, &f.id, err))
             return false;
         f.seq = *n;
         return true;
     }},
    {ServerFrame::Type::Event, "event"_L1,
     [](const ServerFrame &f, QJsonObject &o) { o.insert("event"_L1, f.event.toJson()); },
     [](const QJsonObject &o, ServerFrame &f, QString *err) {
         const QJsonValue m = o.value("event"_L1);
         if (!m.isObject()) {
             *err = u"field 'event' must be an object"_s;
             return false;
         }
         auto event = ChatMessage::fromJson(m.toObject(), err);
         if (!event)
             return false;
         f.event = *event;
         return true;
     }},
    {ServerFrame::Type::Error, "error"_L1,
     [](const ServerFrame &f, QJsonObject &o) {
         o.insert("code"_L1, Errors::code(f.code));
         o.insert("message"_L1, f.text);
         if (!f.clientId.isEmpty())
             o.insert("clientId"_L1, f.clientId);
     },
     [](const QJsonObject &o, ServerFrame &f, QString *err) {
         QString code;
         if (!JsonFields::readString(o, "code"_L1, &code, err)
             || !JsonFields::readString(o, "message"_L1, &f.text, err)
             || !JsonFields::readString(o, "clientId"_L1, &f.clientId, err, false))
             return false;
         f.code = Errors::fromCode(code); // Unknown for a code of a newer server
         return true;
     }},
    {ServerFrame::Type::Read, "read"_L1,
     [](const ServerFrame &f, QJsonObject &o) {
         o.insert("room"_L1, f.room);
         o.insert("seq"_L1, f.seq);
     },
     [](const QJsonObject &o, ServerFrame &f, QString *err) {
         std::optional<qint64> n;
         if (!JsonFields::readString(o, "room"_L1, &f.room, err)
             || !JsonFields::readInt64(o, "seq"_L1, &n, err))
             return false;
         f.seq = *n;
         return true;
     }},
    {ServerFrame::Type::Typing, "typing"_L1,
     [](const ServerFrame &f, QJsonObject &o) {
         o.insert("room"_L1, f.room);
         o.insert("user"_L1, f.user);
         o.insert("typing"_L1, f.typing);
     },
     [](const QJsonObject &o, ServerFrame &f, QString *err) {
         std::optional<bool> typing;
         if (!JsonFields::readString(o, "room"_L1, &f.room, err)
             || !JsonFields::readString(o, "user"_L1, &f.user, err)
             || !JsonFields::readBool(o, "typing"_L1, &typing, err))
             return false;
         f.typing = *typing;
         return true;
     }},
    {ServerFrame::Type::Presence, "presence"_L1,
     [](const ServerFrame &f, QJsonObject &o) {
         o.insert("user"_L1, f.user);
         o.insert("online"_L1, f.online);
         if (f.lastSeen.isValid())
             o.insert("lastSeen"_L1, f.lastSeen.toUTC().toString(Qt::ISODateWithMs));
     },
     [](const QJsonObject &o, ServerFrame &f, QString *err) {
         std::optional<bool> online;
         QString lastSeen;
         if (!JsonFields::readString(o, "user"_L1, &f.user, err)
             || !JsonFields::readBool(o, "online"_L1, &online, err)
             || !JsonFields::readString(o, "lastSeen"_L1, &lastSeen, err, false))
             return false;
         f.online = *online;
         if (!lastSeen.isEmpty())
             f.lastSeen = QDateTime::fromString(lastSeen, Qt::ISODateWithMs);
         return true;
     }},
    {ServerFrame::Type::Pong, "pong"_L1, [](const ServerFrame &, QJsonObject &) {},
     [](const QJsonObject &, ServerFrame &, QString *) { return true; }},
};

template<typename Codec, typename Type, size_t N>
const Codec *codecOf(const Codec (&table)[N], Type type)
{
    for (const Codec &c : table) {
        if (c.type == type)
            return &c;
    }
    return nullptr;
}

template<typename Codec, size_t N>
const Codec *codecNamed(const Codec (&table)[N], QStringView name)
{
    for (const Codec &c : table) {
        if (name == c.name)
            return &c;
    }
    return nullptr;
}

} // namespace

QStringList Protocol::features()
{
    QStringList kinds;
    for (EventKind k : {EventKind::Message, EventKind::Edit, EventKind::Delete,
                        EventKind::Reaction, EventKind::Topic})
        kinds.append(QString(EventKinds::name(k)));
    return kinds;
}

QByteArray ClientFrame::toJson() const
{
    const ClientCodec *codec = codecOf(kClientFrames, type);
    QJsonObject o{{kType, codec->name}};
    codec->write(*this, o);
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
    QString type;
    if (!JsonFields::readString(o, kType, &type, &why)) {
        *error = {ErrorCode::InvalidFrame, why, {}};
        return std::nullopt;
    }
    const ClientCodec *codec = codecNamed(kClientFrames, type);
    if (!codec) {
        *error = {ErrorCode::UnknownType, u"unknown frame type '%1'"_s.arg(type.left(32)), {}};
        return std::nullopt;
    }
    ClientFrame f;
    f.type = codec->type;
    // A send's clientId is read first so that every later error can name it.
    const QString clientId = f.type == ClientFrame::Type::Send && o.value("clientId"_L1).isString()
            ? o.value("clientId"_L1).toString()
            : QString();
    if (auto refusal = codec->read(o, maxBodyBytes, f)) {
        refusal->clientId = Validation::isValidClientId(clientId) ? clientId : QString();
        *error = *refusal;
        return std::nullopt;
    }
    return f;
}

QByteArray ServerFrame::toJson() const
{
    const ServerCodec *codec = codecOf(kServerFrames, type);
    QJsonObject o{{kType, codec->name}};
    codec->write(*this, o);
    return compact(o);
}

std::optional<ServerFrame> ServerFrame::parse(const QByteArray &utf8, QString *error)
{
    QString why;
    QString *err = error ? error : &why;
    QJsonObject o;
    if (!parseObject(utf8, &o, err))
        return std::nullopt;
    QString type;
    if (!JsonFields::readString(o, kType, &type, err))
        return std::nullopt;
    const ServerCodec *codec = codecNamed(kServerFrames, type);
    if (!codec) {
        *err = u"unknown frame type '%1'"_s.arg(type.left(32));
        return std::nullopt;
    }
    ServerFrame f;
    f.type = codec->type;
    if (!codec->read(o, f, err))
        return std::nullopt;
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

ClientFrame ClientFrame::send(const QString &room, const EventSubmission &event)
{
    ClientFrame f;
    f.type = Type::Send;
    f.room = room;
    f.event = event;
    return f;
}

ServerFrame ServerFrame::hello(const QString &user, const QString &epoch, int maxBodyBytes)
{
    ServerFrame f;
    f.type = Type::Hello;
    f.user = user;
    f.epoch = epoch;
    f.maxBodyBytes = maxBodyBytes;
    f.protocol = Protocol::kVersion;
    f.features = Protocol::features();
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

ServerFrame ServerFrame::eventFrame(const ChatMessage &m)
{
    ServerFrame f;
    f.type = Type::Event;
    f.event = m;
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

ClientFrame ClientFrame::read(const QString &room, qint64 seq)
{
    ClientFrame f;
    f.type = Type::Read;
    f.room = room;
    f.seq = seq;
    return f;
}

ClientFrame ClientFrame::typingIn(const QString &room, bool typing)
{
    ClientFrame f;
    f.type = Type::Typing;
    f.room = room;
    f.typing = typing;
    return f;
}

ServerFrame ServerFrame::readMarker(const QString &room, qint64 seq)
{
    ServerFrame f;
    f.type = Type::Read;
    f.room = room;
    f.seq = seq;
    return f;
}

ServerFrame ServerFrame::typingOf(const QString &room, const QString &user, bool typing)
{
    ServerFrame f;
    f.type = Type::Typing;
    f.room = room;
    f.user = user;
    f.typing = typing;
    return f;
}

ServerFrame ServerFrame::presence(const QString &user, bool online, const QDateTime &lastSeen)
{
    ServerFrame f;
    f.type = Type::Presence;
    f.user = user;
    f.online = online;
    f.lastSeen = lastSeen;
    return f;
}
