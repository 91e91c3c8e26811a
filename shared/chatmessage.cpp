// SPDX-License-Identifier: MIT
#include "chatmessage.h"

#include "jsonfields.h"

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

QJsonObject ChatMessage::toJson() const
{
    return QJsonObject{
        {"id"_L1, id},
        {"room"_L1, room},
        {"seq"_L1, seq},
        {"sender"_L1, sender},
        {"body"_L1, body},
        {"clientId"_L1, clientId},
        {"ts"_L1, formatTimestamp(ts)},
    };
}

std::optional<ChatMessage> ChatMessage::fromJson(const QJsonObject &json, QString *error)
{
    ChatMessage m;
    std::optional<qint64> seq;
    QString ts;
    if (!JsonFields::readString(json, "id"_L1, &m.id, error)
        || !JsonFields::readString(json, "room"_L1, &m.room, error)
        || !JsonFields::readInt64(json, "seq"_L1, &seq, error)
        || !JsonFields::readString(json, "sender"_L1, &m.sender, error)
        || !JsonFields::readString(json, "body"_L1, &m.body, error)
        || !JsonFields::readString(json, "clientId"_L1, &m.clientId, error)
        || !JsonFields::readString(json, "ts"_L1, &ts, error))
        return std::nullopt;
    m.seq = *seq;
    if (m.seq < 1) {
        if (error)
            *error = u"field 'seq' must be at least 1"_s;
        return std::nullopt;
    }
    m.ts = parseTimestamp(ts);
    if (!m.ts.isValid()) {
        if (error)
            *error = u"field 'ts' must be an ISO 8601 UTC timestamp"_s;
        return std::nullopt;
    }
    return m;
}
