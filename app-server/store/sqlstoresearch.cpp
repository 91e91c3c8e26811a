// SPDX-License-Identifier: MIT
// SqlStore's full-text search: the engine's index (searchSql) joined to the user's memberships.
#include "sqlstore.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

Lookup<SearchResult> SqlStore::search(const SearchRequest &request)
{
    const bool trusted = !m_sql.broken();
    Lookup<SearchResult> result = searchOnce(request);
    if (result.failed() && trusted && m_sql.broken())
        result = searchOnce(request);
    return result;
}

Lookup<SearchResult> SqlStore::searchOnce(const SearchRequest &request)
{
    Lookup<SearchResult> result;
    if (!m_sql.ensureConnected())
        return result; // Error
    std::optional<Room> room;
    if (!request.room.isEmpty()) {
        room = findRoom(request.room);
        if (!room || !isMember(room->id, request.userId)) {
            if (!m_sql.broken())
                result.status = room ? StoreStatus::Forbidden : StoreStatus::RoomNotFound;
            return result;
        }
    }
    // Newest first: by time (to the millisecond), then room and seq (exact within a room); a page
    // goes on below the previous page's last message. Membership is a join, so no other room's
    // message is ever read.
    const SearchSql sql = searchSql(request.query);
    QString statement = u"SELECT "_s + EventWriter::columns() + u", r.name, e.room_id FROM "_s + sql.from
            + u" JOIN users u ON u.id = e.sender_id JOIN rooms r ON r.id = e.room_id"
              " JOIN members m ON m.room_id = e.room_id AND m.user_id = ?"
              " WHERE "_s + sql.match + u" AND e.kind = 'message' AND e.deleted = 0"_s;
    QVariantList binds{request.userId, sql.argument};
    if (room) {
        statement += u" AND e.room_id = ?"_s;
        binds.append(room->id);
    }
    if (!request.before.isEmpty()) {
        statement += u" AND (e.ts, e.room_id, e.seq) < (SELECT b.ts, b.room_id, b.seq FROM events b WHERE b.id = ?)"_s;
        binds.append(request.before);
    }
    statement += u" ORDER BY e.ts DESC, e.room_id DESC, e.seq DESC LIMIT ?"_s;
    binds.append(std::max(1, request.limit) + 1); // one more tells whether there is more
    QSqlQuery q(m_sql.db());
    q.setForwardOnly(true);
    if (!q.prepare(statement)) {
        m_sql.markBroken();
        return result;
    }
    for (qsizetype i = 0; i < binds.size(); ++i)
        q.bindValue(int(i), binds.at(i));
    if (!m_sql.exec(q))
        return result; // Error (exec marked the connection when it is the connection)
    SearchResult found;
    QList<qint64> roomIds;
    while (q.next()) {
        found.messages.append(EventWriter::eventFromRow(q, q.value(EventWriter::kColumnCount).toString()));
        roomIds.append(q.value(EventWriter::kColumnCount + 1).toLongLong());
    }
    q.finish();
    if (found.messages.size() > std::max(1, request.limit)) {
        found.hasMore = true;
        found.messages.removeLast();
        roomIds.removeLast();
    }
    // Reactions as this reader sees them, a room at a time.
    QHash<qint64, QList<qsizetype>> byRoom;
    for (qsizetype i = 0; i < found.messages.size(); ++i)
        byRoom[roomIds.at(i)].append(i);
    for (auto it = byRoom.cbegin(); it != byRoom.cend(); ++it) {
        QList<ChatMessage> events;
        for (const qsizetype i : it.value())
            events.append(found.messages.at(i));
        if (!addReactions(it.key(), request.userId, events))
            return result; // Error
        for (qsizetype k = 0; k < it.value().size(); ++k)
            found.messages[it.value().at(k)] = events.at(k);
    }
    return Lookup<SearchResult>::found(std::move(found));
}
