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
// added, and waits until it accepts connections. With listenFd >= 0 the child gets that listening
// socket as systemd's socket activation hands one over (descriptor 3, LISTEN_FDS, LISTEN_PID).
bool start(Process &p, std::vector<std::string> argv, const std::string &dir,
           const std::vector<std::pair<std::string, std::string>> &env, int listenFd = -1);
// The same without waiting (a restart that clients find by retrying).
bool spawn(Process &p, std::vector<std::string> argv, const std::string &dir,
           const std::vector<std::pair<std::string, std::string>> &env, int listenFd = -1);
// A listening socket on 127.0.0.1:port (0: any free one) that stays with the caller, as
// systemd keeps a .socket unit's; -1 on failure.
int listeningSocket(uint16_t *port);

double cpuSeconds(pid_t pid); // user + system CPU time, from /proc/PID/stat
double rssMiB(pid_t pid);     // resident memory, from /proc/PID/status

} // namespace bench
