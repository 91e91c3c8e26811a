// SPDX-License-Identifier: MIT
#include "testdatabase.h"

#include "pgserver.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QSet>

using namespace Qt::StringLiterals;

namespace {
struct Postgres
{
    PostgresServer server;
    QSet<QString> databases;
};
Postgres *s_postgres = nullptr; // one per test process, main thread only

void stopPostgres()
{
    delete s_postgres; // stops the server while QProcess still has an application
    s_postgres = nullptr;
}
} // namespace

namespace TestDatabase {

bool isPostgreSql()
{
    return qEnvironmentVariable("CHAT_TEST_BACKEND") == "postgresql"_L1;
}

QString backendName()
{
    return isPostgreSql() ? u"postgresql"_s : u"sqlite"_s;
}

PostgresServer *postgres()
{
    if (!isPostgreSql())
        return nullptr;
    if (!s_postgres) {
        s_postgres = new Postgres;
        qAddPostRoutine(stopPostgres);
    }
    if (!s_postgres->server.isRunning() && !s_postgres->server.start())
        return nullptr;
    return &s_postgres->server;
}

QString forPath(const QString &path)
{
    if (!isPostgreSql())
        return path;
    PostgresServer *pg = postgres();
    if (!pg)
        return {};
    const QString name = u"t_"_s
            + QString::fromLatin1(QCryptographicHash::hash(path.toUtf8(), QCryptographicHash::Sha1)
                                          .toHex()
                                          .left(20));
    if (!s_postgres->databases.contains(name)) {
        if (!pg->createDatabase(name))
            return {};
        s_postgres->databases.insert(name);
    }
    return pg->url(name);
}

} // namespace TestDatabase
