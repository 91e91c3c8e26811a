// SPDX-License-Identifier: MIT
#include "socketbuffers.h"

#include <QAbstractSocket>
#include <QtCore/private/qiodevice_p.h>

namespace {
QIODevicePrivate *devicePrivate(QAbstractSocket *socket)
{
    return static_cast<QIODevicePrivate *>(QObjectPrivate::get(socket));
}
} // namespace

void useSmallReadChunks(QAbstractSocket *socket)
{
    if (socket->isReadable())
        devicePrivate(socket)->buffer.setChunkSize(kSmallReadChunk);
}

void shrinkSocketBuffers(QAbstractSocket *socket)
{
    // A chunk size of 0 on a ring buffer: each reserve() gets a chunk of its own size, and free()
    // of the last byte releases it. (Not readBufferChunkSize = 0 on the device, which would make
    // a reopened socket without any read buffer at all.)
    auto *d = devicePrivate(socket);
    if (socket->isReadable())
        d->buffer.setChunkSize(0);
    if (socket->isWritable())
        d->writeBuffer.setChunkSize(0);
}
