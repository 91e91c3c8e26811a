// SPDX-License-Identifier: MIT
#include "epolldispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimerEvent>
#include <QtDebug>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <ctime>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace {

constexpr int kRead = QSocketNotifier::Read;
constexpr int kWrite = QSocketNotifier::Write;
constexpr int kException = QSocketNotifier::Exception;
constexpr size_t kEventsPerWait = 1024;

uint32_t eventsFor(QSocketNotifier *const notifiers[3])
{
    return (notifiers[kRead] ? uint32_t(EPOLLIN) : 0u) | (notifiers[kWrite] ? uint32_t(EPOLLOUT) : 0u)
            | (notifiers[kException] ? uint32_t(EPOLLPRI) : 0u);
}

} // namespace

EpollDispatcher::EpollDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent),
      m_epoll(epoll_create1(EPOLL_CLOEXEC)),
      m_wakeFd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
{
    if (m_epoll < 0 || m_wakeFd < 0)
        qFatal("EpollDispatcher: epoll_create1/eventfd failed: %s", strerror(errno));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = m_wakeFd;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &ev);
    m_events.resize(kEventsPerWait);
}

EpollDispatcher::~EpollDispatcher()
{
#if defined(__SANITIZE_THREAD__)
    std::lock_guard lock(m_wakeFdLock);
#endif
    ::close(m_wakeFd);
    ::close(m_epoll);
}

qint64 EpollDispatcher::nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

bool EpollDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupt.store(false);
    emit awake();
    QCoreApplication::sendPostedEvents(); // this thread's, as QEventDispatcherUNIX does

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    const bool canWait = (flags & QEventLoop::WaitForMoreEvents) && !m_interrupt.load();
    if (canWait)
        emit aboutToBlock();
    if (m_interrupt.load())
        return false;

    applyChanges();
    const int timeoutMs = !canWait || !m_plainFiles.empty() ? 0 : waitTimeoutMs(includeTimers);
    int ready = epoll_wait(m_epoll, m_events.data(), int(m_events.size()), timeoutMs);
    if (ready < 0)
        ready = 0; // EINTR: a signal; the pass goes on with timers
    bool woken = false;
    for (int i = 0; i < ready && !woken; ++i)
        woken = m_events[size_t(i)].data.fd == m_wakeFd;
    if (woken) {
        // Drained first, then open for the next wake-up. The other way round, a wake-up between
        // the two (its write drained with the old ones) would leave "pending" set with nothing
        // to read: every later wakeUp() a no-op, the loop moving on timers only.
        eventfd_t drained;
        eventfd_read(m_wakeFd, &drained);
        m_wakeUpPending.store(false);
    }
    int activated = 0;
    if (includeTimers)
        activated += activateTimers();
    if (includeNotifiers)
        activated += activateNotifiers(ready);
    if (size_t(ready) == m_events.size() && m_events.size() < 16 * kEventsPerWait)
        m_events.resize(m_events.size() * 2); // more were ready: take them in one wait next time
    return activated > 0 || woken;
}

// --- socket notifiers

EpollDispatcher::Watch &EpollDispatcher::watch(int fd)
{
    if (size_t(fd) >= m_watches.size())
        m_watches.resize(std::max(size_t(fd) + 1, m_watches.size() * 2));
    return m_watches[size_t(fd)];
}

void EpollDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const int type = notifier->type();
    if (fd < 0)
        return;
    Watch &w = watch(fd);
    if (w.notifiers[type] && w.notifiers[type] != notifier)
        qWarning("EpollDispatcher: multiple socket notifiers for socket %d and type %d", fd, type);
    w.notifiers[type] = notifier;
    w.serial[type] = ++m_nextSerial;
    markDirty(fd);
}

void EpollDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const int type = notifier->type();
    if (fd < 0 || size_t(fd) >= m_watches.size())
        return;
    Watch &w = m_watches[size_t(fd)];
    if (w.notifiers[type] != notifier)
        return;
    w.notifiers[type] = nullptr;
    w.serial[type] = 0; // an activation pending in this pass is void
    if (!w.notifiers[kRead] && !w.notifiers[kWrite] && !w.notifiers[kException])
        w.wasEmptied = true;
    markDirty(fd);
}

void EpollDispatcher::markDirty(int fd)
{
    Watch &w = m_watches[size_t(fd)];
    if (!w.dirty) {
        w.dirty = true;
        m_dirty.push_back(fd);
    }
}

void EpollDispatcher::applyChanges()
{
    for (const int fd : m_dirty) {
        Watch &w = m_watches[size_t(fd)];
        w.dirty = false;
        const uint32_t wanted = eventsFor(w.notifiers);
        if (w.wasEmptied) {
            // All its notifiers went: the descriptor may have been closed and be another file
            // now, which the epoll set does not know even if the events wanted are the same.
            w.wasEmptied = false;
            if (w.inKernel) {
                epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr); // fails if closed: nothing to do
                ++m_kernelUpdates;
                w.inKernel = 0;
            }
            w.plainFile = false;
        }
        if (w.plainFile || wanted == w.inKernel)
            continue;
        epoll_event ev{};
        ev.events = wanted;
        ev.data.fd = fd;
        ++m_kernelUpdates;
        if (wanted == 0) {
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        } else if (w.inKernel == 0) {
            if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) != 0) {
                if (errno == EEXIST) {
                    epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
                } else if (errno == EPERM) {
                    // A regular file (or /dev/null): epoll refuses it, poll() calls it always
                    // ready. So do we, every pass.
                    w.plainFile = true;
                    m_plainFiles.push_back(fd);
                    continue;
                } else {
                    qWarning("EpollDispatcher: cannot watch socket %d: %s", fd, strerror(errno));
                    continue;
                }
            }
        } else if (epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT) {
            epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
        }
        w.inKernel = wanted;
    }
    m_dirty.clear();
    // Plain files whose notifiers all went are forgotten.
    m_plainFiles.erase(std::remove_if(m_plainFiles.begin(), m_plainFiles.end(),
                                      [this](int fd) { return !m_watches[size_t(fd)].plainFile; }),
                       m_plainFiles.end());
}

int EpollDispatcher::activateNotifiers(int ready)
{
    m_activations.clear();
    auto pend = [this](int fd, uint32_t events) {
        const Watch &w = m_watches[size_t(fd)];
        if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) && w.notifiers[kRead])
            m_activations.push_back({fd, kRead, w.serial[kRead]});
        if ((events & (EPOLLOUT | EPOLLERR)) && w.notifiers[kWrite])
            m_activations.push_back({fd, kWrite, w.serial[kWrite]});
        if ((events & EPOLLPRI) && w.notifiers[kException])
            m_activations.push_back({fd, kException, w.serial[kException]});
    };
    for (int i = 0; i < ready; ++i) {
        const epoll_event &ev = m_events[size_t(i)];
        if (ev.data.fd != m_wakeFd && size_t(ev.data.fd) < m_watches.size())
            pend(ev.data.fd, ev.events);
    }
    for (const int fd : m_plainFiles)
        pend(fd, EPOLLIN | EPOLLOUT);
    // A handler may disable, delete or add notifiers (and reenter the loop): each activation is
    // checked against the registration it was taken for. The list is swapped out for the
    // duration so that a nested pass has one of its own.
    std::vector<Activation> activations;
    activations.swap(m_activations);
    int activated = 0;
    for (const Activation &a : activations) {
        if (size_t(a.fd) >= m_watches.size())
            continue;
        const Watch &w = m_watches[size_t(a.fd)];
        if (w.serial[a.type] != a.serial || !w.notifiers[a.type])
            continue;
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(w.notifiers[a.type], &event);
        ++activated;
    }
    activations.clear();
    if (m_activations.empty())
        m_activations.swap(activations); // keep the capacity
    return activated;
}

// --- timers

void EpollDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    Timer t;
    t.intervalMs = interval;
    t.type = timerType;
    t.object = object;
    t.deadlineNs = nowNs() + interval * 1'000'000;
    t.serial = ++m_nextSerial;
    m_timers.insert(timerId, t);
    m_timersOf.insert(object, timerId);
    m_deadlines.push({t.deadlineNs, timerId, t.serial});
    // Killed and restarted timers leave their old entries behind: rebuild now and then.
    if (m_deadlines.size() > 2 * size_t(m_timers.size()) + 1024) {
        std::vector<Due> live;
        live.reserve(size_t(m_timers.size()));
        for (auto it = m_timers.cbegin(); it != m_timers.cend(); ++it) {
            if (!it->firing) // a firing timer is pushed again when its handler returns
                live.push_back({it->deadlineNs, it.key(), it->serial});
        }
        m_deadlines = decltype(m_deadlines)(std::greater<>(), std::move(live));
    }
}

bool EpollDispatcher::unregisterTimer(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    m_timersOf.remove(it->object, timerId);
    m_timers.erase(it); // its heap entry is skipped when it comes up
    return true;
}

bool EpollDispatcher::unregisterTimers(QObject *object)
{
    const QList<int> ids = m_timersOf.values(object);
    for (const int id : ids)
        m_timers.remove(id);
    m_timersOf.remove(object);
    return !ids.isEmpty();
}

QList<QAbstractEventDispatcher::TimerInfo> EpollDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> list;
    for (auto it = m_timersOf.constFind(object); it != m_timersOf.cend() && it.key() == object; ++it) {
        const Timer &t = m_timers[*it];
        list.append(TimerInfo(*it, int(t.intervalMs), t.type));
    }
    return list;
}

int EpollDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.constFind(timerId);
    if (it == m_timers.cend())
        return -1;
    const qint64 left = it->deadlineNs - nowNs();
    return left <= 0 ? 0 : int((left + 999'999) / 1'000'000);
}

int EpollDispatcher::waitTimeoutMs(bool includeTimers)
{
    if (!includeTimers)
        return -1;
    while (!m_deadlines.empty()) {
        const Due &top = m_deadlines.top();
        const auto it = m_timers.constFind(top.timerId);
        if (it == m_timers.cend() || it->serial != top.serial) {
            m_deadlines.pop(); // killed or restarted since
            continue;
        }
        const qint64 left = top.deadlineNs - nowNs();
        return left <= 0 ? 0 : int(std::min<qint64>((left + 999'999) / 1'000'000, INT_MAX));
    }
    return -1;
}

int EpollDispatcher::activateTimers()
{
    if (m_deadlines.empty())
        return 0;
    const qint64 now = nowNs();
    std::vector<Due> due; // fixed for this pass: a timer started by a handler waits for the next
    while (!m_deadlines.empty() && m_deadlines.top().deadlineNs <= now) {
        const Due d = m_deadlines.top();
        m_deadlines.pop();
        const auto it = m_timers.constFind(d.timerId);
        if (it != m_timers.cend() && it->serial == d.serial)
            due.push_back(d);
    }
    int fired = 0;
    for (const Due &d : due) {
        auto it = m_timers.find(d.timerId);
        if (it == m_timers.end() || it->serial != d.serial)
            continue; // killed or restarted by an earlier handler of this pass
        // The next deadline keeps the cadence unless the loop fell behind it. The timer has no
        // heap entry while its handler runs, so a nested loop does not fire it again.
        qint64 next = d.deadlineNs + it->intervalMs * 1'000'000;
        if (next <= now)
            next = now + it->intervalMs * 1'000'000;
        it->deadlineNs = next;
        it->firing = true;
        QObject *object = it->object;
        QTimerEvent event(d.timerId);
        QCoreApplication::sendEvent(object, &event);
        ++fired;
        it = m_timers.find(d.timerId); // the handler may have changed the table
        if (it != m_timers.end() && it->serial == d.serial) {
            it->firing = false;
            m_deadlines.push({it->deadlineNs, d.timerId, d.serial});
        }
    }
    return fired;
}

// --- waking

void EpollDispatcher::wakeUp()
{
#if defined(__SANITIZE_THREAD__)
    std::lock_guard lock(m_wakeFdLock);
#endif
    if (!m_wakeUpPending.exchange(true))
        eventfd_write(m_wakeFd, 1);
}

void EpollDispatcher::interrupt()
{
    m_interrupt.store(true);
    wakeUp();
}
