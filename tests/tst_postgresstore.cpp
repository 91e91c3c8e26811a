// SPDX-License-Identifier: MIT
// What only a database server can do to a store: two chat-servers writing one PostgreSQL
// database at once (seqs from the rooms' locked counter rows never collide), and the database
// killed under load and started again (nothing acknowledged is lost, nothing is stored twice, the
// same store works again). Embedded SQLite has one server per file (tst_sqlitestore).
#include "storefixture.h"

#include <QScopeGuard>
#include <QTest>

using namespace Qt::StringLiterals;

class TestPostgresStore : public QObject
{
    Q_OBJECT

private:
    StoreFixture m_stores;

private slots:
    void init() { m_stores.startCase(u"postgresql"_s); }

    void twoServersOfOneDatabase()
    {
        // PostgreSQL: two servers write one room at once. Seqs come from the room's counter
        // row, locked by the storing transaction, so they never collide and leave no gap.
        StoreService a(m_stores.make()), b(m_stores.make());
        QString error;
        QVERIFY2(a.open(&error), qPrintable(error));
        QVERIFY2(b.open(&error), qPrintable(error));
        QCOMPARE(a.epoch(), b.epoch());
        const qint64 alice = StoreFixture::await<qint64>(this, a, [](ChatStore &s) { return StoreFixture::makeUser(s, u"alice"_s); }).value_or(0);
        QVERIFY(alice != 0);
        // B reads the room first, so it holds its newest messages (an empty room) in its cache.
        QVERIFY(StoreFixture::await<HistoryResult>(this, b, StoreFixture::readGeneral(alice, {}, 50)));
        constexpr int perServer = 600;
        QList<qint64> seqs;
        int failed = 0;
        for (int i = 0; i < perServer; ++i) {
            for (StoreService *service : {&a, &b}) {
                const QString id = u"%1-%2"_s.arg(service == &a ? u"a"_s : u"b"_s).arg(i);
                service->append(StoreFixture::req(alice, u"general"_s, id), this, [&](const AppendResult &r) {
                    if (r.status == StoreStatus::Ok)
                        seqs.append(r.message.seq);
                    else
                        ++failed;
                });
            }
        }
        QTRY_COMPARE_WITH_TIMEOUT(seqs.size() + failed, 2 * perServer, 60000);
        QCOMPARE(failed, 0);
        std::sort(seqs.begin(), seqs.end());
        for (int i = 0; i < seqs.size(); ++i)
            QCOMPARE(seqs[i], i + 1);
        // What B holds was overtaken by A's commits; its newest page is the table's.
        const auto read = StoreFixture::await<HistoryResult>(this, b, StoreFixture::readGeneral(alice, {}, 50));
        QVERIFY(read);
        const HistoryResult &newest = *read;
        QCOMPARE(newest.lastSeq, 2 * perServer);
        QCOMPARE(newest.messages.size(), 50);
        QCOMPARE(newest.messages.last().seq, 2 * perServer);
        QCOMPARE(newest.messages.first().seq, 2 * perServer - 49);
    }

    void databaseThatGoesAwayComesBack()
    {
        StoreService service(m_stores.make());
        QString error;
        QVERIFY2(service.open(&error), qPrintable(error));
        const qint64 alice = StoreFixture::await<qint64>(this, service, [](ChatStore &s) { return StoreFixture::makeUser(s, u"alice"_s); }).value_or(0);
        QVERIFY(alice != 0);

        PostgresServer *pg = m_stores.postgres();
        QVERIFY(pg);
        auto restart = qScopeGuard([pg] { pg->start(); }); // for the next test, pass or fail
        // Killed under load: whatever was acknowledged is stored, and nothing is stored twice.
        QSet<QString> acked;
        int answered = 0;
        constexpr int n = 3000;
        for (int i = 0; i < n; ++i) {
            const QString id = u"k%1"_s.arg(i);
            service.append(StoreFixture::req(alice, u"general"_s, id), this, [&, id](const AppendResult &r) {
                ++answered;
                if (r.status == StoreStatus::Ok)
                    acked.insert(id);
                if (answered == 500)
                    QVERIFY(pg->kill());
            });
        }
        QTRY_COMPARE_WITH_TIMEOUT(answered, n, 60000);
        QVERIFY(acked.size() >= 500); // how many more made it depends on where the kill fell
        qInfo() << acked.size() << "of" << n << "acknowledged before and around the kill";

        // While it is down every operation fails quickly, and the append is not acknowledged.
        bool down = false;
        service.append(StoreFixture::req(alice, u"general"_s, u"while-down"_s), this,
                       [&](const AppendResult &r) { down = r.status == StoreStatus::Error; });
        QTRY_VERIFY(down);

        // Back: the same store object works again without a restart of the chat server.
        QVERIFY(pg->start());
        restart.dismiss();
        QList<AppendResult> after;
        service.append(StoreFixture::req(alice, u"general"_s, u"after"_s), this,
                       [&](const AppendResult &r) { after.append(r); });
        QTRY_COMPARE(after.size(), 1);
        QCOMPARE(after[0].status, StoreStatus::Ok);

        const auto read = StoreFixture::await<HistoryResult>(this, service, StoreFixture::readGeneral(alice, 0, 10000));
        QVERIFY(read);
        const HistoryResult &all = *read;
        QCOMPARE(all.status, StoreStatus::Ok);
        QSet<QString> stored;
        for (qsizetype i = 0; i < all.messages.size(); ++i) {
            QCOMPARE(all.messages[i].seq, i + 1); // no gap, no duplicate
            stored.insert(all.messages[i].clientId);
        }
        QCOMPARE(after[0].message.seq, all.messages.size());
        QVERIFY(!stored.contains(u"while-down"_s));
        for (const QString &id : std::as_const(acked))
            QVERIFY2(stored.contains(id), qPrintable(id + u" was acknowledged but is not stored"_s));
        QCOMPARE(stored.size(), all.messages.size());
    }
};

QTEST_GUILESS_MAIN(TestPostgresStore)
#include "tst_postgresstore.moc"
