// SPDX-License-Identifier: MIT
#include "filelimit.h"

#include <sys/resource.h>

#include <algorithm>
#include <climits>

namespace FileLimit {

int raiseToHard()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024;
    // "Unlimited" is not a number poll() or the kernel take: the kernel's own ceiling is 2^20.
    const rlim_t wanted = limit.rlim_max == RLIM_INFINITY ? rlim_t(1) << 20 : limit.rlim_max;
    if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur < wanted) {
        rlimit raised = limit;
        raised.rlim_cur = wanted;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    return int(std::min<rlim_t>(limit.rlim_cur == RLIM_INFINITY ? wanted : limit.rlim_cur, INT_MAX));
}

} // namespace FileLimit
