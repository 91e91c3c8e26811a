// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// The few blocking HTTP calls the benchmark makes to set a scenario up (never in the load path).
namespace bench {

// POST on a fresh connection; returns the response body ("" on failure).
std::string httpPost(uint16_t port, const std::string &path, const std::string &body,
                     const std::string &token = {});
// GET /readyz answers 200: the server hears the other servers of its database.
bool isReady(uint16_t port);
// The value of "key" in flat JSON text (a string's characters, or a number's digits).
std::string field(std::string_view json, std::string_view key);
// A new account's token ("" on failure).
std::string registerUser(uint16_t port, const std::string &name);

} // namespace bench
