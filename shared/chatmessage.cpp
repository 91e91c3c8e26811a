// SPDX-License-Identifier: MIT
#include "chatmessage.h"

#include "jsonfields.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

QString formatTimestamp(const QDateTime &ts)
{
    return ts.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime parseTimestamp(const QString &text)
{
    QDateTime ts = QDateTime::fromString(text, Qt::ISODateWithMs);
    return ts.isValid() ? ts.toUTC() : QDateTime();
}

namespace {
// The fields every event has, not the kind's own.
constexpr QLatin1StringView kCommon[] = {"id"_L1, "room"_L1, "seq"_L1, "kind"_L1, "sender"_L1,
                                         "ts"_L1, "clientId"_L1, "body"_L1, "edited"_L1,
                                         "deleted"_L1, "reactions"_L1, "updatedSeq"_L1};
} // namespace

QJsonObject ChatMessage::toJson() const
{
    QJsonObject o = fields;
    o.insert("id"_L1, id);
    o.insert("room"_L1, room);
    o.insert("seq"_L1, seq);
    o.insert("kind"_L1, QString(EventKinds::name(kind)));
    o.insert("sender"_L1, sender);
    o.insert("ts"_L1, formatTimestamp(ts));
    if (!clientId.isEmpty())
        o.insert("clientId"_L1, clientId);
    if (EventKinds::hasBody(kind) && !deleted)
        o.insert("body"_L1, body);
    if (kind == EventKind::Message) {
        if (!o.contains("format"_L1))
            o.insert("format"_L1, u"plain"_s);
        if (edited)
            o.insert("edited"_L1, true);
        if (deleted)
            o.insert("deleted"_L1, true);
        if (updatedSeq > 0)
            o.insert("updatedSeq"_L1, updatedSeq);
        if (!reactions.isEmpty()) {
            QJsonArray list;
            for (const Reaction &r : reactions)
                list.append(QJsonObject{{"key"_L1, r.key}, {"count"_L1, r.count}, {"me"_L1, r.me}});
            o.insert("reactions"_L1, list);
        }
    }
    return o;
}

std::optional<ChatMessage> ChatMessage::fromJson(const QJsonObject &json, QString *error)
{
    QString why;
    auto fail = [&](const QString &text) {
        if (error)
            *error = text;
        return std::nullopt;
    };
    ChatMessage m;
    std::optional<qint64> seq;
    QString ts, kind;
    if (!JsonFields::readString(json, "id"_L1, &m.id, &why)
        || !JsonFields::readString(json, "room"_L1, &m.room, &why)
        || !JsonFields::readInt64(json, "seq"_L1, &seq, &why)
        || !JsonFields::readString(json, "kind"_L1, &kind, &why)
        || !JsonFields::readString(json, "sender"_L1, &m.sender, &why)
        || !JsonFields::readString(json, "ts"_L1, &ts, &why)
        || !JsonFields::readString(json, "clientId"_L1, &m.clientId, &why, false))
        return fail(why);
    m.seq = *seq;
    if (m.seq < 1)
        return fail(u"field 'seq' must be at least 1"_s);
    m.ts = parseTimestamp(ts);
    if (!m.ts.isValid())
        return fail(u"field 'ts' must be an ISO 8601 UTC timestamp"_s);
    m.kind = EventKinds::fromName(kind);
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (std::find(std::begin(kCommon), std::end(kCommon), it.key()) == std::end(kCommon))
            m.fields.insert(it.key(), it.value());
    }
    if (m.kind == EventKind::Unknown)
        return m; // a newer server's kind: the caller skips it
    std::optional<bool> edited, deleted;
    std::optional<qint64> updatedSeq;
    if (!JsonFields::readBool(json, "edited"_L1, &edited, &why, false)
        || !JsonFields::readBool(json, "deleted"_L1, &deleted, &why, false)
        || !JsonFields::readInt64(json, "updatedSeq"_L1, &updatedSeq, &why, false))
        return fail(why);
    m.edited = edited.value_or(false);
    m.deleted = deleted.value_or(false);
    m.updatedSeq = std::max<qint64>(0, updatedSeq.value_or(0));
    if (EventKinds::hasBody(m.kind) && !m.deleted && !JsonFields::readString(json, "body"_L1, &m.body, &why))
        return fail(why);
    if (EventKinds::fieldsError(m.kind, m.fields, &why))
        return fail(why);
    if (m.fields.value("format"_L1).toString() == "plain"_L1)
        m.fields.remove("format"_L1); // the default, as stored
    const QJsonValue reactions = json.value("reactions"_L1);
    if (!reactions.isUndefined() && !reactions.isArray())
        return fail(u"field 'reactions' must be an array"_s);
    for (const QJsonValue &v : reactions.toArray()) {
        const QJsonObject r = v.toObject();
        Reaction reaction;
        std::optional<qint64> count;
        std::optional<bool> me;
        if (!JsonFields::readString(r, "key"_L1, &reaction.key, &why)
            || !JsonFields::readInt64(r, "count"_L1, &count, &why)
            || !JsonFields::readBool(r, "me"_L1, &me, &why))
            return fail(u"reactions: "_s + why);
        if (*count < 1 || *count > std::numeric_limits<int>::max())
            return fail(u"reactions: field 'count' must be at least 1"_s);
        reaction.count = int(*count);
        reaction.me = *me;
        m.reactions.append(reaction);
    }
    return m;
}
