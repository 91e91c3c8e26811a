// SPDX-License-Identifier: MIT
#pragma once

// The process' limit on open files (RLIMIT_NOFILE), which bounds its connections.
namespace FileLimit {

// Raises the soft limit to the hard one (Debian's default soft limit is 1024, the hard one much
// higher) and returns the soft limit in force afterwards.
int raiseToHard();

} // namespace FileLimit
