// SPDX-License-Identifier: MIT
#include "outbox.h"

#include "privatefiles.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <atomic>

Q_LOGGING_CATEGORY(lcOutbox, "chat.client.outbox", QtInfoMsg)

using namespace Qt::StringLiterals;

namespace {
std::atomic<int> s_counter{0};

bool run(QSqlQuery &q)
{
    if (q.exec())
        return true;
    qCWarning(lcOutbox) << "outbox query failed:" << q.lastError().text();
    return false;
}
} // namespace

Outbox::Outbox() : m_connection(u"chat-outbox-%1"_s.arg(++s_counter))
{
}

Outbox::~Outbox()
{
    close();
}

bool Outbox::open(const QString &path, QString *error)
{
    close();
    // Unsent messages are private: an owner-only folder, and an owner-only file before SQLite
    // opens it (it gives the -wal and -shm files the database file's mode).
    const QString dir = QFileInfo(path).absolutePath();
    if (!PrivateFiles::makeDir(dir) || !PrivateFiles::makeFile(path)) {
        *error = u"cannot create %1"_s.arg(path);
        return false;
    }
    for (const char *suffix : {"-wal", "-shm", "-journal"}) // from an earlier version
        PrivateFiles::restrict(path + QLatin1StringView(suffix));
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connection);
    m_db.setDatabaseName(path);
    if (!m_db.open()) {
        *error = m_db.lastError().text();
        return false;
    }
    QSqlQuery q(m_db);
    // Few rows, written rarely: durability over speed.
    for (const QString &sql : {u"PRAGMA journal_mode=WAL"_s, u"PRAGMA synchronous=FULL"_s,
                               u"CREATE TABLE IF NOT EXISTS outbox ("
                               " client_id TEXT PRIMARY KEY,"
                               " room TEXT NOT NULL,"
                               " body TEXT NOT NULL,"
                               " typed_at INTEGER NOT NULL,"
                               " failed INTEGER NOT NULL DEFAULT 0,"
                               " error TEXT NOT NULL DEFAULT '',"
                               " kind TEXT NOT NULL DEFAULT 'message',"
                               " fields TEXT NOT NULL DEFAULT '{}')"_s}) {
        if (!q.exec(sql)) {
            *error = q.lastError().text();
            return false;
        }
    }
    // A file from before edits and reactions: messages only.
    if (q.exec(u"SELECT 1 FROM pragma_table_info('outbox') WHERE name = 'kind'"_s) && !q.next()) {
        for (const QString &sql : {u"ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'message'"_s,
                                   u"ALTER TABLE outbox ADD COLUMN fields TEXT NOT NULL DEFAULT '{}'"_s}) {
            if (!q.exec(sql)) {
                *error = q.lastError().text();
                return false;
            }
        }
    }
    return true;
}

void Outbox::close()
{
    if (!m_db.isValid())
        return;
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connection);
}

Outbox::Item Outbox::enqueue(const QString &room, const QString &body, EventKind kind,
                             const QJsonObject &fields)
{
    Item item{QUuid::createUuid().toString(QUuid::WithoutBraces), room, body,
              QDateTime::currentDateTimeUtc(), false, {}, kind, fields};
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO outbox (client_id, room, body, typed_at, kind, fields) "
              "VALUES (?, ?, ?, ?, ?, ?)"_s);
    q.addBindValue(item.clientId);
    q.addBindValue(item.room);
    q.addBindValue(body.isNull() ? u""_s : body); // a null QString would bind NULL
    q.addBindValue(item.typedAt.toMSecsSinceEpoch());
    q.addBindValue(QString(EventKinds::name(kind)));
    q.addBindValue(QString::fromUtf8(QJsonDocument(fields).toJson(QJsonDocument::Compact)));
    run(q);
    return item;
}

QList<Outbox::Item> Outbox::items() const
{
    QList<Item> out;
    QSqlQuery q(m_db);
    q.prepare(u"SELECT client_id, room, body, typed_at, failed, error, kind, fields FROM outbox "
              "ORDER BY typed_at, rowid"_s);
    if (!run(q))
        return out;
    while (q.next()) {
        out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                    QDateTime::fromMSecsSinceEpoch(q.value(3).toLongLong(), Qt::UTC),
                    q.value(4).toBool(), q.value(5).toString(),
                    EventKinds::fromName(q.value(6).toString()),
                    QJsonDocument::fromJson(q.value(7).toString().toUtf8()).object()});
    }
    return out;
}

void Outbox::remove(const QString &clientId)
{
    QSqlQuery q(m_db);
    q.prepare(u"DELETE FROM outbox WHERE client_id = ?"_s);
    q.addBindValue(clientId);
    run(q);
}

void Outbox::markFailed(const QString &clientId, const QString &error)
{
    QSqlQuery q(m_db);
    q.prepare(u"UPDATE outbox SET failed = 1, error = ? WHERE client_id = ?"_s);
    q.addBindValue(error);
    q.addBindValue(clientId);
    run(q);
}

int Outbox::size() const
{
    QSqlQuery q(m_db);
    q.prepare(u"SELECT COUNT(*) FROM outbox"_s);
    return run(q) && q.next() ? q.value(0).toInt() : 0;
}
