// SPDX-License-Identifier: MIT
// chat-bench: load generator for chat-server, with the reference Node `ws` broadcast server run
// side by side under the same fan-out load. See docs/performance.md for how to run and read it.
//
//   chat-bench --server BIN [--node-peer DIR] [--postgres BINDIR] [--seconds S] [--quick] [--only fanout|history|ingest|nodes|idle|storm] [--fan SUBS:RATE]... [--ingest SENDERS:WINDOW] [--history SUBS:RATE] [--storm CLIENTS]... [--server-env NAME=VALUE]...
//
// --postgres: also run the ingest scenarios with chat-server on PostgreSQL, a cluster of the
// benchmark's own made with that directory's initdb (Debian: /usr/lib/postgresql/15/bin).
#include "minihttp.h"
#include "pgcluster.h"
#include "process.h"
#include "storm.h"
#include "wsloop.h"

#include <algorithm>
#include <filesystem>
#include <deque>
#include <functional>
#include <arpa/inet.h>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <netinet/in.h>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace bench;

namespace {

struct Result
{
    std::string target;
    std::string scenario;
    double seconds = 0;
    int64_t sent = 0;
    int64_t deliveries = 0;
    int64_t lost = 0;
    int64_t duplicates = 0;
    std::vector<int64_t> latencyNs;
    std::vector<int64_t> remoteNs; // several nodes: deliveries by the nodes the sender is not on
    double cpu = 0; // server CPU seconds during the window (of every node)
    double rss = 0;
};

double percentile(std::vector<int64_t> &v, double p)
{
    if (v.empty())
        return 0;
    const size_t k = std::min(v.size() - 1, size_t(std::ceil(p * double(v.size())) - 1));
    std::nth_element(v.begin(), v.begin() + long(k), v.end());
    return double(v[k]) / 1e6;
}

void print(Result r)
{
    const double dps = double(r.deliveries) / r.seconds;
    const double p50 = percentile(r.latencyNs, 0.50);
    const double p99 = percentile(r.latencyNs, 0.99);
    const double max = r.latencyNs.empty() ? 0 : double(*std::max_element(r.latencyNs.begin(), r.latencyNs.end())) / 1e6;
    const std::string cpu = r.cpu < 0 ? "-" : std::to_string(r.deliveries ? r.cpu * 1e6 / double(r.deliveries) : 0.0).substr(0, 5);
    std::printf("| %-10s | %-34s | %9.0f | %7.2f | %7.2f | %8.2f | %5lld | %5lld | %6s | %7.1f |\n",
                r.target.c_str(), r.scenario.c_str(), dps, p50, p99, max, (long long)r.lost,
                (long long)r.duplicates, cpu.c_str(), r.rss);
    std::fflush(stdout);
}

using Nodes = std::vector<const Process *>; // servers of one database; senders use the first

double totalCpuSeconds(const Nodes &nodes)
{
    double sum = 0;
    for (const Process *p : nodes)
        sum += bench::cpuSeconds(p->pid);
    return sum;
}

double totalRssMiB(const Nodes &nodes)
{
    double sum = 0;
    for (const Process *p : nodes)
        sum += bench::rssMiB(p->pid);
    return sum;
}

// Fan-out: `subs` subscribers in one room, `senders` connections sending `rate` messages/s in
// total, bodies of `bodyBytes`. chat = chat-server's protocol; otherwise the Node peer's (every
// text frame is broadcast as is; senders receive their own too). With several nodes the
// subscribers are spread over them in turn and the senders are on the first.
Result fanout(bool chat, const Nodes &nodes, int subs, int senders, int rate, int bodyBytes,
              int seconds, const std::function<void(const std::string &token)> &duringWindow = {})
{
    const Process &server = *nodes.front();
    Result r;
    r.target = chat ? "chat-server" : "node ws";
    r.scenario = std::to_string(subs) + " subs x " + std::to_string(rate) + " msg/s, " + std::to_string(bodyBytes) + " B";
    Loop loop;
    std::string subToken, pubToken;
    if (chat) {
        subToken = registerUser(server.port, "sub" + std::to_string(server.port) + "x" + std::to_string(subs));
        pubToken = registerUser(server.port, "pub" + std::to_string(server.port) + "x" + std::to_string(subs));
    }
    bool measuring = false;
    int64_t maxSeq = 0;
    std::vector<WsConn *> subscribers, publishers;
    int ready = 0;
    auto onText = [&](WsConn &c, std::string_view text) {
        if (chat) {
            if (text.find("\"type\":\"event\"") != std::string_view::npos) {
                const int64_t seq = std::stoll(field(text, "seq"));
                const std::string body = field(text, "body");
                if (c.lastSeq != 0) {
                    if (seq <= c.lastSeq)
                        ++r.duplicates;
                    else if (measuring)
                        r.lost += seq - c.lastSeq - 1;
                }
                c.lastSeq = std::max(c.lastSeq, seq);
                if (measuring) {
                    ++r.deliveries;
                    r.latencyNs.push_back(nowNs() - std::stoll(body));
                    if (c.id < subs && c.id % int(nodes.size()) != 0)
                        r.remoteNs.push_back(r.latencyNs.back());
                }
            } else if (text.find("\"type\":\"hello\"") != std::string_view::npos) {
                if (c.id < subs)
                    c.sendText("{\"type\":\"subscribe\",\"room\":\"general\"}");
                else
                    ++ready;
            } else if (text.find("\"type\":\"subscribed\"") != std::string_view::npos) {
                c.lastSeq = std::stoll(field(text, "lastSeq"));
                ++ready;
            } else if (text.find("\"type\":\"ack\"") != std::string_view::npos) {
                maxSeq = std::max(maxSeq, int64_t(std::stoll(field(text, "seq"))));
            }
        } else if (c.id < subs) {
            const int64_t n = std::stoll(std::string(text.substr(text.find('|') + 1)));
            if (n <= c.lastSeq)
                ++r.duplicates;
            c.lastSeq = n;
            if (measuring) {
                ++r.deliveries;
                r.latencyNs.push_back(nowNs() - std::stoll(std::string(text)));
            }
        }
    };
    for (int i = 0; i < subs + senders; ++i) {
        const uint16_t port = i < subs ? nodes[size_t(i) % nodes.size()]->port : server.port;
        WsConn *c = loop.connect(port, chat ? "/ws" : "/", i < subs ? subToken : pubToken);
        c->onText = onText;
        if (!chat)
            c->onOpen = [&](WsConn &) { ++ready; };
        (i < subs ? subscribers : publishers).push_back(c);
        if (i % 500 == 499)
            loop.run(20, 1000, nullptr);
    }
    const int64_t deadline = nowNs() + 60'000'000'000;
    while (ready < subs + senders && nowNs() < deadline)
        loop.run(50, 1000, nullptr);
    if (ready < subs + senders)
        std::fprintf(stderr, "only %d of %d connections ready\n", ready, subs + senders);

    const std::string pad(size_t(std::max(0, bodyBytes - 30)), 'x');
    int64_t n = 0;
    size_t next = 0;
    int64_t start = nowNs();
    auto send = [&] {
        const int64_t due = int64_t(double(nowNs() - start) * rate / 1e9);
        for (; n < due; ++n) {
            const std::string body = std::to_string(nowNs()) + "|" + std::to_string(n + 1) + "|" + pad;
            WsConn *p = publishers[next++ % publishers.size()];
            if (chat)
                p->sendText("{\"type\":\"send\",\"room\":\"general\",\"clientId\":\"b" + std::to_string(n + 1) + "\",\"body\":\"" + body + "\"}");
            else
                p->sendText(body);
        }
    };
    loop.run(2000, 1, send); // warm-up
    if (duringWindow)
        duringWindow(subToken);
    measuring = true;
    const int64_t sentBefore = n;
    const double cpu0 = totalCpuSeconds(nodes);
    const int64_t t0 = nowNs();
    loop.run(int64_t(seconds) * 1000, 1, send);
    r.seconds = double(nowNs() - t0) / 1e9;
    r.cpu = totalCpuSeconds(nodes) - cpu0;
    r.sent = n - sentBefore;
    r.rss = totalRssMiB(nodes);
    measuring = false;
    loop.run(1000, 1000, nullptr); // drain: late deliveries are not counted, but checked for gaps
    if (chat) {
        for (WsConn *s : subscribers)
            r.lost += std::max<int64_t>(0, maxSeq - s->lastSeq);
    } else {
        for (WsConn *s : subscribers)
            r.lost += std::max<int64_t>(0, n - s->lastSeq);
    }
    return r;
}

// History: `wrk` GETs the newest 50 messages over keep-alive connections while a fan-out runs.
void history(const Process &server, int subs, int rate, int seconds)
{
    FILE *wrk = nullptr;
    Result fan = fanout(true, {&server}, subs, 1, rate, 100, seconds, [&](const std::string &token) {
        const std::string cmd = "wrk -t1 -c32 -d" + std::to_string(seconds) + "s --latency -H 'Authorization: Bearer "
                + token + "' 'http://127.0.0.1:" + std::to_string(server.port)
                + "/api/v2/rooms/general/events?limit=50' 2>&1";
        wrk = popen(cmd.c_str(), "r");
    });
    std::string out;
    if (wrk) {
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, wrk)) > 0)
            out.append(buf, n);
        pclose(wrk);
    }
    auto after = [&](const std::string &key) {
        const size_t at = out.find(key);
        if (at == std::string::npos)
            return std::string("?");
        std::istringstream in(out.substr(at + key.size()));
        std::string v;
        in >> v;
        return v;
    };
    fan.scenario = "fan-out during history GETs";
    print(fan);
    std::printf("| %-10s | %-34s | %9s req/s | p50 %s | p99 %s | (wrk -t1 -c32, keep-alive) |\n",
                "chat-server", ("history newest 50, " + std::to_string(subs) + "x" + std::to_string(rate)).c_str(),
                after("Requests/sec:").c_str(), after(" 50%").c_str(), after(" 99%").c_str());
    std::fflush(stdout);
}

// Ingest: `senders` connections keep `window` sends in flight each, as fast as acks come back;
// with several nodes the senders are spread over them in turn. threeRooms: sender i writes to
// room i % 3 instead of all to general (with 3 nodes: each node's senders to a room of its own).
Result ingest(const Nodes &nodes, const std::string &target, int senders, int window, int seconds,
              bool threeRooms = false)
{
    const Process &server = *nodes.front();
    Result r;
    r.target = target;
    r.scenario = "ingest " + std::to_string(senders) + " senders, window " + std::to_string(window)
            + (threeRooms ? ", 3 rooms" : "");
    Loop loop;
    const std::string token = registerUser(server.port, "ingest" + std::to_string(server.port));
    auto roomOf = [&](const WsConn &c) {
        return threeRooms ? "n" + std::to_string(c.id % 3) : std::string("general");
    };
    for (int i = 0; threeRooms && i < 3; ++i)
        httpPost(server.port, "/api/v2/rooms", "{\"name\":\"n" + std::to_string(i) + "\"}", token);
    int ready = 0;
    bool measuring = false;
    int64_t n = 0;
    std::vector<std::deque<int64_t>> sentAt(static_cast<size_t>(senders));
    auto sendOne = [&](WsConn &c) {
        ++n;
        sentAt[size_t(c.id)].push_back(nowNs());
        c.sendText("{\"type\":\"send\",\"room\":\"" + roomOf(c) + "\",\"clientId\":\"i" + std::to_string(n) + "\",\"body\":\"" + std::to_string(nowNs()) + "\"}");
    };
    for (int i = 0; i < senders; ++i) {
        WsConn *c = loop.connect(nodes[size_t(i) % nodes.size()]->port, "/ws", token);
        c->onText = [&](WsConn &conn, std::string_view text) {
            if (text.find("\"type\":\"hello\"") != std::string_view::npos) {
                ++ready;
            } else if (text.find("\"type\":\"ack\"") != std::string_view::npos) {
                // Acks on one connection come back in the order of its sends.
                const int64_t sent = sentAt[size_t(conn.id)].front();
                sentAt[size_t(conn.id)].pop_front();
                if (measuring) {
                    ++r.deliveries;
                    r.latencyNs.push_back(nowNs() - sent);
                }
                sendOne(conn);
            } else if (text.find("\"type\":\"error\"") != std::string_view::npos) {
                ++r.lost;
            }
        };
    }
    while (ready < senders)
        loop.run(50, 1000, nullptr);
    for (auto &c : loop.connections())
        for (int w = 0; w < window; ++w)
            sendOne(*c);
    loop.run(1000, 1000, nullptr);
    measuring = true;
    const double cpu0 = totalCpuSeconds(nodes);
    const int64_t t0 = nowNs();
    loop.run(int64_t(seconds) * 1000, 1000, nullptr);
    r.seconds = double(nowNs() - t0) / 1e9;
    r.cpu = totalCpuSeconds(nodes) - cpu0;
    r.rss = totalRssMiB(nodes);
    return r;
}

// Idle: open `count` authenticated connections and hold them; RSS per connection. Then SIGTERM
// with all of them open: the time to exit is the time a restart leaves the port dark.
void idle(Process &server, int count)
{
    Loop loop;
    const std::string token = registerUser(server.port, "idle" + std::to_string(server.port));
    const double before = rssMiB(server.pid);
    int ready = 0;
    for (int i = 0; i < count; ++i) {
        WsConn *c = loop.connect(server.port, "/ws", token);
        c->onText = [&](WsConn &, std::string_view text) {
            if (text.find("\"type\":\"hello\"") != std::string_view::npos)
                ++ready;
        };
        if (i % 500 == 499)
            loop.run(50, 1000, nullptr);
    }
    const int64_t deadline = nowNs() + 120'000'000'000;
    while (ready < count && nowNs() < deadline)
        loop.run(100, 1000, nullptr);
    loop.run(2000, 1000, nullptr);
    const double after = rssMiB(server.pid);
    std::printf("| %-10s | %-34s | %d of %d connections held; server RSS %.1f -> %.1f MiB = %.1f KiB per connection |\n",
                "chat-server", ("idle " + std::to_string(count)).c_str(), ready, count, before, after,
                (after - before) * 1024.0 / std::max(1, ready));
    const int64_t stopAt = nowNs();
    server.stop(); // SIGTERM, then waits for the exit
    std::printf("| %-10s | %-34s | SIGTERM to exit %.2f s |\n", "chat-server",
                ("exit with " + std::to_string(ready) + " held").c_str(), double(nowNs() - stopAt) / 1e9);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    std::string serverBin, nodeDir, pgBin, only;
    int seconds = 10;
    bool quick = false;
    struct Fan { int subs, rate, body; };
    std::vector<Fan> customFans; // --fan: only these fan-out points
    struct Ingest { int senders, window; };
    std::vector<Ingest> ingests{{50, 20}, {50, 4}}; // throughput with 1000 in flight; latency with 200
    Fan historyLoad{1000, 50, 100}; // the fan-out that runs while wrk reads history
    std::vector<int> storms{2000, 8000, 15000}; // clients reconnecting after a restart
    std::vector<std::pair<std::string, std::string>> env{
        {"CHAT_SEND_RATE", "1000000"}, {"CHAT_SEND_BURST", "1000000"}, {"QT_NO_GLIB", "1"},
        {"CHAT_REGISTER_PER_HOUR", "1000000"}, {"CHAT_ROOMS_PER_HOUR", "1000000"}};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--server" && i + 1 < argc)
            serverBin = argv[++i];
        else if (a == "--node-peer" && i + 1 < argc)
            nodeDir = argv[++i];
        else if (a == "--postgres" && i + 1 < argc)
            pgBin = argv[++i];
        else if (a == "--seconds" && i + 1 < argc)
            seconds = std::atoi(argv[++i]);
        else if (a == "--quick")
            quick = true;
        else if (a == "--only" && i + 1 < argc)
            only = argv[++i]; // fanout | history | ingest | nodes | idle | storm
        else if (a == "--fan" && i + 1 < argc) {
            int subs = 0, rate = 0;
            if (std::sscanf(argv[++i], "%d:%d", &subs, &rate) != 2 || subs <= 0 || rate <= 0) {
                std::fprintf(stderr, "chat-bench: --fan wants SUBS:RATE, e.g. 1000:200\n");
                return 2;
            }
            customFans.push_back({subs, rate, 100});
            only = "fanout";
        } else if (a == "--ingest" && i + 1 < argc) {
            int senders = 0, window = 0;
            if (std::sscanf(argv[++i], "%d:%d", &senders, &window) != 2 || senders <= 0 || window <= 0) {
                std::fprintf(stderr, "chat-bench: --ingest wants SENDERS:WINDOW, e.g. 50:20\n");
                return 2;
            }
            ingests = {{senders, window}};
            only = "ingest";
        } else if (a == "--history" && i + 1 < argc) {
            if (std::sscanf(argv[++i], "%d:%d", &historyLoad.subs, &historyLoad.rate) != 2
                || historyLoad.subs <= 0 || historyLoad.rate <= 0) {
                std::fprintf(stderr, "chat-bench: --history wants SUBS:RATE of the fan-out beside it, e.g. 1:1\n");
                return 2;
            }
            only = "history";
        } else if (a == "--storm" && i + 1 < argc) {
            const int n = std::atoi(argv[++i]);
            if (n <= 0) {
                std::fprintf(stderr, "chat-bench: --storm wants a number of clients, e.g. 15000\n");
                return 2;
            }
            if (only != "storm")
                storms.clear();
            storms.push_back(n);
            only = "storm";
        } else if (a == "--server-env" && i + 1 < argc) {
            const std::string kv = argv[++i]; // e.g. CHAT_WS_CORK_MS=0, to compare settings
            const size_t eq = kv.find('=');
            if (eq == std::string::npos) {
                std::fprintf(stderr, "chat-bench: --server-env wants NAME=VALUE\n");
                return 2;
            }
            env.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
        } else {
            std::fprintf(stderr, "usage: chat-bench --server BIN [--node-peer DIR] [--postgres BINDIR] [--seconds S] [--quick] [--only fanout|history|ingest|nodes|idle|storm] [--fan SUBS:RATE]... [--ingest SENDERS:WINDOW] [--history SUBS:RATE] [--storm CLIENTS]... [--server-env NAME=VALUE]...\n");
            return 2;
        }
    }
    if (serverBin.empty()) {
        std::fprintf(stderr, "chat-bench: --server is required\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    char dbDir[] = "/tmp/chat-bench-XXXXXX";
    if (!mkdtemp(dbDir))
        return 1;
    struct RemoveDir { const char *path; ~RemoveDir() { std::filesystem::remove_all(path); } } cleanup{dbDir};
    auto chatServer = [&](Process &p) {
        const std::string db = std::string(dbDir) + "/chat-" + std::to_string(getpid()) + "-" + std::to_string(nowNs()) + ".db";
        return start(p, {serverBin, "--listen", "127.0.0.1:{port}", "--db", db}, {}, env);
    };
    auto nodeServer = [&](Process &p) {
        return !nodeDir.empty() && start(p, {"node", "ws-broadcast.mjs", "{port}"}, nodeDir, {});
    };

    std::printf("| target     | scenario                           | deliv./s  | p50 ms  | p99 ms  | max ms   | lost  | dups  | µs CPU/deliv. | RSS MiB |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
    const std::vector<Fan> fans = !customFans.empty() ? customFans
            : quick ? std::vector<Fan>{{100, 50, 100}}
                    // 1000 x 2 beside 8000 x 2: the room 8x larger at the same rate per
                    // connection (a connection's cost per frame depends on its rate: ACKs).
                    : std::vector<Fan>{{1000, 50, 100}, {1000, 200, 100}, {1000, 2, 100}, {8000, 2, 100}};
    for (const Fan &f : fans) {
        if (!only.empty() && only != "fanout")
            break;
        {
            Process p;
            if (!chatServer(p)) {
                std::fprintf(stderr, "chat-server did not start\n");
                return 1;
            }
            print(fanout(true, {&p}, f.subs, 1, f.rate, f.body, seconds));
        }
        if (!nodeDir.empty()) {
            Process p;
            if (nodeServer(p))
                print(fanout(false, {&p}, f.subs, 1, f.rate, f.body, seconds));
            else
                std::fprintf(stderr, "node peer did not start (npm install in %s?)\n", nodeDir.c_str());
        }
    }
    if (only.empty() || only == "history") {
        Process p;
        if (system("command -v wrk >/dev/null 2>&1") != 0)
            std::fprintf(stderr, "wrk not installed: history scenario skipped\n");
        else if (chatServer(p))
            history(p, quick ? 100 : historyLoad.subs, quick ? 50 : historyLoad.rate, seconds);
    }
    if (only.empty() || only == "ingest") {
        if (quick)
            ingests = {{4, 4}};
        for (const Ingest &in : ingests) {
            Process p;
            if (chatServer(p))
                print(ingest({&p}, "chat-server", in.senders, in.window, seconds));
        }
        if (!pgBin.empty()) {
            PgCluster pg(pgBin);
            if (!pg.start()) {
                std::fprintf(stderr, "PostgreSQL did not start (%s/setup.log)\n", pg.dir().c_str());
                return 1;
            }
            for (const Ingest &in : ingests) {
                Process p;
                const std::string url = pg.createDatabase();
                if (!url.empty()
                    && start(p, {serverBin, "--listen", "127.0.0.1:{port}", "--db", url}, {}, env))
                    print(ingest({&p}, "chat-server on PostgreSQL", in.senders, in.window, seconds));
                else
                    std::fprintf(stderr, "chat-server on PostgreSQL did not start\n");
            }
        }
    }
    if ((only.empty() || only == "nodes") && !pgBin.empty()) {
        // One node, then three, on a PostgreSQL of their own: fan-out with the subscribers spread
        // over the nodes and the sender on the first; ingest with the senders spread.
        PgCluster pg(pgBin);
        if (!pg.start()) {
            std::fprintf(stderr, "PostgreSQL did not start (%s/setup.log)\n", pg.dir().c_str());
            return 1;
        }
        const Fan f = quick ? Fan{100, 50, 100} : Fan{1000, 50, 100};
        const Ingest in = quick ? Ingest{4, 4} : ingests.front();
        for (const char *what : {"fanout", "ingest", "ingest rooms"}) {
            for (int count : {1, 3}) {
                const std::string url = pg.createDatabase();
                std::vector<std::unique_ptr<Process>> servers;
                Nodes nodes;
                for (int i = 0; i < count && !url.empty(); ++i) {
                    servers.push_back(std::make_unique<Process>());
                    if (!start(*servers.back(), {serverBin, "--listen", "127.0.0.1:{port}", "--db", url}, {}, env))
                        break;
                    nodes.push_back(servers.back().get());
                }
                const int64_t deadline = nowNs() + 30'000'000'000;
                bool ready = int(nodes.size()) == count;
                for (const Process *node : nodes) {
                    while (!isReady(node->port) && nowNs() < deadline)
                        usleep(50'000);
                    ready = ready && isReady(node->port);
                }
                if (!ready) {
                    std::fprintf(stderr, "%d chat-server nodes on PostgreSQL did not come up\n", count);
                    continue;
                }
                const std::string target = count == 1 ? "1 node PG" : std::to_string(count) + " nodes PG";
                if (std::string(what) == "ingest") {
                    print(ingest(nodes, target, in.senders, in.window, seconds));
                    continue;
                }
                if (std::string(what) == "ingest rooms") {
                    print(ingest(nodes, target, in.senders, in.window, seconds, true));
                    continue;
                }
                Result r = fanout(true, nodes, f.subs, 1, f.rate, f.body, seconds);
                r.target = target;
                Result remote = r;
                remote.scenario += count == 1 ? "" : ", other nodes";
                remote.latencyNs = r.remoteNs;
                remote.deliveries = int64_t(r.remoteNs.size());
                remote.cpu = -1;
                print(r);
                if (count > 1)
                    print(remote);
            }
        }
    }
    if (only.empty() || only == "idle") {
        Process p;
        if (chatServer(p))
            idle(p, quick ? 500 : 15000);
    }
    if (only.empty() || only == "storm") {
        for (const int clients : quick ? std::vector<int>{500} : storms) {
            for (const bool keepPort : {false, true}) {
                const std::string db = std::string(dbDir) + "/storm-" + std::to_string(clients) + "-"
                        + std::to_string(nowNs()) + ".db";
                storm(serverBin, db, env, clients, keepPort);
            }
        }
    }
    return 0;
}
