// SPDX-License-Identifier: MIT
#pragma once

#include "pgserver.h"
#include "store/chatstore.h"
#include "store/storeservice.h"

#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

// Stores for the store suites: an SQLite file in a temporary directory, or a database of the
// suite's own PostgreSQL server (started on first use). Names are per test case, so every case
// starts empty and the same name opens the same database again.
class StoreFixture
{
public:
    void startCase(const QString &backend); // "sqlite" or "postgresql"
    // Every case on both backends: call from initTestCase_data() and init() respectively.
    static void addBackendRows();
    void startCurrentCase(); // on the backend of the current global row
    const QString &backend() const { return m_backend; }
    bool isSqlite() const { return m_backend == QLatin1StringView("sqlite"); }
    PostgresServer *postgres(); // nullptr (with a warning) when it does not start

    QString sqlitePath(const QString &name) const;  // the file make(name) uses
    QString databaseName(const QString &name) const; // the PostgreSQL database make(name) uses
    std::unique_ptr<ChatStore> make(const QString &name = QStringLiteral("chat"),
                                    StoreRole role = StoreRole::Writer);
    std::unique_ptr<ChatStore> open(const QString &name = QStringLiteral("chat"),
                                    StoreRole role = StoreRole::Writer); // nullptr on failure

    static qint64 makeUser(ChatStore &store, const QString &name); // 0 on failure
    static AppendRequest req(qint64 sender, const QString &room, const QString &clientId);
    static std::function<HistoryResult(ChatStore &)> readGeneral(qint64 reader,
                                                                 std::optional<qint64> after,
                                                                 int limit);
    // Runs job on the service's store thread and waits for its result (nullopt after 30 s).
    template<typename R>
    static std::optional<R> await(QObject *context, StoreService &service,
                                  std::function<R(ChatStore &)> job)
    {
        auto result = std::make_shared<std::optional<R>>();
        service.run<R>(context, std::move(job), [result](R r) { *result = std::move(r); });
        QTest::qWaitFor([result] { return result->has_value(); }, 30000);
        return *result;
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<PostgresServer> m_pg;
    QSet<QString> m_databases;
    QString m_backend;
    int m_case = 0;
};
