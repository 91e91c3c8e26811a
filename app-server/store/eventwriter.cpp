// SPDX-License-Identifier: MIT
#include "eventwriter.h"

#include "roominfo.h"

#include <QJsonDocument>
#include <QVariant>

using namespace Qt::StringLiterals;

QString EventWriter::columns()
{
    return u"e.seq, e.id, u.name, e.client_id, e.body, e.ts, e.kind, e.relates_to, e.content, "
           "e.edited, e.deleted, e.updated_seq"_s;
}

ChatMessage EventWriter::eventFromRow(const QSqlQuery &q, const QString &room)
{
    ChatMessage m;
    m.room = room;
    m.seq = q.value(0).toLongLong();
    m.id = q.value(1).toString();
    m.sender = q.value(2).toString();
    m.clientId = q.value(3).toString();
    m.body = q.value(4).toString();
    m.ts = QDateTime::fromMSecsSinceEpoch(q.value(5).toLongLong(), Qt::UTC);
    m.kind = EventKinds::fromName(q.value(6).toString());
    if (!q.value(8).isNull())
        m.fields = QJsonDocument::fromJson(q.value(8).toString().toUtf8()).object();
    if (!q.value(7).isNull())
        m.fields.insert("relatesTo"_L1, q.value(7).toString());
    m.edited = q.value(9).toInt() != 0;
    m.deleted = q.value(10).toInt() != 0;
    m.updatedSeq = q.value(11).toLongLong();
    return m;
}

QVariant EventWriter::contentOf(const ChatMessage &event)
{
    QJsonObject content = event.fields;
    content.remove("relatesTo"_L1);
    if (content.isEmpty())
        return QVariant(QMetaType::fromType<QString>()); // SQL NULL
    return QString::fromUtf8(QJsonDocument(content).toJson(QJsonDocument::Compact));
}

bool EventWriter::write(QList<NewEvent> &events, QList<AppendResult> &results,
                        QHash<qint64, qint64> *lastSeqs)
{
    QList<qint64> roomIds;
    for (const NewEvent &e : std::as_const(events)) {
        if (!roomIds.contains(e.roomId))
            roomIds.append(e.roomId);
    }
    QHash<qint64, qint64> before;
    QSet<qint64> archived;
    if (!lockCounters(roomIds, &before, &archived))
        return false;
    if (!archived.isEmpty() && !refuseArchived(events, archived, results))
        return false;
    if (!refuseNonMembers(events, results))
        return false;
    QHash<qint64, qint64> counters = before;
    QList<NewEvent *> run; // consecutive messages, stored together (a reply's target is checked alone)
    for (qsizetype i = 0; i <= events.size(); ++i) {
        const bool message = i < events.size() && events[i].message.kind == EventKind::Message
                && !events[i].message.fields.contains("replyTo"_L1)
                && !events[i].message.fields.contains("attachment"_L1);
        if (message) {
            run.append(&events[i]);
            continue;
        }
        if (!run.isEmpty() && !storeMessages(run, counters, results))
            return false;
        run.clear();
        if (i < events.size() && !storeChange(events[i], counters, results[events[i].index]))
            return false;
    }
    if (!storeCounters(counters, before))
        return false;
    for (auto it = counters.cbegin(); it != counters.cend(); ++it) {
        if (it.value() != before.value(it.key()))
            lastSeqs->insert(it.key(), it.value());
    }
    return true;
}

bool EventWriter::lockCounters(const QList<qint64> &roomIds, QHash<qint64, qint64> *counters,
                               QSet<qint64> *archived)
{
    // SQLite: the writer holds the database's write lock for the transaction already.
    QSqlQuery &q = m_sql.prepared(m_lockSeq,
                                  u"SELECT last_seq, archived_at IS NOT NULL FROM rooms WHERE id = ?"_s);
    for (qint64 id : roomIds) {
        q.bindValue(0, id);
        if (!m_sql.exec(q) || !q.next())
            return false;
        counters->insert(id, q.value(0).toLongLong());
        if (q.value(1).toBool())
            archived->insert(id);
        q.finish();
    }
    return true;
}

bool EventWriter::refuseArchived(QList<NewEvent> &events, const QSet<qint64> &archived,
                                 QList<AppendResult> &results)
{
    // Membership still changes in an archive: it is there to be joined and read.
    const auto refused = [&archived](const NewEvent &e) {
        return archived.contains(e.roomId) && e.message.kind != EventKind::Member;
    };
    for (const NewEvent &event : std::as_const(events)) {
        if (!refused(event))
            continue;
        // A retry of what was stored before the archive still gets its ack.
        const auto original = findByClientId(event.senderId, event.message.clientId);
        if (m_sql.broken())
            return false;
        results[event.index] = original ? AppendResult{StoreStatus::Ok, *original, true}
                                        : AppendResult{StoreStatus::RoomArchived, {}, false};
    }
    events.removeIf(refused);
    return true;
}

bool EventWriter::refuseNonMembers(QList<NewEvent> &, QList<AppendResult> &)
{
    return true;
}

bool EventWriter::storeMessages(const QList<NewEvent *> &run, QHash<qint64, qint64> &counters,
                                QList<AppendResult> &results)
{
    // One INSERT per message, the (sender, client id) index answering idempotency: in-process
    // SQLite pays no round trip per statement (measured in docs/performance.md).
    QSqlQuery &insert = m_sql.prepared(
            m_insertMessage,
            u"INSERT INTO events (room_id, seq, id, sender_id, client_id, kind, body, ts, content) "
            "VALUES (?, ?, ?, ?, ?, 'message', ?, ?, ?) ON CONFLICT (sender_id, client_id) DO NOTHING"_s);
    for (NewEvent *event : run) {
        ChatMessage &m = event->message;
        m.seq = counters.value(event->roomId) + 1;
        insert.bindValue(0, event->roomId);
        insert.bindValue(1, m.seq);
        insert.bindValue(2, m.id);
        insert.bindValue(3, event->senderId);
        insert.bindValue(4, m.clientId);
        insert.bindValue(5, m.body);
        insert.bindValue(6, m.ts.toMSecsSinceEpoch());
        insert.bindValue(7, contentOf(m));
        if (!m_sql.exec(insert))
            return false;
        AppendResult &res = results[event->index];
        if (insert.numRowsAffected() == 0) {
            // A retry: this sender stored this client id before (or earlier in this batch).
            const auto original = findByClientId(event->senderId, m.clientId);
            if (!original)
                return false;
            res = {StoreStatus::Ok, *original, true};
            continue;
        }
        counters[event->roomId] = m.seq;
        res = {StoreStatus::Ok, m, false};
    }
    return true;
}

bool EventWriter::storeCounters(const QHash<qint64, qint64> &counters,
                                const QHash<qint64, qint64> &before)
{
    QSqlQuery &update = m_sql.prepared(m_storeSeq, u"UPDATE rooms SET last_seq = ? WHERE id = ?"_s);
    for (auto it = counters.cbegin(); it != counters.cend(); ++it) {
        if (it.value() == before.value(it.key()))
            continue; // only retries or refusals in this room
        update.bindValue(0, it.value());
        update.bindValue(1, it.key());
        if (!m_sql.exec(update))
            return false;
    }
    return true;
}

bool EventWriter::storeChange(NewEvent &event, QHash<qint64, qint64> &counters,
                              AppendResult &result)
{
    ChatMessage &m = event.message;
    if (auto original = findByClientId(event.senderId, m.clientId)) {
        result = {StoreStatus::Ok, *original, true};
        return true;
    }
    if (m_sql.broken())
        return false;
    if (EventKinds::relatesToMessage(m.kind)) {
        // The message it changes: in this room, a message, not deleted; an edit or a delete
        // only by the message's own sender.
        const auto target = messageOf(event.roomId, m.fields.value("relatesTo"_L1).toString());
        if (!target)
            return false;
        const qint64 author = target->author;
        if (!target->found || target->deleted) {
            result.status = StoreStatus::EventNotFound;
            return true;
        }
        if (m.kind == EventKind::Edit && author != event.senderId) {
            result.status = StoreStatus::NotAuthor;
            return true;
        }
        if (m.kind == EventKind::Delete && author != event.senderId) {
            // Another's message: the room's owner and admins may take it down.
            const auto moderates = isModerator(event.roomId, event.senderId);
            if (!moderates)
                return false;
            if (!*moderates) {
                result.status = StoreStatus::NotAuthor;
                return true;
            }
        }
        if (m.kind == EventKind::Reaction) {
            // Every stored reaction changes the count, so that readers can fold them.
            QSqlQuery q(m_sql.db());
            q.prepare(u"SELECT 1 FROM reactions WHERE event_id = ? AND user_id = ? AND key = ?"_s);
            q.addBindValue(m.fields.value("relatesTo"_L1).toString());
            q.addBindValue(event.senderId);
            q.addBindValue(m.fields.value("key"_L1).toString());
            if (!m_sql.exec(q))
                return false;
            const bool there = q.next();
            if (there == (m.fields.value("op"_L1).toString() == "add"_L1)) {
                result.status = StoreStatus::NoChange;
                return true;
            }
        }
    } else if (m.kind == EventKind::Message) {
        // A reply quotes a message of this room (deleted since or not).
        if (m.fields.contains("replyTo"_L1)) {
            const auto target = messageOf(event.roomId, m.fields.value("replyTo"_L1).toString());
            if (!target)
                return false;
            if (!target->found) {
                result.status = StoreStatus::EventNotFound;
                return true;
            }
        }
        if (m.fields.contains("attachment"_L1)) {
            const auto file = attachable(event);
            if (!file)
                return false;
            if (file->id.isEmpty()) {
                result.status = StoreStatus::FileNotFound;
                return true;
            }
            m.fields.insert("attachment"_L1, file->toJson()); // the file as stored and served
        }
    } else if (m.kind == EventKind::Member) {
        const auto allowed = checkMember(event);
        if (!allowed)
            return false;
        if (*allowed != StoreStatus::Ok) {
            result.status = *allowed;
            return true;
        }
    }
    m.seq = counters.value(event.roomId) + 1;
    QSqlQuery &insert = m_sql.prepared(
            m_insertEvent,
            u"INSERT INTO events (room_id, seq, id, sender_id, client_id, kind, body, ts, "
            "relates_to, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
    insert.bindValue(0, event.roomId);
    insert.bindValue(1, m.seq);
    insert.bindValue(2, m.id);
    insert.bindValue(3, event.senderId);
    insert.bindValue(4, m.clientId);
    insert.bindValue(5, QString(EventKinds::name(m.kind)));
    // Only messages and edits have a body; a null QString would be bound as SQL NULL.
    insert.bindValue(6, m.body.isNull() ? QStringLiteral("") : m.body);
    insert.bindValue(7, m.ts.toMSecsSinceEpoch());
    insert.bindValue(8, m.fields.contains("relatesTo"_L1)
                                ? QVariant(m.fields.value("relatesTo"_L1).toString())
                                : QVariant(QMetaType::fromType<QString>()));
    insert.bindValue(9, contentOf(m));
    if (!m_sql.exec(insert) || !applyChange(event))
        return false;
    counters[event.roomId] = m.seq;
    result = {StoreStatus::Ok, m, false};
    return true;
}

bool EventWriter::applyChange(const NewEvent &event)
{
    // The message row keeps the current state, so a page of history never replays the room.
    const ChatMessage &m = event.message;
    const QString target = m.fields.value("relatesTo"_L1).toString();
    QSqlQuery q(m_sql.db());
    switch (m.kind) {
    case EventKind::Edit:
        q.prepare(u"UPDATE events SET body = ?, edited = 1, updated_seq = ? WHERE id = ?"_s);
        q.addBindValue(m.body);
        q.addBindValue(m.seq);
        q.addBindValue(target);
        return m_sql.exec(q);
    case EventKind::Delete:
        // Its other fields go too: an attachment's name and the file itself.
        q.prepare(u"UPDATE events SET body = '', content = NULL, deleted = 1, updated_seq = ? WHERE id = ?"_s);
        q.addBindValue(m.seq);
        q.addBindValue(target);
        if (!m_sql.exec(q) || !eraseAttachment(target))
            return false;
        // Erased, not hidden: the texts its edits carried go too (the edit events stay, empty).
        q.prepare(u"UPDATE events SET body = '' WHERE relates_to = ? AND kind = 'edit'"_s);
        q.addBindValue(target);
        if (!m_sql.exec(q))
            return false;
        q.prepare(u"DELETE FROM reactions WHERE event_id = ?"_s);
        q.addBindValue(target);
        return m_sql.exec(q);
    case EventKind::Reaction:
        q.prepare(m.fields.value("op"_L1).toString() == "add"_L1
                          ? u"INSERT INTO reactions (event_id, user_id, key) VALUES (?, ?, ?) "
                            "ON CONFLICT DO NOTHING"_s
                          : u"DELETE FROM reactions WHERE event_id = ? AND user_id = ? AND key = ?"_s);
        q.addBindValue(target);
        q.addBindValue(event.senderId);
        q.addBindValue(m.fields.value("key"_L1).toString());
        if (!m_sql.exec(q))
            return false;
        q.prepare(u"UPDATE events SET updated_seq = ? WHERE id = ?"_s);
        q.addBindValue(m.seq);
        q.addBindValue(target);
        return m_sql.exec(q);
    case EventKind::Topic:
        q.prepare(u"UPDATE rooms SET topic = ? WHERE id = ?"_s);
        q.addBindValue(m.fields.value("topic"_L1).toString());
        q.addBindValue(event.roomId);
        return m_sql.exec(q);
    case EventKind::Member:
        return applyMember(event);
    case EventKind::Message:
        if (m.fields.contains("attachment"_L1)) {
            q.prepare(u"UPDATE files SET event_id = ? WHERE id = ?"_s);
            q.addBindValue(m.id);
            q.addBindValue(m.fields.value("attachment"_L1).toObject().value("id"_L1).toString());
            return m_sql.exec(q);
        }
        break;
    case EventKind::Unknown:
        break;
    }
    return true;
}

std::optional<FileInfo> EventWriter::attachable(const NewEvent &event)
{
    // The sender's own upload to this room, not attached to another message.
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT name, type, size, sha256, width, height, thumbnail IS NOT NULL FROM files "
              "WHERE id = ? AND room_id = ? AND uploader_id = ? AND event_id IS NULL"_s);
    const QString id = event.message.fields.value("attachment"_L1).toString();
    q.addBindValue(id);
    q.addBindValue(event.roomId);
    q.addBindValue(event.senderId);
    if (!m_sql.exec(q))
        return std::nullopt;
    FileInfo f;
    if (!q.next())
        return f;
    f.id = id;
    f.name = q.value(0).toString();
    f.type = q.value(1).toString();
    f.size = q.value(2).toLongLong();
    f.sha256 = q.value(3).toString();
    f.width = q.value(4).toInt();
    f.height = q.value(5).toInt();
    f.thumbnail = q.value(6).toBool();
    return f;
}

bool EventWriter::eraseAttachment(const QString &messageId)
{
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT sha256 FROM files WHERE event_id = ?"_s);
    q.addBindValue(messageId);
    if (!m_sql.exec(q))
        return false;
    if (!q.next())
        return true;
    const QString sha256 = q.value(0).toString();
    q.finish();
    q.prepare(u"DELETE FROM files WHERE event_id = ?"_s);
    q.addBindValue(messageId);
    if (!m_sql.exec(q))
        return false;
    // The content, unless another upload has the same.
    q.prepare(u"DELETE FROM file_chunks WHERE sha256 = ? AND NOT EXISTS "
              "(SELECT 1 FROM files WHERE sha256 = ?)"_s);
    q.addBindValue(sha256);
    q.addBindValue(sha256);
    return m_sql.exec(q);
}

std::optional<ChatMessage> EventWriter::findByClientId(qint64 senderId, const QString &clientId)
{
    QSqlQuery &q = m_sql.prepared(
            m_byClientId,
            u"SELECT "_s + columns() + u", r.name "
            "FROM events e JOIN users u ON u.id = e.sender_id JOIN rooms r ON r.id = e.room_id "
            "WHERE e.sender_id = ? AND e.client_id = ?"_s);
    q.bindValue(0, senderId);
    q.bindValue(1, clientId);
    std::optional<ChatMessage> found;
    if (m_sql.exec(q) && q.next())
        found = eventFromRow(q, q.value(kColumnCount).toString());
    q.finish();
    return found;
}

std::optional<QString> EventWriter::roleOf(qint64 roomId, qint64 ownerId, qint64 userId)
{
    QSqlQuery &q = m_sql.prepared(m_role, u"SELECT role FROM members WHERE room_id = ? AND user_id = ?"_s);
    q.bindValue(0, roomId);
    q.bindValue(1, userId);
    if (!m_sql.exec(q))
        return std::nullopt;
    QString role;
    if (q.next())
        role = userId == ownerId ? QString(RoomRoles::kOwner) : q.value(0).toString();
    q.finish();
    return role;
}

std::optional<EventWriter::Target> EventWriter::messageOf(qint64 roomId, const QString &id)
{
    QSqlQuery &q = m_sql.prepared(m_target, u"SELECT room_id, sender_id, kind, deleted FROM events WHERE id = ?"_s);
    q.bindValue(0, id);
    if (!m_sql.exec(q))
        return std::nullopt;
    Target t;
    t.found = q.next() && q.value(0).toLongLong() == roomId
            && q.value(2).toString() == EventKinds::name(EventKind::Message);
    if (t.found) {
        t.author = q.value(1).toLongLong();
        t.deleted = q.value(3).toInt() != 0;
    }
    q.finish();
    return t;
}

std::optional<bool> EventWriter::isModerator(qint64 roomId, qint64 userId)
{
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT COALESCE(owner_id, 0) FROM rooms WHERE id = ?"_s);
    q.addBindValue(roomId);
    if (!m_sql.exec(q) || !q.next())
        return std::nullopt;
    const auto role = roleOf(roomId, q.value(0).toLongLong(), userId);
    if (!role)
        return std::nullopt;
    return *role == RoomRoles::kOwner || *role == RoomRoles::kAdmin;
}

std::optional<StoreStatus> EventWriter::checkMember(NewEvent &event)
{
    // Under the room's counter lock: no other change of this room's members can come between
    // these reads and the write.
    ChatMessage &m = event.message;
    const QString change = m.fields.value("change"_L1).toString();
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT private, dm_key IS NOT NULL, COALESCE(owner_id, 0) FROM rooms WHERE id = ?"_s);
    q.addBindValue(event.roomId);
    if (!m_sql.exec(q) || !q.next())
        return std::nullopt;
    const bool isPrivate = q.value(0).toInt() != 0;
    const bool dm = q.value(1).toBool();
    const qint64 ownerId = q.value(2).toLongLong();
    q.prepare(u"SELECT id, name, disabled_at IS NOT NULL FROM users WHERE lower(name) = lower(?)"_s);
    q.addBindValue(m.fields.value("user"_L1).toString());
    if (!m_sql.exec(q))
        return std::nullopt;
    if (!q.next())
        return StoreStatus::UserNotFound;
    event.targetId = q.value(0).toLongLong();
    m.fields.insert("user"_L1, q.value(1).toString()); // as registered
    const bool targetDisabled = q.value(2).toBool();
    const auto senderRole = roleOf(event.roomId, ownerId, event.senderId);
    const auto targetRole = roleOf(event.roomId, ownerId, event.targetId);
    if (!senderRole || !targetRole)
        return std::nullopt;
    const bool self = event.targetId == event.senderId;
    if (change == "join"_L1) {
        if (!self)
            return StoreStatus::NotPermitted;
        if (!targetRole->isEmpty())
            return StoreStatus::NoChange;
        return dm || isPrivate ? StoreStatus::Forbidden : StoreStatus::Ok;
    }
    if (senderRole->isEmpty())
        return StoreStatus::Forbidden; // every other change is a member's
    if (dm)
        return StoreStatus::NotPermitted; // its two members are fixed
    if (change == "invite"_L1) {
        if (targetDisabled)
            return StoreStatus::UserNotFound;
        return targetRole->isEmpty() ? StoreStatus::Ok : StoreStatus::NoChange;
    }
    if (change == "leave"_L1)
        return self ? StoreStatus::Ok : StoreStatus::NotPermitted;
    if (targetRole->isEmpty())
        return StoreStatus::NotMember;
    if (change == "kick"_L1) {
        // The owner removes anyone; an admin removes members; nobody removes the owner.
        if (self || *targetRole == RoomRoles::kOwner)
            return StoreStatus::NotPermitted;
        if (*senderRole == RoomRoles::kOwner)
            return StoreStatus::Ok;
        return *senderRole == RoomRoles::kAdmin && *targetRole == RoomRoles::kMember
                ? StoreStatus::Ok
                : StoreStatus::NotPermitted;
    }
    if (change == "role"_L1) {
        if (*senderRole != RoomRoles::kOwner || self)
            return StoreStatus::NotPermitted;
        return *targetRole == m.fields.value("role"_L1).toString() ? StoreStatus::NoChange
                                                                   : StoreStatus::Ok;
    }
    return StoreStatus::NotPermitted;
}

bool EventWriter::applyMember(const NewEvent &event)
{
    const QString change = event.message.fields.value("change"_L1).toString();
    QSqlQuery q(m_sql.db());
    if (change == "join"_L1 || change == "invite"_L1)
        return addMemberRow(m_sql, event.roomId, event.targetId);
    if (change == "role"_L1) {
        q.prepare(u"UPDATE members SET role = ? WHERE room_id = ? AND user_id = ?"_s);
        q.addBindValue(event.message.fields.value("role"_L1).toString());
        q.addBindValue(event.roomId);
        q.addBindValue(event.targetId);
        return m_sql.exec(q);
    }
    // leave, kick: gone, with their role, read marker and level; an owner who leaves leaves the
    // room without one (an operator can name one: chat-admin rooms set-owner).
    if (!removeMemberRow(m_sql, event.roomId, event.targetId))
        return false;
    q.prepare(u"UPDATE rooms SET owner_id = NULL WHERE id = ? AND owner_id = ?"_s);
    q.addBindValue(event.roomId);
    q.addBindValue(event.targetId);
    return m_sql.exec(q);
}

namespace {
bool changeMemberRow(SqlSession &sql, const QString &statement, int delta, qint64 roomId, qint64 userId)
{
    QSqlQuery q(sql.db());
    q.prepare(statement);
    q.addBindValue(roomId);
    q.addBindValue(userId);
    if (!sql.exec(q))
        return false;
    if (q.numRowsAffected() == 0)
        return true; // there already, or not there: the count stands
    q.prepare(u"UPDATE rooms SET member_count = member_count + ? WHERE id = ?"_s);
    q.addBindValue(delta);
    q.addBindValue(roomId);
    return sql.exec(q);
}
} // namespace

bool EventWriter::addMemberRow(SqlSession &sql, qint64 roomId, qint64 userId)
{
    return changeMemberRow(sql, u"INSERT INTO members (room_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING"_s,
                           1, roomId, userId);
}

bool EventWriter::removeMemberRow(SqlSession &sql, qint64 roomId, qint64 userId)
{
    return changeMemberRow(sql, u"DELETE FROM members WHERE room_id = ? AND user_id = ?"_s, -1,
                           roomId, userId);
}
