// SPDX-License-Identifier: MIT
// RecentMessages, the store's cache of the newest messages of rooms read lately: it answers a
// page only when it holds all of it.
#include "store/recentmessages.h"

#include <QTest>

class TestRecentMessages : public QObject
{
    Q_OBJECT

private slots:
    void recentMessagesAnswerOnlyWhatTheyHold()
    {
        RecentMessages recent(4);
        auto msg = [](qint64 seq) {
            ChatMessage m;
            m.seq = seq;
            return m;
        };
        QVERIFY(!recent.page(1, std::nullopt, std::nullopt, 2)); // nothing held
        recent.fill(1, {msg(5), msg(6), msg(7)}, false);      // seqs 1-4 exist, not held
        QCOMPARE(recent.page(1, std::nullopt, std::nullopt, 3)->messages.size(), 3);
        QVERIFY(recent.page(1, std::nullopt, std::nullopt, 3)->hasMore);
        QVERIFY(!recent.page(1, std::nullopt, std::nullopt, 4)); // needs seq 4
        QCOMPARE(recent.page(1, 4, std::nullopt, 10)->messages.size(), 3);
        QVERIFY(!recent.page(1, 3, std::nullopt, 10)); // needs seq 4
        recent.append(1, msg(8));
        recent.append(1, msg(9)); // holds 4: 6..9
        QVERIFY(!recent.page(1, 4, std::nullopt, 10));
        QCOMPARE(recent.page(1, 5, std::nullopt, 2)->messages.first().seq, 6);
        QVERIFY(recent.page(1, 5, std::nullopt, 2)->hasMore);
        recent.append(1, msg(11)); // out of step: forgotten
        QVERIFY(!recent.page(1, std::nullopt, std::nullopt, 1));
        recent.fill(2, {msg(1), msg(2)}, true); // a whole room
        QCOMPARE(recent.page(2, std::nullopt, std::nullopt, 50)->messages.size(), 2);
        QVERIFY(!recent.page(2, std::nullopt, std::nullopt, 50)->hasMore);
        QCOMPARE(recent.page(2, std::nullopt, 2, 50)->messages.size(), 1);
        QVERIFY(recent.page(2, 2, std::nullopt, 50)->messages.isEmpty());
    }

    void recentMessagesStayWithinTheirByteBound()
    {
        RecentMessages recent(128, 1024, 100'000);
        auto msg = [](qint64 seq) {
            ChatMessage m;
            m.seq = seq;
            m.body = QString(4000, u'x'); // ~8 KB each as UTF-16
            return m;
        };
        recent.fill(1, {}, true);
        for (qint64 seq = 1; seq <= 11; ++seq) {
            recent.append(1, msg(seq));
            QVERIFY(recent.bytes() <= 100'000);
        }
        QVERIFY(recent.page(1, std::nullopt, std::nullopt, 2)); // 11 × ~8 KB still fit
        recent.append(1, msg(12));                               // the 13th would not
        recent.append(1, msg(13));
        QCOMPARE(recent.bytes(), 0);
        QVERIFY(!recent.page(1, std::nullopt, std::nullopt, 2)); // dropped: read again from SQL
    }

    void anotherWritersCommitIsNoticed()
    {
        RecentMessages recent(8);
        auto msg = [](qint64 seq) {
            ChatMessage m;
            m.seq = seq;
            return m;
        };
        recent.fill(1, {msg(1), msg(2)}, true);
        recent.forgetUnless(1, 2); // what the table says: still in step
        QVERIFY(recent.page(1, std::nullopt, std::nullopt, 2));
        recent.forgetUnless(1, 3); // seq 3 was stored by another server
        QVERIFY(!recent.page(1, std::nullopt, std::nullopt, 2));
        recent.fill(2, {}, true);
        recent.forgetUnless(2, 0);
        QVERIFY(recent.page(2, std::nullopt, std::nullopt, 2)); // an empty room stays empty
        recent.forgetUnless(2, 1);
        QVERIFY(!recent.page(2, std::nullopt, std::nullopt, 2));
    }
};

QTEST_GUILESS_MAIN(TestRecentMessages)
#include "tst_recentmessages.moc"
