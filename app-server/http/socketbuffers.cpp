// SPDX-License-Identifier: MIT
#include "socketbuffers.h"

#include <QAbstractSocket>
#include <QtCore/private/qiodevice_p.h>

void shrinkSocketBuffers(QAbstractSocket *socket)
{
    auto *d = static_cast<QIODevicePrivate *>(QObjectPrivate::get(socket));
    // A chunk size of 0 on the ring buffer: each reserve() gets a chunk of its own size, and
    // free() of the last byte releases it. (Not readBufferChunkSize = 0 on the device, which
    // would make a reopened socket without any read buffer at all.)
    if (socket->isReadable())
        d->buffer.setChunkSize(0);
    if (socket->isWritable())
        d->writeBuffer.setChunkSize(0);
}
