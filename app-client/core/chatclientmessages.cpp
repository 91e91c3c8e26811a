// SPDX-License-Identifier: MIT
// ChatClient's writing side: messages and the changes of messages (edit, delete, reaction) go
// through the outbox, are sent with their clientId and resent with it until answered.
#include "chatclient.h"

#include "validation.h"

#include <QLoggingCategory>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcClient)

using namespace Qt::StringLiterals;

namespace {
// Why the server refused a message, for the person who wrote it.
QString refusalText(ErrorCode code, const QString &serverMessage)
{
    switch (code) {
    case ErrorCode::BodyTooLong: return ChatClient::tr("too long for this server");
    case ErrorCode::Forbidden: return ChatClient::tr("you are not a member of this room");
    case ErrorCode::RoomNotFound: return ChatClient::tr("this room does not exist any more");
    case ErrorCode::RoomArchived: return ChatClient::tr("this room is archived");
    case ErrorCode::EmptyBody:
    case ErrorCode::InvalidBody: return ChatClient::tr("the text is empty or not valid");
    default: return serverMessage;
    }
}

// Why a change of a message was refused, as a sentence.
QString changeRefusalText(EventKind kind, ErrorCode code, const QString &serverMessage)
{
    if (code == ErrorCode::EventNotFound)
        return ChatClient::tr("That message was deleted in the meantime.");
    if (code == ErrorCode::Forbidden) {
        return kind == EventKind::Delete ? ChatClient::tr("You can't delete that message.")
             : kind == EventKind::Edit   ? ChatClient::tr("You can only edit your own messages.")
                                         : ChatClient::tr("You are not a member of this room.");
    }
    const QString why = refusalText(code, serverMessage);
    return kind == EventKind::Edit     ? ChatClient::tr("The edit was not saved: %1.").arg(why)
         : kind == EventKind::Delete   ? ChatClient::tr("The message was not deleted: %1.").arg(why)
                                       : ChatClient::tr("The reaction was not saved: %1.").arg(why);
}
} // namespace

bool ChatClient::bodyAccepted(const QString &body)
{
    const auto problem = Validation::bodyError(body, m_maxBodyBytes);
    if (problem == ErrorCode::BodyTooLong) {
        emit errorOccurred(tr("This message is too long: %1 bytes, the server takes at most %2.")
                                   .arg(body.toUtf8().size())
                                   .arg(m_maxBodyBytes));
        return false;
    }
    if (problem) {
        emit errorOccurred(tr("This message cannot be sent: it is empty or contains characters "
                              "that are not text."));
        return false;
    }
    return true;
}

QString ChatClient::sendMessage(const QString &room, const QString &body, const QString &replyTo,
                                TextFormat format)
{
    if (!bodyAccepted(body))
        return {};
    QJsonObject fields;
    if (!replyTo.isEmpty())
        fields.insert("replyTo"_L1, replyTo);
    if (format == TextFormat::Markdown)
        fields.insert("format"_L1, "markdown"_L1);
    const Outbox::Item item = m_outbox.enqueue(room, body, EventKind::Message, fields);
    m_outboxRoom.insert(item.clientId, room);
    messages(room)->addPending(item.clientId, body, item.typedAt, fields);
    trySend(item);
    return item.clientId;
}

QString ChatClient::sendFile(const QString &room, const QString &path, const QString &caption)
{
    if (!caption.isEmpty() && !bodyAccepted(caption))
        return {};
    QString error;
    const QString id = m_files.upload(room, path, &error);
    if (id.isEmpty()) {
        emit errorOccurred(error);
        return {};
    }
    m_captions.insert(id, caption);
    return id;
}

void ChatClient::onUploaded(const QString &uploadId, const QString &room, const FileInfo &file)
{
    // Sent by id; shown at once with what the server said of the file.
    const QString caption = m_captions.take(uploadId);
    const Outbox::Item item = m_outbox.enqueue(room, caption, EventKind::Message, {{"attachment"_L1, file.id}});
    m_outboxRoom.insert(item.clientId, room);
    messages(room)->addPending(item.clientId, caption, item.typedAt, {{"attachment"_L1, file.toJson()}});
    trySend(item);
}

void ChatClient::queueChange(const QString &room, EventKind kind, const QString &body,
                             const QJsonObject &fields)
{
    const Outbox::Item item = m_outbox.enqueue(room, body, kind, fields);
    m_outboxRoom.insert(item.clientId, room);
    trySend(item);
}

void ChatClient::editMessage(const QString &room, const QString &id, const QString &body)
{
    const auto current = messages(room)->message(id);
    if (current && current->body == body)
        return; // nothing changed
    if (bodyAccepted(body))
        queueChange(room, EventKind::Edit, body, {{"relatesTo"_L1, id}});
}

void ChatClient::deleteMessage(const QString &room, const QString &id)
{
    queueChange(room, EventKind::Delete, {}, {{"relatesTo"_L1, id}});
}

void ChatClient::toggleReaction(const QString &room, const QString &id, const QString &key)
{
    if (!EventKinds::isValidReactionKey(key)) {
        emit errorOccurred(tr("A reaction is one emoji or a short word (at most %1 bytes).")
                                   .arg(EventKinds::kMaxReactionKeyBytes));
        return;
    }
    const auto current = messages(room)->message(id);
    if (!current || current->deleted)
        return;
    const bool mine = std::any_of(current->reactions.cbegin(), current->reactions.cend(),
                                  [&](const Reaction &r) { return r.key == key && r.me; });
    queueChange(room, EventKind::Reaction, {},
                {{"relatesTo"_L1, id}, {"key"_L1, key}, {"op"_L1, mine ? u"remove"_s : u"add"_s}});
}

bool ChatClient::canDelete(const QString &room, const QString &sender) const
{
    if (sender == m_user)
        return true;
    const auto info = m_rooms.info(room);
    return info && (info->role == RoomRoles::kOwner || info->role == RoomRoles::kAdmin);
}

QString ChatClient::takeBack(const QString &clientId)
{
    QString body;
    for (const Outbox::Item &item : m_outbox.items()) {
        if (item.clientId == clientId && item.failed)
            body = item.body;
    }
    if (!body.isNull())
        discard(clientId);
    return body;
}

void ChatClient::discard(const QString &clientId)
{
    const QString room = m_outboxRoom.value(clientId);
    if (room.isEmpty() || m_inFlight.contains(clientId))
        return; // unknown, or on the wire right now: its answer decides
    m_outbox.remove(clientId);
    m_outboxRoom.remove(clientId);
    messages(room)->removePending(clientId);
}

void ChatClient::trySend(const Outbox::Item &item)
{
    if (item.failed || m_inFlight.contains(item.clientId))
        return;
    if (m_connection.sendEvent(item.room, item.submission()))
        m_inFlight.insert(item.clientId);
}

void ChatClient::flushOutbox()
{
    if (!m_outbox.isOpen())
        return;
    for (const Outbox::Item &item : m_outbox.items())
        trySend(item);
}

void ChatClient::onAck(const QString &clientId, const QString &room, qint64 seq, const QString &id)
{
    m_toldServerTrouble = false; // stored again: a later outage is told again
    m_inFlight.remove(clientId);
    m_outbox.remove(clientId);
    // A retry of a message first sent to another room is acked with the original room.
    const QString queuedIn = m_outboxRoom.take(clientId);
    messages(queuedIn.isEmpty() ? room : queuedIn)->markAcked(clientId, seq, id);
}

void ChatClient::onError(ErrorCode code, const QString &message, const QString &clientId)
{
    if (clientId.isEmpty() || !m_outboxRoom.contains(clientId)) {
        if (code == ErrorCode::UpgradeRequired)
            emit errorOccurred(tr("This server runs another version of the chat. Update the app or "
                                  "the server to connect."));
        else if (code != ErrorCode::Unauthorized)
            emit errorOccurred(message);
        return;
    }
    m_inFlight.remove(clientId);
    if (Errors::isTransient(code)) {
        // Sending too fast only slows the outbox down; a server that cannot store (its database
        // is away) is worth a word, once, so that "sending…" does not look like a hang.
        if (code != ErrorCode::RateLimited && !std::exchange(m_toldServerTrouble, true))
            emit noticed(tr("The server can't store messages right now. Yours will be sent later."));
        if (!m_retryTimer.isActive())
            m_retryTimer.start(m_options.retryDelayMs);
        return;
    }
    qCInfo(lcClient) << "event" << clientId << "refused:" << Errors::code(code) << message;
    EventKind kind = EventKind::Message;
    for (const Outbox::Item &item : m_outbox.items()) {
        if (item.clientId == clientId)
            kind = item.kind;
    }
    if (kind != EventKind::Message) {
        // A change that cannot be made is dropped and told (a reaction that is already there,
        // from a quick second click, is no news).
        m_outbox.remove(clientId);
        m_outboxRoom.remove(clientId);
        if (code != ErrorCode::NoChange)
            emit errorOccurred(changeRefusalText(kind, code, message));
        return;
    }
    // Refused for good: sending it again cannot help. It stays, marked, until the user takes
    // the text back or discards it.
    const QString reason = refusalText(code, message);
    m_outbox.markFailed(clientId, reason);
    messages(m_outboxRoom.value(clientId))->markFailed(clientId, reason);
}
