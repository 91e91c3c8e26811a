// SPDX-License-Identifier: MIT
// The PostgreSQL the tests start for themselves (tests/support/pgserver): its own directory and
// socket, no TCP; QtSql's QPSQL driver against it (prepared statements, LISTEN/NOTIFY through
// QSqlDriver, as the scale-out bus will use them); and what a client of it sees when it is
// stopped, killed and started again.
#include "pgserver.h"

#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;

class TestPostgresHarness : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<PostgresServer> m_pg;
    int m_connections = 0;

    QSqlDatabase connect(const QString &database = u"chat_test"_s)
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, u"pg-%1"_s.arg(++m_connections));
        db.setHostName(m_pg->socketDir());
        db.setPort(m_pg->port());
        db.setUserName(m_pg->user());
        db.setDatabaseName(database);
        if (!db.open())
            qWarning() << "cannot connect:" << db.lastError().text();
        return db;
    }
    static QVariant scalar(QSqlDatabase db, const QString &sql)
    {
        QSqlQuery q(db);
        return q.exec(sql) && q.next() ? q.value(0) : QVariant();
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QSqlDatabase::isDriverAvailable(u"QPSQL"_s), "libqt6sql6-psql is not installed");
        m_pg = std::make_unique<PostgresServer>();
        QVERIFY(m_pg->start());
        QVERIFY(m_pg->createDatabase(u"chat_test"_s));
    }

    void ownSocketAndNoTcp()
    {
        QSqlDatabase db = connect();
        QVERIFY(db.isOpen());
        QCOMPARE(scalar(db, u"SHOW listen_addresses"_s).toString(), QString());
        QCOMPARE(scalar(db, u"SHOW unix_socket_directories"_s).toString(), m_pg->socketDir());
        QVERIFY(scalar(db, u"SHOW server_version"_s).toString().startsWith(u"15"_s)
                || scalar(db, u"SHOW server_version_num"_s).toInt() >= 150000);
    }

    void preparedStatementsKeepText()
    {
        QSqlDatabase db = connect();
        QSqlQuery q(db);
        QVERIFY(q.exec(u"CREATE TABLE notes (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)"_s));
        const QString body = u"h\u00e9llo \U0001F600 '; DROP TABLE notes; --"_s;
        QVERIFY(q.prepare(u"INSERT INTO notes (body) VALUES (?) RETURNING id"_s));
        q.addBindValue(body);
        QVERIFY2(q.exec() && q.next(), qPrintable(q.lastError().text()));
        const qint64 id = q.value(0).toLongLong();
        QVERIFY(q.prepare(u"SELECT body FROM notes WHERE id = ?"_s));
        q.addBindValue(id);
        QVERIFY(q.exec() && q.next());
        QCOMPARE(q.value(0).toString(), body);
    }

    void notificationsReachTheListeningConnection()
    {
        QSqlDatabase listener = connect();
        QSqlDatabase sender = connect();
        QVERIFY(listener.driver()->hasFeature(QSqlDriver::EventNotifications));
        QVERIFY(listener.driver()->subscribeToNotification(u"chat_events"_s));
        QSignalSpy received(listener.driver(),
                            qOverload<const QString &, QSqlDriver::NotificationSource, const QVariant &>(
                                    &QSqlDriver::notification));
        QSqlQuery q(sender);
        QVERIFY(q.exec(u"SELECT pg_notify('chat_events', 'general:41-42')"_s));
        QVERIFY(received.wait(10000));
        QCOMPARE(received.first().at(0).toString(), u"chat_events"_s);
        QCOMPARE(received.first().at(1).value<QSqlDriver::NotificationSource>(), QSqlDriver::OtherSource);
        QCOMPARE(received.first().at(2).toString(), u"general:41-42"_s);
        // Sent inside a transaction: delivered at commit, not before.
        QVERIFY(sender.transaction());
        QVERIFY(q.exec(u"SELECT pg_notify('chat_events', 'in a transaction')"_s));
        QVERIFY(!received.wait(300));
        QVERIFY(sender.commit());
        QVERIFY(received.wait(10000));
        QCOMPARE(received.last().at(2).toString(), u"in a transaction"_s);
    }

    void survivesStopKillAndRestart()
    {
        QSqlDatabase db = connect();
        QSqlQuery q(db);
        QVERIFY(q.exec(u"CREATE TABLE kept (n INTEGER)"_s));
        QVERIFY(q.exec(u"INSERT INTO kept VALUES (1)"_s));

        QVERIFY(m_pg->stop());
        QVERIFY(!q.exec(u"SELECT 1"_s)); // a clear failure, not a hang
        QVERIFY(!q.lastError().text().isEmpty());
        QVERIFY(m_pg->start());
        QSqlDatabase again = connect();
        QVERIFY(again.isOpen());
        QCOMPARE(scalar(again, u"SELECT COUNT(*) FROM kept"_s).toInt(), 1);

        // A crash of the server: committed rows survive its recovery.
        QSqlQuery insert(again);
        QVERIFY(insert.exec(u"INSERT INTO kept VALUES (2)"_s));
        QVERIFY(m_pg->kill());
        QVERIFY(m_pg->start());
        QCOMPARE(scalar(connect(), u"SELECT COUNT(*) FROM kept"_s).toInt(), 2);
    }

    void cleanupTestCase()
    {
        for (const QString &name : QSqlDatabase::connectionNames())
            QSqlDatabase::removeDatabase(name);
        m_pg.reset();
    }
};

QTEST_GUILESS_MAIN(TestPostgresHarness)
#include "tst_postgresharness.moc"
