// SPDX-License-Identifier: MIT
#pragma once

#include "ratelimiter.h"

#include <QString>

#include <functional>

class AuthService;
class FileService;
class Metrics;
class Hub;
class OutputLedger;
class RoomService;
struct ServerConfig;

// The long-lived parts a request or a connection works with; owned by ChatServer. Transports
// reach the database only through the domain services (rooms, auth), never the store itself.
struct ServerServices
{
    const ServerConfig *config = nullptr;
    RoomService *rooms = nullptr;
    AuthService *auth = nullptr;
    Hub *hub = nullptr;
    // Inbound WebSocket frames of any kind, per user across all their connections: opening more
    // sockets buys no more work.
    RateLimiter *frames = nullptr;
    OutputLedger *output = nullptr; // bytes queued to slow readers, capped
    AddressRateLimiter *registrations = nullptr; // accounts created, per client address
    RateLimiter *roomCreations = nullptr;        // rooms created, per user
    // /readyz: whether this server can serve now, and if not why; answered on the main thread.
    using ReadyCallback = std::function<void(bool ready, const QString &reason)>;
    std::function<void(QObject *context, ReadyCallback done)> checkReady;
    Metrics *metrics = nullptr;
    FileService *files = nullptr; // uploads and downloads
};
