// SPDX-License-Identifier: MIT
#include "postgresstore.h"

#include "logging.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace {
// Any constant of our own: pg_advisory_lock keys are database-wide.
constexpr qint64 kMigrationLock = 0x63686174; // "chat"
// Text per INSERT of a batch: 1000 bodies of up to 1 MiB must not become one 1 GB value.
constexpr qint64 kMaxChunkChars = 4 << 20;

// PostgreSQL array literals, bound as one text value and cast in the statement: '{1,2,3}' and
// '{"a","b \"quoted\""}'. Every element is quoted, so no text (commas, braces, NULL, quotes,
// backslashes, newlines) is read as syntax.
QString intArray(const QList<qint64> &values)
{
    QString out = u"{"_s;
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i)
            out += u',';
        out += QString::number(values.at(i));
    }
    return out + u'}';
}

QString textArray(const QStringList &values)
{
    QString out = u"{"_s;
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i)
            out += u',';
        QString escaped = values.at(i);
        escaped.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s);
        out += u'"' + escaped + u'"';
    }
    return out + u'}';
}
} // namespace

PostgresStore::PostgresStore(const DatabaseUrl &url, const QString &passwordFile)
    : SqlStore({u"QPSQL"_s, u" FOR UPDATE"_s, false}, u"chat-postgresql-"_s),
      m_url(url),
      m_passwordFile(passwordFile)
{
}

PostgresStore::~PostgresStore()
{
    close();
}

void PostgresStore::dropOwnQueries()
{
    for (auto *slot : {&m_findStored, &m_lockCounters, &m_insertEvents, &m_storeCounters})
        slot->reset();
}

void PostgresStore::close()
{
    dropOwnQueries();
    SqlStore::close();
}

bool PostgresStore::reconnect(QString *error)
{
    dropOwnQueries();
    return SqlStore::reconnect(error);
}

bool PostgresStore::storeEvents(QList<NewEvent> &events, QList<AppendResult> &results,
                                QHash<qint64, qint64> *lastSeqs)
{
    // Lock the counter rows of the rooms written, in id order (two servers locking the same
    // rooms in different orders would deadlock).
    QList<qint64> roomIds;
    for (const NewEvent &e : std::as_const(events)) {
        if (!roomIds.contains(e.roomId))
            roomIds.append(e.roomId);
    }
    QSqlQuery &lock = prepared(m_lockCounters,
                               u"SELECT id, last_seq FROM rooms WHERE id = ANY(CAST(? AS bigint[])) "
                               "ORDER BY id FOR UPDATE"_s);
    lock.bindValue(0, intArray(roomIds));
    if (!exec(lock))
        return false;
    QHash<qint64, qint64> counters; // room id -> last seq before this batch
    while (lock.next())
        counters.insert(lock.value(0).toLongLong(), lock.value(1).toLongLong());
    lock.finish();
    if (counters.size() != roomIds.size())
        return false;

    // Usually no event of a batch is a retry: all are inserted at once, and the insert reports
    // what it stored. When some (sender, clientId) were stored before, the insert is undone to
    // the savepoint, those are looked up and the rest numbered and inserted again, so seqs stay
    // gapless.
    if (!run(u"SAVEPOINT batch"_s))
        return false;
    QHash<std::pair<qint64, QString>, ChatMessage> stored;
    for (int attempt = 0; attempt < 2; ++attempt) {
        QHash<std::pair<qint64, QString>, qsizetype> first; // key -> index in events
        QHash<qint64, qint64> next = counters;
        int expected = 0;
        QList<NewEvent *> fresh;
        for (qsizetype i = 0; i < events.size(); ++i) {
            NewEvent &e = events[i];
            const auto key = std::pair(e.senderId, e.message.clientId);
            AppendResult &res = results[e.index];
            if (const auto old = stored.constFind(key); old != stored.cend()) {
                res = {StoreStatus::Ok, *old, true};
            } else if (const auto earlier = first.constFind(key); earlier != first.cend()) {
                res = {StoreStatus::Ok, events.at(*earlier).message, true}; // twice in this batch
            } else {
                first.insert(key, i);
                e.message.seq = ++next[e.roomId];
                res = {StoreStatus::Ok, e.message, false};
                fresh.append(&e);
                ++expected;
            }
        }
        QSet<std::pair<qint64, QString>> inserted;
        if (!insertEvents(fresh, &inserted))
            return false;
        if (inserted.size() == expected) {
            if (!storeCounters(next))
                return false;
            *lastSeqs = next;
            return true;
        }
        if (attempt == 1)
            return false; // stored by another server meanwhile: the senders retry
        if (!run(u"ROLLBACK TO SAVEPOINT batch"_s))
            return false;
        QList<qint64> senders;
        QStringList clientIds;
        for (const NewEvent *e : std::as_const(fresh)) {
            if (!inserted.contains({e->senderId, e->message.clientId})) {
                senders.append(e->senderId);
                clientIds.append(e->message.clientId);
            }
        }
        if (!findStored(senders, clientIds, &stored))
            return false;
    }
    return false;
}

bool PostgresStore::insertEvents(const QList<NewEvent *> &events,
                                 QSet<std::pair<qint64, QString>> *inserted)
{
    // One INSERT per few MiB of text, each event's fields as arrays bound as one value each.
    QSqlQuery &insert = prepared(
            m_insertEvents,
            u"INSERT INTO events (room_id, seq, id, sender_id, client_id, kind, body, ts) "
            "SELECT room_id, seq, id, sender_id, client_id, 'message', body, ts FROM unnest("
            "CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS bigint[]), "
            "CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[])) "
            "AS v(room_id, seq, id, sender_id, client_id, body, ts) "
            "ON CONFLICT (sender_id, client_id) DO NOTHING RETURNING sender_id, client_id"_s);
    qsizetype from = 0;
    while (from < events.size()) {
        QList<qint64> rooms, seqs, senderIds, stamps;
        QStringList ids, clients, bodies;
        qint64 chars = 0;
        for (; from < events.size() && (rooms.isEmpty() || chars < kMaxChunkChars); ++from) {
            const NewEvent &e = *events.at(from);
            rooms.append(e.roomId);
            seqs.append(e.message.seq);
            ids.append(e.message.id);
            senderIds.append(e.senderId);
            clients.append(e.message.clientId);
            bodies.append(e.message.body);
            stamps.append(e.message.ts.toMSecsSinceEpoch());
            chars += e.message.body.size() + e.message.clientId.size();
        }
        insert.bindValue(0, intArray(rooms));
        insert.bindValue(1, intArray(seqs));
        insert.bindValue(2, textArray(ids));
        insert.bindValue(3, intArray(senderIds));
        insert.bindValue(4, textArray(clients));
        insert.bindValue(5, textArray(bodies));
        insert.bindValue(6, intArray(stamps));
        if (!exec(insert))
            return false;
        while (insert.next())
            inserted->insert({insert.value(0).toLongLong(), insert.value(1).toString()});
        insert.finish();
    }
    return true;
}

bool PostgresStore::findStored(const QList<qint64> &senders, const QStringList &clientIds,
                               QHash<std::pair<qint64, QString>, ChatMessage> *stored)
{
    QSqlQuery &find = prepared(
            m_findStored,
            u"SELECT e.seq, e.id, u.name, e.client_id, e.body, e.ts, r.name, e.sender_id "
            "FROM unnest(CAST(? AS bigint[]), CAST(? AS text[])) AS k(sender_id, client_id) "
            "JOIN events e ON e.sender_id = k.sender_id AND e.client_id = k.client_id "
            "JOIN users u ON u.id = e.sender_id JOIN rooms r ON r.id = e.room_id"_s);
    find.bindValue(0, intArray(senders));
    find.bindValue(1, textArray(clientIds));
    if (!exec(find))
        return false;
    while (find.next()) {
        ChatMessage m = messageFromRow(find, find.value(6).toString());
        stored->insert({find.value(7).toLongLong(), m.clientId}, std::move(m));
    }
    find.finish();
    return true;
}

bool PostgresStore::storeCounters(const QHash<qint64, qint64> &newest)
{
    QList<qint64> ids, seqs;
    for (auto it = newest.cbegin(); it != newest.cend(); ++it) {
        ids.append(it.key());
        seqs.append(it.value());
    }
    QSqlQuery &update = prepared(
            m_storeCounters,
            u"UPDATE rooms SET last_seq = v.last_seq FROM unnest(CAST(? AS bigint[]), "
            "CAST(? AS bigint[])) AS v(id, last_seq) WHERE rooms.id = v.id"_s);
    update.bindValue(0, intArray(ids));
    update.bindValue(1, intArray(seqs));
    return exec(update);
}

int PostgresStore::schemaVersion()
{
    return Migrations::latest(u"postgresql"_s);
}

bool PostgresStore::open(QString *error)
{
    if (!addConnection()) {
        *error = u"Qt's PostgreSQL driver (QPSQL) is not installed: apt install libqt6sql6-psql"_s;
        return false;
    }
    QString password = m_url.password;
    if (!m_passwordFile.isEmpty()) {
        QFile file(m_passwordFile);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = u"cannot read the database password file %1: %2"_s.arg(m_passwordFile,
                                                                           file.errorString());
            return false;
        }
        password = QString::fromUtf8(file.readLine()).trimmed();
    }
    QSqlDatabase &db = database();
    db.setHostName(m_url.host);
    db.setPort(m_url.port);
    db.setUserName(m_url.user);
    db.setPassword(password);
    db.setDatabaseName(m_url.database);
    // A database that is down must fail an operation quickly, not hang the store thread.
    db.setConnectOptions(u"connect_timeout=5;application_name=chat-server"_s);
    if (!db.open()) {
        *error = u"cannot connect to %1: %2"_s.arg(m_url.displayName(),
                                                   db.lastError().text().trimmed());
        return false;
    }
    QSqlQuery lock(db);
    lock.prepare(u"SELECT pg_advisory_lock(?)"_s);
    lock.addBindValue(kMigrationLock);
    if (!lock.exec()) {
        *error = u"cannot lock the schema for migration: %1"_s.arg(lock.lastError().text());
        return false;
    }
    const bool ready = prepareSchema(Migrations::postgresql(), error);
    lock.prepare(u"SELECT pg_advisory_unlock(?)"_s);
    lock.addBindValue(kMigrationLock);
    lock.exec();
    if (!ready)
        return false;
    qCInfo(lcStore).noquote() << "opened" << m_url.displayName() << "schema" << schemaVersion()
                              << "epoch" << epoch();
    return true;
}
