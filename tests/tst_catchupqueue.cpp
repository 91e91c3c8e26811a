// SPDX-License-Identifier: MIT
// CatchUpQueue: catch-up reads coalesced per (connection, room), dropped with their connection,
// and shared between users in turn, over a real reader store on both backends.
#include "domain/catchupqueue.h"
#include "storefixture.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestCatchUpQueue : public QObject
{
    Q_OBJECT

private:
    StoreFixture m_stores;
    std::unique_ptr<StoreService> m_reader;
    qint64 m_alice = 0;
    qint64 m_bob = 0;

    static HistoryQuery query(qint64 user, qint64 after)
    {
        return {u"general"_s, user, after, std::nullopt, 50};
    }

private slots:
    void initTestCase_data() { StoreFixture::addBackendRows(); }

    void init()
    {
        m_stores.startCurrentCase();
        auto writer = m_stores.open();
        QVERIFY(writer);
        m_alice = StoreFixture::makeUser(*writer, u"alice"_s);
        m_bob = StoreFixture::makeUser(*writer, u"bob"_s);
        QList<AppendRequest> batch;
        for (int i = 0; i < 10; ++i)
            batch.append(StoreFixture::req(m_alice, u"general"_s, u"m%1"_s.arg(i)));
        QCOMPARE(writer->appendBatch(batch).constLast().status, StoreStatus::Ok);
        m_reader = std::make_unique<StoreService>(m_stores.make(u"chat"_s, StoreRole::Reader));
        QString error;
        QVERIFY2(m_reader->open(&error), qPrintable(error));
    }

    void cleanup() { m_reader.reset(); }

    void repeatsBeforeTheReadRanAreOneRead()
    {
        CatchUpQueue queue(m_reader.get(), 2);
        QObject connection;
        QList<qint64> answered; // the first event's seq of each answer
        for (qint64 after = 0; after < 100; ++after) {
            queue.read(&connection, u"general"_s, query(m_alice, after),
                       [&](const HistoryResult &r) { answered.append(r.messages.value(0).seq); });
        }
        // The first started at once; the other 99 became one read, of the newest cursor.
        QTRY_COMPARE(answered.size(), 2);
        QCOMPARE(answered, (QList<qint64>{1, 0}));
        QCOMPARE(queue.readsRun(), 2);
        QCOMPARE(queue.waiting(), 0);
    }

    void readsOfAClosedConnectionNeverRun()
    {
        CatchUpQueue queue(m_reader.get(), 2);
        QObject first;
        auto closing = std::make_unique<QObject>();
        int firstAnswers = 0, closedAnswers = 0;
        queue.read(&first, u"general"_s, query(m_alice, 0), [&](const HistoryResult &) { ++firstAnswers; });
        for (int room = 0; room < 20; ++room) { // waiting: one read of the user runs at a time
            queue.read(closing.get(), u"room%1"_s.arg(room), query(m_alice, 0),
                       [&](const HistoryResult &) { ++closedAnswers; });
        }
        QCOMPARE(queue.waiting(), 20);
        queue.cancel(closing.get());
        QCOMPARE(queue.waiting(), 0);
        // A connection gone without cancel() is skipped too.
        auto vanished = std::make_unique<QObject>();
        queue.read(vanished.get(), u"general"_s, query(m_alice, 0), [&](const HistoryResult &) { ++closedAnswers; });
        vanished.reset();
        QTRY_COMPARE(firstAnswers, 1);
        QObject later; // the queue is idle again: a new read runs
        bool laterAnswered = false;
        queue.read(&later, u"general"_s, query(m_alice, 5), [&](const HistoryResult &) { laterAnswered = true; });
        QTRY_VERIFY(laterAnswered);
        QCOMPARE(closedAnswers, 0);
        QCOMPARE(queue.readsRun(), 2);
    }

    void usersTakeTurns()
    {
        CatchUpQueue queue(m_reader.get(), 1);
        QObject aliceConnection, bobConnection;
        QStringList order;
        for (int room = 0; room < 5; ++room) {
            const QString key = u"a%1"_s.arg(room);
            queue.read(&aliceConnection, key, query(m_alice, 0),
                       [&order, key](const HistoryResult &) { order.append(key); });
        }
        queue.read(&bobConnection, u"b"_s, query(m_bob, 0),
                   [&order](const HistoryResult &) { order.append(u"b"_s); });
        QTRY_COMPARE(order.size(), 6);
        // Bob asked after all five of Alice's, and waited for one of them, not five.
        QCOMPARE(order, (QStringList{u"a0"_s, u"b"_s, u"a1"_s, u"a2"_s, u"a3"_s, u"a4"_s}));
    }

    void cheapReadsOfManyUsersShareATrip()
    {
        auto writer = m_stores.open();
        QVERIFY(writer);
        QList<qint64> users;
        for (int i = 0; i < 40; ++i)
            users.append(StoreFixture::makeUser(*writer, u"user%1"_s.arg(i)));
        writer.reset();
        CatchUpQueue queue(m_reader.get(), 1);
        QList<QObject *> connections;
        int answered = 0;
        for (qint64 user : users) {
            connections.append(new QObject(&queue));
            // A subscribe without a cursor: only access and the newest seq.
            queue.read(connections.constLast(), u"general"_s,
                       {u"general"_s, user, std::nullopt, std::nullopt, 0},
                       [&answered](const HistoryResult &r) {
                           answered += r.status == StoreStatus::Ok && r.lastSeq == 10;
                       });
        }
        QTRY_COMPARE(answered, 40);
        QCOMPARE(queue.readsRun(), 40);
        // The first went alone (nothing else was waiting); the other 39 in one trip. One read
        // per trip took 40 main-thread round trips (5000 subscribes: 11 s instead of 2 s).
        QCOMPARE(queue.batchesRun(), 2);
    }

    void aBatchStopsAfterAboutAPage()
    {
        auto writer = m_stores.open();
        QVERIFY(writer);
        const qint64 carol = StoreFixture::makeUser(*writer, u"carol"_s);
        writer.reset();
        CatchUpQueue queue(m_reader.get(), 1, 5); // a "page" of 5 events
        QObject a, b, c, d;
        QList<int> sizes;
        auto note = [&sizes](const HistoryResult &r) { sizes.append(int(r.messages.size())); };
        queue.read(&a, u"general"_s, query(m_alice, 0), note); // runs at once, alone
        queue.read(&b, u"general"_s, query(m_bob, 0), note);
        queue.read(&c, u"general"_s, query(carol, 0), note);
        queue.read(&d, u"general"_s, {u"general"_s, m_alice, std::nullopt, std::nullopt, 0}, note);
        QTRY_COMPARE(sizes.size(), 4);
        // Bob's 10 events filled the second trip: Carol's read and Alice's next went back to the
        // front of the line, in that order; Carol's filled the third, Alice's ran on the fourth.
        QCOMPARE(sizes, (QList<int>{10, 10, 10, 0}));
        QCOMPARE(queue.readsRun(), 4);
        QCOMPARE(queue.batchesRun(), 4);
    }

    void answersAreTheStoresAnswer()
    {
        CatchUpQueue queue(m_reader.get(), 2);
        QObject connection;
        std::optional<HistoryResult> mine, refused;
        queue.read(&connection, u"general"_s, query(m_alice, 7),
                   [&](const HistoryResult &r) { mine = r; });
        queue.read(&connection, u"nowhere"_s, {u"nowhere"_s, m_alice, 0, std::nullopt, 50},
                   [&](const HistoryResult &r) { refused = r; });
        QTRY_VERIFY(mine && refused);
        QCOMPARE(mine->status, StoreStatus::Ok);
        QCOMPARE(mine->messages.size(), 3);
        QCOMPARE(mine->lastSeq, 10);
        QCOMPARE(refused->status, StoreStatus::RoomNotFound);
    }
};

QTEST_GUILESS_MAIN(TestCatchUpQueue)
#include "tst_catchupqueue.moc"
