// SPDX-License-Identifier: MIT
// EpollDispatcher runs a worker thread's event loop here (QThread::setEventDispatcher before
// start), so the test thread can drive it and watch; chat-server runs its main thread on it, so
// every integration test exercises it too.
#include "epolldispatcher.h"
#include "threadhandoff.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <functional>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

class tst_EpollDispatcher : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void timersFireInDeadlineOrderAndRepeat();
    void aTimerKilledByAnEarlierHandlerDoesNotFire();
    void restartingATimerOftenKeepsOneDeadline();
    void timersFollowAnObjectToAnotherThread();
    void notifierFiresWhileReadableAndStopsWhenDisabled();
    void notifierDisabledEarlierInThePassIsNotActivated();
    void descriptorReusedWithinAPassIsWatchedAgain();
    void switchingAWriteNotifierOnAndOffCostsNoSystemCall();
    void postedEventsFromAnotherThreadWakeTheLoop();
    void aWakeUpWhileTheLoopDrainsItsWakeUpsIsNotLost();
    void quitEndsABlockedWait();
    void tcpEchoOfAMegabyte();

private:
    // Runs f on the worker thread and waits for it (ThreadHandOff: a hand-off TSan can see).
    void inWorker(const std::function<void()> &f) { ThreadHandOff::run(m_context, f); }
    // On the worker thread, whose dispatcher may still tell epoll about notifiers just deleted.
    static void closeAll(std::initializer_list<int> fds)
    {
        for (int fd : fds)
            ::close(fd);
    }
    QThread *m_thread = nullptr;
    QObject *m_context = nullptr; // lives in the worker thread
    EpollDispatcher *m_dispatcher = nullptr;
};

void tst_EpollDispatcher::init()
{
    m_thread = new QThread;
    m_dispatcher = new EpollDispatcher;
    m_thread->setEventDispatcher(m_dispatcher); // the thread owns it from here
    m_context = new QObject;
    m_context->moveToThread(m_thread);
    m_thread->start();
    QVERIFY(m_thread->isRunning());
}

void tst_EpollDispatcher::cleanup()
{
    if (m_thread->isRunning()) {
        inWorker([this] { delete m_context; });
        m_thread->quit();
        QVERIFY(m_thread->wait(5000));
    } else {
        delete m_context; // its thread is gone: nobody else touches it
    }
    delete m_thread; // the thread deleted its dispatcher when it finished
}

void tst_EpollDispatcher::timersFireInDeadlineOrderAndRepeat()
{
    QList<int> order; // written by the worker only, read after it is done
    std::atomic<int> ticks{0};
    std::atomic<bool> done{false};
    inWorker([&] {
        for (int ms : {30, 10, 20})
            QTimer::singleShot(ms, Qt::PreciseTimer, m_context, [&order, ms] { order.append(ms); });
        auto *repeating = new QTimer(m_context);
        repeating->setInterval(2);
        connect(repeating, &QTimer::timeout, m_context, [&, repeating] {
            if (++ticks == 5) {
                repeating->stop();
                repeating->deleteLater();
            }
        });
        repeating->start();
        QTimer::singleShot(60, m_context, [&done] { done = true; });
    });
    QTRY_VERIFY(done);
    QCOMPARE(ticks.load(), 5); // stopped from its own handler: no sixth
    inWorker([&] { QCOMPARE(order, QList<int>({10, 20, 30})); });
}

void tst_EpollDispatcher::aTimerKilledByAnEarlierHandlerDoesNotFire()
{
    std::atomic<int> first{0}, second{0};
    std::atomic<bool> done{false};
    inWorker([&] {
        auto *a = new QTimer(m_context);
        auto *b = new QTimer(m_context);
        for (QTimer *t : {a, b}) {
            t->setSingleShot(true);
            t->setTimerType(Qt::PreciseTimer);
        }
        // Both due in the same pass (the worker is kept busy past both deadlines): whichever
        // fires first stops the other.
        connect(a, &QTimer::timeout, m_context, [&, b] { ++first; b->stop(); });
        connect(b, &QTimer::timeout, m_context, [&, a] { ++second; a->stop(); });
        a->start(5);
        b->start(5);
        QElapsedTimer busy;
        busy.start();
        while (busy.elapsed() < 20) {
        }
        QTimer::singleShot(30, m_context, [&done] { done = true; });
    });
    QTRY_VERIFY(done);
    QCOMPARE(first + second, 1);
}

void tst_EpollDispatcher::restartingATimerOftenKeepsOneDeadline()
{
    std::atomic<int> fired{0};
    std::atomic<bool> done{false};
    QElapsedTimer sinceLastStart;
    std::atomic<qint64> firedAfter{-1};
    inWorker([&] {
        auto *t = new QTimer(m_context);
        t->setSingleShot(true);
        t->setTimerType(Qt::PreciseTimer);
        connect(t, &QTimer::timeout, m_context, [&] {
            ++fired;
            firedAfter = sinceLastStart.elapsed();
        });
        for (int i = 0; i < 20000; ++i) // every restart leaves an entry behind in the heap
            t->start(40);
        sinceLastStart.start();
        QTimer::singleShot(150, m_context, [&done] { done = true; });
    });
    QTRY_VERIFY(done);
    QCOMPARE(fired.load(), 1);
    QVERIFY2(firedAfter >= 39, qPrintable(QString::number(firedAfter.load())));
}

void tst_EpollDispatcher::timersFollowAnObjectToAnotherThread()
{
    // moveToThread asks the dispatcher for the object's timers (registeredTimers) and registers
    // them on the target thread's.
    auto *mover = new QTimer;
    mover->setInterval(5);
    std::atomic<int> fired{0};
    connect(mover, &QTimer::timeout, mover, [&fired] { ++fired; });
    mover->moveToThread(m_thread);
    inWorker([&] {
        mover->start();
        QCOMPARE(m_dispatcher->registeredTimers(mover).size(), 1);
        QVERIFY(m_dispatcher->remainingTime(mover->timerId()) <= 5);
        mover->moveToThread(qApp->thread());
        QCOMPARE(m_dispatcher->registeredTimers(mover).size(), 0);
    });
    QTRY_VERIFY(fired >= 2); // now fired by the test thread's own loop
    QVERIFY(mover->isActive());
    delete mover;
}

void tst_EpollDispatcher::notifierFiresWhileReadableAndStopsWhenDisabled()
{
    int fds[2];
    QCOMPARE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    std::atomic<int> activations{0};
    QSocketNotifier *notifier = nullptr;
    inWorker([&] {
        notifier = new QSocketNotifier(fds[0], QSocketNotifier::Read, m_context);
        connect(notifier, &QSocketNotifier::activated, m_context, [&] {
            char buf[16];
            if (++activations == 3)
                notifier->setEnabled(false); // leaves the byte unread: level-triggered, but off
            else
                QCOMPARE(::read(fds[0], buf, 1), 1);
        });
    });
    for (int i = 1; i <= 3; ++i) {
        QCOMPARE(::write(fds[1], "x", 1), 1);
        QTRY_COMPARE(activations.load(), i);
    }
    // Still readable, disabled: a timer round-trip later nothing more came.
    std::atomic<bool> later{false};
    inWorker([&] { QTimer::singleShot(50, m_context, [&later] { later = true; }); });
    QTRY_VERIFY(later);
    QCOMPARE(activations.load(), 3);
    inWorker([&] {
        delete notifier;
        closeAll({fds[0], fds[1]});
    });
}

void tst_EpollDispatcher::notifierDisabledEarlierInThePassIsNotActivated()
{
    int a[2], b[2];
    QCOMPARE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, a), 0);
    QCOMPARE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, b), 0);
    // Both readable before the worker looks: one epoll_wait reports both.
    QCOMPARE(::write(a[1], "x", 1), 1);
    QCOMPARE(::write(b[1], "x", 1), 1);
    std::atomic<int> activations{0};
    inWorker([&] {
        auto *na = new QSocketNotifier(a[0], QSocketNotifier::Read, m_context);
        auto *nb = new QSocketNotifier(b[0], QSocketNotifier::Read, m_context);
        // Whichever is activated first deletes the other, and stops listening itself (its byte
        // stays unread).
        connect(na, &QSocketNotifier::activated, m_context, [&activations, na, nb] {
            ++activations;
            na->setEnabled(false);
            delete nb;
        });
        connect(nb, &QSocketNotifier::activated, m_context, [&activations, na, nb] {
            ++activations;
            nb->setEnabled(false);
            delete na;
        });
    });
    QTRY_COMPARE(activations.load(), 1);
    std::atomic<bool> later{false};
    inWorker([&] { QTimer::singleShot(50, m_context, [&later] { later = true; }); });
    QTRY_VERIFY(later);
    QCOMPARE(activations.load(), 1);
    inWorker([&] {
        qDeleteAll(m_context->findChildren<QSocketNotifier *>());
        closeAll({a[0], a[1], b[0], b[1]});
    });
}

void tst_EpollDispatcher::descriptorReusedWithinAPassIsWatchedAgain()
{
    // A notifier goes, its descriptor is closed and the number comes back as a new socket with a
    // notifier of the same type, all between two waits: the epoll set must learn of the new file
    // (closing removed the old one from it), although the events wanted look the same.
    int first[2];
    QCOMPARE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, first), 0);
    std::atomic<bool> seenFirst{false}, seenSecond{false};
    int second[2] = {-1, -1};
    inWorker([&] {
        auto *n = new QSocketNotifier(first[0], QSocketNotifier::Read, m_context);
        connect(n, &QSocketNotifier::activated, m_context, [&, n] {
            delete n;
            ::close(first[0]);
            QCOMPARE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, second), 0);
            QCOMPARE(second[0], first[0]); // the lowest free number: the one just closed
            auto *again = new QSocketNotifier(second[0], QSocketNotifier::Read, m_context);
            connect(again, &QSocketNotifier::activated, m_context, [&, again] {
                seenSecond = true;
                again->setEnabled(false);
            });
            seenFirst = true; // last: the test thread writes to the new socket after this
        });
    });
    QCOMPARE(::write(first[1], "x", 1), 1);
    QTRY_VERIFY(seenFirst);
    QCOMPARE(::write(second[1], "y", 1), 1);
    QTRY_VERIFY(seenSecond);
    inWorker([&] {
        qDeleteAll(m_context->findChildren<QSocketNotifier *>());
        closeAll({first[1], second[0], second[1]});
    });
}

void tst_EpollDispatcher::switchingAWriteNotifierOnAndOffCostsNoSystemCall()
{
    int fds[2];
    QCOMPARE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    std::atomic<quint64> before{0}, after{0};
    std::atomic<bool> done{false};
    inWorker([&] {
        auto *reader = new QSocketNotifier(fds[0], QSocketNotifier::Read, m_context);
        auto *writer = new QSocketNotifier(fds[0], QSocketNotifier::Write, m_context);
        writer->setEnabled(false);
        QTimer::singleShot(0, m_context, [&, writer, reader] {
            before = m_dispatcher->kernelUpdates(); // the two notifiers are in the set now
            for (int i = 0; i < 100; ++i) { // what QAbstractSocket does around a write it could finish
                writer->setEnabled(true);
                writer->setEnabled(false);
            }
            QTimer::singleShot(0, m_context, [&, writer, reader] {
                after = m_dispatcher->kernelUpdates();
                delete writer;
                delete reader;
                done = true;
            });
        });
    });
    QTRY_VERIFY(done);
    QCOMPARE(after.load(), before.load());
    inWorker([&] { closeAll({fds[0], fds[1]}); });
}

void tst_EpollDispatcher::postedEventsFromAnotherThreadWakeTheLoop()
{
    // The worker is blocked in epoll_wait with no timer: only a wake-up gets it out.
    std::atomic<int> ran{0};
    for (int i = 0; i < 1000; ++i)
        ThreadHandOff::post(m_context, [&ran] { ++ran; });
    QTRY_COMPARE(ran.load(), 1000);
    inWorker([] {}); // one more round trip, then it waits again
    ThreadHandOff::post(m_context, [&ran] { ++ran; });
    QTRY_COMPARE(ran.load(), 1001);
}

void tst_EpollDispatcher::aWakeUpWhileTheLoopDrainsItsWakeUpsIsNotLost()
{
    // Posts that land just as the worker wakes from a wake-up: one of them must not be taken for
    // already seen. The worker has no timer, so a lost wake-up leaves it waiting with an event
    // queued, for good. Rounds of posts a little apart, each round waited for.
    std::atomic<int> ran{0};
    int posted = 0;
    std::atomic<quint64> sink{0};
    for (int round = 0; round < 100000; ++round) {
        ThreadHandOff::post(m_context, [&ran] { ++ran; });
        for (int spin = 0; spin < round % 500; ++spin)
            sink.fetch_add(1, std::memory_order_relaxed);
        ThreadHandOff::post(m_context, [&ran] { ++ran; });
        posted += 2;
        QDeadlineTimer deadline(5000);
        while (ran.load() < posted && !deadline.hasExpired())
            QThread::yieldCurrentThread();
        QVERIFY2(ran.load() == posted,
                 qPrintable(u"round %1: %2 of %3 posts ran"_s.arg(round).arg(ran.load()).arg(posted)));
    }
}

void tst_EpollDispatcher::quitEndsABlockedWait()
{
    QElapsedTimer t;
    t.start();
    m_thread->quit();
    QVERIFY(m_thread->wait(5000));
    QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
}

void tst_EpollDispatcher::tcpEchoOfAMegabyte()
{
    // QTcpServer and QTcpSocket on the dispatcher: accepting, reading, and writes larger than the
    // kernel takes at once (the write notifier goes on and off as the buffer drains).
    const QByteArray payload = QByteArray(1 << 20, 'p');
    std::atomic<qint64> echoed{0};
    std::atomic<bool> match{false};
    inWorker([&] {
        auto *server = new QTcpServer(m_context);
        QVERIFY(server->listen(QHostAddress::LocalHost, 0));
        connect(server, &QTcpServer::newConnection, m_context, [server] {
            QTcpSocket *peer = server->nextPendingConnection();
            connect(peer, &QTcpSocket::readyRead, peer, [peer] { peer->write(peer->readAll()); });
        });
        auto *client = new QTcpSocket(m_context);
        auto *received = new QByteArray;
        connect(client, &QTcpSocket::connected, client, [client, &payload] { client->write(payload); });
        connect(client, &QTcpSocket::readyRead, client, [&, client, received] {
            received->append(client->readAll());
            echoed = received->size();
            if (received->size() == payload.size()) {
                match = *received == payload;
                delete received;
            }
        });
        client->connectToHost(QHostAddress::LocalHost, server->serverPort());
    });
    QTRY_COMPARE_WITH_TIMEOUT(echoed.load(), qint64(payload.size()), 10000);
    QVERIFY(match);
    inWorker([&] {
        qDeleteAll(m_context->findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly));
        qDeleteAll(m_context->findChildren<QTcpServer *>());
    });
}

QTEST_GUILESS_MAIN(tst_EpollDispatcher)
#include "tst_epolldispatcher.moc"
