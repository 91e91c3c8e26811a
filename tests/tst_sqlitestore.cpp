// SPDX-License-Identifier: MIT
// What is SQLite's own in SqliteStore: the file, WAL and its bound, PRAGMA user_version. The
// store contract on every backend is tests/tst_store.cpp.
#include "store/sqlitestore.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QFileInfo>
#include <QTest>

using namespace Qt::StringLiterals;

class TestSqliteStore : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SqliteStore> openStore(const QString &file = u"chat.db"_s)
    {
        auto store = std::make_unique<SqliteStore>(m_dir->filePath(file));
        QString error;
        if (!store->open(&error))
            qWarning() << error;
        return store;
    }
    static qint64 makeUser(SqliteStore &store, const QString &name)
    {
        UserRecord user;
        if (store.createUser(name, "hash", &user) != StoreStatus::Ok)
            return 0;
        return user.id;
    }

    std::unique_ptr<QTemporaryDir> m_dir;

private slots:
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }

    void schemaAndEpoch()
    {
        QString epoch;
        {
            auto store = openStore();
            epoch = store->epoch();
            QVERIFY(!epoch.isEmpty());
            QCOMPARE(SqliteStore::schemaVersion(), 12);
        }
        {
            auto again = openStore();
            QCOMPARE(again->epoch(), epoch); // same database, same epoch
        }
        auto other = openStore(u"other.db"_s);
        QVERIFY(other->epoch() != epoch); // new database, new epoch
        // WAL is on.
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"probe"_s);
        db.setDatabaseName(m_dir->filePath(u"chat.db"_s));
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"PRAGMA journal_mode"_s) && q.next());
        QCOMPARE(q.value(0).toString(), u"wal"_s);
        QVERIFY(q.exec(u"PRAGMA user_version"_s) && q.next());
        QCOMPARE(q.value(0).toInt(), SqliteStore::schemaVersion());
        q = QSqlQuery();
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"probe"_s);
    }

    void oneServerPerFile()
    {
        // Embedded: one server per file, held by a lock file beside it (two servers on one
        // database are PostgreSQL's: tst_postgresstore).
        auto first = openStore();
        SqliteStore second(m_dir->filePath(u"chat.db"_s));
        QString error;
        QVERIFY(!second.open(&error));
        QVERIFY2(error.contains(u"in use"_s), qPrintable(error));
        first.reset();
        QVERIFY2(second.open(&error), qPrintable(error));
    }

    void walStaysBoundedUnderSteadyWrites()
    {
        // Checkpoints run between the writer's own transactions (SQLite's automatic ones), so
        // the WAL is rewound and stays small however long the writes go on. Checkpointing from
        // another connection instead let it grow without bound (2.3 GB in 10 s of ingest).
        auto store = openStore();
        const qint64 alice = makeUser(*store, u"alice"_s);
        const QString body(1000, u'x');
        qint64 written = 0;
        int b = 0;
        for (; written < 30'000'000; ++b) {
            QList<AppendRequest> batch;
            for (int i = 0; i < 50; ++i)
                batch.append({alice, u"general"_s, u"w%1-%2"_s.arg(b).arg(i), body});
            for (const AppendResult &r : store->appendBatch(batch))
                QCOMPARE(r.status, StoreStatus::Ok);
            written += 50 * body.size();
        }
        const qint64 wal = QFileInfo(m_dir->filePath(u"chat.db-wal"_s)).size();
        QVERIFY2(wal < written / 3, qPrintable(u"wal %1 of %2 written"_s.arg(wal).arg(written)));
        HistoryQuery all{u"general"_s, alice, std::nullopt, std::nullopt, 1};
        QCOMPARE(store->history(all).lastSeq, b * 50);
    }

};

QTEST_GUILESS_MAIN(TestSqliteStore)
#include "tst_sqlitestore.moc"
