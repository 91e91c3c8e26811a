// SPDX-License-Identifier: MIT
#include "socketactivation.h"

#include <QByteArray>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace SocketActivation {

namespace {
constexpr int kFirstFd = 3; // SD_LISTEN_FDS_START
}

int takeListener(QString *error)
{
    const QByteArray pid = qgetenv("LISTEN_PID");
    const QByteArray fds = qgetenv("LISTEN_FDS");
    qunsetenv("LISTEN_PID");
    qunsetenv("LISTEN_FDS");
    qunsetenv("LISTEN_FDNAMES");
    bool ok = false;
    if (pid.isEmpty() || pid.toLongLong(&ok) != qint64(::getpid()) || !ok)
        return -1; // not for us (or not there): listen as configured
    const int count = fds.toInt(&ok);
    if (!ok || count < 1)
        return -1;
    if (count > 1) {
        *error = u"systemd passed %1 sockets; chat-server listens on exactly one (one ListenStream= in chat-server.socket)"_s.arg(count);
        return -1;
    }
    int type = 0;
    int listening = 0;
    socklen_t len = sizeof type;
    const bool stream = ::getsockopt(kFirstFd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM;
    len = sizeof listening;
    if (!stream || ::getsockopt(kFirstFd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) {
        *error = u"the socket systemd passed is not a listening TCP socket (ListenStream= in chat-server.socket)"_s;
        return -1;
    }
    ::fcntl(kFirstFd, F_SETFD, FD_CLOEXEC); // ours, not a child's
    return kFirstFd;
}

} // namespace SocketActivation
