// SPDX-License-Identifier: MIT
#pragma once

class QAbstractSocket;

// A drained QAbstractSocket keeps the last chunk of its read buffer (16 KiB) and of its write
// buffer (32 KiB) for reuse, for as long as the socket lives: with the upgrade's request read
// and its 101 written, that was most of the memory an idle WebSocket cost. After
// shrinkSocketBuffers() a buffer that drains frees its chunk, and the next read or buffered
// write allocates just what it holds.
//
// It reaches into Qt's private QIODevicePrivate (qt6-base-private-dev, which Debian builds for
// the exact Qt it ships): Qt has no public way to set a socket's chunk sizes, and
// QIODevice::Unbuffered is honoured only by connectToHost(), never for an accepted socket.
// Call it after setSocketDescriptor(), which makes the buffers. A chunk the socket holds already
// is freed once it drains. For WebSockets only: without a kept chunk each write() goes out as a
// send() of its own, and HTTP responses, written in several, fell from about 10 000 to 500
// history requests per second (docs/performance.md).
void shrinkSocketBuffers(QAbstractSocket *socket);

// Read chunks of 1 KiB instead of 16, for every accepted socket: a read still takes all the
// kernel holds (in one chunk of that size if it is more), an HTTP request head fits the chunk
// the socket keeps for the next, and a connection whose first request waits to be served holds
// 1 KiB, not 16 (15 000 connecting at once, under heaptrack: heap peak 186 -> 154 MiB).
inline constexpr int kSmallReadChunk = 1024;
void useSmallReadChunks(QAbstractSocket *socket);
