// SPDX-License-Identifier: MIT
#pragma once

// Qt's queued calls and thread pool synchronise through futexes that ThreadSanitizer cannot see
// (Debian's Qt is not built with -fsanitize=thread), so every value handed from one thread to
// another through them would be reported as a race. These two calls mark such a hand-off explicitly:
// release on the sending side before the call is posted, acquire first thing on the receiving side,
// on the same address. They compile to nothing outside TSan builds.
#if defined(__SANITIZE_THREAD__)
#  include <sanitizer/tsan_interface.h>
inline void handOffRelease(const void *token)
{
    __tsan_release(const_cast<void *>(token));
}
inline void handOffAcquire(const void *token)
{
    __tsan_acquire(const_cast<void *>(token));
}
#else
inline void handOffRelease(const void *) {}
inline void handOffAcquire(const void *) {}
#endif
