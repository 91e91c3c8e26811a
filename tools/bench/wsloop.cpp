// SPDX-License-Identifier: MIT
#include "wsloop.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

namespace bench {

int64_t nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

Loop::Loop() : m_epoll(epoll_create1(0)) {}

Loop::~Loop()
{
    for (auto &c : m_conns) {
        if (c->m_fd >= 0)
            ::close(c->m_fd);
    }
    ::close(m_epoll);
}

size_t Loop::openCount() const
{
    size_t n = 0;
    for (const auto &c : m_conns)
        n += c->open ? 1 : 0;
    return n;
}

WsConn *Loop::connect(uint16_t port, const std::string &path, const std::string &token)
{
    auto conn = std::make_unique<WsConn>();
    WsConn *c = conn.get();
    c->id = int(m_conns.size());
    c->m_loop = this;
    c->m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(c->m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::connect(c->m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr); // EINPROGRESS
    c->m_out = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat.v2\r\n"
            + (token.empty() ? std::string() : "Authorization: Bearer " + token + "\r\n") + "\r\n";
    c->m_wantWrite = true;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.ptr = c;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, c->m_fd, &ev);
    m_conns.push_back(std::move(conn));
    return c;
}

void Loop::update(WsConn *c)
{
    epoll_event ev{};
    ev.events = EPOLLIN | (c->m_wantWrite ? EPOLLOUT : 0);
    ev.data.ptr = c;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, c->m_fd, &ev);
}

void Loop::run(int64_t durationMs, int tickMs, const std::function<void()> &tick)
{
    m_stop = false;
    const int64_t end = nowNs() + durationMs * 1000000;
    int64_t nextTick = nowNs();
    std::vector<epoll_event> events(1024);
    while (!m_stop) {
        const int64_t now = nowNs();
        if (now >= end)
            break;
        if (tick && now >= nextTick) {
            tick();
            nextTick = now + int64_t(tickMs) * 1000000;
        }
        const int64_t waitNs = std::min(end, tick ? nextTick : end) - nowNs();
        const int n = epoll_wait(m_epoll, events.data(), int(events.size()),
                                 int(std::max<int64_t>(0, waitNs / 1000000)));
        for (int i = 0; i < n; ++i) {
            auto *c = static_cast<WsConn *>(events[i].data.ptr);
            if (c->closed)
                continue;
            if (events[i].events & EPOLLOUT)
                c->flush();
            if (!c->closed && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                c->readable();
        }
    }
}

void WsConn::drop()
{
    if (closed)
        return;
    closed = true;
    open = false;
    ::close(m_fd); // also leaves the epoll set
    m_fd = -1;
}

void WsConn::fail()
{
    if (closed)
        return;
    drop();
    if (onClosed)
        onClosed(*this);
}

void WsConn::sendText(std::string_view text)
{
    if (closed)
        return;
    // Client frames are masked (RFC 6455); a zero mask keeps the payload readable and cheap.
    unsigned char header[14];
    size_t h = 0;
    header[h++] = 0x81;
    if (text.size() < 126) {
        header[h++] = 0x80 | uint8_t(text.size());
    } else if (text.size() < 65536) {
        header[h++] = 0x80 | 126;
        header[h++] = uint8_t(text.size() >> 8);
        header[h++] = uint8_t(text.size());
    } else {
        header[h++] = 0x80 | 127;
        for (int s = 56; s >= 0; s -= 8)
            header[h++] = uint8_t(uint64_t(text.size()) >> s);
    }
    for (int k = 0; k < 4; ++k)
        header[h++] = 0;
    m_out.append(reinterpret_cast<const char *>(header), h);
    m_out.append(text);
    if (m_handshakeDone)
        flush();
}

void WsConn::flush()
{
    while (!m_out.empty()) {
        const ssize_t n = ::send(m_fd, m_out.data(), m_out.size(), MSG_NOSIGNAL);
        if (n > 0) {
            m_out.erase(0, size_t(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN))
            break;
        fail();
        return;
    }
    const bool want = !m_out.empty();
    if (want != m_wantWrite) {
        m_wantWrite = want;
        m_loop->update(this);
    }
}

void WsConn::readable()
{
    char buf[65536];
    for (;;) {
        const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
        if (n > 0) {
            m_in.append(buf, size_t(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        fail();
        return;
    }
    if (!m_handshakeDone) {
        const size_t end = m_in.find("\r\n\r\n");
        if (end == std::string::npos)
            return;
        if (m_in.compare(0, 12, "HTTP/1.1 101") != 0) {
            fail();
            return;
        }
        m_in.erase(0, end + 4);
        m_handshakeDone = true;
        open = true;
        if (onOpen)
            onOpen(*this);
        flush();
    }
    parseFrames();
}

void WsConn::parseFrames()
{
    size_t pos = 0;
    while (m_in.size() - pos >= 2) {
        const auto *p = reinterpret_cast<const unsigned char *>(m_in.data() + pos);
        const int opcode = p[0] & 0x0f;
        uint64_t len = p[1] & 0x7f;
        size_t h = 2;
        if (len == 126) {
            if (m_in.size() - pos < 4)
                break;
            len = (uint64_t(p[2]) << 8) | p[3];
            h = 4;
        } else if (len == 127) {
            if (m_in.size() - pos < 10)
                break;
            len = 0;
            for (int i = 0; i < 8; ++i)
                len = (len << 8) | p[2 + i];
            h = 10;
        }
        if (m_in.size() - pos < h + len)
            break;
        const std::string_view payload(m_in.data() + pos + h, size_t(len));
        if (opcode == 0x1 && onText) {
            onText(*this, payload);
        } else if (opcode == 0x9) { // ping: answer with a pong carrying the same payload
            std::string pong;
            pong.push_back(char(0x8a));
            pong.push_back(char(0x80 | payload.size()));
            pong.append(4, '\0');
            pong.append(payload);
            m_out.append(pong);
            flush();
        } else if (opcode == 0x8) {
            if (payload.size() >= 2)
                closeCode = (uint8_t(payload[0]) << 8) | uint8_t(payload[1]);
            fail();
            return;
        }
        pos += h + size_t(len);
    }
    m_in.erase(0, pos);
}

} // namespace bench
