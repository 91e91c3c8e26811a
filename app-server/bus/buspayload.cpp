// SPDX-License-Identifier: MIT
#include "buspayload.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

#include <limits>

using namespace Qt::StringLiterals;

namespace BusPayload {
namespace {

QByteArray render(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Splits items over as few payloads as fit (an item alone always fits: room names and digests
// are short).
QList<QByteArray> chunked(const QString &node, const QString &key, const QJsonArray &items)
{
    QList<QByteArray> out;
    const qsizetype overhead = render({{"node"_L1, node}, {key, QJsonArray()}}).size();
    QJsonArray chunk;
    qsizetype bytes = overhead;
    for (const QJsonValue &item : items) {
        const qsizetype size = QJsonDocument(QJsonArray{item}).toJson(QJsonDocument::Compact).size() - 1;
        if (!chunk.isEmpty() && bytes + size > kMaxBytes) {
            out.append(render({{"node"_L1, node}, {key, chunk}}));
            chunk = {};
            bytes = overhead;
        }
        chunk.append(item);
        bytes += size;
    }
    if (!chunk.isEmpty())
        out.append(render({{"node"_L1, node}, {key, chunk}}));
    return out;
}

const std::pair<RoomChange::Kind, QLatin1StringView> kRoomChanges[] = {
        {RoomChange::Kind::Created, "created"_L1},
        {RoomChange::Kind::Invited, "invited"_L1},
        {RoomChange::Kind::Archived, "archived"_L1},
        {RoomChange::Kind::Unarchived, "unarchived"_L1}};

QString nameOf(RoomChange::Kind kind)
{
    for (const auto &[k, name] : kRoomChanges) {
        if (k == kind)
            return name;
    }
    return {};
}

std::optional<RoomChange::Kind> kindOf(const QString &name)
{
    for (const auto &[k, n] : kRoomChanges) {
        if (n == name)
            return k;
    }
    return std::nullopt;
}

} // namespace

QList<QByteArray> forEvents(const QString &node, const QList<ChatMessage> &committed)
{
    if (committed.isEmpty())
        return {};
    QJsonArray events;
    for (const ChatMessage &m : committed)
        events.append(m.toJson());
    QByteArray whole = render({{"node"_L1, node}, {"events"_L1, events}});
    if (whole.size() <= kMaxBytes)
        return {whole};
    // Too big to carry: name each room's range; the other nodes read them.
    QMap<QString, std::pair<qint64, qint64>> ranges;
    for (const ChatMessage &m : committed) {
        auto it = ranges.find(m.room);
        if (it == ranges.end())
            ranges.insert(m.room, {m.seq, m.seq});
        else
            *it = {std::min(it->first, m.seq), std::max(it->second, m.seq)};
    }
    QJsonArray items;
    for (auto it = ranges.cbegin(); it != ranges.cend(); ++it)
        items.append(QJsonArray{it.key(), it->first, it->second});
    return chunked(node, u"rooms"_s, items);
}

QList<QByteArray> forTokens(const QString &node, const QList<QByteArray> &digests)
{
    QJsonArray items;
    for (const QByteArray &d : digests)
        items.append(QString::fromLatin1(d.toHex()));
    return chunked(node, u"tokens"_s, items);
}

QByteArray forRoomChange(const QString &node, const RoomChange &change)
{
    return render({{"node"_L1, node},
                   {"room"_L1, QJsonObject{{"change"_L1, nameOf(change.kind)},
                                           {"name"_L1, change.room},
                                           {"private"_L1, change.isPrivate},
                                           {"userId"_L1, change.userId},
                                           {"user"_L1, change.user},
                                           {"by"_L1, change.by}}}});
}

QList<QByteArray> forSends(const QString &node, const QHash<qint64, int> &sends)
{
    QJsonArray items;
    for (auto it = sends.cbegin(); it != sends.cend(); ++it)
        items.append(QJsonArray{it.key(), it.value()});
    return chunked(node, u"sends"_s, items);
}

QList<QByteArray> forEphemeral(const QString &node, const QList<Ephemeral> &items)
{
    // ["t", room, user, typing] | ["r", room, userId, seq] | ["p", userId, user, online]
    QJsonArray out;
    for (const Ephemeral &e : items) {
        switch (e.kind) {
        case Ephemeral::Kind::Typing:
            out.append(QJsonArray{u"t"_s, e.room, e.user, e.on});
            break;
        case Ephemeral::Kind::Read:
            out.append(QJsonArray{u"r"_s, e.room, e.userId, e.seq});
            break;
        case Ephemeral::Kind::Presence:
            out.append(QJsonArray{u"p"_s, e.userId, e.user, e.on});
            break;
        }
    }
    return chunked(node, u"ephemeral"_s, out);
}

QList<QByteArray> forOnline(const QString &node, const QHash<qint64, QString> &online)
{
    QJsonArray items;
    for (auto it = online.cbegin(); it != online.cend(); ++it)
        items.append(QJsonArray{it.key(), it.value()});
    return chunked(node, u"online"_s, items);
}

std::optional<Notice> parse(const QByteArray &payload, QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<Notice> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &parseError);
    if (!doc.isObject())
        return fail(u"not a JSON object: %1"_s.arg(parseError.errorString()));
    const QJsonObject o = doc.object();
    Notice notice;
    notice.node = o.value("node"_L1).toString();
    if (notice.node.isEmpty())
        return fail(u"no node"_s);
    for (const QJsonValue &v : o.value("events"_L1).toArray()) {
        QString why;
        auto event = ChatMessage::fromJson(v.toObject(), &why);
        if (!event)
            return fail(u"an event: %1"_s.arg(why));
        notice.events.append(std::move(*event));
    }
    for (const QJsonValue &v : o.value("rooms"_L1).toArray()) {
        const QJsonArray r = v.toArray();
        RoomRange range{r.at(0).toString(), r.at(1).toInteger(), r.at(2).toInteger()};
        if (r.size() != 3 || range.room.isEmpty() || range.first < 1 || range.last < range.first)
            return fail(u"a room range"_s);
        notice.ranges.append(range);
    }
    for (const QJsonValue &v : o.value("tokens"_L1).toArray()) {
        const QByteArray digest = QByteArray::fromHex(v.toString().toLatin1());
        if (digest.isEmpty())
            return fail(u"a token"_s);
        notice.tokens.append(digest);
    }
    for (const QJsonValue &v : o.value("sends"_L1).toArray()) {
        const QJsonArray s = v.toArray();
        const qint64 user = s.at(0).toInteger();
        const qint64 count = s.at(1).toInteger();
        if (s.size() != 2 || user < 1 || count < 1 || count > std::numeric_limits<int>::max())
            return fail(u"a send count"_s);
        notice.sends.append({user, int(count)});
    }
    for (const QJsonValue &v : o.value("ephemeral"_L1).toArray()) {
        const QJsonArray a = v.toArray();
        const QString kind = a.at(0).toString();
        Ephemeral e;
        if (kind == "t"_L1 && a.size() == 4 && a.at(3).isBool()) {
            e = {Ephemeral::Kind::Typing, a.at(1).toString(), 0, a.at(2).toString(), a.at(3).toBool(), 0};
            if (e.room.isEmpty() || e.user.isEmpty())
                return fail(u"a typing signal"_s);
        } else if (kind == "r"_L1 && a.size() == 4) {
            e = {Ephemeral::Kind::Read, a.at(1).toString(), a.at(2).toInteger(), {}, false, a.at(3).toInteger()};
            if (e.room.isEmpty() || e.userId < 1 || e.seq < 0)
                return fail(u"a read signal"_s);
        } else if (kind == "p"_L1 && a.size() == 4 && a.at(3).isBool()) {
            e = {Ephemeral::Kind::Presence, {}, a.at(1).toInteger(), a.at(2).toString(), a.at(3).toBool(), 0};
            if (e.userId < 1 || e.user.isEmpty())
                return fail(u"a presence signal"_s);
        } else {
            return fail(u"a signal"_s);
        }
        notice.ephemeral.append(e);
    }
    for (const QJsonValue &v : o.value("online"_L1).toArray()) {
        const QJsonArray a = v.toArray();
        if (a.size() != 2 || a.at(0).toInteger() < 1 || a.at(1).toString().isEmpty())
            return fail(u"an online user"_s);
        notice.online.append({a.at(0).toInteger(), a.at(1).toString()});
    }
    if (const QJsonValue v = o.value("room"_L1); v.isObject()) {
        const QJsonObject r = v.toObject();
        const auto kind = kindOf(r.value("change"_L1).toString());
        if (!kind)
            return fail(u"a room change"_s);
        RoomChange c{*kind, r.value("name"_L1).toString(), r.value("private"_L1).toBool(),
                     r.value("userId"_L1).toInteger(), r.value("user"_L1).toString(),
                     r.value("by"_L1).toString()};
        const bool aboutUser = c.kind == RoomChange::Kind::Created || c.kind == RoomChange::Kind::Invited;
        if (c.room.isEmpty() || (aboutUser && (c.userId < 1 || c.user.isEmpty())))
            return fail(u"a room change"_s);
        notice.roomChange = c;
    }
    return notice;
}

} // namespace BusPayload
