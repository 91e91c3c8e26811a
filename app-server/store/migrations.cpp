// SPDX-License-Identifier: MIT
#include "migrations.h"

#include "logging.h"

#include <QDir>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

static void initStoreResources()
{
    Q_INIT_RESOURCE(store); // the .qrc lives in a static library
}

namespace Migrations {

namespace {
// The files are named NNN_<what>.sql; find the one for a version whatever its suffix.
QString findMigration(const QString &engine, int version)
{
    initStoreResources();
    const QString prefix = QString::number(version).rightJustified(3, u'0') + u'_';
    const QDir dir(u":/sql/"_s + engine);
    for (const QString &name : dir.entryList({u"*.sql"_s}, QDir::Files, QDir::Name)) {
        if (name.startsWith(prefix))
            return dir.filePath(name);
    }
    return {};
}

bool runScript(QSqlDatabase &db, const QString &script, QString *error)
{
    QString statement;
    const QStringList lines = script.split(u'\n');
    for (const QString &line : lines) {
        if (line.trimmed().startsWith("--"_L1))
            continue;
        statement += line + u'\n';
        if (!line.trimmed().endsWith(u';'))
            continue;
        // A trigger's statements end with ';' too: it ends at its END.
        if (statement.trimmed().startsWith("CREATE TRIGGER"_L1, Qt::CaseInsensitive)
            && line.trimmed().compare("END;"_L1, Qt::CaseInsensitive) != 0)
            continue;
        QSqlQuery q(db);
        if (!q.exec(statement.trimmed())) {
            *error = q.lastError().text();
            return false;
        }
        statement.clear();
    }
    return true;
}
} // namespace

Engine sqlite()
{
    return {u"sqlite"_s,
            [](QSqlDatabase &db, int *version, QString *error) {
                QSqlQuery q(db);
                if (!q.exec(u"PRAGMA user_version"_s) || !q.next()) {
                    *error = q.lastError().text();
                    return false;
                }
                *version = q.value(0).toInt();
                return true;
            },
            [](QSqlDatabase &db, int version, QString *error) {
                QSqlQuery q(db); // a PRAGMA takes no bound values; version is our own integer
                if (q.exec(u"PRAGMA user_version = %1"_s.arg(version)))
                    return true;
                *error = q.lastError().text();
                return false;
            }};
}

Engine postgresql()
{
    return {u"postgresql"_s,
            [](QSqlDatabase &db, int *version, QString *error) {
                // Callers hold a lock against a second server migrating at the same time.
                QSqlQuery q(db);
                if (!q.exec(u"SELECT to_regclass('schema_version') IS NOT NULL"_s) || !q.next()) {
                    *error = q.lastError().text();
                    return false;
                }
                const bool exists = q.value(0).toBool();
                if (!exists && !q.exec(u"CREATE TABLE schema_version (version INTEGER NOT NULL)"_s)) {
                    *error = q.lastError().text();
                    return false;
                }
                if (!q.exec(u"SELECT COALESCE(MAX(version), 0) FROM schema_version"_s) || !q.next()) {
                    *error = q.lastError().text();
                    return false;
                }
                *version = q.value(0).toInt();
                return true;
            },
            [](QSqlDatabase &db, int version, QString *error) {
                QSqlQuery q(db);
                if (!q.exec(u"DELETE FROM schema_version"_s)) {
                    *error = q.lastError().text();
                    return false;
                }
                q.prepare(u"INSERT INTO schema_version (version) VALUES (?)"_s);
                q.addBindValue(version);
                if (q.exec())
                    return true;
                *error = q.lastError().text();
                return false;
            }};
}

int latest(const QString &engine)
{
    int version = 0;
    while (!findMigration(engine, version + 1).isEmpty())
        ++version;
    return version;
}

bool apply(QSqlDatabase &db, const Engine &engine, QString *error)
{
    int version = 0;
    QString why;
    if (!engine.readVersion(db, &version, &why)) {
        *error = u"cannot read schema version: %1"_s.arg(why);
        return false;
    }
    const int target = latest(engine.name);
    if (target == 0) {
        *error = u"no schema migrations found in resources for %1"_s.arg(engine.name);
        return false;
    }
    if (version > target) {
        *error = u"database schema %1 is newer than this server (%2)"_s.arg(version).arg(target);
        return false;
    }
    while (version < target) {
        const int next = version + 1;
        QFile file(findMigration(engine.name, next));
        if (!file.open(QIODevice::ReadOnly)) {
            *error = u"missing migration %1"_s.arg(next);
            return false;
        }
        if (!db.transaction()) {
            *error = db.lastError().text();
            return false;
        }
        if (!runScript(db, QString::fromUtf8(file.readAll()), &why)) {
            *error = u"migration %1 failed: %2"_s.arg(next).arg(why);
            db.rollback();
            return false;
        }
        if (!engine.writeVersion(db, next, &why) || !db.commit()) {
            *error = u"migration %1: cannot commit: %2"_s.arg(next).arg(why.isEmpty() ? db.lastError().text() : why);
            db.rollback();
            return false;
        }
        qCInfo(lcStore).noquote() << "applied migration" << next << "of" << engine.name;
        version = next;
    }
    return true;
}

} // namespace Migrations
