// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

// The servers the benchmark starts (chat-server, the Node peer) and what it reads of them.
namespace bench {

uint16_t freePort();
bool canConnect(uint16_t port);

// A child process, stopped (SIGTERM, then reaped) when this goes.
struct Process
{
    pid_t pid = -1;
    uint16_t port = 0;
    ~Process() { stop(); }
    void stop();
};

// Starts argv (with p.port, or a free port if it is 0, substituted for "{port}") in dir with env
// added, and waits until it accepts connections.
bool start(Process &p, std::vector<std::string> argv, const std::string &dir,
           const std::vector<std::pair<std::string, std::string>> &env);
// The same without waiting (a restart that clients find by retrying).
bool spawn(Process &p, std::vector<std::string> argv, const std::string &dir,
           const std::vector<std::pair<std::string, std::string>> &env);

double cpuSeconds(pid_t pid); // user + system CPU time, from /proc/PID/stat
double rssMiB(pid_t pid);     // resident memory, from /proc/PID/status

} // namespace bench
