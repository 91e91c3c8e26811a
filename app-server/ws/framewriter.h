// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QPointer>
#include <QTcpSocket>

// Whole WebSocket frames for one connected TCP socket, gathered until writeOut(). Then, when the
// socket's own buffer is empty, they go to the kernel in one send() on its descriptor: no copy
// into QIODevice's ring buffer, no write notifier switched on and off, no bytesWritten signal
// through QTcpSocket and QWebSocket for every delivery. What the kernel does not take goes into
// the socket's buffer, for Qt to drain as usual; so does everything while that buffer holds
// anything, which keeps the order. Frames QWebSocket writes itself (pongs, the close frame) go
// through the buffer, whole, and never interleave with these.
class FrameWriter
{
public:
    // A TLS socket is written to through its encryption only: everything goes to its buffer.
    explicit FrameWriter(QTcpSocket *socket);

    void queue(const QByteArray &frame) { m_out.append(frame); }
    // Hands what was queued to the kernel or, what it would not take, to the socket's buffer.
    // Nothing is written once the socket is no longer connected.
    void writeOut();
    // Queued here and waiting in the socket's buffer.
    qint64 unwritten() const
    {
        return m_out.size() + (m_socket ? m_socket->bytesToWrite() : 0);
    }
    // Bytes that went straight to the kernel, since the writer was made.
    qint64 sentDirectly() const { return m_sentDirectly; }

private:
    QPointer<QTcpSocket> m_socket; // QWebSocketServer's, deleted with the QWebSocket over it
    bool m_plain; // not TLS: the descriptor carries the frames as they are
    QByteArray m_out;
    qint64 m_sentDirectly = 0;
};
