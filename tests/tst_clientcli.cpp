// SPDX-License-Identifier: MIT
// chat-client's command line without a display: --help and --version print and exit 0, as for any
// command-line program, also beside Qt's own options.
#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;

class TestClientCli : public QObject
{
    Q_OBJECT

private slots:
    void worksWithoutADisplay_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expected");
        QTest::newRow("--help") << QStringList{u"--help"_s} << 0 << u"--server <URL>"_s;
        QTest::newRow("-h") << QStringList{u"-h"_s} << 0 << u"--register"_s;
        QTest::newRow("--version") << QStringList{u"--version"_s} << 0 << u"chat-client 0.1.0"_s;
        QTest::newRow("with Qt's own options") << QStringList{u"-qwindowgeometry"_s, u"640x540+10+40"_s, u"--help"_s}
                                               << 0 << u"--user <NAME>"_s;
    }

    void worksWithoutADisplay()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, expected);
        QProcess client;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &name : {u"DISPLAY"_s, u"WAYLAND_DISPLAY"_s})
            env.remove(name);
        env.insert(u"QT_QPA_PLATFORM"_s, u"xcb"_s); // a desktop session's default, with no X server
        client.setProcessEnvironment(env);
        client.setProcessChannelMode(QProcess::MergedChannels);
        client.start(QStringLiteral(CHAT_CLIENT_BINARY), args);
        QVERIFY(client.waitForFinished(20000));
        const QString output = QString::fromUtf8(client.readAll());
        QCOMPARE(client.exitStatus(), QProcess::NormalExit);
        QVERIFY2(client.exitCode() == exitCode, qPrintable(output));
        QVERIFY2(output.contains(expected), qPrintable(output));
    }
};

QTEST_GUILESS_MAIN(TestClientCli)
#include "tst_clientcli.moc"
