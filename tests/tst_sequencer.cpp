// SPDX-License-Identifier: MIT
// The Sequencer between the message bus and the Hub: per room each seq once, in order, and a
// jump fetched from the store before anything after it goes out.
#include "bus/sequencer.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

class TestSequencer : public QObject
{
    Q_OBJECT

private:
    static ChatMessage event(const QString &room, qint64 seq)
    {
        ChatMessage m;
        m.room = room;
        m.seq = seq;
        m.body = u"%1#%2"_s.arg(room).arg(seq);
        return m;
    }
    static QList<ChatMessage> range(const QString &room, qint64 from, qint64 to)
    {
        QList<ChatMessage> out;
        for (qint64 s = from; s <= to; ++s)
            out.append(event(room, s));
        return out;
    }
    // What the spy saw for one room, as seqs.
    static QList<qint64> seqs(const QSignalSpy &spy, const QString &room)
    {
        QList<qint64> out;
        for (const QList<QVariant> &args : spy) {
            for (const ChatMessage &m : args.at(0).value<QList<ChatMessage>>()) {
                if (m.room == room)
                    out.append(m.seq);
            }
        }
        return out;
    }

    struct Request
    {
        QString room;
        qint64 after;
        Sequencer::Done done;
    };
    QList<Request> m_requests; // fetches not answered yet

    Sequencer::Fetch recordingFetch()
    {
        return [this](const QString &room, qint64 after, Sequencer::Done done) {
            m_requests.append({room, after, std::move(done)});
        };
    }

private slots:
    void init() { m_requests.clear(); }

    void inOrderPassesStraightThrough()
    {
        Sequencer seq(recordingFetch());
        QSignalSpy out(&seq, &Sequencer::ordered);
        seq.accept(range(u"a"_s, 5, 7)); // first sight of a room: starts where it is
        seq.accept(range(u"a"_s, 8, 8) + range(u"b"_s, 1, 2));
        QCOMPARE(seqs(out, u"a"_s), (QList<qint64>{5, 6, 7, 8}));
        QCOMPARE(seqs(out, u"b"_s), (QList<qint64>{1, 2}));
        QCOMPARE(out.size(), 2); // one signal per accepted batch
        QVERIFY(m_requests.isEmpty());
    }

    void repeatsAreDropped()
    {
        Sequencer seq(recordingFetch());
        QSignalSpy out(&seq, &Sequencer::ordered);
        seq.accept(range(u"a"_s, 1, 3));
        seq.accept(range(u"a"_s, 2, 4));
        QCOMPARE(seqs(out, u"a"_s), (QList<qint64>{1, 2, 3, 4}));
    }

    void aJumpIsFilledFromTheStoreFirst()
    {
        Sequencer seq(recordingFetch());
        QSignalSpy out(&seq, &Sequencer::ordered);
        seq.accept(range(u"a"_s, 1, 2));
        seq.accept({event(u"a"_s, 6)});          // 3..5 were lost
        seq.accept({event(u"a"_s, 7)});          // arrives while the fetch is out: held
        seq.accept(range(u"b"_s, 1, 1));         // other rooms are not held up
        QVERIFY(seq.isFilling(u"a"_s));
        QCOMPARE(seqs(out, u"a"_s), (QList<qint64>{1, 2}));
        QCOMPARE(seqs(out, u"b"_s), (QList<qint64>{1}));
        QCOMPARE(m_requests.size(), 1);
        QCOMPARE(m_requests[0].room, u"a"_s);
        QCOMPARE(m_requests[0].after, 2);
        // The store has everything up to 7 by now (it committed before it told anyone).
        m_requests.takeFirst().done(range(u"a"_s, 3, 7));
        QVERIFY(!seq.isFilling(u"a"_s));
        QCOMPARE(seqs(out, u"a"_s), (QList<qint64>{1, 2, 3, 4, 5, 6, 7}));
        seq.accept({event(u"a"_s, 8)});
        QCOMPARE(seqs(out, u"a"_s).last(), 8);
    }

    void aShortFetchFetchesAgain()
    {
        Sequencer seq(recordingFetch());
        QSignalSpy out(&seq, &Sequencer::ordered);
        seq.accept({event(u"a"_s, 1)});
        seq.accept({event(u"a"_s, 1200)});
        QCOMPARE(m_requests.size(), 1);
        m_requests.takeFirst().done(range(u"a"_s, 2, 501)); // one page of 500
        QCOMPARE(m_requests.size(), 1);
        QCOMPARE(m_requests[0].after, 501);
        m_requests.takeFirst().done(range(u"a"_s, 502, 1200));
        const QList<qint64> got = seqs(out, u"a"_s);
        QCOMPARE(got.size(), 1200);
        for (qsizetype i = 0; i < got.size(); ++i)
            QCOMPARE(got[i], i + 1);
    }

    void aStoreThatCannotAnswerIsAskedAgain()
    {
        Sequencer seq(recordingFetch(), 10);
        QSignalSpy out(&seq, &Sequencer::ordered);
        seq.accept({event(u"a"_s, 1)});
        seq.accept({event(u"a"_s, 3)});
        m_requests.takeFirst().done(std::nullopt); // the database is down
        QCOMPARE(seqs(out, u"a"_s), (QList<qint64>{1})); // nothing out of order meanwhile
        QTRY_COMPARE(m_requests.size(), 1);           // asked again after the retry delay
        QCOMPARE(m_requests[0].after, 1);
        m_requests.takeFirst().done(range(u"a"_s, 2, 3));
        QCOMPARE(seqs(out, u"a"_s), (QList<qint64>{1, 2, 3}));
    }

    void anAnnouncedRangeIsReadAndPassedOn()
    {
        Sequencer seq(recordingFetch());
        QSignalSpy out(&seq, &Sequencer::ordered);
        seq.announce(u"a"_s, 4, 6); // another server's commit, too big to carry
        QCOMPARE(m_requests.size(), 1);
        QCOMPARE(m_requests[0].after, 3); // a room first seen starts at the announced range
        seq.announce(u"a"_s, 7, 1200);    // while that read is out: read on later
        QCOMPARE(m_requests.size(), 1);
        m_requests.takeFirst().done(range(u"a"_s, 4, 503)); // one page
        QCOMPARE(m_requests.size(), 1);
        QCOMPARE(m_requests[0].after, 503);
        m_requests.takeFirst().done(range(u"a"_s, 504, 1200));
        QVERIFY(m_requests.isEmpty()); // up to the announced end: no read more
        QCOMPARE(seqs(out, u"a"_s).size(), 1197);
        QCOMPARE(seqs(out, u"a"_s).first(), 4);
        QCOMPARE(seqs(out, u"a"_s).last(), 1200);
        seq.announce(u"a"_s, 10, 12); // passed on already (carried events came first): nothing
        QVERIFY(m_requests.isEmpty());
        seq.accept({event(u"a"_s, 1201)});
        QCOMPARE(seqs(out, u"a"_s).last(), 1201);
    }

    void resyncReadsEveryRoomOnUntilNothingIsNew()
    {
        Sequencer seq(recordingFetch());
        QList<QString> newestAsked;
        seq.setFetchNewest([&newestAsked](const QString &room, Sequencer::Done done) {
            newestAsked.append(room);
            done(QList<ChatMessage>{event(room, 9)});
        });
        QSignalSpy out(&seq, &Sequencer::ordered);
        seq.accept(range(u"a"_s, 1, 2) + range(u"b"_s, 1, 1));
        seq.resync({u"a"_s, u"c"_s}); // c: subscribers here, no event seen yet
        QCOMPARE(m_requests.size(), 2);
        QCOMPARE(newestAsked, QList<QString>{u"c"_s});
        QCOMPARE(seqs(out, u"c"_s), QList<qint64>{9}); // its subscribers see the jump themselves
        for (Request &r : m_requests) {
            if (r.room == u"a"_s) {
                QCOMPARE(r.after, 2);
                r.done(range(u"a"_s, 3, 4)); // missed while the bus was down
            } else {
                QCOMPARE(r.after, 1);
                r.done(QList<ChatMessage>{}); // nothing missed
            }
        }
        m_requests.removeIf([](const Request &r) { return r.after <= 2; });
        QCOMPARE(m_requests.size(), 1); // a read something: it reads on once more
        QCOMPARE(m_requests[0].after, 4);
        m_requests.takeFirst().done(QList<ChatMessage>{});
        QVERIFY(m_requests.isEmpty());
        QCOMPARE(seqs(out, u"a"_s), (QList<qint64>{1, 2, 3, 4}));
        QVERIFY(!seq.isFilling(u"a"_s) && !seq.isFilling(u"b"_s));
    }
};

QTEST_GUILESS_MAIN(TestSequencer)
#include "tst_sequencer.moc"
