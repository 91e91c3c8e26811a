// SPDX-License-Identifier: MIT
#pragma once

class AuthService;
class Hub;
class RateLimiter;
class StoreService;
struct ServerConfig;

// The long-lived parts a request or a connection works with; owned by ChatServer.
struct ServerServices
{
    const ServerConfig *config = nullptr;
    StoreService *store = nullptr;
    AuthService *auth = nullptr;
    RateLimiter *limiter = nullptr;
    Hub *hub = nullptr;
};
