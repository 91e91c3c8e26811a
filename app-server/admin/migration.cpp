// SPDX-License-Identifier: MIT
#include "migration.h"

#include "store/postgresstore.h"
#include "store/sqlitestore.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

using namespace Qt::StringLiterals;

namespace {

constexpr int kRowsPerInsert = 200;

std::optional<QStringList> column(QSqlDatabase &db, const QString &sql, const QVariantList &values,
                                  QString *error)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(sql);
    for (const QVariant &value : values)
        q.addBindValue(value);
    if (!q.exec()) {
        *error = q.lastError().text();
        return std::nullopt;
    }
    QStringList out;
    while (q.next())
        out << q.value(0).toString();
    return out;
}

// The source's and the target's schema are the same: the same tables, each with the same columns.
bool sameSchema(QSqlDatabase &source, QSqlDatabase &target, QString *error)
{
    const QSet<QString> expected(Migration::tables().cbegin(), Migration::tables().cend());
    // The search index is made from the events on each side (an FTS5 table and its shadow tables
    // here, a generated column there): it is not carried over.
    const auto sourceTables = column(source, u"SELECT name FROM sqlite_master WHERE type = 'table' "
                                              "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'message_search%'"_s,
                                     {}, error);
    const auto targetTables = column(target, u"SELECT table_name FROM information_schema.tables "
                                              "WHERE table_schema = current_schema() AND table_type = "
                                              "'BASE TABLE' AND table_name <> 'schema_version'"_s, {}, error);
    if (!sourceTables || !targetTables)
        return false;
    for (const auto &[side, names] : {std::pair{"source", *sourceTables}, std::pair{"target", *targetTables}}) {
        const QSet<QString> found(names.cbegin(), names.cend());
        if (found != expected) {
            *error = u"the %1 database's tables (%2) are not the ones this chat-admin carries over "
                     "(%3): is it of another release?"_s
                             .arg(QString::fromLatin1(side), names.join(u", "_s), Migration::tables().join(u", "_s));
            return false;
        }
    }
    for (const QString &table : Migration::tables()) {
        const auto here = column(source, u"SELECT name FROM pragma_table_info(?)"_s, {table}, error);
        const auto there = column(target, u"SELECT column_name FROM information_schema.columns "
                                           "WHERE table_schema = current_schema() AND table_name = ? "
                                           "AND is_generated = 'NEVER'"_s,
                                  {table}, error);
        if (!here || !there)
            return false;
        if (QSet<QString>(here->cbegin(), here->cend()) != QSet<QString>(there->cbegin(), there->cend())) {
            *error = u"the table %1 has columns (%2) in the source and (%3) in the target: the two "
                     "databases are of different releases"_s.arg(table, here->join(u", "_s), there->join(u", "_s));
            return false;
        }
    }
    return true;
}

std::optional<qint64> count(QSqlDatabase &db, const QString &sql, QString *error)
{
    const auto value = column(db, sql, {}, error);
    if (!value)
        return std::nullopt;
    return value->value(0).toLongLong();
}

// What an installation that never ran holds: the general room with nothing in it.
bool isEmpty(QSqlDatabase &target, QString *error)
{
    QStringList found;
    for (const QString &table : Migration::tables()) {
        if (table == "meta"_L1)
            continue;
        const QString sql = table == "rooms"_L1
                ? u"SELECT COUNT(*) FROM rooms WHERE name <> 'general' OR last_seq <> 0"_s
                : u"SELECT COUNT(*) FROM %1"_s.arg(table); // a name of our own list
        const auto n = count(target, sql, error);
        if (!n)
            return false;
        if (*n > 0)
            found << u"%1 %2"_s.arg(*n).arg(table);
    }
    if (!found.isEmpty()) {
        *error = u"the target database is not empty (%1): migrate into a new, empty database "
                 "(createdb), so that nothing is mixed or overwritten"_s.arg(found.join(u", "_s));
        return false;
    }
    return true;
}

bool copyTable(QSqlDatabase &source, QSqlDatabase &target, const QString &table, qint64 *rows,
               QString *error)
{
    const auto columns = column(source, u"SELECT name FROM pragma_table_info(?)"_s, {table}, error);
    if (!columns)
        return false;
    const QString names = columns->join(u", "_s);
    QSqlQuery read(source);
    read.setForwardOnly(true);
    if (!read.exec(u"SELECT %1 FROM %2"_s.arg(names, table))) { // names read from the schema
        *error = u"cannot read %1: %2"_s.arg(table, read.lastError().text());
        return false;
    }
    const QString row = u'(' + QStringList(columns->size(), u"?"_s).join(u", "_s) + u')';
    QVariantList pending;
    auto flush = [&] {
        if (pending.isEmpty())
            return true;
        const qsizetype n = pending.size() / columns->size();
        QSqlQuery write(target);
        write.prepare(u"INSERT INTO %1 (%2) VALUES %3"_s.arg(table, names,
                                                            QStringList(n, row).join(u", "_s)));
        for (const QVariant &value : std::as_const(pending))
            write.addBindValue(value);
        if (!write.exec()) {
            *error = u"cannot write %1: %2"_s.arg(table, write.lastError().text());
            return false;
        }
        *rows += n;
        pending.clear();
        return true;
    };
    while (read.next()) {
        for (int i = 0; i < columns->size(); ++i)
            pending.append(read.value(i));
        // Chunks of files are 256 KiB each: a few per statement, not hundreds.
        const int rowsPerInsert = table == "file_chunks"_L1 ? 4 : kRowsPerInsert;
        if (pending.size() >= rowsPerInsert * columns->size() && !flush())
            return false;
    }
    if (read.lastError().isValid()) {
        *error = u"cannot read %1: %2"_s.arg(table, read.lastError().text());
        return false;
    }
    return flush();
}

// Per room: last seq, number of events, newest seq stored and characters of text, by name.
std::optional<QHash<QString, QString>> roomFigures(QSqlDatabase &db, QString *error)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(u"SELECT r.name, r.last_seq, COUNT(e.seq), COALESCE(MAX(e.seq), 0), "
                "COALESCE(SUM(LENGTH(e.body)), 0) FROM rooms r LEFT JOIN events e ON e.room_id = r.id "
                "GROUP BY r.name, r.last_seq"_s)) {
        *error = q.lastError().text();
        return std::nullopt;
    }
    QHash<QString, QString> out;
    while (q.next()) {
        out.insert(q.value(0).toString(), u"last seq %1, %2 events up to seq %3, %4 characters"_s
                                                  .arg(q.value(1).toLongLong())
                                                  .arg(q.value(2).toLongLong())
                                                  .arg(q.value(3).toLongLong())
                                                  .arg(q.value(4).toLongLong()));
    }
    return out;
}

bool verify(QSqlDatabase &source, QSqlDatabase &target, QStringList *report, QString *error)
{
    for (const QString &table : Migration::tables()) {
        const QString sql = u"SELECT COUNT(*) FROM %1"_s.arg(table);
        const auto here = count(source, sql, error);
        const auto there = count(target, sql, error);
        if (!here || !there)
            return false;
        if (*here != *there) {
            *error = u"%1: %2 rows in the source, %3 in the target"_s.arg(table).arg(*here).arg(*there);
            return false;
        }
        report->append(u"%1: %2 rows"_s.arg(table).arg(*there));
    }
    const auto here = roomFigures(source, error);
    const auto there = roomFigures(target, error);
    if (!here || !there)
        return false;
    if (*here != *there) {
        for (auto it = here->cbegin(); it != here->cend(); ++it) {
            if (there->value(it.key()) != it.value()) {
                *error = u"room %1: %2 in the source, %3 in the target"_s.arg(
                        it.key(), it.value(), there->value(it.key(), u"nothing"_s));
                return false;
            }
        }
        *error = u"the target has rooms the source has not"_s;
        return false;
    }
    QStringList rooms = here->keys();
    rooms.sort();
    for (const QString &room : std::as_const(rooms))
        report->append(u"room %1: %2"_s.arg(room, here->value(room)));
    return true;
}

bool exec(QSqlDatabase &db, const QString &sql, QString *error)
{
    QSqlQuery q(db);
    if (q.exec(sql))
        return true;
    *error = u"%1: %2"_s.arg(sql, q.lastError().text());
    return false;
}

bool copyAll(QSqlDatabase &source, QSqlDatabase &target, QStringList *report, QString *error)
{
    // What the target's own creation put there (the general room, the epoch) makes way for the
    // source's, which keeps the ids and the epoch the clients know.
    for (auto it = Migration::tables().crbegin(); it != Migration::tables().crend(); ++it) {
        if (!exec(target, u"DELETE FROM %1"_s.arg(*it), error))
            return false;
    }
    for (const QString &table : Migration::tables()) {
        qint64 rows = 0;
        if (!copyTable(source, target, table, &rows, error))
            return false;
    }
    // New users and rooms number on from the carried ids.
    for (const QString &table : {u"users"_s, u"rooms"_s}) {
        if (!exec(target, u"SELECT setval(pg_get_serial_sequence('%1', 'id'), "
                          "(SELECT COALESCE(MAX(id), 0) + 1 FROM %1), false)"_s.arg(table), error))
            return false;
    }
    return verify(source, target, report, error);
}

} // namespace

namespace Migration {

const QStringList &tables()
{
    static const QStringList names{u"meta"_s,    u"users"_s,     u"rooms"_s, u"tokens"_s,
                                   u"members"_s, u"events"_s,    u"reactions"_s,
                                   u"files"_s,   u"file_chunks"_s};
    return names;
}

bool run(const DatabaseUrl &from, const DatabaseUrl &to, const QString &toPasswordFile,
         QStringList *report, QString *error)
{
    if (from.isPostgreSql() || !to.isPostgreSql()) {
        *error = u"migrate copies an SQLite database into PostgreSQL: --from sqlite:PATH "
                 "--to postgresql://…"_s;
        return false;
    }
    if (!QFileInfo(from.path).isFile()) {
        *error = u"there is no database at %1"_s.arg(from.path);
        return false;
    }
    QElapsedTimer timer;
    timer.start();
    // As a writer: the lock (no server changes it meanwhile) and the schema brought up to date.
    SqliteStore source(from.path, StoreRole::Writer);
    if (!source.open(error)) {
        if (error->contains(u"another process"_s))
            *error += u"\nstop the server before migrating its database"_s;
        return false;
    }
    PostgresStore target(to, toPasswordFile, StoreRole::Writer);
    target.setNode(u"chat-admin"_s);
    if (!target.open(error))
        return false;
    QSqlDatabase &in = source.database();
    QSqlDatabase &out = target.database();
    if (!sameSchema(in, out, error) || !isEmpty(out, error))
        return false;
    // One read transaction on the source, one write transaction on the target.
    if (!exec(in, u"BEGIN"_s, error))
        return false;
    if (!exec(out, u"BEGIN"_s, error)) {
        exec(in, u"ROLLBACK"_s, error);
        return false;
    }
    QStringList lines;
    const bool copied = copyAll(in, out, &lines, error);
    QString ignored;
    exec(in, u"ROLLBACK"_s, &ignored);
    if (!copied) {
        exec(out, u"ROLLBACK"_s, &ignored);
        *error = u"nothing was migrated: "_s + *error;
        return false;
    }
    if (!exec(out, u"COMMIT"_s, error))
        return false;
    exec(out, u"ANALYZE"_s, &ignored); // the planner's statistics, before the first server
    *report = lines;
    report->append(u"migrated %1 to %2 in %3 ms; epoch %4 kept; every count and room checked"_s
                           .arg(from.path, to.displayName())
                           .arg(timer.elapsed())
                           .arg(source.epoch()));
    return true;
}

} // namespace Migration
