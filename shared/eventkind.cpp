// SPDX-License-Identifier: MIT
#include "eventkind.h"

#include "fileinfo.h"
#include "validation.h"

#include <QUuid>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventKinds {

namespace {
struct Entry
{
    EventKind kind;
    QLatin1StringView name;
};
constexpr Entry kTable[] = {
    {EventKind::Message, "message"_L1}, {EventKind::Edit, "edit"_L1},
    {EventKind::Delete, "delete"_L1},   {EventKind::Reaction, "reaction"_L1},
    {EventKind::Member, "member"_L1},   {EventKind::Topic, "topic"_L1},
};

bool isEventId(const QJsonValue &v)
{
    return v.isString() && !QUuid::fromString(v.toString()).isNull();
}

bool oneOf(const QJsonValue &v, std::initializer_list<QLatin1StringView> allowed)
{
    if (!v.isString())
        return false;
    const QString s = v.toString();
    return std::any_of(allowed.begin(), allowed.end(), [&](QLatin1StringView a) { return s == a; });
}
} // namespace

QLatin1StringView name(EventKind kind)
{
    for (const Entry &e : kTable) {
        if (e.kind == kind)
            return e.name;
    }
    return "unknown"_L1;
}

EventKind fromName(QStringView text)
{
    for (const Entry &e : kTable) {
        if (text == e.name)
            return e.kind;
    }
    return EventKind::Unknown;
}

bool hasBody(EventKind kind)
{
    return kind == EventKind::Message || kind == EventKind::Edit;
}

bool isValidReactionKey(const QString &key)
{
    if (key.trimmed().isEmpty() || !key.isValidUtf16() || key.toUtf8().size() > kMaxReactionKeyBytes)
        return false;
    return std::none_of(key.cbegin(), key.cend(), [](QChar c) {
        return c.category() == QChar::Other_Control || c == QChar::LineSeparator
                || c == QChar::ParagraphSeparator;
    });
}

bool isFileId(QStringView id)
{
    return id.size() == 32 && std::all_of(id.cbegin(), id.cend(), [](QChar c) {
               return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f');
           });
}

bool relatesToMessage(EventKind kind)
{
    return kind == EventKind::Edit || kind == EventKind::Delete || kind == EventKind::Reaction;
}

std::optional<ErrorCode> fieldsError(EventKind kind, const QJsonObject &fields, QString *why)
{
    auto invalid = [why](const QString &text) {
        *why = text;
        return std::optional(ErrorCode::InvalidRequest);
    };
    if (relatesToMessage(kind) && !isEventId(fields.value("relatesTo"_L1)))
        return invalid(u"field 'relatesTo' must be the id of a message event"_s);
    switch (kind) {
    case EventKind::Message:
        if (fields.contains("format"_L1) && !oneOf(fields.value("format"_L1), {"plain"_L1, "markdown"_L1}))
            return invalid(u"field 'format' must be \"plain\" or \"markdown\""_s);
        if (fields.contains("replyTo"_L1) && !isEventId(fields.value("replyTo"_L1)))
            return invalid(u"field 'replyTo' must be the id of an event"_s);
        // Sent: the file's id; stored and read back: the file object (fileinfo.h).
        if (const QJsonValue a = fields.value("attachment"_L1); !a.isUndefined()
            && !(a.isString() ? isFileId(a.toString()) : a.isObject() && !FileInfo::fromJson(a.toObject()).id.isEmpty()))
            return invalid(u"field 'attachment' must be the id of a file uploaded to the room"_s);
        return std::nullopt;
    case EventKind::Edit:
    case EventKind::Delete:
        return std::nullopt;
    case EventKind::Reaction: {
        const QJsonValue key = fields.value("key"_L1);
        const QString text = key.toString();
        if (!key.isString() || !isValidReactionKey(text))
            return invalid(u"field 'key' must be 1 to %1 bytes of text without control characters"_s
                                   .arg(kMaxReactionKeyBytes));
        if (!oneOf(fields.value("op"_L1), {"add"_L1, "remove"_L1}))
            return invalid(u"field 'op' must be \"add\" or \"remove\""_s);
        return std::nullopt;
    }
    case EventKind::Member:
        if (!fields.value("user"_L1).isString()
            || !Validation::isValidUserName(fields.value("user"_L1).toString()))
            return invalid(u"field 'user' must be a user name"_s);
        if (!oneOf(fields.value("change"_L1),
                   {"join"_L1, "leave"_L1, "invite"_L1, "kick"_L1, "role"_L1}))
            return invalid(u"field 'change' must be join, leave, invite, kick or role"_s);
        if (fields.value("change"_L1) == "role"_L1
            && !oneOf(fields.value("role"_L1), {"admin"_L1, "member"_L1}))
            return invalid(u"field 'role' must be \"admin\" or \"member\""_s);
        return std::nullopt;
    case EventKind::Topic: {
        const QJsonValue topic = fields.value("topic"_L1);
        if (!topic.isString() || topic.toString().size() > kMaxTopicLength
            || !topic.toString().isValidUtf16() || topic.toString().contains(QChar(0)))
            return invalid(u"field 'topic' must be text of at most %1 characters"_s.arg(kMaxTopicLength));
        return std::nullopt;
    }
    case EventKind::Unknown:
        break;
    }
    *why = u"unknown event kind"_s;
    return ErrorCode::InvalidRequest;
}

} // namespace EventKinds
