// SPDX-License-Identifier: MIT
#pragma once

// A small epoll loop driving many non-blocking WebSocket client connections, cheap enough that
// one thread can load the server under test (one QWebSocket per simulated user would not be).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

int64_t nowNs(); // CLOCK_MONOTONIC

class Loop;

class WsConn
{
public:
    std::function<void(WsConn &)> onOpen;
    std::function<void(WsConn &, std::string_view text)> onText;
    std::function<void(WsConn &)> onClosed;
    int id = 0;
    bool open = false;
    bool closed = false;
    int64_t lastSeq = 0; // bookkeeping for scenarios
    int closeCode = 0;   // of the peer's close frame, if one came

    void sendText(std::string_view text);
    // Closes the connection from this side (its descriptor too); onClosed is not called.
    void drop();

private:
    friend class Loop;
    int m_fd = -1;
    Loop *m_loop = nullptr;
    std::string m_out;
    std::string m_in;
    bool m_handshakeDone = false;
    bool m_wantWrite = false;
    std::string m_request;
    void flush();
    void readable();
    void parseFrames();
    void fail(); // the peer closed, refused or reset: closed once, descriptor released, onClosed
};

class Loop
{
public:
    Loop();
    ~Loop();
    // Connects to 127.0.0.1:port and upgrades at path with an optional bearer token.
    WsConn *connect(uint16_t port, const std::string &path, const std::string &token);
    // Runs until stop() or the deadline (ms from now); calls tick about every tickMs.
    void run(int64_t durationMs, int tickMs, const std::function<void()> &tick);
    void stop() { m_stop = true; }
    size_t openCount() const;
    std::vector<std::unique_ptr<WsConn>> &connections() { return m_conns; }

private:
    friend class WsConn;
    void update(WsConn *c);
    int m_epoll = -1;
    bool m_stop = false;
    std::vector<std::unique_ptr<WsConn>> m_conns;
};

} // namespace bench
