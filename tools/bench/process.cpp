// SPDX-License-Identifier: MIT
#include "process.h"

#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <netinet/in.h>
#include <signal.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bench {

uint16_t freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool canConnect(uint16_t port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

void Process::stop()
{
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
        pid = -1;
    }
}

int listeningSocket(uint16_t *port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(*port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&addr), len) != 0 || ::listen(fd, 4096) != 0
        || getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
        if (fd >= 0)
            ::close(fd);
        return -1;
    }
    *port = ntohs(addr.sin_port);
    return fd;
}

bool start(Process &p, std::vector<std::string> argv, const std::string &dir,
           const std::vector<std::pair<std::string, std::string>> &env, int listenFd)
{
    if (!spawn(p, std::move(argv), dir, env, listenFd))
        return false;
    for (int i = 0; i < 200; ++i) {
        if (canConnect(p.port))
            return true;
        usleep(50000);
    }
    return false;
}

bool spawn(Process &p, std::vector<std::string> argv, const std::string &dir,
           const std::vector<std::pair<std::string, std::string>> &env, int listenFd)
{
    if (p.port == 0)
        p.port = freePort();
    std::fflush(stdout); // or the child inherits what is buffered and prints it again
    for (auto &a : argv) {
        const size_t at = a.find("{port}");
        if (at != std::string::npos)
            a.replace(at, 6, std::to_string(p.port));
    }
    p.pid = fork();
    if (p.pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); // no orphaned servers if the bench dies
        if (!dir.empty() && chdir(dir.c_str()) != 0)
            _exit(127);
        for (const auto &[k, v] : env)
            setenv(k.c_str(), v.c_str(), 1);
        if (listenFd >= 0) { // inherited without close-on-exec, as descriptor 3
            if (listenFd == 3 ? fcntl(3, F_SETFD, 0) != 0 : dup2(listenFd, 3) != 3)
                _exit(127);
            setenv("LISTEN_PID", std::to_string(getpid()).c_str(), 1);
            setenv("LISTEN_FDS", "1", 1);
        }
        // CHAT_BENCH_SERVER_LOG=FILE keeps the servers' output there (to find out why one failed).
        const char *log = std::getenv("CHAT_BENCH_SERVER_LOG");
        if (!freopen(log ? log : "/dev/null", "a", stderr) || !freopen("/dev/null", "w", stdout))
            _exit(127);
        std::vector<char *> args;
        for (auto &a : argv)
            args.push_back(a.data());
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    return p.pid > 0;
}

double cpuSeconds(pid_t pid)
{
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const size_t close = all.rfind(')');
    if (close == std::string::npos)
        return 0;
    std::istringstream rest(all.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14)
            utime = std::stod(field);
        if (i == 15)
            stime = std::stod(field);
    }
    return (utime + stime) / double(sysconf(_SC_CLK_TCK));
}

double rssMiB(pid_t pid)
{
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;
    }
    return 0;
}

} // namespace bench
