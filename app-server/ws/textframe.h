// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>

// A WebSocket text message framed once (RFC 6455, server to client: FIN, opcode 1, no mask), so
// that a broadcast writes the same bytes to every subscriber's socket; QWebSocket's
// sendTextMessage() converts the text to UTF-8 and frames it again for each recipient.
class TextFrame
{
public:
    TextFrame() = default;
    explicit TextFrame(QByteArrayView utf8)
    {
        const auto n = quint64(utf8.size());
        char header[10];
        qsizetype h = 0;
        header[h++] = char(0x81);
        if (n < 126) {
            header[h++] = char(n);
        } else if (n < 65536) {
            header[h++] = char(126);
            header[h++] = char(n >> 8);
            header[h++] = char(n);
        } else {
            header[h++] = char(127);
            for (int shift = 56; shift >= 0; shift -= 8)
                header[h++] = char(n >> shift);
        }
        m_bytes.reserve(h + utf8.size());
        m_bytes.append(header, h).append(utf8);
        m_header = h;
    }
    const QByteArray &bytes() const { return m_bytes; }
    QByteArrayView payload() const { return QByteArrayView(m_bytes).sliced(m_header); }

private:
    QByteArray m_bytes; // header and payload
    qsizetype m_header = 0;
};
