// SPDX-License-Identifier: MIT
// TextFrame: a text message framed once, and FrameWriter: such frames written straight to the
// TCP socket under a server side QWebSocket, as WsSession does. A real QWebSocket client must
// read each one as the text it carries, in order, between frames QWebSocket wrote itself.
#include "http/socketbuffers.h"
#include "ws/framewriter.h"
#include "ws/textframe.h"

#include <QDeadlineTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <memory>

using namespace Qt::StringLiterals;

class tst_TextFrame : public QObject
{
    Q_OBJECT

private slots:
    void headerHasTheLengthInTheShortestForm_data();
    void headerHasTheLengthInTheShortestForm();
    void aClientReadsFramesWrittenUnderItsServerSocket();
    void whatTheKernelDoesNotTakeWaitsInTheSocketBufferInOrder();

private:
    // A QWebSocket client connected to a QWebSocketServer; server and transport are its peer.
    struct Pair
    {
        QTcpServer tcp;
        QWebSocketServer ws{u"test"_s, QWebSocketServer::NonSecureMode};
        QTcpSocket *transport = nullptr;
        std::unique_ptr<QWebSocket> server;
        QWebSocket client;
        QStringList received;
    };
    static bool connectPair(Pair &pair);
};

void tst_TextFrame::headerHasTheLengthInTheShortestForm_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("empty") << 0 << QByteArray("\x81\x00", 2);
    QTest::newRow("125") << 125 << QByteArray("\x81\x7d", 2);
    QTest::newRow("126: two length bytes") << 126 << QByteArray("\x81\x7e\x00\x7e", 4);
    QTest::newRow("65535") << 65535 << QByteArray("\x81\x7e\xff\xff", 4);
    QTest::newRow("65536: eight length bytes") << 65536
                                               << QByteArray("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10);
}

void tst_TextFrame::headerHasTheLengthInTheShortestForm()
{
    QFETCH(int, size);
    QFETCH(QByteArray, header);
    const QByteArray text(size, 'a');
    const TextFrame frame(text);
    QCOMPARE(frame.bytes().first(header.size()), header);
    QCOMPARE(frame.bytes().size(), header.size() + size);
    QCOMPARE(frame.payload(), QByteArrayView(text));
}

bool tst_TextFrame::connectPair(Pair &p)
{
    if (!p.tcp.listen(QHostAddress::LocalHost, 0))
        return false;
    connect(&p.tcp, &QTcpServer::newConnection, &p.tcp, [&p] {
        p.transport = p.tcp.nextPendingConnection();
        shrinkSocketBuffers(p.transport); // as GuardedTcpServer does: chunks freed when drained
        p.ws.handleConnection(p.transport);
    });
    connect(&p.client, &QWebSocket::textMessageReceived, &p.client,
            [&p](const QString &t) { p.received.append(t); });
    QSignalSpy upgraded(&p.ws, &QWebSocketServer::newConnection);
    p.client.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(p.tcp.serverPort())));
    if (!upgraded.wait())
        return false;
    p.server.reset(p.ws.nextPendingConnection());
    QDeadlineTimer deadline(5000);
    while (p.client.state() != QAbstractSocket::ConnectedState && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    return p.transport && p.client.state() == QAbstractSocket::ConnectedState;
}

void tst_TextFrame::aClientReadsFramesWrittenUnderItsServerSocket()
{
    Pair p;
    QVERIFY(connectPair(p));
    FrameWriter writer(p.transport);
    QStringList sent;
    qint64 bytes = 0;
    for (int size : {0, 125, 126, 65535, 65536, 200000}) {
        const QString text = QString(size, u'é').left(size / 2) + QString(size - size / 2, u'x');
        sent.append(text);
        const TextFrame frame(text.toUtf8());
        bytes += frame.bytes().size();
        writer.queue(frame.bytes());
        writer.writeOut();
        QTRY_COMPARE(writer.unwritten(), 0); // QWebSocket's own frame waits for it to be out
        const QString own = u"from QWebSocket %1"_s.arg(size); // its own frames in between
        sent.append(own);
        p.server->sendTextMessage(own);
        QTRY_COMPARE(p.transport->bytesToWrite(), 0);
    }
    QTRY_COMPARE(p.received.size(), sent.size());
    QCOMPARE(p.received, sent);
    QVERIFY(writer.sentDirectly() > 0); // the small ones, at least, did not touch the buffer
    QVERIFY(writer.sentDirectly() <= bytes);
}

void tst_TextFrame::whatTheKernelDoesNotTakeWaitsInTheSocketBufferInOrder()
{
    Pair p;
    QVERIFY(connectPair(p));
    FrameWriter writer(p.transport);
    // Several frames in one write, more than the kernel takes at once while the client reads
    // nothing (this thread is busy): the rest goes to the socket's buffer. What is queued after
    // goes behind it, through the buffer, whatever the kernel would take by then.
    QStringList sent;
    for (int i = 0; i < 64; ++i) {
        sent.append(QString(256 * 1024, QChar(u'a' + i % 26)));
        writer.queue(TextFrame(sent.constLast().toUtf8()).bytes());
    }
    writer.writeOut();
    const qint64 direct = writer.sentDirectly();
    QVERIFY(direct > 0);
    QVERIFY2(p.transport->bytesToWrite() > 0, "16 MiB went into the kernel at once: no remainder to test");
    QCOMPARE(writer.unwritten(), p.transport->bytesToWrite());
    // Let the client read some, the buffer still holding the rest when the next frame comes.
    const qint64 buffered = p.transport->bytesToWrite();
    QDeadlineTimer deadline(10000);
    while (p.transport->bytesToWrite() == buffered && !deadline.hasExpired())
        QCoreApplication::processEvents(); // a pass at a time: QTRY_* would drain it all
    QVERIFY2(p.transport->bytesToWrite() > 0, "the buffer drained before the next frame was queued");
    sent.append(u"after the remainder"_s);
    writer.queue(TextFrame(sent.constLast().toUtf8()).bytes());
    writer.writeOut();
    QCOMPARE(writer.sentDirectly(), direct); // not past what waits in the buffer
    QTRY_COMPARE_WITH_TIMEOUT(p.received.size(), sent.size(), 30000);
    QCOMPARE(p.received, sent);
    QCOMPARE(writer.unwritten(), 0);

    // Once the socket is closed nothing more is written, and nothing stays queued.
    p.transport->abort();
    writer.queue(TextFrame("late").bytes());
    writer.writeOut();
    QCOMPARE(writer.unwritten(), 0);
}

QTEST_GUILESS_MAIN(tst_TextFrame)
#include "tst_textframe.moc"
