// SPDX-License-Identifier: MIT
// Hub's write-out after a broadcast: every subscriber flushed once, in slices of the flush
// budget with the event loop's other work served between them, and a subscriber that goes away
// before its turn never touched.
#include "ws/hub.h"
#include "ws/subscriber.h"

#include <QTest>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {
// Queues what it is given and asks the Hub for a flush, as WsSession does.
class FakeSession : public Subscriber
{
public:
    explicit FakeSession(Hub &hub) : m_hub(hub) { m_hub.addSession(this); }
    ~FakeSession() override { m_hub.removeSession(this); }

    void deliver(const QString &, qint64, const TextFrame &) override { queue(); }
    void flush() override
    {
        m_owed = false;
        ++flushes;
        if (onFlush)
            onFlush();
    }
    void push(const TextFrame &) override { queue(); }
    void leftRoom(const QString &) override {}
    const AuthUser *user() const override { return nullptr; }
    void keepAlive(qint64, qint64) override {}
    void close(QWebSocketProtocol::CloseCode, const QString &) override {}
    void expire() override {}
    void tokenRevoked(const QByteArray &) override {}
    qint64 queuedBytes() const override { return 0; }
    void dropForNotReading(const char *) override {}

    int flushes = 0;
    std::function<void()> onFlush;

private:
    void queue()
    {
        if (!std::exchange(m_owed, true))
            m_hub.flushAfterThisPass(this);
    }

    Hub &m_hub;
    bool m_owed = false;
};

ChatMessage message(qint64 seq)
{
    ChatMessage m;
    m.id = u"id-%1"_s.arg(seq);
    m.room = u"general"_s;
    m.seq = seq;
    m.sender = u"alice"_s;
    m.body = u"hello"_s;
    m.ts = QDateTime::currentDateTimeUtc();
    return m;
}

std::vector<std::unique_ptr<FakeSession>> subscribers(Hub &hub, int n)
{
    std::vector<std::unique_ptr<FakeSession>> all;
    for (int i = 0; i < n; ++i) {
        all.push_back(std::make_unique<FakeSession>(hub));
        hub.subscribe(u"general"_s, all.back().get());
    }
    return all;
}

int totalFlushes(const std::vector<std::unique_ptr<FakeSession>> &all)
{
    int n = 0;
    for (const auto &s : all)
        n += s ? s->flushes : 0;
    return n;
}
} // namespace

class tst_Hub : public QObject
{
    Q_OBJECT

private slots:
    void aBroadcastIsWrittenOutInSlicesWithOtherWorkBetween()
    {
        Hub hub(30, 0);
        hub.setFlushBudget(0ns); // one subscriber per pass
        const auto all = subscribers(hub, 200);
        hub.broadcast({message(1)});
        QCOMPARE(totalFlushes(all), 0); // after this pass, not in the broadcast

        // Posted behind the broadcast, like a request that became ready while it went out.
        int flushedWhenServed = -1;
        QMetaObject::invokeMethod(&hub, [&] { flushedWhenServed = totalFlushes(all); },
                                  Qt::QueuedConnection);
        QTRY_COMPARE(totalFlushes(all), 200);
        QCOMPARE(flushedWhenServed, 1); // served after the first slice, not after all 200
        for (const auto &s : all)
            QCOMPARE(s->flushes, 1);
    }

    void aRoomWithinTheBudgetIsWrittenInOnePass()
    {
        Hub hub(30, 0);
        hub.setFlushBudget(60s); // not the 1 ms default: a descheduled test thread would split it
        const auto all = subscribers(hub, 20);
        hub.broadcast({message(1)});
        int flushedWhenServed = -1;
        QMetaObject::invokeMethod(&hub, [&] { flushedWhenServed = totalFlushes(all); },
                                  Qt::QueuedConnection);
        QTRY_COMPARE(flushedWhenServed, 20);
    }

    void aSubscriberGoneBeforeItsTurnIsNotFlushed()
    {
        Hub hub(30, 0);
        hub.setFlushBudget(0ns);
        auto all = subscribers(hub, 5);
        all.front()->onFlush = [&] { all.back().reset(); }; // its socket closed on the write
        hub.broadcast({message(1)});
        QTRY_COMPARE(totalFlushes(all), 4);
        QVERIFY(!all.back());
        // Another broadcast goes out to the four that are left, and nothing else is pending.
        all.front()->onFlush = nullptr;
        hub.broadcast({message(2)});
        QTRY_COMPARE(totalFlushes(all), 8);
    }

    void aSubscriberThatQueuesWhileFlushedIsFlushedAgain()
    {
        Hub hub(30, 0);
        hub.setFlushBudget(0ns);
        auto all = subscribers(hub, 3);
        FakeSession &first = *all.front();
        bool again = true;
        first.onFlush = [&] {
            if (std::exchange(again, false))
                first.push(TextFrame(QByteArray("{}")));
        };
        hub.broadcast({message(1)});
        QTRY_COMPARE(totalFlushes(all), 4);
        QCOMPARE(first.flushes, 2);
    }
};

QTEST_GUILESS_MAIN(tst_Hub)
#include "tst_hub.moc"
