// SPDX-License-Identifier: MIT
#include "sqlitestore.h"

#include "databasefile.h"
#include "migrations.h"

#include "timeordereduuid.h"

#include "logging.h"

#include <QFile>
#include <QFileInfo>
#include <QDir>
#include <QSqlError>
#include <QUuid>
#include <QVariant>

#include <atomic>

using namespace Qt::StringLiterals;

namespace {

std::atomic<int> s_connectionCounter{0};

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

ChatMessage messageFromRow(const QSqlQuery &q, const QString &room)
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

} // namespace

SqliteStore::SqliteStore(const QString &path)
    : m_path(path), m_connectionName(u"chat-sqlite-%1"_s.arg(++s_connectionCounter))
{
}

SqliteStore::~SqliteStore()
{
    close();
}

int SqliteStore::schemaVersion()
{
    return Migrations::latest(u"sqlite"_s);
}

bool SqliteStore::open(QString *error)
{
    // The folder must exist: a mistyped --db never creates a tree of directories (the server
    // creates only its default data directory, before this).
    if (const QString problem = DatabaseFile::problem(m_path); !problem.isEmpty()) {
        *error = problem;
        return false;
    }
    // Seqs are assigned from an in-memory cache, so a second server on the same file would
    // collide. A lock left by a killed process is recognised as stale and taken over.
    m_lock = std::make_unique<QLockFile>(m_path + u".lock"_s);
    m_lock->setStaleLockTime(0);
    if (!m_lock->tryLock(0)) {
        *error = DatabaseFile::lockProblem(*m_lock, m_path);
        m_lock.reset();
        return false;
    }
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    m_db.setDatabaseName(m_path);
    m_db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    if (!m_db.open()) {
        *error = u"cannot open %1: %2"_s.arg(m_path, m_db.lastError().text());
        return false;
    }
    // wal_autocheckpoint: SQLite checkpoints inside the commit that takes the WAL past this many
    // pages. 250 (1 MiB) instead of 1000 halves ack p99 under ingest for ~5 % of throughput
    // (docs/performance.md). Checkpointing from another connection instead let the WAL grow
    // without bound: it is only rewound after a checkpoint that caught up with the writer.
    for (const QString &pragma : {u"PRAGMA journal_mode=WAL"_s, u"PRAGMA synchronous=NORMAL"_s,
                                  u"PRAGMA foreign_keys=ON"_s, u"PRAGMA wal_autocheckpoint=250"_s}) {
        QSqlQuery q(m_db);
        if (!q.exec(pragma)) {
            *error = u"%1 failed: %2"_s.arg(pragma, q.lastError().text());
            return false;
        }
    }
    if (!Migrations::apply(m_db, Migrations::sqlite(), error))
        return false;

    QSqlQuery q(m_db);
    q.prepare(u"INSERT OR IGNORE INTO meta (key, value) VALUES ('epoch', ?)"_s);
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
    qCInfo(lcStore).noquote() << "opened" << m_path << "schema" << schemaVersion() << "epoch" << m_epoch;
    return true;
}

void SqliteStore::close()
{
    m_isMember.reset();
    m_byClientId.reset();
    m_userName.reset();
    m_insertMessage.reset();
    m_historyAfter.reset();
    m_historyBefore.reset();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    m_lock.reset(); // unlocks
    // What was cached belongs to this open: the file may change before the next.
    m_rooms.clear();
    m_lastSeq.clear();
    m_members.clear();
    m_userNames.clear();
    m_recent.clear();
}

bool SqliteStore::exec(QSqlQuery &query)
{
    if (query.exec())
        return true;
    qCWarning(lcStore) << "query failed:" << query.lastError().text() << query.lastQuery();
    return false;
}

StoreStatus SqliteStore::createUser(const QString &name, const QByteArray &passwordHash,
                                    UserRecord *created)
{
    if (!m_db.transaction())
        return StoreStatus::Error;
    QSqlQuery q(m_db);
    q.prepare(u"SELECT 1 FROM users WHERE name = ?"_s);
    q.addBindValue(name);
    if (!exec(q)) {
        m_db.rollback();
        return StoreStatus::Error;
    }
    if (q.next()) {
        m_db.rollback();
        return StoreStatus::Conflict;
    }
    q.prepare(u"INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?)"_s);
    q.addBindValue(name);
    q.addBindValue(QString::fromLatin1(passwordHash));
    q.addBindValue(nowMs());
    if (!exec(q)) {
        m_db.rollback();
        return StoreStatus::Error;
    }
    const qint64 id = q.lastInsertId().toLongLong();
    const auto general = findRoom(u"general"_s);
    if (!general || !addMember(general->id, id) || !m_db.commit()) {
        m_db.rollback();
        return StoreStatus::Error;
    }
    *created = {id, name, passwordHash};
    return StoreStatus::Ok;
}

std::optional<UserRecord> SqliteStore::findUser(const QString &name)
{
    QSqlQuery q(m_db);
    q.prepare(u"SELECT id, name, password_hash FROM users WHERE name = ?"_s);
    q.addBindValue(name);
    if (!exec(q) || !q.next())
        return std::nullopt;
    return UserRecord{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toByteArray()};
}

bool SqliteStore::storeToken(const QByteArray &tokenHash, qint64 userId, const QDateTime &expires)
{
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO tokens (hash, user_id, expires_at) VALUES (?, ?, ?)"_s);
    q.addBindValue(tokenHash);
    q.addBindValue(userId);
    q.addBindValue(expires.toMSecsSinceEpoch());
    return exec(q);
}

std::optional<AuthUser> SqliteStore::userForToken(const QByteArray &tokenHash, const QDateTime &now)
{
    QSqlQuery q(m_db);
    q.prepare(u"SELECT u.id, u.name FROM tokens t JOIN users u ON u.id = t.user_id "
              "WHERE t.hash = ? AND t.expires_at > ?"_s);
    q.addBindValue(tokenHash);
    q.addBindValue(now.toMSecsSinceEpoch());
    if (!exec(q) || !q.next())
        return std::nullopt;
    return AuthUser{q.value(0).toLongLong(), q.value(1).toString()};
}

bool SqliteStore::deleteToken(const QByteArray &tokenHash)
{
    QSqlQuery q(m_db);
    q.prepare(u"DELETE FROM tokens WHERE hash = ?"_s);
    q.addBindValue(tokenHash);
    return exec(q);
}

QList<RoomInfo> SqliteStore::listRooms(qint64 userId)
{
    QSqlQuery q(m_db);
    q.prepare(u"SELECT r.name, r.private, "
              "COALESCE((SELECT MAX(m.seq) FROM messages m WHERE m.room_id = r.id), 0), "
              "EXISTS (SELECT 1 FROM members b WHERE b.room_id = r.id AND b.user_id = ?) "
              "FROM rooms r "
              "WHERE r.private = 0 "
              "   OR EXISTS (SELECT 1 FROM members b WHERE b.room_id = r.id AND b.user_id = ?) "
              "ORDER BY r.name"_s);
    q.addBindValue(userId);
    q.addBindValue(userId);
    QList<RoomInfo> rooms;
    if (!exec(q))
        return rooms;
    while (q.next()) {
        rooms.append({q.value(0).toString(), q.value(2).toLongLong(), q.value(1).toBool(),
                      q.value(3).toBool()});
    }
    return rooms;
}

StoreStatus SqliteStore::createRoom(const QString &name, bool isPrivate, qint64 creatorId)
{
    if (findRoom(name))
        return StoreStatus::Conflict;
    if (!m_db.transaction())
        return StoreStatus::Error;
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO rooms (name, private, created_at) VALUES (?, ?, ?)"_s);
    q.addBindValue(name);
    q.addBindValue(isPrivate ? 1 : 0);
    q.addBindValue(nowMs());
    if (!exec(q)) {
        m_db.rollback();
        return StoreStatus::Error;
    }
    const qint64 roomId = q.lastInsertId().toLongLong();
    if (!addMember(roomId, creatorId) || !m_db.commit()) {
        m_db.rollback();
        return StoreStatus::Error;
    }
    m_rooms.insert(name, {roomId, isPrivate});
    return StoreStatus::Ok;
}

StoreStatus SqliteStore::joinRoom(const QString &name, qint64 userId)
{
    const auto room = findRoom(name);
    if (!room)
        return StoreStatus::RoomNotFound;
    if (isMember(room->id, userId))
        return StoreStatus::Ok;
    if (room->isPrivate)
        return StoreStatus::Forbidden;
    return addMember(room->id, userId) ? StoreStatus::Ok : StoreStatus::Error;
}

StoreStatus SqliteStore::invite(const QString &name, qint64 inviterId, const QString &userName)
{
    const auto room = findRoom(name);
    if (!room)
        return StoreStatus::RoomNotFound;
    if (!isMember(room->id, inviterId))
        return StoreStatus::Forbidden;
    const auto user = findUser(userName);
    if (!user)
        return StoreStatus::UserNotFound;
    if (isMember(room->id, user->id))
        return StoreStatus::Ok;
    return addMember(room->id, user->id) ? StoreStatus::Ok : StoreStatus::Error;
}

HistoryResult SqliteStore::history(const HistoryQuery &query)
{
    HistoryResult result;
    const auto room = findRoom(query.room);
    if (!room) {
        result.status = StoreStatus::RoomNotFound;
        return result;
    }
    if (!isMember(room->id, query.userId)) {
        result.status = StoreStatus::Forbidden;
        return result;
    }
    result.lastSeq = lastSeq(room->id);
    result.status = StoreStatus::Ok;
    if (query.limit <= 0)
        return result;

    if (auto held = m_recent.page(room->id, query.after, query.before, query.limit)) {
        result.messages = std::move(held->messages);
        result.hasMore = held->hasMore;
        return result;
    }
    const bool ascending = query.after.has_value();
    const QString select = u"SELECT m.seq, m.id, u.name, m.client_id, m.body, m.ts "
                           "FROM messages m JOIN users u ON u.id = m.sender_id "
                           "WHERE m.room_id = ? "_s;
    QSqlQuery &q = ascending
            ? prepared(m_historyAfter, select + u"AND m.seq > ? ORDER BY m.seq ASC LIMIT ?"_s)
            : prepared(m_historyBefore, select + u"AND m.seq < ? ORDER BY m.seq DESC LIMIT ?"_s);
    q.bindValue(0, room->id);
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
    if (!query.after && !query.before)
        m_recent.fill(room->id, result.messages, !result.hasMore); // the room's newest
    return result;
}

QList<AppendResult> SqliteStore::appendBatch(const QList<AppendRequest> &batch)
{
    QList<AppendResult> results(batch.size());
    if (!m_db.transaction()) {
        qCWarning(lcStore) << "cannot begin transaction:" << m_db.lastError().text();
        return results; // all Error
    }
    // A new message costs one INSERT: the (sender, client id) index answers idempotency, and
    // membership and sender names come from caches that only grow (members never leave, users
    // are never renamed). Measured in docs/performance.md.
    QList<std::pair<qint64, qsizetype>> stored; // (room id, index) of new messages, in order
    QSqlQuery &insert = prepared(
            m_insertMessage,
            u"INSERT INTO messages (room_id, seq, id, sender_id, client_id, body, ts) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sender_id, client_id) DO NOTHING"_s);
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const AppendRequest &req = batch.at(i);
        AppendResult &res = results[i];
        const auto room = findRoom(req.room);
        if (!room) {
            res.status = StoreStatus::RoomNotFound;
            continue;
        }
        if (!isMember(room->id, req.senderId)) {
            res.status = StoreStatus::Forbidden;
            continue;
        }
        const QString sender = userName(req.senderId);
        if (sender.isEmpty())
            continue; // Error
        ChatMessage m;
        const qint64 now = nowMs();
        m.id = createTimeOrderedUuid(now).toString(QUuid::WithoutBraces);
        m.room = req.room;
        m.seq = lastSeq(room->id) + 1;
        m.sender = sender;
        m.body = req.body;
        m.clientId = req.clientId;
        m.ts = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC);
        insert.bindValue(0, room->id);
        insert.bindValue(1, m.seq);
        insert.bindValue(2, m.id);
        insert.bindValue(3, req.senderId);
        insert.bindValue(4, m.clientId);
        insert.bindValue(5, m.body);
        insert.bindValue(6, m.ts.toMSecsSinceEpoch());
        if (!exec(insert))
            continue; // this one failed alone; SQLite rolled back just the statement
        if (insert.numRowsAffected() == 0) {
            // A retry: this sender stored this client id before (or earlier in this batch).
            if (auto original = findByClientId(req.senderId, req.clientId)) {
                res.status = StoreStatus::Ok;
                res.message = *original;
                res.duplicate = true;
            }
            continue;
        }
        m_lastSeq.insert(room->id, m.seq);
        res.status = StoreStatus::Ok;
        res.message = std::move(m);
        stored.append({room->id, i});
    }

    if (!m_db.commit()) {
        qCWarning(lcStore) << "commit failed:" << m_db.lastError().text();
        m_db.rollback();
        m_lastSeq.clear(); // re-read from the table on next use
        for (AppendResult &r : results)
            r = AppendResult{};
        return results;
    }
    for (const auto &[roomId, index] : stored)
        m_recent.append(roomId, results.at(index).message);
    return results;
}

std::optional<SqliteStore::Room> SqliteStore::findRoom(const QString &name)
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

QSqlQuery &SqliteStore::prepared(std::optional<QSqlQuery> &slot, const QString &sql)
{
    // Preparing costs a parse in SQLite and several allocations: the per-message statements are
    // prepared once per connection (measured: docs/performance.md).
    if (!slot) {
        slot.emplace(m_db);
        slot->setForwardOnly(true); // rows are read once, in order: no cached copy of the result
        slot->prepare(sql);
    }
    return *slot;
}

bool SqliteStore::isMember(qint64 roomId, qint64 userId)
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

QString SqliteStore::userName(qint64 userId)
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

bool SqliteStore::addMember(qint64 roomId, qint64 userId)
{
    QSqlQuery q(m_db);
    q.prepare(u"INSERT OR IGNORE INTO members (room_id, user_id) VALUES (?, ?)"_s);
    q.addBindValue(roomId);
    q.addBindValue(userId);
    return exec(q);
}

qint64 SqliteStore::lastSeq(qint64 roomId)
{
    if (const auto it = m_lastSeq.constFind(roomId); it != m_lastSeq.cend())
        return *it;
    QSqlQuery q(m_db);
    q.prepare(u"SELECT COALESCE(MAX(seq), 0) FROM messages WHERE room_id = ?"_s);
    q.addBindValue(roomId);
    const qint64 seq = exec(q) && q.next() ? q.value(0).toLongLong() : 0;
    m_lastSeq.insert(roomId, seq);
    return seq;
}

std::optional<ChatMessage> SqliteStore::findByClientId(qint64 senderId, const QString &clientId)
{
    QSqlQuery &q = prepared(
            m_byClientId,
            u"SELECT m.seq, m.id, u.name, m.client_id, m.body, m.ts, r.name "
            "FROM messages m JOIN users u ON u.id = m.sender_id JOIN rooms r ON r.id = m.room_id "
            "WHERE m.sender_id = ? AND m.client_id = ?"_s);
    q.bindValue(0, senderId);
    q.bindValue(1, clientId);
    std::optional<ChatMessage> found;
    if (exec(q) && q.next())
        found = messageFromRow(q, q.value(6).toString());
    q.finish();
    return found;
}
