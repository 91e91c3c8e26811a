// SPDX-License-Identifier: MIT
#pragma once

#include <QMetaObject>
#include <QObject>
#include <QThreadPool>

#include <future>
#include <mutex>
#include <utility>

// Handing work to another thread through Qt (queued calls, the thread pool).
//
// Qt synchronises those hand-offs with futexes that ThreadSanitizer cannot see when Qt itself is not
// built with -fsanitize=thread (Debian's is not), so every value passed along would be reported as
// a race. In TSan builds the sender therefore holds one process-wide std::mutex while it posts and the
// receiver takes the same mutex before it touches anything posted: a happens-before edge TSan sees,
// whatever the interleaving. In other builds these are plain QMetaObject::invokeMethod / start calls.
namespace ThreadHandOff {

#if defined(__SANITIZE_THREAD__)
inline std::mutex &mutex()
{
    static std::mutex m;
    return m;
}
inline void received()
{
    std::lock_guard lock(mutex());
}
#endif

// Runs f on receiver's thread, queued: in order with everything else posted to that thread.
template<typename F>
void post(QObject *receiver, F &&f)
{
#if defined(__SANITIZE_THREAD__)
    std::lock_guard lock(mutex());
    QMetaObject::invokeMethod(
            receiver, [f = std::forward<F>(f)]() mutable { received(); f(); }, Qt::QueuedConnection);
#else
    QMetaObject::invokeMethod(receiver, std::forward<F>(f), Qt::QueuedConnection);
#endif
}

// Runs f on receiver's thread and waits until it has run. Never call it on that thread.
template<typename F>
void run(QObject *receiver, F &&f)
{
    std::promise<void> done;
    std::future<void> finished = done.get_future();
    post(receiver, [&f, &done] {
        f();
        done.set_value();
    });
    finished.wait();
}

// Runs f on a thread of the pool.
template<typename F>
void start(QThreadPool &pool, F &&f)
{
#if defined(__SANITIZE_THREAD__)
    std::lock_guard lock(mutex());
    pool.start([f = std::forward<F>(f)]() mutable { received(); f(); });
#else
    pool.start(std::forward<F>(f));
#endif
}

} // namespace ThreadHandOff
