// SPDX-License-Identifier: MIT
// TextFrame: a text message framed once and written straight to the TCP socket under a server
// side QWebSocket, as WsSession does. A real QWebSocket client must read each one as the text
// it carries, between frames QWebSocket wrote itself.
#include "ws/textframe.h"

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

void tst_TextFrame::aClientReadsFramesWrittenUnderItsServerSocket()
{
    QTcpServer tcp;
    QVERIFY(tcp.listen(QHostAddress::LocalHost, 0));
    QWebSocketServer ws(u"test"_s, QWebSocketServer::NonSecureMode);
    QTcpSocket *transport = nullptr;
    connect(&tcp, &QTcpServer::newConnection, this, [&] {
        transport = tcp.nextPendingConnection();
        ws.handleConnection(transport);
    });
    QSignalSpy upgraded(&ws, &QWebSocketServer::newConnection);

    QWebSocket client;
    QStringList received;
    connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &t) { received.append(t); });
    client.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(tcp.serverPort())));
    QVERIFY(upgraded.wait());
    std::unique_ptr<QWebSocket> server(ws.nextPendingConnection());
    QVERIFY(transport);
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);

    QStringList sent;
    for (int size : {0, 125, 126, 65535, 65536, 200000}) {
        const QString text = QString(size, u'é').left(size / 2) + QString(size - size / 2, u'x');
        sent.append(text);
        transport->write(TextFrame(text.toUtf8()).bytes());
        const QString own = u"from QWebSocket %1"_s.arg(size); // its own frames in between
        sent.append(own);
        server->sendTextMessage(own);
    }
    QTRY_COMPARE(received.size(), sent.size());
    QCOMPARE(received, sent);
}

QTEST_GUILESS_MAIN(tst_TextFrame)
#include "tst_textframe.moc"
