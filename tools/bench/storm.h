// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace bench {

// A reconnect storm: `clients` WebSocket connections subscribed to one room (one more sends to it
// all along, 2 messages/s), then the server is restarted (SIGTERM, a new process on the same port
// and database). Every client comes back the way the desktop client does (ChatConnection: backoff
// with full jitter, 500 ms doubling to 30 s, attempt 0 after a stable connection) and resubscribes
// from its cursor; the sender resends what was not acked with the same client ids. Prints how long
// until every client had its `subscribed`, the new server's CPU until then, connect attempts, and
// messages lost or duplicated over the whole run. With keepPort the bench holds the listening
// socket and hands it to both processes (as chat-server.socket has systemd do): connections made
// during the restart wait in its backlog instead of being refused.
void storm(const std::string &serverBin, const std::string &db,
           const std::vector<std::pair<std::string, std::string>> &env, int clients, bool keepPort);

} // namespace bench
