// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

// Argon2id through libsodium (crypto_pwhash_str, "interactive" limits: 2 passes, 64 MiB).
// Both calls are slow on purpose (~0.1 s) and thread-safe: run them off the event loop.
namespace PasswordHasher {

bool initialize(); // sodium_init(); call once before any other function
QByteArray hash(const QString &password); // empty on failure (out of memory)
bool verify(const QByteArray &hash, const QString &password);

// 32 random bytes, base64url without padding: the bearer token handed to the client once.
QString newToken();
// What the database keeps instead of the token: SHA-256 of its text (the token is random and
// long, so a fast hash is enough; a stolen table does not yield usable tokens).
QByteArray tokenDigest(const QString &token);

} // namespace PasswordHasher
