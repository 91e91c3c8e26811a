// SPDX-License-Identifier: MIT
#include "sqlitebackup.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>

#include <sqlite3.h>

#include <cstdio>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

struct CloseDatabase
{
    void operator()(sqlite3 *db) const { sqlite3_close(db); }
};
using Sqlite = std::unique_ptr<sqlite3, CloseDatabase>;

QString sqliteError(sqlite3 *db)
{
    return QString::fromUtf8(sqlite3_errmsg(db));
}

// The first column of the first row of sql, or -1.
qint64 scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK)
        return -1;
    const qint64 value = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    return value;
}

bool copy(sqlite3 *source, const QString &partial, QString *summary, QString *error)
{
    sqlite3 *opened = nullptr;
    const int rc = sqlite3_open_v2(QFile::encodeName(partial).constData(), &opened,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    Sqlite target(opened);
    if (rc != SQLITE_OK) {
        *error = u"cannot create %1: %2"_s.arg(partial, opened ? sqliteError(opened) : u"out of memory"_s);
        return false;
    }
    sqlite3_backup *backup = sqlite3_backup_init(target.get(), "main", source, "main");
    if (!backup) {
        *error = u"cannot start the backup: %1"_s.arg(sqliteError(target.get()));
        return false;
    }
    QElapsedTimer timer;
    timer.start();
    // -1: every page in one step, so one read transaction on the source sees it all. BUSY only
    // while another connection holds an exclusive lock (a checkpoint's instant): try again.
    int step = SQLITE_BUSY;
    for (int attempt = 0; attempt < 100 && (step == SQLITE_BUSY || step == SQLITE_LOCKED); ++attempt) {
        step = sqlite3_backup_step(backup, -1);
        if (step == SQLITE_BUSY || step == SQLITE_LOCKED)
            sqlite3_sleep(50);
    }
    const int pages = sqlite3_backup_pagecount(backup);
    if (sqlite3_backup_finish(backup) != SQLITE_OK || step != SQLITE_DONE) {
        *error = u"the backup failed: %1"_s.arg(sqliteError(target.get()));
        return false;
    }
    sqlite3_stmt *check = nullptr;
    bool ok = sqlite3_prepare_v2(target.get(), "PRAGMA quick_check", -1, &check, nullptr) == SQLITE_OK
            && sqlite3_step(check) == SQLITE_ROW
            && qstrcmp(reinterpret_cast<const char *>(sqlite3_column_text(check, 0)), "ok") == 0;
    sqlite3_finalize(check);
    if (!ok) {
        *error = u"the copy does not pass SQLite's quick_check"_s;
        return false;
    }
    *summary = u"%1 pages in %2 ms: %3 users, %4 rooms, %5 events"_s.arg(pages)
                       .arg(timer.elapsed())
                       .arg(scalar(target.get(), "SELECT COUNT(*) FROM users"))
                       .arg(scalar(target.get(), "SELECT COUNT(*) FROM rooms"))
                       .arg(scalar(target.get(), "SELECT COUNT(*) FROM events"));
    return true;
}

} // namespace

namespace SqliteBackup {

bool run(const QString &source, const QString &target, QString *summary, QString *error)
{
    if (!QFileInfo(source).isFile()) {
        *error = u"there is no database at %1 (give it with --db)"_s.arg(source);
        return false;
    }
    if (QFileInfo::exists(target)) {
        *error = u"%1 exists already: name a new file"_s.arg(target);
        return false;
    }
    const QString partial = target + u".partial"_s;
    QFile::remove(partial); // one left by an interrupted backup
    bool ok = false;
    {
        // Through Qt's driver, the same library the server uses; read-only, never the lock.
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"chat-admin-backup"_s);
        db.setDatabaseName(source);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"_s);
        const QVariant handle = db.isValid() && db.open() ? db.driver()->handle() : QVariant();
        if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0) {
            *error = u"cannot open %1: %2"_s.arg(source, db.lastError().text());
        } else {
            ok = copy(*static_cast<sqlite3 *const *>(handle.constData()), partial, summary, error);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(u"chat-admin-backup"_s);
    if (ok && !QFile::rename(partial, target)) {
        *error = u"cannot rename %1 to %2"_s.arg(partial, target);
        ok = false;
    }
    if (!ok)
        QFile::remove(partial);
    return ok;
}

} // namespace SqliteBackup
