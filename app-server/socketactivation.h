// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// A listening socket handed over by systemd socket activation (sd_listen_fds(3): LISTEN_PID is
// this process, LISTEN_FDS counts descriptors from 3). The socket outlives the server: across a
// restart connections wait in its backlog instead of being refused (chat-server.socket).
namespace SocketActivation {

// The descriptor of the inherited listening TCP socket, or -1 when none was handed over; the
// LISTEN_* variables are removed either way, so no child inherits them. More than one
// descriptor, or one that is not a listening stream socket, is an error: -1 with error set.
int takeListener(QString *error);

} // namespace SocketActivation
