// SPDX-License-Identifier: MIT
#include "eventsubmission.h"

#include "jsonfields.h"
#include "validation.h"

using namespace Qt::StringLiterals;

namespace {
// The fields a client may set for each kind it may submit, besides clientId, kind and body.
QList<QLatin1StringView> fieldNames(EventKind kind)
{
    switch (kind) {
    case EventKind::Message:
        return {"format"_L1, "replyTo"_L1, "attachment"_L1};
    case EventKind::Edit:
    case EventKind::Delete:
        return {"relatesTo"_L1};
    case EventKind::Reaction:
        return {"relatesTo"_L1, "key"_L1, "op"_L1};
    case EventKind::Topic:
        return {"topic"_L1};
    case EventKind::Member:
    case EventKind::Unknown:
        break;
    }
    return {};
}
} // namespace

QJsonObject EventSubmission::toJson() const
{
    QJsonObject o = fields;
    o.insert("clientId"_L1, clientId);
    o.insert("kind"_L1, QString(EventKinds::name(kind)));
    if (EventKinds::hasBody(kind))
        o.insert("body"_L1, body);
    return o;
}

std::optional<ErrorCode> EventSubmission::read(const QJsonObject &json, int maxBodyBytes,
                                               EventSubmission *out, QString *why)
{
    EventSubmission s;
    QString kindName = u"message"_s;
    if (!JsonFields::readString(json, "clientId"_L1, &s.clientId, why)
        || !JsonFields::readString(json, "kind"_L1, &kindName, why, false))
        return ErrorCode::InvalidRequest;
    if (!Validation::isValidClientId(s.clientId)) {
        *why = u"clientId must be 1 to 64 characters without control characters"_s;
        return ErrorCode::InvalidRequest;
    }
    s.kind = EventKinds::fromName(kindName);
    if (s.kind == EventKind::Member) {
        *why = u"member events are written by the server"_s;
        return ErrorCode::InvalidRequest;
    }
    if (s.kind == EventKind::Unknown) {
        *why = u"unknown event kind '%1'"_s.arg(kindName.left(32));
        return ErrorCode::InvalidRequest;
    }
    if (EventKinds::hasBody(s.kind)) {
        if (!JsonFields::readString(json, "body"_L1, &s.body, why))
            return ErrorCode::InvalidRequest;
        // A file may go without a caption.
        const bool captionless = s.kind == EventKind::Message && s.body.isEmpty()
                && json.contains("attachment"_L1);
        if (const auto bodyError = Validation::bodyError(s.body, maxBodyBytes); bodyError && !captionless) {
            *why = Validation::bodyErrorMessage(*bodyError, maxBodyBytes);
            return bodyError;
        }
    }
    for (QLatin1StringView name : fieldNames(s.kind)) {
        if (json.contains(name))
            s.fields.insert(name, json.value(name));
    }
    if (const auto error = EventKinds::fieldsError(s.kind, s.fields, why))
        return error;
    if (s.fields.contains("attachment"_L1) && !s.fields.value("attachment"_L1).isString()) {
        *why = u"field 'attachment' must be the id of a file uploaded to the room"_s;
        return ErrorCode::InvalidRequest;
    }
    if (s.fields.value("format"_L1).toString() == "plain"_L1)
        s.fields.remove("format"_L1); // the default, as stored
    *out = s;
    return std::nullopt;
}

EventSubmission EventSubmission::message(const QString &clientId, const QString &body)
{
    EventSubmission s;
    s.clientId = clientId;
    s.body = body;
    return s;
}
