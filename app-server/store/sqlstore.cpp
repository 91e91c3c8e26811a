// SPDX-License-Identifier: MIT
#include "sqlstore.h"

#include "timeordereduuid.h"

#include "logging.h"

#include <QSqlError>
#include <QUuid>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

SqlStore::SqlStore(bool soleWriter, const QString &connectionPrefix)
    : m_soleWriter(soleWriter),
      m_sql(connectionPrefix),
      m_writer(std::make_unique<EventWriter>(m_sql))
{
}

SqlStore::~SqlStore()
{
    close();
}

bool SqlStore::prepareSchema(const Migrations::Engine &engine, QString *error)
{
    if (!Migrations::apply(m_sql.db(), engine, error))
        return false;
    QSqlQuery q(m_sql.db());
    q.prepare(u"INSERT INTO meta (key, value) VALUES ('epoch', ?) ON CONFLICT DO NOTHING"_s);
    q.addBindValue(QUuid::createUuid().toString(QUuid::WithoutBraces));
    if (!m_sql.exec(q)) {
        *error = u"cannot write epoch: %1"_s.arg(q.lastError().text());
        return false;
    }
    return loadEpoch(error);
}

bool SqlStore::loadEpoch(QString *error)
{
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT value FROM meta WHERE key = 'epoch'"_s);
    if (!m_sql.exec(q) || !q.next()) {
        *error = u"cannot read epoch"_s;
        return false;
    }
    m_epoch = q.value(0).toString();
    return true;
}

void SqlStore::close()
{
    m_sql.close();
    // What was cached belongs to this open: the database may change before the next.
    m_rooms.clear();
    m_lastSeq.clear();
    m_members.clear();
    m_userNames.clear();
    m_recent.clear();
    m_reactionRooms.clear();
    m_reactionRoomsLoaded = false;
}

void SqlStore::setWriter(std::unique_ptr<EventWriter> writer)
{
    m_writer = std::move(writer);
}

HistoryResult SqlStore::history(const HistoryQuery &query)
{
    // A read may be asked again: the first one after the database restarted is what finds the
    // connection dead, and need not fail for it (one already known broken was retried inside).
    const bool trusted = !m_sql.broken();
    HistoryResult result = historyOnce(query);
    if (result.status == StoreStatus::Error && trusted && m_sql.broken())
        result = historyOnce(query);
    return result;
}

HistoryResult SqlStore::eventsAfter(const QString &room, qint64 after, int limit)
{
    const bool trusted = !m_sql.broken();
    HistoryResult result = eventsAfterOnce(room, after, limit);
    if (result.status == StoreStatus::Error && trusted && m_sql.broken())
        result = eventsAfterOnce(room, after, limit);
    return result;
}

HistoryResult SqlStore::historyOnce(const HistoryQuery &query)
{
    HistoryResult result;
    if (!m_sql.ensureConnected())
        return result; // Error
    const auto room = findRoom(query.room);
    if (!room) {
        result.status = m_sql.broken() ? StoreStatus::Error : StoreStatus::RoomNotFound;
        return result;
    }
    if (!isMember(room->id, query.userId)) {
        result.status = m_sql.broken() ? StoreStatus::Error : StoreStatus::Forbidden;
        return result;
    }
    return readPage(*room, query);
}

HistoryResult SqlStore::eventsAfterOnce(const QString &roomName, qint64 after, int limit)
{
    HistoryResult result;
    if (!m_sql.ensureConnected())
        return result; // Error
    const auto room = findRoom(roomName);
    if (!room) {
        result.status = m_sql.broken() ? StoreStatus::Error : StoreStatus::RoomNotFound;
        return result;
    }
    return readPage(*room, {roomName, 0, after, std::nullopt, limit});
}

HistoryResult SqlStore::readPage(const Room &room, const HistoryQuery &asked)
{
    HistoryResult result;
    const auto last = lastSeq(room.id);
    if (!last)
        return result; // Error
    // A cursor past the newest seq names the newest (and no arithmetic on it can overflow).
    HistoryQuery query = asked;
    if (query.after)
        query.after = std::min(*query.after, *last);
    if (query.before)
        query.before = std::min(*query.before, *last + 1);
    result.lastSeq = *last;
    result.status = StoreStatus::Ok;
    if (query.limit <= 0)
        return result;

    if (!m_soleWriter)
        m_recent.forgetUnless(room.id, *last); // another server may have written since
    if (auto held = m_recent.page(room.id, query.after, query.before, query.limit)) {
        result.messages = std::move(held->messages);
        result.hasMore = held->hasMore;
        if (!addReactions(room.id, query.userId, result.messages))
            result.status = StoreStatus::Error;
        return result;
    }
    const bool ascending = query.after.has_value();
    const QString select = u"SELECT "_s + EventWriter::columns()
            + u" FROM events e JOIN users u ON u.id = e.sender_id WHERE e.room_id = ? "_s;
    QSqlQuery &q = ascending
            ? m_sql.prepared(m_historyAfter, select + u"AND e.seq > ? ORDER BY e.seq ASC LIMIT ?"_s)
            : m_sql.prepared(m_historyBefore, select + u"AND e.seq < ? ORDER BY e.seq DESC LIMIT ?"_s);
    q.bindValue(0, room.id);
    q.bindValue(1, ascending ? *query.after : query.before.value_or(std::numeric_limits<qint64>::max()));
    q.bindValue(2, query.limit + 1); // one extra row tells whether there is more
    if (!m_sql.exec(q)) {
        result.status = StoreStatus::Error;
        return result;
    }
    while (q.next())
        result.messages.append(EventWriter::eventFromRow(q, query.room));
    q.finish();
    if (result.messages.size() > query.limit) {
        result.hasMore = true;
        result.messages.removeLast();
    }
    if (!ascending)
        std::reverse(result.messages.begin(), result.messages.end());
    // The room's newest, unless a commit of another server came between the two reads.
    if (!query.after && !query.before
        && (result.messages.isEmpty() ? 0 : result.messages.constLast().seq) == *last)
        m_recent.fill(room.id, result.messages, !result.hasMore);
    if (!addReactions(room.id, query.userId, result.messages))
        result.status = StoreStatus::Error;
    return result;
}

bool SqlStore::ping()
{
    if (!m_sql.ensureConnected())
        return false;
    QSqlQuery probe(m_sql.db());
    if (probe.exec(u"SELECT 1"_s))
        return true;
    m_sql.markBroken();
    return m_sql.ensureConnected(); // a connection that broke since: reopened if it can be
}

bool SqlStore::announceEvents(const QList<ChatMessage> &)
{
    return true;
}

bool SqlStore::announceRevoked(const QList<QByteArray> &)
{
    return true;
}

bool SqlStore::announceRoomChange(const RoomChange &)
{
    return true;
}

QList<AppendResult> SqlStore::appendBatch(const QList<AppendRequest> &batch)
{
    QList<AppendResult> results(batch.size());
    if (!m_sql.ensureConnected() || !m_sql.begin())
        return results; // all Error
    // With one writer, membership comes from a cache this process keeps exact (every change of
    // members is a member event it writes) and sender names from one that only grows (users are
    // never renamed): checking a request costs no SQL in the steady state. Several servers of
    // one database check membership in the writer, under the rooms' counter locks. Member events
    // check themselves there (a join comes from someone not yet a member).
    QList<NewEvent> events;
    events.reserve(batch.size());
    bool failed = false;
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const AppendRequest &req = batch.at(i);
        const auto room = findRoom(req.room);
        if (!room)
            results[i].status = StoreStatus::RoomNotFound;
        else if (m_soleWriter && req.kind != EventKind::Member && !isMember(room->id, req.senderId))
            results[i].status = StoreStatus::Forbidden;
        const QString sender = room && results[i].status != StoreStatus::Forbidden
                ? userName(req.senderId)
                : QString();
        if (m_sql.broken() || (results[i].status == StoreStatus::Error && sender.isEmpty())) {
            failed = true; // a lookup failed: its "no" means nothing
            break;
        }
        if (results[i].status != StoreStatus::Error)
            continue; // refused
        NewEvent event{i, room->id, req.senderId, {}};
        event.message.kind = req.kind;
        event.message.fields = req.fields;
        const qint64 now = nowMs();
        event.message.id = createTimeOrderedUuid(now).toString(QUuid::WithoutBraces);
        event.message.room = req.room;
        event.message.sender = sender;
        event.message.body = req.body;
        event.message.clientId = req.clientId;
        event.message.ts = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC);
        events.append(std::move(event));
    }
    QHash<qint64, qint64> lastSeqs;
    if (!failed && !events.isEmpty())
        failed = !m_writer->write(events, results, &lastSeqs);
    if (!failed) {
        QList<ChatMessage> committed;
        for (const NewEvent &event : std::as_const(events)) {
            const AppendResult &r = results.at(event.index);
            if (r.status == StoreStatus::Ok && !r.duplicate)
                committed.append(r.message);
        }
        failed = !committed.isEmpty() && !announceEvents(committed);
    }
    if (failed || !m_sql.commit()) {
        qCWarning(lcStore) << "batch of" << batch.size() << "not stored:"
                           << (failed ? u"a statement failed"_s : m_sql.db().lastError().text());
        m_sql.markBroken();
        m_sql.rollback();
        for (AppendResult &r : results)
            r = AppendResult{};
        return results;
    }
    for (auto it = lastSeqs.cbegin(); it != lastSeqs.cend(); ++it)
        m_lastSeq.insert(it.key(), it.value());
    for (const NewEvent &event : std::as_const(events)) {
        const AppendResult &r = results.at(event.index);
        if (r.status != StoreStatus::Ok || r.duplicate)
            continue;
        if (r.message.kind == EventKind::Reaction)
            m_reactionRooms.insert(event.roomId);
        if (r.message.kind == EventKind::Member)
            memberChanged(event.roomId, event.targetId, r.message.fields.value("change"_L1).toString());
        if (EventKinds::relatesToMessage(r.message.kind))
            m_recent.forget(event.roomId); // a message it holds changed: read the room again
        else
            m_recent.append(event.roomId, r.message);
    }
    return results;
}

bool SqlStore::addReactions(qint64 roomId, qint64 userId, QList<ChatMessage> &events)
{
    // Reactions are the reader's own view (me), so they are never cached with the events; rooms
    // nobody reacted in cost no query while this process is the database's only writer.
    if (events.isEmpty())
        return true;
    if (m_soleWriter) {
        if (!m_reactionRoomsLoaded) {
            QSqlQuery q(m_sql.db());
            if (!q.exec(u"SELECT DISTINCT e.room_id FROM reactions r JOIN events e ON e.id = r.event_id"_s)) {
                m_sql.markBroken();
                return false;
            }
            while (q.next())
                m_reactionRooms.insert(q.value(0).toLongLong());
            m_reactionRoomsLoaded = true;
        }
        if (!m_reactionRooms.contains(roomId))
            return true;
    }
    QSqlQuery &q = m_sql.prepared(
            m_reactions,
            u"SELECT r.event_id, r.key, COUNT(*), SUM(CASE WHEN r.user_id = ? THEN 1 ELSE 0 END) "
            "FROM reactions r JOIN events e ON e.id = r.event_id "
            "WHERE e.room_id = ? AND e.seq BETWEEN ? AND ? "
            "GROUP BY r.event_id, r.key"_s);
    q.bindValue(0, userId);
    q.bindValue(1, roomId);
    q.bindValue(2, events.constFirst().seq);
    q.bindValue(3, events.constLast().seq);
    if (!m_sql.exec(q))
        return false;
    QHash<QString, QList<Reaction>> byEvent;
    while (q.next())
        byEvent[q.value(0).toString()].append({q.value(1).toString(), q.value(2).toInt(), q.value(3).toInt() > 0});
    q.finish();
    for (ChatMessage &e : events) {
        if (auto it = byEvent.find(e.id); it != byEvent.end()) {
            // By key as code points, the same on every engine whatever its collation.
            std::sort(it->begin(), it->end(),
                      [](const Reaction &a, const Reaction &b) { return a.key < b.key; });
            e.reactions = std::move(*it);
        }
    }
    return true;
}

std::optional<SqlStore::Room> SqlStore::findRoom(const QString &name)
{
    if (const auto it = m_rooms.constFind(name); it != m_rooms.cend())
        return *it;
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT id, private FROM rooms WHERE name = ?"_s);
    q.addBindValue(name);
    if (!m_sql.exec(q) || !q.next())
        return std::nullopt;
    const Room room{q.value(0).toLongLong(), q.value(1).toBool()};
    m_rooms.insert(name, room);
    return room;
}

bool SqlStore::isMember(qint64 roomId, qint64 userId)
{
    // Only the database's only writer can trust a remembered yes: it writes every leave.
    if (m_soleWriter && m_members.contains({roomId, userId}))
        return true;
    QSqlQuery &q = m_sql.prepared(m_isMember, u"SELECT 1 FROM members WHERE room_id = ? AND user_id = ?"_s);
    q.bindValue(0, roomId);
    q.bindValue(1, userId);
    const bool member = m_sql.exec(q) && q.next();
    q.finish();
    if (member && m_soleWriter)
        m_members.insert({roomId, userId}); // only yes is cached: a join may follow a no
    return member;
}

void SqlStore::memberChanged(qint64 roomId, qint64 userId, const QString &change)
{
    if (change == "leave"_L1 || change == "kick"_L1)
        m_members.remove({roomId, userId});
    // A join or invite is learnt at the next check; a role change is read where it matters.
}

QString SqlStore::userName(qint64 userId)
{
    if (const auto it = m_userNames.constFind(userId); it != m_userNames.cend())
        return *it;
    QSqlQuery &q = m_sql.prepared(m_userName, u"SELECT name FROM users WHERE id = ?"_s);
    q.bindValue(0, userId);
    const QString name = m_sql.exec(q) && q.next() ? q.value(0).toString() : QString();
    q.finish();
    if (!name.isEmpty())
        m_userNames.insert(userId, name);
    return name;
}

bool SqlStore::addMember(qint64 roomId, qint64 userId)
{
    return EventWriter::addMemberRow(m_sql, roomId, userId);
}

std::optional<qint64> SqlStore::lastSeq(qint64 roomId)
{
    if (m_soleWriter) {
        if (const auto it = m_lastSeq.constFind(roomId); it != m_lastSeq.cend())
            return *it;
    }
    QSqlQuery &q = m_sql.prepared(m_readSeq, u"SELECT last_seq FROM rooms WHERE id = ?"_s);
    q.bindValue(0, roomId);
    std::optional<qint64> seq;
    if (m_sql.exec(q) && q.next())
        seq = q.value(0).toLongLong();
    q.finish();
    if (seq && m_soleWriter)
        m_lastSeq.insert(roomId, *seq);
    return seq;
}

