// SPDX-License-Identifier: MIT
#include "minihttp.h"

#include <arpa/inet.h>
#include <cctype>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace bench {

std::string httpPost(uint16_t port, const std::string &path, const std::string &body,
                     const std::string &token)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return {};
    }
    std::string req = "POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      "Content-Type: application/json\r\nContent-Length: "
            + std::to_string(body.size()) + "\r\n"
            + (token.empty() ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n" + body;
    (void)!::send(fd, req.data(), req.size(), 0);
    // Read until the body is complete (QtHttpServer 6.4 keeps the connection open regardless of
    // "Connection: close").
    std::string resp;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
        resp.append(buf, size_t(n));
        const size_t head = resp.find("\r\n\r\n");
        if (head == std::string::npos)
            continue;
        const size_t cl = resp.find("Content-Length: ");
        const size_t length = cl < head ? std::stoul(resp.substr(cl + 16)) : 0;
        if (resp.size() >= head + 4 + length)
            break;
    }
    ::close(fd);
    const size_t at = resp.find("\r\n\r\n");
    return at == std::string::npos ? std::string() : resp.substr(at + 4);
}

bool isReady(uint16_t port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string resp;
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0) {
        const std::string req = "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n";
        (void)!::send(fd, req.data(), req.size(), 0);
        char buf[1024];
        ssize_t n;
        while (resp.find("\r\n\r\n") == std::string::npos && (n = ::recv(fd, buf, sizeof buf, 0)) > 0)
            resp.append(buf, size_t(n));
    }
    ::close(fd);
    return resp.rfind("HTTP/1.1 200", 0) == 0;
}

std::string field(std::string_view json, std::string_view key)
{
    const std::string needle = "\"" + std::string(key) + "\":";
    const size_t at = json.find(needle);
    if (at == std::string_view::npos)
        return {};
    size_t p = at + needle.size();
    if (json[p] == '"') {
        const size_t end = json.find('"', p + 1);
        return std::string(json.substr(p + 1, end - p - 1));
    }
    size_t end = p;
    while (end < json.size() && (isdigit(static_cast<unsigned char>(json[end])) || json[end] == '-'))
        ++end;
    return std::string(json.substr(p, end - p));
}

std::string registerUser(uint16_t port, const std::string &name)
{
    const std::string body = "{\"username\":\"" + name + "\",\"password\":\"bench-password\"}";
    return field(httpPost(port, "/api/v2/register", body), "token");
}

} // namespace bench
