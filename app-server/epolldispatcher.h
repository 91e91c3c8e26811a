// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractEventDispatcher>
#include <QHash>
#include <QMultiHash>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <queue>
#include <vector>

class QSocketNotifier;
struct epoll_event;

// An event dispatcher on Linux epoll, public Qt API only. Qt's own UNIX dispatcher rebuilds and
// poll()s the whole set of socket notifiers on every pass of the loop, so a pass costs O(open
// connections) in the kernel and in Qt: with 8000 connections that was most of the server's CPU
// in a reconnect storm (docs/performance.md). Here a pass costs what is ready:
// - the descriptors live in the epoll set; a notifier enabled or disabled only marks its
//   descriptor, and the set is told once before the loop waits (a write notifier switched on
//   and off again within a pass costs no system call);
// - timers sit in a heap (add, fire and kill in O(log n)), entries of killed timers are skipped
//   when they come up;
// - another thread wakes the loop through one eventfd, written once until the loop reads it.
// Semantics follow QEventDispatcherUNIX: timers fire before notifiers, a timer does not fire again
// inside its own handler, a notifier disabled or deleted during the pass is not activated, and
// POLLHUP/POLLERR count as readable (POLLERR as writable too).
// Install it before the application object: QCoreApplication::setEventDispatcher(new EpollDispatcher)
// (or QThread::setEventDispatcher before start()).
class EpollDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollDispatcher(QObject *parent = nullptr);
    ~EpollDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

    // How many epoll_ctl calls the notifier changes have cost (for tests and the benchmark notes).
    quint64 kernelUpdates() const { return m_kernelUpdates; }

private:
    struct Watch // one descriptor: its enabled notifiers by QSocketNotifier::Type
    {
        QSocketNotifier *notifiers[3] = {};
        quint64 serial[3] = {}; // which registration a pending activation belongs to
        uint32_t inKernel = 0;  // the events the epoll set has for it (0: not in the set)
        bool dirty = false;
        bool wasEmptied = false; // every notifier went: the descriptor may be a new file now
        bool plainFile = false;  // epoll cannot watch it (a regular file): ready every pass
    };
    struct Timer
    {
        qint64 intervalMs = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        QObject *object = nullptr;
        qint64 deadlineNs = 0;
        quint64 serial = 0;
        bool firing = false; // in its own handler: not again until it returns
    };
    struct Due
    {
        qint64 deadlineNs;
        int timerId;
        quint64 serial;
        bool operator>(const Due &o) const { return deadlineNs > o.deadlineNs; }
    };
    struct Activation
    {
        int fd;
        int type;
        quint64 serial;
    };

    static qint64 nowNs();
    Watch &watch(int fd);
    void markDirty(int fd);
    void applyChanges();
    int waitTimeoutMs(bool includeTimers);
    int activateTimers();
    int activateNotifiers(int ready);

    int m_epoll = -1;
    int m_wakeFd = -1;
    std::atomic<bool> m_wakeUpPending{false};
#if defined(__SANITIZE_THREAD__)
    // Qt orders a wake-up from another thread (QThread::quit) before the dispatcher's destruction
    // with its own futex-based mutex, which TSan cannot see; this one it can (TSan builds only).
    std::mutex m_wakeFdLock;
#endif
    std::atomic<bool> m_interrupt{false};
    std::vector<Watch> m_watches; // by descriptor
    std::vector<int> m_dirty;
    std::vector<int> m_plainFiles;
    std::vector<Activation> m_activations;
    std::vector<epoll_event> m_events;
    quint64 m_nextSerial = 0;
    quint64 m_kernelUpdates = 0;
    QHash<int, Timer> m_timers;
    QMultiHash<QObject *, int> m_timersOf;
    std::priority_queue<Due, std::vector<Due>, std::greater<>> m_deadlines;
};
