// SPDX-License-Identifier: MIT
// SqlStore's files: uploads kept in the database, content once per SHA-256 in chunks
// (schema: sqlite 012_files.sql, postgresql 011_files.sql).
#include "sqlstore.h"

#include <QDateTime>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

StoreStatus SqlStore::storeFile(const FileUpload &upload)
{
    if (!m_sql.ensureConnected())
        return StoreStatus::Error;
    const auto room = findRoom(upload.room);
    if (!room)
        return m_sql.broken() ? StoreStatus::Error : StoreStatus::RoomNotFound;
    if (!m_sql.begin())
        return StoreStatus::Error;
    auto fail = [this](StoreStatus status) {
        m_sql.rollback();
        return status;
    };
    if (!isMember(room->id, upload.userId))
        return fail(m_sql.broken() ? StoreStatus::Error : StoreStatus::Forbidden);
    QSqlQuery q(m_sql.db());
    if (upload.quotaBytes > 0) {
        q.prepare(u"SELECT COALESCE(SUM(size), 0) FROM files WHERE uploader_id = ?"_s);
        q.addBindValue(upload.userId);
        if (!m_sql.exec(q) || !q.next())
            return fail(StoreStatus::Error);
        if (q.value(0).toLongLong() + upload.info.size > upload.quotaBytes)
            return fail(StoreStatus::QuotaExceeded);
    }
    // The same content uploaded before is kept once.
    q.prepare(u"SELECT 1 FROM file_chunks WHERE sha256 = ? AND n = 0"_s);
    q.addBindValue(upload.info.sha256);
    if (!m_sql.exec(q))
        return fail(StoreStatus::Error);
    if (!q.next()) {
        q.prepare(u"INSERT INTO file_chunks (sha256, n, data) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"_s);
        for (qint64 offset = 0, n = 0; offset < upload.content.size(); offset += kFileChunkBytes, ++n) {
            q.bindValue(0, upload.info.sha256);
            q.bindValue(1, n);
            q.bindValue(2, upload.content.mid(offset, kFileChunkBytes));
            if (!m_sql.exec(q))
                return fail(StoreStatus::Error);
        }
    }
    q.prepare(u"INSERT INTO files (id, room_id, uploader_id, name, type, size, sha256, width, height, "
              "thumbnail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
    const FileInfo &f = upload.info;
    q.addBindValue(f.id);
    q.addBindValue(room->id);
    q.addBindValue(upload.userId);
    q.addBindValue(f.name);
    q.addBindValue(f.type);
    q.addBindValue(f.size);
    q.addBindValue(f.sha256);
    q.addBindValue(f.width);
    q.addBindValue(f.height);
    q.addBindValue(upload.thumbnail.isEmpty() ? QVariant(QMetaType::fromType<QByteArray>())
                                              : QVariant(upload.thumbnail));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!m_sql.exec(q) || !m_sql.commit())
        return fail(StoreStatus::Error);
    return StoreStatus::Ok;
}

Lookup<StoredFile> SqlStore::findFile(const QString &id, qint64 userId)
{
    if (!m_sql.ensureConnected())
        return {};
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT f.name, f.type, f.size, f.sha256, f.width, f.height, f.thumbnail IS NOT NULL, "
              "r.name, EXISTS (SELECT 1 FROM members m WHERE m.room_id = f.room_id AND m.user_id = ?) "
              "FROM files f JOIN rooms r ON r.id = f.room_id WHERE f.id = ?"_s);
    q.addBindValue(userId);
    q.addBindValue(id);
    if (!m_sql.exec(q))
        return {};
    if (!q.next())
        return {StoreStatus::FileNotFound, {}};
    StoredFile file;
    file.info.id = id;
    file.info.name = q.value(0).toString();
    file.info.type = q.value(1).toString();
    file.info.size = q.value(2).toLongLong();
    file.info.sha256 = q.value(3).toString();
    file.info.width = q.value(4).toInt();
    file.info.height = q.value(5).toInt();
    file.info.thumbnail = q.value(6).toBool();
    file.room = q.value(7).toString();
    if (!q.value(8).toBool())
        return {StoreStatus::Forbidden, {}};
    return Lookup<StoredFile>::found(std::move(file));
}

Lookup<QByteArray> SqlStore::readFile(const QString &sha256, qint64 offset, qint64 length)
{
    if (!m_sql.ensureConnected())
        return {};
    if (length <= 0)
        return Lookup<QByteArray>::found({});
    const qint64 first = offset / kFileChunkBytes;
    const qint64 last = (offset + length - 1) / kFileChunkBytes;
    QSqlQuery q(m_sql.db());
    q.setForwardOnly(true);
    q.prepare(u"SELECT n, data FROM file_chunks WHERE sha256 = ? AND n BETWEEN ? AND ? ORDER BY n"_s);
    q.addBindValue(sha256);
    q.addBindValue(first);
    q.addBindValue(last);
    if (!m_sql.exec(q))
        return {};
    QByteArray out;
    out.reserve(length);
    qint64 expected = first;
    while (q.next()) {
        if (q.value(0).toLongLong() != expected++)
            return {}; // a chunk missing: the content is damaged, not short
        const QByteArray chunk = q.value(1).toByteArray();
        const qint64 start = expected - 1 == first ? offset - first * kFileChunkBytes : 0;
        out.append(chunk.constData() + std::min<qint64>(start, chunk.size()),
                   std::max<qint64>(0, chunk.size() - start));
    }
    if (expected != last + 1 || out.size() < length)
        return {};
    out.truncate(length);
    return Lookup<QByteArray>::found(std::move(out));
}

Lookup<QByteArray> SqlStore::thumbnail(const QString &id)
{
    if (!m_sql.ensureConnected())
        return {};
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT thumbnail FROM files WHERE id = ? AND thumbnail IS NOT NULL"_s);
    q.addBindValue(id);
    if (!m_sql.exec(q))
        return {};
    if (!q.next())
        return {StoreStatus::FileNotFound, {}};
    return Lookup<QByteArray>::found(q.value(0).toByteArray());
}
