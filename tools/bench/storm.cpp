// SPDX-License-Identifier: MIT
#include "storm.h"

#include "minihttp.h"
#include "process.h"
#include "wsloop.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <future>
#include <map>
#include <queue>
#include <random>
#include <signal.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace bench {

namespace {

constexpr int kBaseMs = 500;    // Backoff::baseMs of the desktop client
constexpr int kCapMs = 30000;   // Backoff::capMs
constexpr int kRestartCeilingMs = 2000;  // Backoff::restartCeilingMs: after a close with 1001
constexpr int kRestartWindowMs = 30000;  // Backoff::restartWindowMs
constexpr int kStableMs = 10000; // ChatConnection::Tuning::stableAfterMs
constexpr int kUsers = 250;

struct Client
{
    WsConn *conn = nullptr;
    int attempt = 0;
    int64_t lastSeq = 0;
    int64_t connectedAt = 0; // hello received
    int64_t restartingSince = 0; // the server closed with 1001 (going away); 0 once a hello came
    bool subscribed = false; // since the last connect
    int64_t resumedAt = 0;   // first `subscribed` after the restart
};

double ms(int64_t ns) { return double(ns) / 1e6; }

} // namespace

void storm(const std::string &serverBin, const std::string &db,
           const std::vector<std::pair<std::string, std::string>> &env, int clients, bool keepPort)
{
    const std::vector<std::string> argv{serverBin, "--listen", "127.0.0.1:{port}", "--db", db};
    Process server;
    int listener = -1;
    if (keepPort && (listener = listeningSocket(&server.port)) < 0) {
        std::fprintf(stderr, "storm: cannot listen\n");
        return;
    }
    struct Closer { int fd; ~Closer() { if (fd >= 0) ::close(fd); } } closer{listener};
    if (!start(server, argv, {}, env, listener)) {
        std::fprintf(stderr, "chat-server did not start\n");
        return;
    }
    // The clients belong to kUsers accounts (registering 15 000 would take minutes: the password
    // hash is memory-hard on purpose), so a user has up to 60 connections, not thousands.
    const int users = std::min(clients, kUsers);
    std::vector<std::string> tokens(static_cast<size_t>(users));
    {
        std::vector<std::thread> registrars;
        for (int t = 0; t < 4; ++t) {
            registrars.emplace_back([&, t] {
                for (int u = t; u < users; u += 4)
                    tokens[size_t(u)] = registerUser(server.port, "storm" + std::to_string(clients) + "u" + std::to_string(u));
            });
        }
        for (std::thread &t : registrars)
            t.join();
    }
    const std::string pubToken = registerUser(server.port, "stormpub" + std::to_string(clients));
    if (pubToken.empty() || std::any_of(tokens.begin(), tokens.end(), [](const std::string &t) { return t.empty(); })) {
        std::fprintf(stderr, "storm: registration failed\n");
        return;
    }

    Loop loop;
    std::mt19937 rng(12345);
    std::vector<Client> subs(static_cast<size_t>(clients));
    Client pub;
    std::map<int64_t, bool> unacked; // the sender's outbox, by the number in its client id
    int64_t maxAcked = 0, nextId = 0;
    int64_t lost = 0, dups = 0, attempts = 0, failed = 0;
    int64_t gaps = 0; // lost as jumps in a client's stream (the rest: never arrived, or never acked)
    int subscribedCount = 0, resumed = 0;
    bool restarted = false;
    int64_t restartAt = 0;
    using Due = std::pair<int64_t, int>; // when, client (-1: the sender)
    std::priority_queue<Due, std::vector<Due>, std::greater<>> reconnects;

    std::function<void(int)> connect;
    auto clientOf = [&](int i) -> Client & { return i < 0 ? pub : subs[size_t(i)]; };
    auto onClosed = [&](int i, int closeCode) {
        Client &c = clientOf(i);
        if (closeCode == 1001)
            c.restartingSince = nowNs();
        const bool wasUp = c.connectedAt != 0;
        if (!wasUp)
            ++failed;
        if (wasUp && nowNs() - c.connectedAt >= int64_t(kStableMs) * 1000000)
            c.attempt = 0;
        int ceiling = int(std::min<int64_t>(int64_t(kBaseMs) << std::min(c.attempt, 20), kCapMs));
        if (c.restartingSince && nowNs() - c.restartingSince < int64_t(kRestartWindowMs) * 1000000)
            ceiling = std::min(ceiling, kRestartCeilingMs);
        ++c.attempt;
        c.connectedAt = 0;
        if (c.subscribed && i >= 0)
            --subscribedCount;
        c.subscribed = false;
        const int delay = std::uniform_int_distribution<int>(0, ceiling)(rng);
        reconnects.push({nowNs() + int64_t(delay) * 1000000, i});
    };
    auto sendOne = [&](int64_t n) {
        const std::string id = "s" + std::to_string(n);
        pub.conn->sendText("{\"type\":\"send\",\"room\":\"general\",\"clientId\":\"" + id
                           + "\",\"body\":\"storm " + id + "\"}");
    };
    connect = [&](int i) {
        ++attempts;
        Client &c = clientOf(i);
        c.conn = loop.connect(server.port, "/ws", i < 0 ? pubToken : tokens[size_t(i % users)]);
        c.conn->onClosed = [&onClosed, i](WsConn &conn) { onClosed(i, conn.closeCode); };
        c.conn->onText = [&, i](WsConn &conn, std::string_view text) {
            Client &me = clientOf(i);
            if (text.find("\"type\":\"event\"") != std::string_view::npos) {
                if (i < 0)
                    return;
                const int64_t seq = std::stoll(field(text, "seq"));
                if (seq <= me.lastSeq)
                    ++dups;
                else if (seq > me.lastSeq + 1 && me.lastSeq > 0) {
                    lost += seq - me.lastSeq - 1;
                    gaps += seq - me.lastSeq - 1;
                    std::fprintf(stderr, "storm: client %d got seq %lld after %lld\n", i, (long long)seq,
                                 (long long)me.lastSeq);
                }
                me.lastSeq = std::max(me.lastSeq, seq);
            } else if (text.find("\"type\":\"hello\"") != std::string_view::npos) {
                me.connectedAt = nowNs();
                me.restartingSince = 0;
                if (i < 0) {
                    for (const auto &entry : unacked) // again, with the same client ids
                        sendOne(entry.first);
                } else {
                    // Live only the first time (history comes over HTTP), from the cursor after.
                    conn.sendText(me.lastSeq == 0
                                          ? std::string("{\"type\":\"subscribe\",\"room\":\"general\"}")
                                          : "{\"type\":\"subscribe\",\"room\":\"general\",\"after\":"
                                                  + std::to_string(me.lastSeq) + "}");
                }
            } else if (text.find("\"type\":\"subscribed\"") != std::string_view::npos) {
                if (me.lastSeq == 0)
                    me.lastSeq = std::stoll(field(text, "lastSeq"));
                me.subscribed = true;
                ++subscribedCount;
                if (restarted && me.resumedAt == 0) {
                    me.resumedAt = nowNs();
                    ++resumed;
                }
            } else if (text.find("\"type\":\"ack\"") != std::string_view::npos) {
                unacked.erase(std::stoll(field(text, "clientId").substr(1)));
                maxAcked = std::max<int64_t>(maxAcked, std::stoll(field(text, "seq")));
            }
        };
    };
    auto send = [&] {
        unacked[++nextId] = true;
        if (pub.conn && pub.connectedAt != 0)
            sendOne(nextId);
    };
    int64_t nextSend = 0;
    auto tick = [&] {
        const int64_t now = nowNs();
        while (!reconnects.empty() && reconnects.top().first <= now) {
            const int i = reconnects.top().second;
            reconnects.pop();
            connect(i);
        }
        if (now >= nextSend) { // 2 messages/s, held in the outbox while the sender is away
            send();
            nextSend = now + 500'000'000;
        }
    };

    // Everyone connected and subscribed; a few messages stored first.
    connect(-1);
    for (int i = 0; i < clients; ++i) {
        connect(i);
        if (i % 500 == 499)
            loop.run(20, 1000, nullptr);
    }
    int64_t deadline = nowNs() + 180'000'000'000;
    while (subscribedCount < clients && nowNs() < deadline)
        loop.run(50, 1, tick);
    if (subscribedCount < clients) {
        std::fprintf(stderr, "storm: only %d of %d clients subscribed\n", subscribedCount, clients);
        return;
    }
    loop.run(1000, 1, tick);

    // The restart: SIGTERM (the server says goodbye to every connection), then a new process on the
    // same port and database as soon as the old one is gone, as systemd restarts a unit: from a
    // thread of its own, which this loop, busy with 15 000 clients retrying, cannot delay.
    restarted = true;
    restartAt = nowNs();
    kill(server.pid, SIGTERM);
    // The thread lives until the end: the server's parent-death signal (PR_SET_PDEATHSIG) fires
    // when the thread that forked it ends, not the process.
    std::atomic<int64_t> upAt{0};
    std::promise<void> finished;
    std::thread supervisor([&server, &argv, &env, listener, &upAt, done = finished.get_future()] {
        waitpid(server.pid, nullptr, 0);
        server.pid = -1;
        spawn(server, argv, {}, env, listener);
        upAt = nowNs();
        done.wait();
    });
    struct Release
    {
        std::promise<void> &finished;
        std::thread &supervisor;
        ~Release() { finished.set_value(); supervisor.join(); }
    } release{finished, supervisor};
    deadline = restartAt + 120'000'000'000;
    while (resumed < clients && nowNs() < deadline)
        loop.run(5, 1, tick);
    const int64_t allAt = nowNs();
    while (upAt == 0) // the old server took longer than the deadline to go
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const double cpuAtResume = cpuSeconds(server.pid); // the new process, from its start
    const double rss = rssMiB(server.pid);
    // The rest of the sender's outbox acked and delivered: nothing may be missing.
    deadline = nowNs() + 10'000'000'000;
    nextSend = deadline; // no new sends
    auto allHave = [&] {
        return std::all_of(subs.begin(), subs.end(), [&](const Client &c) { return c.lastSeq >= maxAcked; });
    };
    while ((!unacked.empty() || !allHave()) && nowNs() < deadline)
        loop.run(20, 1, tick);
    int64_t missing = 0;
    for (const Client &c : subs)
        missing += std::max<int64_t>(0, maxAcked - c.lastSeq);
    lost += missing + int64_t(unacked.size());
    if (lost > 0)
        std::fprintf(stderr, "storm: lost %lld: %lld as gaps, %lld not there 10 s after the last resume, %lld sends never acked\n",
                     (long long)lost, (long long)gaps, (long long)missing, (long long)unacked.size());

    std::vector<int64_t> resumeNs;
    for (const Client &c : subs) {
        if (c.resumedAt)
            resumeNs.push_back(c.resumedAt - restartAt);
    }
    std::sort(resumeNs.begin(), resumeNs.end());
    auto pct = [&](double p) {
        return resumeNs.empty() ? 0.0 : ms(resumeNs[std::min(resumeNs.size() - 1, size_t(std::ceil(p * double(resumeNs.size())) - 1))]);
    };
    std::printf("| chat-server | storm %5d%s | %d of %d resumed in %.2f s (new server up at %.2f s) | p50 %.0f ms | p99 %.0f ms "
                "| %lld attempts, %lld failed | server CPU %.2f s (%.0f µs per client) | lost %lld | dups %lld | RSS %.1f MiB |\n",
                clients, keepPort ? ", port kept" : "", resumed, clients, double(allAt - restartAt) / 1e9, ms(upAt.load() - restartAt) / 1e3,
                pct(0.5), pct(0.99), (long long)attempts - clients - 1, (long long)failed, cpuAtResume,
                cpuAtResume * 1e6 / std::max(1, clients), (long long)lost, (long long)dups, rss);
    std::fflush(stdout);
}

} // namespace bench
