// SPDX-License-Identifier: MIT
#include "storefixture.h"

#include "store/databaseurl.h"
#include "store/postgresstore.h"
#include "store/sqlitestore.h"

using namespace Qt::StringLiterals;

void StoreFixture::addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

void StoreFixture::startCurrentCase()
{
    QFETCH_GLOBAL(QString, backend);
    startCase(backend);
}

void StoreFixture::startCase(const QString &backend)
{
    m_backend = backend;
    ++m_case;
    m_dir = std::make_unique<QTemporaryDir>();
}

PostgresServer *StoreFixture::postgres()
{
    if (!m_pg)
        m_pg = std::make_unique<PostgresServer>();
    if (!m_pg->isRunning() && !m_pg->start()) {
        qWarning("the test PostgreSQL did not start (make test installs it)");
        return nullptr;
    }
    return m_pg.get();
}

QString StoreFixture::sqlitePath(const QString &name) const
{
    return m_dir->filePath(u"c%1_%2.db"_s.arg(m_case).arg(name));
}

QString StoreFixture::databaseName(const QString &name) const
{
    return u"c%1_%2"_s.arg(m_case).arg(name);
}

std::unique_ptr<ChatStore> StoreFixture::make(const QString &name, StoreRole role)
{
    if (isSqlite())
        return std::make_unique<SqliteStore>(sqlitePath(name), role);
    PostgresServer *pg = postgres();
    const QString database = databaseName(name);
    if (!pg || (!m_databases.contains(database) && !pg->createDatabase(database)))
        return nullptr;
    m_databases.insert(database);
    QString error;
    const auto url = DatabaseUrl::parse(pg->url(database), &error);
    if (!url) {
        qWarning() << error;
        return nullptr;
    }
    return std::make_unique<PostgresStore>(*url, QString(), role);
}

std::unique_ptr<ChatStore> StoreFixture::open(const QString &name, StoreRole role)
{
    auto store = make(name, role);
    QString error;
    if (!store || !store->open(&error)) {
        qWarning() << "cannot open the" << m_backend << "store:" << error;
        return nullptr;
    }
    return store;
}

qint64 StoreFixture::makeUser(ChatStore &store, const QString &name)
{
    UserRecord user;
    if (store.createUser(name, "hash", &user) != StoreStatus::Ok)
        return 0;
    return user.id;
}

AppendRequest StoreFixture::req(qint64 sender, const QString &room, const QString &clientId)
{
    return {sender, room, clientId, u"body of "_s + clientId};
}

std::function<HistoryResult(ChatStore &)> StoreFixture::readGeneral(qint64 reader,
                                                                    std::optional<qint64> after,
                                                                    int limit)
{
    return [=](ChatStore &s) { return s.history({u"general"_s, reader, after, {}, limit}); };
}
