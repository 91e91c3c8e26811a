// SPDX-License-Identifier: MIT
#include "sqlitestore.h"

#include "databasefile.h"

#include "logging.h"

#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

SqliteStore::SqliteStore(const QString &path, StoreRole role)
    : SqlStore(role == StoreRole::Writer,
               role == StoreRole::Writer ? u"chat-sqlite-"_s : u"chat-sqlite-reader-"_s),
      m_path(path),
      m_role(role)
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
    if (m_role == StoreRole::Reader)
        return openReader(error);
    // The folder must exist: a mistyped --db never creates a tree of directories (the server
    // creates only its default data directory, before this).
    if (const QString problem = DatabaseFile::problem(m_path); !problem.isEmpty()) {
        *error = problem;
        return false;
    }
    // One server per file: a second one would keep its own caches of what this one writes. A
    // lock left by a killed process is recognised as stale and taken over.
    // The lock is taken on the file itself, whatever name leads to it (a symbolic link, "..").
    m_lock = std::make_unique<QLockFile>(DatabaseFile::canonicalPath(m_path) + u".lock"_s);
    m_lock->setStaleLockTime(0);
    if (!m_lock->tryLock(0)) {
        *error = DatabaseFile::lockProblem(*m_lock, m_path);
        m_lock.reset();
        return false;
    }
    if (!session().addConnection(u"QSQLITE"_s)) {
        *error = u"Qt's SQLite driver (QSQLITE) is not installed: apt install libqt6sql6-sqlite"_s;
        return false;
    }
    QSqlDatabase &db = session().db();
    db.setDatabaseName(m_path);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    if (!db.open()) {
        *error = u"cannot open %1: %2"_s.arg(m_path, db.lastError().text());
        return false;
    }
    // wal_autocheckpoint: SQLite checkpoints inside the commit that takes the WAL past this many
    // pages. 250 (1 MiB) instead of 1000 halves ack p99 under ingest for ~5 % of throughput
    // (docs/performance.md). Checkpointing from another connection instead let the WAL grow
    // without bound: it is only rewound after a checkpoint that caught up with the writer.
    for (const QString &pragma : {u"PRAGMA journal_mode=WAL"_s, u"PRAGMA synchronous=NORMAL"_s,
                                  u"PRAGMA foreign_keys=ON"_s, u"PRAGMA wal_autocheckpoint=250"_s,
                                  // A deleted message's text is overwritten, not left in free space.
                                  u"PRAGMA secure_delete=ON"_s}) {
        QSqlQuery q(db);
        if (!q.exec(pragma)) {
            *error = u"%1 failed: %2"_s.arg(pragma, q.lastError().text());
            return false;
        }
    }
    if (!checkIntegrity(error))
        return false;
    if (!prepareSchema(Migrations::sqlite(), error))
        return false;
    qCInfo(lcStore).noquote() << "opened" << m_path << "schema" << schemaVersion() << "epoch" << epoch();
    return true;
}

bool SqliteStore::checkIntegrity(QString *error)
{
    // A damaged file must not come up as a server that answers "no rooms" to everyone. quick_check
    // reads every page (O(size), skipping only the index-versus-table cross-check).
    QElapsedTimer timer;
    timer.start();
    QSqlQuery check(session().db());
    QStringList problems;
    if (!check.exec(u"PRAGMA quick_check"_s)) {
        problems << check.lastError().text();
    } else {
        while (check.next() && problems.size() < 5)
            problems << check.value(0).toString();
    }
    if (problems != QStringList{u"ok"_s}) {
        *error = u"the database %1 is damaged (SQLite quick_check: %2); restore it from a backup, "
                 "or move it aside to start with an empty one"_s.arg(m_path, problems.join(u"; "_s));
        return false;
    }
    qCInfo(lcStore) << "integrity checked in" << timer.elapsed() << "ms";
    return true;
}

bool SqliteStore::openReader(QString *error)
{
    if (!session().addConnection(u"QSQLITE"_s)) {
        *error = u"Qt's SQLite driver (QSQLITE) is not installed: apt install libqt6sql6-sqlite"_s;
        return false;
    }
    QSqlDatabase &db = session().db();
    db.setDatabaseName(m_path);
    // WAL: this connection reads the last commit while the writer goes on, never blocking it.
    db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"_s);
    if (!db.open()) {
        *error = u"cannot open %1 for reading: %2"_s.arg(m_path, db.lastError().text());
        return false;
    }
    return loadEpoch(error);
}

void SqliteStore::close()
{
    SqlStore::close();
    m_lock.reset(); // unlocks
}

SqlStore::SearchSql SqliteStore::searchSql(const SearchQuery &query) const
{
    // The index's rowid is room_id * 2^32 + seq (sql/sqlite/011_search.sql): events found by
    // their primary key.
    return {u"message_search s JOIN events e ON e.room_id = (s.rowid >> 32) "
            "AND e.seq = (s.rowid & 4294967295)"_s,
            u"message_search MATCH ?"_s, query.toFts5()};
}
