// SPDX-License-Identifier: MIT
#include "postgreswriter.h"

using namespace Qt::StringLiterals;

namespace {
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

QString textArray(const QList<QVariant> &values) // a null QVariant is a NULL element
{
    QString out = u"{"_s;
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i)
            out += u',';
        if (values.at(i).isNull()) {
            out += "NULL"_L1;
            continue;
        }
        QString escaped = values.at(i).toString();
        escaped.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s);
        out += u'"' + escaped + u'"';
    }
    return out + u'}';
}
QString textArray(const QStringList &values)
{
    return textArray(QList<QVariant>(values.cbegin(), values.cend()));
}
} // namespace

bool PostgresEventWriter::lockCounters(const QList<qint64> &roomIds, QHash<qint64, qint64> *counters,
                                       QSet<qint64> *archived)
{
    // In id order: two servers locking the same rooms in different orders would deadlock.
    QSqlQuery &lock = m_sql.prepared(m_lockCounters,
                               u"SELECT id, last_seq, archived_at IS NOT NULL FROM rooms "
                               "WHERE id = ANY(CAST(? AS bigint[])) ORDER BY id FOR UPDATE"_s);
    lock.bindValue(0, intArray(roomIds));
    if (!m_sql.exec(lock))
        return false;
    while (lock.next()) {
        counters->insert(lock.value(0).toLongLong(), lock.value(1).toLongLong());
        if (lock.value(2).toBool())
            archived->insert(lock.value(0).toLongLong());
    }
    lock.finish();
    if (counters->size() != roomIds.size())
        return false;

    return true;
}

bool PostgresEventWriter::storeMessages(const QList<NewEvent *> &run, QHash<qint64, qint64> &counters,
                                        QList<AppendResult> &results)
{
    // Usually no event of a batch is a retry: all are inserted at once, and the insert reports
    // what it stored. When some (sender, clientId) were stored before, the insert is undone to
    // the savepoint, those are looked up and the rest numbered and inserted again, so seqs stay
    // gapless.
    if (!m_sql.run(u"SAVEPOINT batch"_s))
        return false;
    QHash<std::pair<qint64, QString>, ChatMessage> stored;
    for (int attempt = 0; attempt < 2; ++attempt) {
        QHash<std::pair<qint64, QString>, qsizetype> first; // key -> index in events
        QHash<qint64, qint64> next = counters;
        int expected = 0;
        QList<NewEvent *> fresh;
        for (qsizetype i = 0; i < run.size(); ++i) {
            NewEvent &e = *run[i];
            const auto key = std::pair(e.senderId, e.message.clientId);
            AppendResult &res = results[e.index];
            if (const auto old = stored.constFind(key); old != stored.cend()) {
                res = {StoreStatus::Ok, *old, true};
            } else if (const auto earlier = first.constFind(key); earlier != first.cend()) {
                res = {StoreStatus::Ok, run.at(*earlier)->message, true}; // twice in this batch
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
            counters = next;
            return true;
        }
        if (attempt == 1)
            return false; // stored by another server meanwhile: the senders retry
        if (!m_sql.run(u"ROLLBACK TO SAVEPOINT batch"_s))
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

bool PostgresEventWriter::insertEvents(const QList<NewEvent *> &events,
                                 QSet<std::pair<qint64, QString>> *inserted)
{
    // One INSERT per few MiB of text, each event's fields as arrays bound as one value each.
    QSqlQuery &insert = m_sql.prepared(
            m_insertEvents,
            u"INSERT INTO events (room_id, seq, id, sender_id, client_id, kind, body, ts, content) "
            "SELECT room_id, seq, id, sender_id, client_id, 'message', body, ts, content FROM unnest("
            "CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS bigint[]), "
            "CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[])) "
            "AS v(room_id, seq, id, sender_id, client_id, body, ts, content) "
            "ON CONFLICT (sender_id, client_id) DO NOTHING RETURNING sender_id, client_id"_s);
    qsizetype from = 0;
    while (from < events.size()) {
        QList<qint64> rooms, seqs, senderIds, stamps;
        QStringList ids, clients, bodies;
        QList<QVariant> contents;
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
            contents.append(contentOf(e.message));
            chars += e.message.body.size() + e.message.clientId.size();
        }
        insert.bindValue(0, intArray(rooms));
        insert.bindValue(1, intArray(seqs));
        insert.bindValue(2, textArray(ids));
        insert.bindValue(3, intArray(senderIds));
        insert.bindValue(4, textArray(clients));
        insert.bindValue(5, textArray(bodies));
        insert.bindValue(6, intArray(stamps));
        insert.bindValue(7, textArray(contents));
        if (!m_sql.exec(insert))
            return false;
        while (insert.next())
            inserted->insert({insert.value(0).toLongLong(), insert.value(1).toString()});
        insert.finish();
    }
    return true;
}

bool PostgresEventWriter::findStored(const QList<qint64> &senders, const QStringList &clientIds,
                               QHash<std::pair<qint64, QString>, ChatMessage> *stored)
{
    QSqlQuery &find = m_sql.prepared(
            m_findStored,
            u"SELECT "_s + columns() + u", r.name, e.sender_id "
            "FROM unnest(CAST(? AS bigint[]), CAST(? AS text[])) AS k(sender_id, client_id) "
            "JOIN events e ON e.sender_id = k.sender_id AND e.client_id = k.client_id "
            "JOIN users u ON u.id = e.sender_id JOIN rooms r ON r.id = e.room_id"_s);
    find.bindValue(0, intArray(senders));
    find.bindValue(1, textArray(clientIds));
    if (!m_sql.exec(find))
        return false;
    while (find.next()) {
        ChatMessage m = eventFromRow(find, find.value(kColumnCount).toString());
        stored->insert({find.value(kColumnCount + 1).toLongLong(), m.clientId}, std::move(m));
    }
    find.finish();
    return true;
}

bool PostgresEventWriter::storeCounters(const QHash<qint64, qint64> &counters,
                                        const QHash<qint64, qint64> &before)
{
    QList<qint64> ids, seqs;
    for (auto it = counters.cbegin(); it != counters.cend(); ++it) {
        if (it.value() == before.value(it.key()))
            continue;
        ids.append(it.key());
        seqs.append(it.value());
    }
    if (ids.isEmpty())
        return true;
    QSqlQuery &update = m_sql.prepared(
            m_storeCounters,
            u"UPDATE rooms SET last_seq = v.last_seq FROM unnest(CAST(? AS bigint[]), "
            "CAST(? AS bigint[])) AS v(id, last_seq) WHERE rooms.id = v.id"_s);
    update.bindValue(0, intArray(ids));
    update.bindValue(1, intArray(seqs));
    return m_sql.exec(update);
}


bool PostgresEventWriter::refuseNonMembers(QList<NewEvent> &events, QList<AppendResult> &results)
{
    // One statement for the batch: which of its (room, sender) pairs are members now.
    QList<qint64> rooms, senders;
    QSet<std::pair<qint64, qint64>> asked;
    for (const NewEvent &e : std::as_const(events)) {
        if (e.message.kind == EventKind::Member || asked.contains({e.roomId, e.senderId}))
            continue;
        asked.insert({e.roomId, e.senderId});
        rooms.append(e.roomId);
        senders.append(e.senderId);
    }
    if (asked.isEmpty())
        return true;
    QSqlQuery &q = m_sql.prepared(
            m_members,
            u"SELECT m.room_id, m.user_id FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[])) "
            "AS k(room_id, user_id) JOIN members m ON m.room_id = k.room_id AND m.user_id = k.user_id"_s);
    q.bindValue(0, intArray(rooms));
    q.bindValue(1, intArray(senders));
    if (!m_sql.exec(q))
        return false;
    QSet<std::pair<qint64, qint64>> members;
    while (q.next())
        members.insert({q.value(0).toLongLong(), q.value(1).toLongLong()});
    q.finish();
    const auto outsider = [&members](const NewEvent &e) {
        return e.message.kind != EventKind::Member && !members.contains({e.roomId, e.senderId});
    };
    for (const NewEvent &e : std::as_const(events)) {
        if (outsider(e))
            results[e.index] = AppendResult{StoreStatus::Forbidden, {}, false};
    }
    events.removeIf(outsider);
    return true;
}
