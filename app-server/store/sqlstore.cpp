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

ChatMessage SqlStore::messageFromRow(const QSqlQuery &q, const QString &room)
{
    ChatMessage m;
    m.room = room;
    m.seq = q.value(0).toLongLong();
    m.id = q.value(1).toString();
    m.sender = q.value(2).toString();
    m.clientId = q.value(3).toString();
    m.body = q.value(4).toString();
    m.ts = QDateTime::fromMSecsSinceEpoch(q.value(5).toLongLong(), Qt::UTC);
    return m;
}

SqlStore::SqlStore(Dialect dialect, const QString &connectionPrefix)
    : m_dialect(std::move(dialect)),
      m_connectionName(connectionPrefix + QUuid::createUuid().toString(QUuid::Id128))
{
}

SqlStore::~SqlStore()
{
    close();
}

bool SqlStore::addConnection()
{
    if (!QSqlDatabase::isDriverAvailable(m_dialect.driver))
        return false;
    m_db = QSqlDatabase::addDatabase(m_dialect.driver, m_connectionName);
    return m_db.isValid();
}

bool SqlStore::prepareSchema(const Migrations::Engine &engine, QString *error)
{
    if (!Migrations::apply(m_db, engine, error))
        return false;
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO meta (key, value) VALUES ('epoch', ?) ON CONFLICT DO NOTHING"_s);
    q.addBindValue(QUuid::createUuid().toString(QUuid::WithoutBraces));
    if (!exec(q)) {
        *error = u"cannot write epoch: %1"_s.arg(q.lastError().text());
        return false;
    }
    q.prepare(u"SELECT value FROM meta WHERE key = 'epoch'"_s);
    if (!exec(q) || !q.next()) {
        *error = u"cannot read epoch"_s;
        return false;
    }
    m_epoch = q.value(0).toString();
    return true;
}

void SqlStore::dropPreparedQueries()
{
    for (auto *slot : {&m_isMember, &m_byClientId, &m_userName, &m_insertEvent, &m_lockSeq,
                       &m_storeSeq, &m_readSeq, &m_historyAfter, &m_historyBefore})
        slot->reset();
}

void SqlStore::close()
{
    dropPreparedQueries();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    // What was cached belongs to this open: the database may change before the next.
    m_rooms.clear();
    m_lastSeq.clear();
    m_members.clear();
    m_userNames.clear();
    m_recent.clear();
    m_broken = false;
}

bool SqlStore::reconnect(QString *error)
{
    dropPreparedQueries();
    m_db.close();
    if (!m_db.open()) {
        *error = m_db.lastError().text();
        return false;
    }
    return true;
}

bool SqlStore::ensureConnected()
{
    if (!m_broken)
        return true;
    // A statement failed since the last operation. Outside a transaction a trivial query tells
    // a dead connection (the server restarted, the network dropped) from a failed statement.
    {
        QSqlQuery probe(m_db);
        if (m_db.isOpen() && probe.exec(u"SELECT 1"_s)) {
            m_broken = false;
            return true;
        }
    }
    QString why;
    if (!reconnect(&why)) {
        qCWarning(lcStore).noquote() << "database still unreachable:" << why;
        return false;
    }
    qCInfo(lcStore) << "database connection re-established";
    m_broken = false;
    return true;
}

bool SqlStore::exec(QSqlQuery &query)
{
    if (query.exec())
        return true;
    qCWarning(lcStore) << "query failed:" << query.lastError().text() << query.lastQuery();
    m_broken = true; // checked before the next operation
    return false;
}

bool SqlStore::run(const QString &statement)
{
    QSqlQuery q(m_db);
    if (q.exec(statement))
        return true;
    qCWarning(lcStore) << "statement failed:" << q.lastError().text() << statement;
    m_broken = true;
    return false;
}

bool SqlStore::begin()
{
    if (m_db.transaction())
        return true;
    qCWarning(lcStore) << "cannot begin transaction:" << m_db.lastError().text();
    m_broken = true;
    return false;
}

void SqlStore::rollback()
{
    if (!m_db.rollback())
        m_broken = true;
}

StoreStatus SqlStore::createUser(const QString &name, const QByteArray &passwordHash,
                                 UserRecord *created)
{
    if (!ensureConnected() || !begin())
        return StoreStatus::Error;
    QSqlQuery q(m_db);
    // The unique index on lower(name) decides a race between two registrations.
    q.prepare(u"INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?) "
              "ON CONFLICT DO NOTHING RETURNING id"_s);
    q.addBindValue(name);
    q.addBindValue(QString::fromLatin1(passwordHash));
    q.addBindValue(nowMs());
    if (!exec(q)) {
        rollback();
        return StoreStatus::Error;
    }
    if (!q.next()) {
        rollback();
        return StoreStatus::Conflict;
    }
    const qint64 id = q.value(0).toLongLong();
    q.finish();
    const auto general = findRoom(u"general"_s);
    if (!general || !addMember(general->id, id) || !m_db.commit()) {
        rollback();
        return StoreStatus::Error;
    }
    *created = {id, name, passwordHash};
    return StoreStatus::Ok;
}

std::optional<UserRecord> SqlStore::findUser(const QString &name)
{
    if (!ensureConnected())
        return std::nullopt;
    QSqlQuery q(m_db);
    q.prepare(u"SELECT id, name, password_hash FROM users WHERE lower(name) = lower(?)"_s);
    q.addBindValue(name);
    if (!exec(q) || !q.next())
        return std::nullopt;
    return UserRecord{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toByteArray()};
}

bool SqlStore::storeToken(const QByteArray &tokenHash, qint64 userId, const QDateTime &expires)
{
    if (!ensureConnected())
        return false;
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO tokens (hash, user_id, expires_at) VALUES (?, ?, ?)"_s);
    q.addBindValue(tokenHash);
    q.addBindValue(userId);
    q.addBindValue(expires.toMSecsSinceEpoch());
    return exec(q);
}

std::optional<AuthUser> SqlStore::userForToken(const QByteArray &tokenHash, const QDateTime &now)
{
    if (!ensureConnected())
        return std::nullopt;
    QSqlQuery q(m_db);
    q.prepare(u"SELECT u.id, u.name FROM tokens t JOIN users u ON u.id = t.user_id "
              "WHERE t.hash = ? AND t.expires_at > ?"_s);
    q.addBindValue(tokenHash);
    q.addBindValue(now.toMSecsSinceEpoch());
    if (!exec(q) || !q.next())
        return std::nullopt;
    return AuthUser{q.value(0).toLongLong(), q.value(1).toString()};
}

bool SqlStore::deleteToken(const QByteArray &tokenHash)
{
    if (!ensureConnected())
        return false;
    QSqlQuery q(m_db);
    q.prepare(u"DELETE FROM tokens WHERE hash = ?"_s);
    q.addBindValue(tokenHash);
    return exec(q);
}

QList<RoomInfo> SqlStore::listRooms(qint64 userId)
{
    QList<RoomInfo> rooms;
    if (!ensureConnected())
        return rooms;
    QSqlQuery q(m_db);
    q.prepare(u"SELECT r.name, r.private, r.last_seq, "
              "EXISTS (SELECT 1 FROM members b WHERE b.room_id = r.id AND b.user_id = ?) "
              "FROM rooms r "
              "WHERE r.private = 0 "
              "   OR EXISTS (SELECT 1 FROM members b WHERE b.room_id = r.id AND b.user_id = ?) "
              "ORDER BY r.name"_s);
    q.addBindValue(userId);
    q.addBindValue(userId);
    if (!exec(q))
        return rooms;
    while (q.next()) {
        rooms.append({q.value(0).toString(), q.value(2).toLongLong(), q.value(1).toBool(),
                      q.value(3).toBool()});
    }
    return rooms;
}

StoreStatus SqlStore::createRoom(const QString &name, bool isPrivate, qint64 creatorId)
{
    if (!ensureConnected())
        return StoreStatus::Error;
    if (findRoom(name))
        return StoreStatus::Conflict;
    if (m_broken || !begin())
        return StoreStatus::Error;
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO rooms (name, private, created_at) VALUES (?, ?, ?) "
              "ON CONFLICT DO NOTHING RETURNING id"_s);
    q.addBindValue(name);
    q.addBindValue(isPrivate ? 1 : 0);
    q.addBindValue(nowMs());
    if (!exec(q)) {
        rollback();
        return StoreStatus::Error;
    }
    if (!q.next()) { // created a moment ago by another server of the same database
        rollback();
        return StoreStatus::Conflict;
    }
    const qint64 roomId = q.value(0).toLongLong();
    q.finish();
    if (!addMember(roomId, creatorId) || !m_db.commit()) {
        rollback();
        return StoreStatus::Error;
    }
    m_rooms.insert(name, {roomId, isPrivate});
    return StoreStatus::Ok;
}

StoreStatus SqlStore::joinRoom(const QString &name, qint64 userId)
{
    if (!ensureConnected())
        return StoreStatus::Error;
    const auto room = findRoom(name);
    if (!room)
        return m_broken ? StoreStatus::Error : StoreStatus::RoomNotFound;
    if (isMember(room->id, userId))
        return StoreStatus::Ok;
    if (m_broken)
        return StoreStatus::Error;
    if (room->isPrivate)
        return StoreStatus::Forbidden;
    return addMember(room->id, userId) ? StoreStatus::Ok : StoreStatus::Error;
}

StoreStatus SqlStore::invite(const QString &name, qint64 inviterId, const QString &userName)
{
    if (!ensureConnected())
        return StoreStatus::Error;
    const auto room = findRoom(name);
    if (!room)
        return m_broken ? StoreStatus::Error : StoreStatus::RoomNotFound;
    if (!isMember(room->id, inviterId))
        return m_broken ? StoreStatus::Error : StoreStatus::Forbidden;
    const auto user = findUser(userName);
    if (!user)
        return m_broken ? StoreStatus::Error : StoreStatus::UserNotFound;
    if (isMember(room->id, user->id))
        return StoreStatus::Ok;
    if (m_broken)
        return StoreStatus::Error;
    return addMember(room->id, user->id) ? StoreStatus::Ok : StoreStatus::Error;
}

HistoryResult SqlStore::history(const HistoryQuery &query)
{
    HistoryResult result;
    if (!ensureConnected())
        return result; // Error
    const auto room = findRoom(query.room);
    if (!room) {
        result.status = m_broken ? StoreStatus::Error : StoreStatus::RoomNotFound;
        return result;
    }
    if (!isMember(room->id, query.userId)) {
        result.status = m_broken ? StoreStatus::Error : StoreStatus::Forbidden;
        return result;
    }
    return readPage(*room, query);
}

HistoryResult SqlStore::eventsAfter(const QString &roomName, qint64 after, int limit)
{
    HistoryResult result;
    if (!ensureConnected())
        return result; // Error
    const auto room = findRoom(roomName);
    if (!room) {
        result.status = m_broken ? StoreStatus::Error : StoreStatus::RoomNotFound;
        return result;
    }
    return readPage(*room, {roomName, 0, after, std::nullopt, limit});
}

HistoryResult SqlStore::readPage(const Room &room, const HistoryQuery &query)
{
    HistoryResult result;
    const auto last = lastSeq(room.id);
    if (!last)
        return result; // Error
    result.lastSeq = *last;
    result.status = StoreStatus::Ok;
    if (query.limit <= 0)
        return result;

    if (!m_dialect.soleWriter)
        m_recent.forgetUnless(room.id, *last); // another server may have written since
    if (auto held = m_recent.page(room.id, query.after, query.before, query.limit)) {
        result.messages = std::move(held->messages);
        result.hasMore = held->hasMore;
        return result;
    }
    const bool ascending = query.after.has_value();
    const QString select = u"SELECT e.seq, e.id, u.name, e.client_id, e.body, e.ts "
                           "FROM events e JOIN users u ON u.id = e.sender_id "
                           "WHERE e.room_id = ? "_s;
    QSqlQuery &q = ascending
            ? prepared(m_historyAfter, select + u"AND e.seq > ? ORDER BY e.seq ASC LIMIT ?"_s)
            : prepared(m_historyBefore, select + u"AND e.seq < ? ORDER BY e.seq DESC LIMIT ?"_s);
    q.bindValue(0, room.id);
    q.bindValue(1, ascending ? *query.after : query.before.value_or(std::numeric_limits<qint64>::max()));
    q.bindValue(2, query.limit + 1); // one extra row tells whether there is more
    if (!exec(q)) {
        result.status = StoreStatus::Error;
        return result;
    }
    while (q.next())
        result.messages.append(messageFromRow(q, query.room));
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
    return result;
}

QList<AppendResult> SqlStore::appendBatch(const QList<AppendRequest> &batch)
{
    QList<AppendResult> results(batch.size());
    if (!ensureConnected() || !begin())
        return results; // all Error
    // Membership and sender names come from caches that only grow (members never leave, users
    // are never renamed): checking a request costs no SQL in the steady state.
    QList<NewEvent> events;
    events.reserve(batch.size());
    bool failed = false;
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const AppendRequest &req = batch.at(i);
        const auto room = findRoom(req.room);
        if (!room)
            results[i].status = StoreStatus::RoomNotFound;
        else if (!isMember(room->id, req.senderId))
            results[i].status = StoreStatus::Forbidden;
        const QString sender = room && results[i].status != StoreStatus::Forbidden
                ? userName(req.senderId)
                : QString();
        if (m_broken || (results[i].status == StoreStatus::Error && sender.isEmpty())) {
            failed = true; // a lookup failed: its "no" means nothing
            break;
        }
        if (results[i].status != StoreStatus::Error)
            continue; // refused
        NewEvent event{i, room->id, req.senderId, {}};
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
        failed = !storeEvents(events, results, &lastSeqs);
    if (failed || !m_db.commit()) {
        qCWarning(lcStore) << "batch of" << batch.size() << "not stored:"
                           << (failed ? u"a statement failed"_s : m_db.lastError().text());
        m_broken = true;
        rollback();
        for (AppendResult &r : results)
            r = AppendResult{};
        return results;
    }
    for (auto it = lastSeqs.cbegin(); it != lastSeqs.cend(); ++it)
        m_lastSeq.insert(it.key(), it.value());
    for (const NewEvent &event : std::as_const(events)) {
        const AppendResult &r = results.at(event.index);
        if (r.status == StoreStatus::Ok && !r.duplicate)
            m_recent.append(event.roomId, r.message);
    }
    return results;
}

bool SqlStore::storeEvents(QList<NewEvent> &events, QList<AppendResult> &results,
                           QHash<qint64, qint64> *lastSeqs)
{
    // One INSERT per new event, the (sender, client id) index answering idempotency: in-process
    // SQLite pays no round trip per statement. Each room's counter row is read once per batch
    // and written once at its end. Measured in docs/performance.md.
    QHash<qint64, std::pair<qint64, qint64>> seqs; // room id -> (counter read, last assigned)
    QSqlQuery &insert = prepared(
            m_insertEvent,
            u"INSERT INTO events (room_id, seq, id, sender_id, client_id, kind, body, ts) "
            "VALUES (?, ?, ?, ?, ?, 'message', ?, ?) ON CONFLICT (sender_id, client_id) DO NOTHING"_s);
    for (NewEvent &event : events) {
        auto seq = seqs.find(event.roomId);
        if (seq == seqs.end()) {
            const auto counter = lockSeqCounter(event.roomId);
            if (!counter)
                return false;
            seq = seqs.insert(event.roomId, {*counter, *counter});
        }
        ChatMessage &m = event.message;
        m.seq = seq->second + 1;
        insert.bindValue(0, event.roomId);
        insert.bindValue(1, m.seq);
        insert.bindValue(2, m.id);
        insert.bindValue(3, event.senderId);
        insert.bindValue(4, m.clientId);
        insert.bindValue(5, m.body);
        insert.bindValue(6, m.ts.toMSecsSinceEpoch());
        if (!exec(insert))
            return false;
        AppendResult &res = results[event.index];
        if (insert.numRowsAffected() == 0) {
            // A retry: this sender stored this client id before (or earlier in this batch).
            const auto original = findByClientId(event.senderId, m.clientId);
            if (!original)
                return false;
            res = {StoreStatus::Ok, *original, true};
            continue;
        }
        seq->second = m.seq;
        res = {StoreStatus::Ok, m, false};
    }
    for (auto it = seqs.cbegin(); it != seqs.cend(); ++it) {
        if (it->second == it->first)
            continue; // only retries in this room
        QSqlQuery &update = prepared(m_storeSeq, u"UPDATE rooms SET last_seq = ? WHERE id = ?"_s);
        update.bindValue(0, it->second);
        update.bindValue(1, it.key());
        if (!exec(update))
            return false;
        lastSeqs->insert(it.key(), it->second);
    }
    return true;
}

std::optional<SqlStore::Room> SqlStore::findRoom(const QString &name)
{
    if (const auto it = m_rooms.constFind(name); it != m_rooms.cend())
        return *it;
    QSqlQuery q(m_db);
    q.prepare(u"SELECT id, private FROM rooms WHERE name = ?"_s);
    q.addBindValue(name);
    if (!exec(q) || !q.next())
        return std::nullopt;
    const Room room{q.value(0).toLongLong(), q.value(1).toBool()};
    m_rooms.insert(name, room);
    return room;
}

QSqlQuery &SqlStore::prepared(std::optional<QSqlQuery> &slot, const QString &sql)
{
    // Preparing costs a parse and several allocations: the per-message statements are prepared
    // once per connection (measured: docs/performance.md).
    if (!slot) {
        slot.emplace(m_db);
        slot->setForwardOnly(true); // rows are read once, in order: no cached copy of the result
        slot->prepare(sql);
    }
    return *slot;
}

bool SqlStore::isMember(qint64 roomId, qint64 userId)
{
    if (m_members.contains({roomId, userId}))
        return true;
    QSqlQuery &q = prepared(m_isMember, u"SELECT 1 FROM members WHERE room_id = ? AND user_id = ?"_s);
    q.bindValue(0, roomId);
    q.bindValue(1, userId);
    const bool member = exec(q) && q.next();
    q.finish();
    if (member)
        m_members.insert({roomId, userId}); // only yes is cached: a join may follow a no
    return member;
}

QString SqlStore::userName(qint64 userId)
{
    if (const auto it = m_userNames.constFind(userId); it != m_userNames.cend())
        return *it;
    QSqlQuery &q = prepared(m_userName, u"SELECT name FROM users WHERE id = ?"_s);
    q.bindValue(0, userId);
    const QString name = exec(q) && q.next() ? q.value(0).toString() : QString();
    q.finish();
    if (!name.isEmpty())
        m_userNames.insert(userId, name);
    return name;
}

bool SqlStore::addMember(qint64 roomId, qint64 userId)
{
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO members (room_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING"_s);
    q.addBindValue(roomId);
    q.addBindValue(userId);
    return exec(q);
}

std::optional<qint64> SqlStore::lastSeq(qint64 roomId)
{
    if (m_dialect.soleWriter) {
        if (const auto it = m_lastSeq.constFind(roomId); it != m_lastSeq.cend())
            return *it;
    }
    QSqlQuery &q = prepared(m_readSeq, u"SELECT last_seq FROM rooms WHERE id = ?"_s);
    q.bindValue(0, roomId);
    std::optional<qint64> seq;
    if (exec(q) && q.next())
        seq = q.value(0).toLongLong();
    q.finish();
    if (seq && m_dialect.soleWriter)
        m_lastSeq.insert(roomId, *seq);
    return seq;
}

std::optional<qint64> SqlStore::lockSeqCounter(qint64 roomId)
{
    // Inside the storing transaction: on PostgreSQL the row lock makes a second server's batch
    // for this room wait until this one committed or rolled back.
    QSqlQuery &q = prepared(m_lockSeq,
                            u"SELECT last_seq FROM rooms WHERE id = ?"_s + m_dialect.forUpdate);
    q.bindValue(0, roomId);
    std::optional<qint64> seq;
    if (exec(q) && q.next())
        seq = q.value(0).toLongLong();
    q.finish();
    return seq;
}

std::optional<ChatMessage> SqlStore::findByClientId(qint64 senderId, const QString &clientId)
{
    QSqlQuery &q = prepared(
            m_byClientId,
            u"SELECT e.seq, e.id, u.name, e.client_id, e.body, e.ts, r.name "
            "FROM events e JOIN users u ON u.id = e.sender_id JOIN rooms r ON r.id = e.room_id "
            "WHERE e.sender_id = ? AND e.client_id = ?"_s);
    q.bindValue(0, senderId);
    q.bindValue(1, clientId);
    std::optional<ChatMessage> found;
    if (exec(q) && q.next())
        found = messageFromRow(q, q.value(6).toString());
    q.finish();
    return found;
}
