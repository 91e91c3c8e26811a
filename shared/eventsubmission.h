// SPDX-License-Identifier: MIT
#pragma once

#include "errorcode.h"
#include "eventkind.h"

#include <QJsonObject>
#include <QString>

#include <optional>

// An event a client asks to append, as both transports carry it (docs/protocol.md): the
// WebSocket `send` frame and the body of POST /api/v2/rooms/{room}/messages.
//   {"clientId", "kind"? (default "message"), "body"? (message, edit), …the kind's fields}
// Only the kind's own fields are taken; anything else in the object is ignored.
struct EventSubmission
{
    QString clientId;
    EventKind kind = EventKind::Message;
    QString body;       // message and edit
    QJsonObject fields; // the kind's fields besides body (relatesTo, key, op, format, …)

    QJsonObject toJson() const;

    // Reads and checks a submission; maxBodyBytes is the server's body limit. On refusal
    // returns the code (InvalidRequest for shape and field rules, or a body code) and fills
    // *why. Clients may not submit `member` events: the server writes them.
    static std::optional<ErrorCode> read(const QJsonObject &json, int maxBodyBytes,
                                         EventSubmission *out, QString *why);

    static EventSubmission message(const QString &clientId, const QString &body);
};
