// SPDX-License-Identifier: MIT
#include "framewriter.h"

#include <QSslSocket>

#include <sys/socket.h>

FrameWriter::FrameWriter(QTcpSocket *socket)
    : m_socket(socket), m_plain(!qobject_cast<QSslSocket *>(socket))
{
}

void FrameWriter::writeOut()
{
    if (m_out.isEmpty())
        return;
    const QByteArray out = std::exchange(m_out, {});
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    qsizetype sent = 0;
    if (m_plain && m_socket->bytesToWrite() == 0) {
        // The descriptor is non-blocking (Qt made it so). An error, EAGAIN or one the socket
        // will notice and report on its own (a reset), leaves it all to the buffer.
        const ssize_t n = ::send(int(m_socket->socketDescriptor()), out.constData(),
                                 size_t(out.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0)
            sent = qsizetype(n);
        m_sentDirectly += sent;
    }
    if (sent < out.size())
        m_socket->write(out.constData() + sent, out.size() - sent);
}
