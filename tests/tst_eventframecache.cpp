// SPDX-License-Identifier: MIT
// EventFrameCache: an event is framed once for everyone who gets the same event, and a frame is
// never reused for an event that differs in anything (a client gets exactly what it would get
// without the cache).
#include "protocol.h"
#include "ws/eventframecache.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {
ChatMessage message(qint64 seq, const QString &body = u"hello"_s)
{
    ChatMessage m;
    m.id = u"id-%1"_s.arg(seq);
    m.room = u"general"_s;
    m.seq = seq;
    m.sender = u"alice"_s;
    m.body = body;
    m.clientId = u"c-%1"_s.arg(seq);
    m.ts = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000 + seq, Qt::UTC);
    return m;
}

QByteArray framed(const ChatMessage &m)
{
    return TextFrame(ServerFrame::eventFrame(m).toJson()).bytes();
}
} // namespace

class tst_EventFrameCache : public QObject
{
    Q_OBJECT

private slots:
    void theSameEventIsFramedOnce()
    {
        EventFrameCache cache;
        const ChatMessage m = message(1);
        const TextFrame first = cache.frameFor(m);
        const TextFrame again = cache.frameFor(message(1)); // equal, read anew
        QCOMPARE(first.bytes(), framed(m));
        QCOMPARE(again.bytes().constData(), first.bytes().constData()); // the same bytes, shared
    }

    void anEventInAnotherStateGetsItsOwnFrame()
    {
        EventFrameCache cache;
        ChatMessage m = message(1);
        const TextFrame original = cache.frameFor(m);
        m.body = u"hello, edited"_s;
        m.edited = true;
        m.updatedSeq = 2;
        QCOMPARE(cache.frameFor(m).bytes(), framed(m));
        ChatMessage reacted = m;
        reacted.reactions = {Reaction{u"👍"_s, 1, true}}; // as one reader sees it
        QCOMPARE(cache.frameFor(reacted).bytes(), framed(reacted));
        QCOMPARE(cache.frameFor(m).bytes(), framed(m)); // another reader: not "me"
        QVERIFY(original.bytes() != framed(m));
        ChatMessage elsewhere = message(1);
        elsewhere.room = u"random"_s; // the same seq in another room
        QCOMPARE(cache.frameFor(elsewhere).bytes(), framed(elsewhere));
    }

    void theOldestFramesGoFirst()
    {
        EventFrameCache cache(3);
        for (qint64 seq = 1; seq <= 5; ++seq)
            cache.frameFor(message(seq));
        QCOMPARE(cache.size(), 3);
        const TextFrame five = cache.frameFor(message(5));
        QCOMPARE(cache.frameFor(message(5)).bytes().constData(), five.bytes().constData());
        QCOMPARE(cache.frameFor(message(1)).bytes(), framed(message(1))); // made again
        QCOMPARE(cache.size(), 3);
    }
};

QTEST_GUILESS_MAIN(tst_EventFrameCache)
#include "tst_eventframecache.moc"
