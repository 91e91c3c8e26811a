// SPDX-License-Identifier: MIT
// SqlStore's rooms as their users see them: listing and the directory, creation, direct
// conversations, membership changes (member events, written by the EventWriter), members, read
// markers and notification levels, and chat-admin's archive and owner.
#include "sqlstore.h"

#include "mentions.h"
#include "timeordereduuid.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QSqlError>
#include <QUuid>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// text in a LIKE pattern, its own % _ and \ taken literally (ESCAPE '\').
QString likeLiteral(const QString &text)
{
    QString escaped = text;
    escaped.replace(u'\\', u"\\\\"_s).replace(u'%', u"\\%"_s).replace(u'_', u"\\_"_s);
    return escaped;
}

QString containsPattern(const QString &text)
{
    return u'%' + likeLiteral(text) + u'%';
}

} // namespace

AppendRequest memberRequest(qint64 byId, const QString &room, const QString &user,
                            const QString &change, const QString &role)
{
    AppendRequest req;
    req.senderId = byId;
    req.room = room;
    // The server's own event: a fresh client id, never a retry of anything.
    req.clientId = u"member-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces);
    req.kind = EventKind::Member;
    req.fields = {{"user"_L1, user}, {"change"_L1, change}};
    if (change == "role"_L1)
        req.fields.insert("role"_L1, role);
    return req;
}

Lookup<QList<RoomInfo>> SqlStore::roomsWhere(qint64 userId, const QString &where,
                                             const QVariantList &binds, int limit)
{
    if (!m_sql.ensureConnected())
        return {};
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT r.id, r.name, r.private, r.last_seq, m.user_id IS NOT NULL, "
              "r.archived_at IS NOT NULL, o.name, r.topic, r.dm_key IS NOT NULL, "
              "r.member_count, "
              "m.role, m.last_read, m.notify, COALESCE(r.owner_id, 0), "
              "CASE WHEN r.dm_key IS NOT NULL THEN (SELECT p.name FROM members pm "
              "  JOIN users p ON p.id = pm.user_id WHERE pm.room_id = r.id AND pm.user_id <> ? "
              "  ORDER BY p.id LIMIT 1) END "
              "FROM rooms r LEFT JOIN members m ON m.room_id = r.id AND m.user_id = ? "
              "LEFT JOIN users o ON o.id = r.owner_id WHERE "_s
              + where + u" ORDER BY r.name LIMIT ?"_s);
    q.addBindValue(userId);
    q.addBindValue(userId);
    for (const QVariant &v : binds)
        q.addBindValue(v);
    q.addBindValue(limit + 1);
    if (!m_sql.exec(q))
        return {};
    QList<RoomInfo> rooms;
    QList<qint64> toCount; // room ids of rooms[i] with something after the marker, else 0
    while (q.next()) {
        RoomInfo r;
        r.name = q.value(1).toString();
        r.isPrivate = q.value(2).toInt() != 0;
        r.lastSeq = q.value(3).toLongLong();
        r.member = q.value(4).toBool();
        r.archived = q.value(5).toBool();
        r.owner = q.value(6).toString();
        r.topic = q.value(7).toString();
        r.dm = q.value(8).toBool();
        r.memberCount = q.value(9).toInt();
        if (r.member) {
            r.role = q.value(13).toLongLong() == userId ? QString(RoomRoles::kOwner)
                                                        : q.value(10).toString();
            r.lastRead = q.value(11).toLongLong();
            r.notify = q.value(12).toString();
        }
        r.peer = q.value(14).toString();
        toCount.append(r.member && r.lastSeq > r.lastRead ? q.value(0).toLongLong() : 0);
        rooms.append(std::move(r));
    }
    q.finish();
    const QString me = userName(userId);
    for (qsizetype i = 0; i < rooms.size(); ++i) {
        if (toCount.at(i) && !countUnread(toCount.at(i), userId, me, rooms[i]))
            return {};
    }
    return Lookup<QList<RoomInfo>>::found(std::move(rooms));
}

bool SqlStore::countUnread(qint64 roomId, qint64 userId, const QString &me, RoomInfo &info)
{
    // Messages of others after the marker that are still there; mentions of the user among them
    // are found by LIKE and confirmed by Mentions (a name inside a longer one is none).
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT COUNT(*) FROM events WHERE room_id = ? AND seq > ? AND kind = 'message' "
              "AND deleted = 0 AND sender_id <> ?"_s);
    q.addBindValue(roomId);
    q.addBindValue(info.lastRead);
    q.addBindValue(userId);
    if (!m_sql.exec(q) || !q.next())
        return false;
    info.unread = q.value(0).toInt();
    q.finish();
    if (info.dm || info.unread == 0) {
        info.mentions = info.dm ? info.unread : 0;
        return true;
    }
    q.prepare(u"SELECT body FROM events WHERE room_id = ? AND seq > ? AND kind = 'message' "
              "AND deleted = 0 AND sender_id <> ? AND lower(body) LIKE ? ESCAPE '\\'"_s);
    q.addBindValue(roomId);
    q.addBindValue(info.lastRead);
    q.addBindValue(userId);
    q.addBindValue(containsPattern(u'@' + me.toLower()));
    if (!m_sql.exec(q))
        return false;
    info.mentions = 0;
    while (q.next())
        info.mentions += Mentions::mentions(q.value(0).toString(), me) ? 1 : 0;
    return true;
}

Lookup<RoomList> SqlStore::listRooms(const RoomListQuery &query)
{
    const int limit = std::max(1, query.limit);
    // '' sorts before every name; a null QString would bind NULL, and nothing is > NULL.
    const QString after = query.after.isEmpty() ? u""_s : query.after;
    auto rooms = query.directory
            ? roomsWhere(query.userId,
                         u"r.private = 0 AND r.dm_key IS NULL AND r.name > ? "
                         "AND r.name LIKE ? ESCAPE '\\'"_s,
                         {after, containsPattern(query.filter.toLower())}, limit)
            : roomsWhere(query.userId, u"(r.private = 0 OR m.user_id IS NOT NULL) AND r.name > ?"_s,
                         {after}, limit);
    if (!rooms)
        return {rooms.status, {}};
    RoomList list;
    list.rooms = *std::move(rooms);
    if (list.rooms.size() > limit) {
        list.rooms.removeLast();
        list.hasMore = true;
    }
    return Lookup<RoomList>::found(std::move(list));
}

Lookup<RoomInfo> SqlStore::roomInfo(const QString &room, qint64 userId)
{
    auto rooms = roomsWhere(userId, u"r.name = ? AND (r.private = 0 OR m.user_id IS NOT NULL)"_s,
                            {room}, 1);
    if (!rooms)
        return {rooms.status, {}};
    if (rooms->isEmpty())
        return {StoreStatus::RoomNotFound, {}};
    return Lookup<RoomInfo>::found(rooms->constFirst());
}

StoreStatus SqlStore::createRoom(const QString &name, bool isPrivate, qint64 creatorId,
                                 const QString &topic)
{
    if (!m_sql.ensureConnected())
        return StoreStatus::Error;
    if (findRoom(name))
        return StoreStatus::Conflict;
    if (m_sql.broken() || !m_sql.begin())
        return StoreStatus::Error;
    QSqlQuery q(m_sql.db());
    q.prepare(u"INSERT INTO rooms (name, private, created_at, owner_id, topic) VALUES (?, ?, ?, ?, ?) "
              "ON CONFLICT DO NOTHING RETURNING id"_s);
    q.addBindValue(name);
    q.addBindValue(isPrivate ? 1 : 0);
    q.addBindValue(nowMs());
    q.addBindValue(creatorId);
    q.addBindValue(topic.isNull() ? u""_s : topic);
    if (!m_sql.exec(q)) {
        m_sql.rollback();
        return StoreStatus::Error;
    }
    if (!q.next()) { // created a moment ago by another server of the same database
        m_sql.rollback();
        return StoreStatus::Conflict;
    }
    const qint64 roomId = q.value(0).toLongLong();
    q.finish();
    const QString creator = userName(creatorId);
    if (!addMember(roomId, creatorId)
        || !announceRoomChange({RoomChange::Kind::Created, name, isPrivate, creatorId, creator, creator})
        || !m_sql.commit()) {
        m_sql.rollback();
        return StoreStatus::Error;
    }
    m_rooms.insert(name, {roomId, isPrivate});
    return StoreStatus::Ok;
}

AppendResult SqlStore::changeMember(const QString &room, qint64 byId, const QString &user,
                                    const QString &change, const QString &role)
{
    AppendResult result = appendBatch({memberRequest(byId, room, user, change, role)}).constFirst();
    if (result.status == StoreStatus::NoChange)
        result.status = StoreStatus::Ok;
    return result;
}

StoreStatus SqlStore::joinRoom(const QString &room, qint64 userId)
{
    if (!m_sql.ensureConnected())
        return StoreStatus::Error;
    const QString name = userName(userId);
    if (name.isEmpty())
        return m_sql.broken() ? StoreStatus::Error : StoreStatus::UserNotFound;
    return changeMember(room, userId, name, u"join"_s).status;
}

StoreStatus SqlStore::invite(const QString &room, qint64 inviterId, const QString &user)
{
    return changeMember(room, inviterId, user, u"invite"_s).status;
}

Lookup<DirectRoom> SqlStore::directRoom(qint64 userId, const QString &peerName)
{
    if (!m_sql.ensureConnected())
        return {};
    const auto peer = findUser(peerName);
    if (!peer)
        return {peer.status, {}};
    if (peer->id == userId)
        return {StoreStatus::NotPermitted, {}};
    const QString key = u"%1:%2"_s.arg(std::min(userId, peer->id)).arg(std::max(userId, peer->id));
    const auto existing = [this, &key, userId]() -> Lookup<DirectRoom> {
        QSqlQuery q(m_sql.db());
        q.prepare(u"SELECT name FROM rooms WHERE dm_key = ?"_s);
        q.addBindValue(key);
        if (!m_sql.exec(q))
            return {};
        if (!q.next())
            return {StoreStatus::RoomNotFound, {}};
        auto info = roomInfo(q.value(0).toString(), userId);
        if (!info)
            return {info.failed() ? StoreStatus::Error : info.status, {}};
        return Lookup<DirectRoom>::found({*std::move(info), false});
    };
    if (auto found = existing(); found.status != StoreStatus::RoomNotFound)
        return found;
    if (peer->disabled)
        return {StoreStatus::Forbidden, {}};
    if (!m_sql.begin())
        return {};
    // Named at random (dm-…, a prefix no other room can take); the unique dm_key decides a race
    // between the two users, or two servers: the loser's insert does nothing.
    const QString name = u"dm-%1"_s.arg(qulonglong(QRandomGenerator::system()->generate64()), 16, 16, QChar(u'0'));
    QSqlQuery q(m_sql.db());
    q.prepare(u"INSERT INTO rooms (name, private, created_at, dm_key) VALUES (?, 1, ?, ?) "
              "ON CONFLICT DO NOTHING RETURNING id"_s);
    q.addBindValue(name);
    q.addBindValue(nowMs());
    q.addBindValue(key);
    if (!m_sql.exec(q)) {
        m_sql.rollback();
        return {};
    }
    if (!q.next()) {
        m_sql.rollback();
        return existing();
    }
    const qint64 roomId = q.value(0).toLongLong();
    q.finish();
    const QString me = userName(userId);
    if (!addMember(roomId, userId) || !addMember(roomId, peer->id)
        || !announceRoomChange({RoomChange::Kind::Created, name, true, userId, me, me})
        || !announceRoomChange({RoomChange::Kind::Invited, name, true, peer->id, peer->name, me})
        || !m_sql.commit()) {
        m_sql.rollback();
        return {};
    }
    m_rooms.insert(name, {roomId, true});
    auto info = roomInfo(name, userId);
    if (!info)
        return {};
    return Lookup<DirectRoom>::found({*std::move(info), true});
}

Lookup<QList<MemberInfo>> SqlStore::members(const QString &name, qint64 userId)
{
    if (!m_sql.ensureConnected())
        return {};
    const auto room = findRoom(name);
    if (!room)
        return {m_sql.broken() ? StoreStatus::Error : StoreStatus::RoomNotFound, {}};
    if (!isMember(room->id, userId))
        return {m_sql.broken() ? StoreStatus::Error : StoreStatus::Forbidden, {}};
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT u.name, m.role, u.id = COALESCE(r.owner_id, 0) FROM members m "
              "JOIN users u ON u.id = m.user_id JOIN rooms r ON r.id = m.room_id "
              "WHERE m.room_id = ? ORDER BY lower(u.name)"_s);
    q.addBindValue(room->id);
    if (!m_sql.exec(q))
        return {};
    QList<MemberInfo> list;
    while (q.next())
        list.append({q.value(0).toString(),
                     q.value(2).toBool() ? QString(RoomRoles::kOwner) : q.value(1).toString(), false});
    return Lookup<QList<MemberInfo>>::found(std::move(list));
}

Lookup<qint64> SqlStore::markRead(const QString &name, qint64 userId, qint64 seq)
{
    if (!m_sql.ensureConnected())
        return {};
    const auto room = findRoom(name);
    if (!room)
        return {m_sql.broken() ? StoreStatus::Error : StoreStatus::RoomNotFound, {}};
    const auto last = lastSeq(room->id);
    if (!last)
        return {};
    QSqlQuery q(m_sql.db());
    q.prepare(u"UPDATE members SET last_read = ? WHERE room_id = ? AND user_id = ? AND last_read < ?"_s);
    const qint64 marker = std::clamp<qint64>(seq, 0, *last);
    q.addBindValue(marker);
    q.addBindValue(room->id);
    q.addBindValue(userId);
    q.addBindValue(marker);
    if (!m_sql.exec(q))
        return {};
    const bool moved = q.numRowsAffected() > 0;
    q.prepare(u"SELECT last_read FROM members WHERE room_id = ? AND user_id = ?"_s);
    q.addBindValue(room->id);
    q.addBindValue(userId);
    if (!m_sql.exec(q))
        return {};
    if (!q.next())
        return {StoreStatus::Forbidden, 0};
    return {moved ? StoreStatus::Ok : StoreStatus::NoChange, q.value(0).toLongLong()};
}

StoreStatus SqlStore::setNotify(const QString &name, qint64 userId, const QString &level)
{
    if (!m_sql.ensureConnected())
        return StoreStatus::Error;
    const auto room = findRoom(name);
    if (!room)
        return m_sql.broken() ? StoreStatus::Error : StoreStatus::RoomNotFound;
    QSqlQuery q(m_sql.db());
    q.prepare(u"UPDATE members SET notify = ? WHERE room_id = ? AND user_id = ?"_s);
    q.addBindValue(level);
    q.addBindValue(room->id);
    q.addBindValue(userId);
    if (!m_sql.exec(q))
        return StoreStatus::Error;
    return q.numRowsAffected() > 0 ? StoreStatus::Ok : StoreStatus::Forbidden;
}

Lookup<QStringList> SqlStore::findUsers(const QString &prefix, int limit)
{
    if (!m_sql.ensureConnected())
        return {};
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT name FROM users WHERE disabled_at IS NULL AND lower(name) LIKE ? ESCAPE '\\' "
              "ORDER BY lower(name) LIMIT ?"_s);
    q.addBindValue(likeLiteral(prefix.toLower()) + u'%');
    q.addBindValue(limit);
    if (!m_sql.exec(q))
        return {};
    QStringList names;
    while (q.next())
        names.append(q.value(0).toString());
    return Lookup<QStringList>::found(std::move(names));
}

Lookup<QList<qint64>> SqlStore::presenceAudience(qint64 userId, int maxRoomSize)
{
    if (!m_sql.ensureConnected())
        return {};
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT DISTINCT m2.user_id FROM members m1 JOIN rooms r ON r.id = m1.room_id "
              "JOIN members m2 ON m2.room_id = m1.room_id "
              "WHERE m1.user_id = ? AND m2.user_id <> ? AND (r.dm_key IS NOT NULL OR r.member_count <= ?)"_s);
    q.addBindValue(userId);
    q.addBindValue(userId);
    q.addBindValue(maxRoomSize);
    if (!m_sql.exec(q))
        return {};
    QList<qint64> users;
    while (q.next())
        users.append(q.value(0).toLongLong());
    return Lookup<QList<qint64>>::found(std::move(users));
}

StoreStatus SqlStore::setRoomArchived(const QString &name, bool archived)
{
    if (!m_sql.ensureConnected())
        return StoreStatus::Error;
    const auto room = findRoom(name);
    if (!room)
        return m_sql.broken() ? StoreStatus::Error : StoreStatus::RoomNotFound;
    if (!m_sql.begin())
        return StoreStatus::Error;
    QSqlQuery q(m_sql.db());
    q.prepare(archived ? u"UPDATE rooms SET archived_at = ? WHERE id = ? AND archived_at IS NULL"_s
                       : u"UPDATE rooms SET archived_at = NULL WHERE id = ? AND archived_at IS NOT NULL"_s);
    if (archived)
        q.addBindValue(nowMs());
    q.addBindValue(room->id);
    if (!m_sql.exec(q)) {
        m_sql.rollback();
        return StoreStatus::Error;
    }
    if (q.numRowsAffected() == 0) {
        m_sql.rollback();
        return StoreStatus::NoChange;
    }
    q.finish();
    const RoomChange change{archived ? RoomChange::Kind::Archived : RoomChange::Kind::Unarchived,
                            name, room->isPrivate, 0, {}, {}};
    if (!announceRoomChange(change) || !m_sql.commit()) {
        m_sql.rollback();
        return StoreStatus::Error;
    }
    return StoreStatus::Ok;
}

StoreStatus SqlStore::setRoomOwner(const QString &name, const QString &userName)
{
    if (!m_sql.ensureConnected())
        return StoreStatus::Error;
    const auto room = findRoom(name);
    if (!room)
        return m_sql.broken() ? StoreStatus::Error : StoreStatus::RoomNotFound;
    const auto user = findUser(userName);
    if (!user)
        return user.status;
    QSqlQuery q(m_sql.db());
    q.prepare(u"UPDATE rooms SET owner_id = ? WHERE id = ?"_s);
    q.addBindValue(user->id);
    q.addBindValue(room->id);
    return m_sql.exec(q) ? StoreStatus::Ok : StoreStatus::Error;
}
