// SPDX-License-Identifier: MIT
#include "timelinecache.h"

#include "privatefiles.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>

#include <atomic>

Q_LOGGING_CATEGORY(lcCache, "chat.client.cache", QtInfoMsg)

using namespace Qt::StringLiterals;

namespace {
std::atomic<int> s_counter{0};

bool exec(QSqlQuery &q, const QVariantList &binds = {})
{
    for (qsizetype i = 0; i < binds.size(); ++i)
        q.bindValue(int(i), binds.at(i));
    if (q.exec())
        return true;
    qCWarning(lcCache) << "cache query failed:" << q.lastError().text();
    return false;
}
} // namespace

TimelineCache::TimelineCache() : m_connection(u"chat-cache-%1"_s.arg(++s_counter))
{
}

TimelineCache::~TimelineCache()
{
    close();
}

bool TimelineCache::open(const QString &path, QString *error)
{
    close();
    // What others wrote is as private as what the user wrote: an owner-only folder and file,
    // made before SQLite opens it (it gives the -wal and -shm files the database file's mode).
    if (!PrivateFiles::makeDir(QFileInfo(path).absolutePath()) || !PrivateFiles::makeFile(path)) {
        *error = u"cannot create %1"_s.arg(path);
        return false;
    }
    m_path = path;
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connection);
    m_db.setDatabaseName(path);
    if (!m_db.open()) {
        *error = m_db.lastError().text();
        return false;
    }
    QSqlQuery q(m_db);
    // A cache: fast writes, and a crash may lose the last second of it (the server has it all).
    for (const QString &statement :
         {u"PRAGMA journal_mode=WAL"_s, u"PRAGMA synchronous=NORMAL"_s, u"PRAGMA secure_delete=ON"_s,
          u"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"_s,
          u"CREATE TABLE IF NOT EXISTS rooms (name TEXT PRIMARY KEY, json TEXT NOT NULL)"_s,
          u"CREATE TABLE IF NOT EXISTS coverage (room TEXT PRIMARY KEY, covered_from INTEGER NOT NULL)"_s,
          u"CREATE TABLE IF NOT EXISTS events (room TEXT NOT NULL, seq INTEGER NOT NULL, "
          "json TEXT NOT NULL, PRIMARY KEY (room, seq)) WITHOUT ROWID"_s}) {
        if (!q.exec(statement)) {
            *error = q.lastError().text();
            close();
            return false;
        }
    }
    return true;
}

void TimelineCache::close()
{
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connection);
    }
}

void TimelineCache::erase()
{
    close();
    if (m_path.isEmpty())
        return;
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(m_path + QLatin1StringView(suffix));
    m_path.clear();
}

QString TimelineCache::epoch() const
{
    QSqlQuery q(m_db);
    q.prepare(u"SELECT value FROM meta WHERE key = 'epoch'"_s);
    return exec(q) && q.next() ? q.value(0).toString() : QString();
}

void TimelineCache::setEpoch(const QString &epoch)
{
    const QString known = this->epoch();
    if (!isOpen() || epoch.isEmpty() || epoch == known)
        return;
    m_db.transaction();
    QSqlQuery q(m_db);
    if (!known.isEmpty()) {
        qCInfo(lcCache) << "another database on the server: the cache is emptied";
        for (const QString &table : {u"rooms"_s, u"coverage"_s, u"events"_s})
            q.exec(u"DELETE FROM "_s + table); // names of our own
    }
    q.prepare(u"INSERT INTO meta (key, value) VALUES ('epoch', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"_s);
    exec(q, {epoch});
    m_db.commit();
}

QList<RoomInfo> TimelineCache::rooms() const
{
    QList<RoomInfo> out;
    QSqlQuery q(m_db);
    q.prepare(u"SELECT json FROM rooms ORDER BY name"_s);
    if (!exec(q))
        return out;
    while (q.next()) {
        if (auto room = RoomInfo::fromJson(QJsonDocument::fromJson(q.value(0).toByteArray()).object()))
            out.append(*room);
    }
    return out;
}

void TimelineCache::saveRooms(const QList<RoomInfo> &rooms)
{
    if (!isOpen())
        return;
    m_db.transaction();
    QSqlQuery q(m_db);
    q.exec(u"DELETE FROM rooms"_s);
    q.prepare(u"INSERT INTO rooms (name, json) VALUES (?, ?)"_s);
    for (const RoomInfo &room : rooms)
        exec(q, {room.name, QJsonDocument(room.toJson()).toJson(QJsonDocument::Compact)});
    m_db.commit();
}

QList<ChatMessage> TimelineCache::read(const QString &sql, const QVariantList &binds) const
{
    QList<ChatMessage> out;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(sql);
    if (!exec(q, binds))
        return out;
    while (q.next()) {
        if (auto event = ChatMessage::fromJson(QJsonDocument::fromJson(q.value(0).toByteArray()).object()))
            out.append(*event);
    }
    std::reverse(out.begin(), out.end()); // read newest first
    return out;
}

QList<ChatMessage> TimelineCache::newest(const QString &room, int limit) const
{
    return read(u"SELECT json FROM events WHERE room = ? ORDER BY seq DESC LIMIT ?"_s, {room, limit});
}

QList<ChatMessage> TimelineCache::before(const QString &room, qint64 seq, int limit) const
{
    return read(u"SELECT e.json FROM events e JOIN coverage c ON c.room = e.room "
                "WHERE e.room = ? AND e.seq < ? AND e.seq >= c.covered_from ORDER BY e.seq DESC LIMIT ?"_s,
                {room, seq, limit});
}

qint64 TimelineCache::coveredFrom(const QString &room) const
{
    QSqlQuery q(m_db);
    q.prepare(u"SELECT covered_from FROM coverage WHERE room = ?"_s);
    return exec(q, {room}) && q.next() ? q.value(0).toLongLong() : 0;
}

bool TimelineCache::save(const QString &room, const QList<ChatMessage> &events, qint64 coveredFrom)
{
    if (!isOpen())
        return false;
    m_db.transaction();
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO events (room, seq, json) VALUES (?, ?, ?) "
              "ON CONFLICT (room, seq) DO UPDATE SET json = excluded.json"_s);
    bool ok = true;
    for (const ChatMessage &event : events)
        ok = ok && exec(q, {room, event.seq, QJsonDocument(event.toJson()).toJson(QJsonDocument::Compact)});
    QSqlQuery c(m_db);
    c.prepare(u"INSERT INTO coverage (room, covered_from) VALUES (?, ?) "
              "ON CONFLICT (room) DO UPDATE SET covered_from = MIN(covered_from, excluded.covered_from)"_s);
    ok = ok && exec(c, {room, coveredFrom});
    if (!ok) {
        m_db.rollback();
        return false;
    }
    return m_db.commit();
}

void TimelineCache::forget(const QString &room)
{
    if (!isOpen())
        return;
    m_db.transaction();
    for (const QString &table : {u"events"_s, u"coverage"_s}) {
        QSqlQuery q(m_db);
        q.prepare(u"DELETE FROM "_s + table + u" WHERE room = ?"_s); // names of our own
        exec(q, {room});
    }
    m_db.commit();
}

qint64 TimelineCache::size() const
{
    QSqlQuery q(m_db);
    return q.exec(u"SELECT COUNT(*) FROM events"_s) && q.next() ? q.value(0).toLongLong() : 0;
}
