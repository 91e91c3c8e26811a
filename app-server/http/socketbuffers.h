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
// Call it after setSocketDescriptor(), which makes the buffers, and before the socket reads.
void shrinkSocketBuffers(QAbstractSocket *socket);
