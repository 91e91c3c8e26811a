// SPDX-License-Identifier: MIT
#pragma once

#include "errorcode.h"

#include <QJsonObject>
#include <QLatin1StringView>
#include <QString>

#include <optional>

// The kinds of event a room's timeline holds (docs/protocol.md, contract v2), each with its own
// fields besides the common ones (id, room, seq, sender, ts, clientId):
//   message  body, format ("plain" | "markdown"), replyTo? (an event id), attachment? (a file:
//            the id of an upload when sent, the file's description once stored)
//   edit     relatesTo (a message's id), body: the message's new text
//   delete   relatesTo: the message removed
//   reaction relatesTo, key (an emoji or short text), op ("add" | "remove")
//   member   user, change ("join" | "leave" | "invite" | "kick" | "role"), role (with "role":
//            "admin" | "member"); written by the server, by (sender) whoever did it
//   topic    topic: the room's new topic
// One table, so that adding a kind touches this file and the store's effect of it.
enum class EventKind { Unknown, Message, Edit, Delete, Reaction, Member, Topic };

namespace EventKinds {

inline constexpr int kMaxReactionKeyBytes = 16; // UTF-8: 👍🏽 is 8, 👩‍💻 11
// A reaction key: 1 to 16 bytes of UTF-8, not only spaces, no control characters.
bool isValidReactionKey(const QString &key);
inline constexpr int kMaxTopicLength = 256;
// The id of an uploaded file: 32 lower-case hex digits (128 random bits).
bool isFileId(QStringView id);

QLatin1StringView name(EventKind kind); // "unknown" for Unknown
EventKind fromName(QStringView name);   // Unknown when not in the table (a newer peer's kind)
// Events that change a message event (relatesTo names it).
bool relatesToMessage(EventKind kind);
// Events with a body: message, edit (its new text).
bool hasBody(EventKind kind);

// Checks the kind's fields (not body, which Validation::bodyError checks for message and edit).
// Returns the refusal's code and fills *why; nullopt when they are right.
std::optional<ErrorCode> fieldsError(EventKind kind, const QJsonObject &fields, QString *why);

} // namespace EventKinds
