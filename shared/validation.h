// SPDX-License-Identifier: MIT
#pragma once

#include "errorcode.h"

#include <QString>

#include <optional>

// Names and sizes both sides agree on (docs/protocol.md, "Names and limits").
namespace Validation {

inline constexpr int kMaxUserNameLength = 32;
inline constexpr int kMaxRoomNameLength = 64;
inline constexpr int kMaxClientIdLength = 64;
inline constexpr int kMaxDeviceNameLength = 64;
inline constexpr int kDefaultMaxBodyBytes = 4096;
inline constexpr int kMinPasswordLength = 8;
inline constexpr int kMaxPasswordBytes = 1024;

bool isValidUserName(QStringView name);   // [A-Za-z0-9_.-]{1,32}
bool isValidRoomName(QStringView name);   // [a-z0-9_-]{1,64}
bool isValidClientId(QStringView id);     // 1..64 chars, no control characters
bool isValidDeviceName(QStringView name); // 0..64 chars, no control characters

// A message body: non-empty, well-formed UTF-16 (no lone surrogates), no NUL, and at most
// maxBytes once encoded as UTF-8. nullopt when valid, else EmptyBody, InvalidBody or BodyTooLong.
std::optional<ErrorCode> bodyError(QStringView body, int maxBytes);
QString bodyErrorMessage(ErrorCode error, int maxBytes); // for the wire

// Returns an empty string when acceptable, else a human-readable reason.
QString passwordError(QStringView password);

} // namespace Validation
