// SPDX-License-Identifier: MIT
// The real chat-server binary starting, or refusing to: a true message for each database that
// cannot be opened, no folder created for a mistyped --db, nothing left behind when the port is
// taken, and log lines with a time and no secrets.
#include "httpclient.h"
#include "testserver.h"
#include "wsclient.h"

#include <QDir>
#include <QFile>
#include <QHostInfo>
#include <QProcess>
#include <QSqlQuery>
#include <QSqlDatabase>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <sys/prctl.h>

using namespace Qt::StringLiterals;

namespace {
struct Run
{
    int exitCode = -1;
    QString output; // stdout and stderr
};

// Runs chat-server with these arguments until it exits (it must refuse to start).
Run refusedStart(const QStringList &args)
{
    QProcess server;
    server.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    server.setProcessChannelMode(QProcess::MergedChannels);
    server.start(QStringLiteral(CHAT_SERVER_BINARY), args);
    Run run;
    if (!server.waitForFinished(20000)) {
        server.kill();
        server.waitForFinished();
        run.output = u"(still running)"_s;
        return run;
    }
    run.exitCode = server.exitCode();
    run.output = QString::fromUtf8(server.readAll());
    return run;
}

// A listening socket on 127.0.0.1 that nobody accepts on, as systemd holds one for a .socket unit.
struct HeldListener
{
    int fd = -1;
    quint16 port = 0;
    HeldListener()
    {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&addr), len) != 0 || ::listen(fd, 16) != 0
            || ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
            return;
        }
        port = ntohs(addr.sin_port);
    }
    ~HeldListener()
    {
        if (fd >= 0)
            ::close(fd);
    }
};
} // namespace

class TestServerStartup : public QObject
{
    Q_OBJECT

private slots:
    void databaseThatCannotBeOpenedIsExplained_data()
    {
        QTest::addColumn<QString>("db");
        QTest::addColumn<QString>("expected");
        QTest::newRow("file system without new files") << u"/proc/chat.db"_s
                                                      << u"cannot create files in /proc"_s;
        QTest::newRow("missing folder") << u"%1/no/such/folder/chat.db"_s
                                        << u"the folder %1/no/such/folder does not exist"_s;
        QTest::newRow("folder is a file") << u"%1/plain-file/chat.db"_s
                                          << u"%1/plain-file is not a folder"_s;
        QTest::newRow("database is a folder") << u"%1"_s << u"it is a folder, not a file"_s;
    }

    void databaseThatCannotBeOpenedIsExplained()
    {
        QFETCH(QString, db);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QFile plain(dir.filePath(u"plain-file"_s));
        QVERIFY(plain.open(QIODevice::WriteOnly));
        plain.close();
        db.replace(u"%1"_s, dir.path());
        expected.replace(u"%1"_s, dir.path());
        const Run run = refusedStart({u"--listen"_s, u"127.0.0.1:0"_s, u"--db"_s, db});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.output.contains(expected), qPrintable(run.output));
        QVERIFY2(!run.output.contains(u"pid 0"_s), qPrintable(run.output));
        // A mistyped --db creates nothing.
        QVERIFY(!QFileInfo::exists(dir.filePath(u"no"_s)));
    }

    void aSocketFromSystemdStaysOpenAcrossARestart()
    {
        QTemporaryDir dir;
        HeldListener listener;
        QVERIFY(listener.port != 0);
        QString token;
        {
            ServerProcess first(dir.filePath(u"chat.db"_s));
            first.setListener(listener.fd);
            QVERIFY(first.start());
            QCOMPARE(first.http().port(), int(listener.port)); // its socket, not --listen's port
            QVERIFY(first.log().contains("listening on the socket systemd passed"));
            token = HttpClient(first.http()).registerUser(u"alice"_s);
            WsClient ws(first.ws(), token);
            QVERIFY(ws.connectAndHello());
            int exitCode = -1;
            QVERIFY(first.terminate(&exitCode));
            QCOMPARE(exitCode, 0);
        }
        // No server runs: the connection is taken into the socket's backlog, not refused.
        QTcpSocket waiting;
        waiting.connectToHost(QHostAddress::LocalHost, listener.port);
        QVERIFY(waiting.waitForConnected(5000));
        waiting.write("GET /api/v2/rooms HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                      + token.toLatin1() + "\r\n\r\n");
        QVERIFY(waiting.waitForBytesWritten(5000));
        ServerProcess second(dir.filePath(u"chat.db"_s));
        second.setListener(listener.fd);
        QVERIFY(second.start());
        // The next server answers it.
        QTRY_VERIFY_WITH_TIMEOUT(waiting.canReadLine(), 10000);
        QCOMPARE(waiting.readLine().trimmed(), QByteArray("HTTP/1.1 200 OK"));
    }

    void aSocketMeantForAnotherProcessIsNotTaken()
    {
        // LISTEN_* inherited from a parent that was socket-activated: not this server's.
        QTemporaryDir dir;
        HeldListener listener;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        server.setEnv(u"LISTEN_PID"_s, u"1"_s);
        server.setEnv(u"LISTEN_FDS"_s, u"1"_s);
        QVERIFY(server.start());
        QVERIFY(server.http().port() != int(listener.port));
        QVERIFY(!server.log().contains("systemd"));
    }

    void databaseInUseNamesTheProcess()
    {
        QTemporaryDir dir;
        ServerProcess first(dir.filePath(u"chat.db"_s));
        QVERIFY(first.start());
        const Run run = refusedStart({u"--listen"_s, u"127.0.0.1:0"_s, u"--db"_s, dir.filePath(u"chat.db"_s)});
        QCOMPARE(run.exitCode, 1);
        const QString expected = u"is in use by another process (chat-server, pid %1 on host %2)"_s
                                         .arg(first.pid())
                                         .arg(QSysInfo::machineHostName());
        QVERIFY2(run.output.contains(expected), qPrintable(run.output));
        // The same file by another name: a symbolic link, a detour through "..".
        QVERIFY(QFile::link(dir.filePath(u"chat.db"_s), dir.filePath(u"link.db"_s)));
        QVERIFY(QDir(dir.path()).mkdir(u"sub"_s));
        for (const QString &other : {dir.filePath(u"link.db"_s), dir.filePath(u"sub/../chat.db"_s)}) {
            const Run again = refusedStart({u"--listen"_s, u"127.0.0.1:0"_s, u"--db"_s, other});
            QCOMPARE(again.exitCode, 1);
            QVERIFY2(again.output.contains(u"is in use by another process"_s), qPrintable(again.output));
        }
    }

    void damagedDatabaseIsRefused()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(u"chat.db"_s);
        {
            ServerProcess server(db);
            QVERIFY(server.start());
            HttpClient http(server.http());
            const QString token = http.registerUser(u"alice"_s);
            for (int i = 0; i < 50; ++i) {
                QCOMPARE(http.post(u"/api/v2/rooms/general/messages"_s,
                                   {{"clientId"_L1, u"c%1"_s.arg(i)}, {"body"_L1, QString(500, u'x')}}, token)
                                 .status,
                         201);
            }
            int exitCode = -1;
            QVERIFY(server.terminate(&exitCode));
        }
        // Overwrite the first page of the events table's b-tree.
        qint64 rootPage = 0, pageSize = 0;
        {
            QSqlDatabase sql = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"damage"_s);
            sql.setDatabaseName(db);
            QVERIFY(sql.open());
            QSqlQuery q(sql);
            QVERIFY(q.exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s));
            QVERIFY(q.exec(u"SELECT rootpage FROM sqlite_master WHERE name = 'events'"_s) && q.next());
            rootPage = q.value(0).toLongLong();
            QVERIFY(q.exec(u"PRAGMA page_size"_s) && q.next());
            pageSize = q.value(0).toLongLong();
            q = QSqlQuery();
            sql.close();
        }
        QSqlDatabase::removeDatabase(u"damage"_s);
        QFile file(db);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.seek((rootPage - 1) * pageSize));
        QCOMPARE(file.write(QByteArray(int(pageSize), '\xA5')), pageSize);
        file.close();

        const Run run = refusedStart({u"--listen"_s, u"127.0.0.1:0"_s, u"--db"_s, db});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.output.contains(u"the database %1 is damaged"_s.arg(db)), qPrintable(run.output));
    }

    void takenPortLeavesNoDatabaseBehind()
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost));
        QTemporaryDir dir;
        const QString db = dir.filePath(u"chat.db"_s);
        const Run run = refusedStart({u"--listen"_s, u"127.0.0.1:%1"_s.arg(taken.serverPort()),
                                      u"--db"_s, db});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.output.contains(u"cannot listen on 127.0.0.1:%1"_s.arg(taken.serverPort())),
                 qPrintable(run.output));
        QCOMPARE(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries), QStringList());
    }

    void unreadableTlsFilesAreNamed()
    {
        QTemporaryDir dir;
        const Run run = refusedStart({u"--listen"_s, u"127.0.0.1:0"_s, u"--db"_s, dir.filePath(u"chat.db"_s),
                                      u"--tls-cert"_s, dir.path(), u"--tls-key"_s, u"/proc/no-such-key.pem"_s});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.output.contains(u"cannot read %1: it is a folder"_s.arg(dir.path())), qPrintable(run.output));
        QVERIFY(!QFileInfo::exists(dir.filePath(u"chat.db"_s)));
    }

    void unreachablePostgresIsExplained()
    {
        // No PostgreSQL listens in this folder: the server says where it tried and why, exits
        // 1, and never prints the password.
        QTemporaryDir dir;
        QFile secret(dir.filePath(u"db-password"_s));
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.write("s3cret-db-password\n");
        secret.close();
        const Run run = refusedStart({u"--listen"_s, u"127.0.0.1:0"_s, u"--db"_s,
                                      u"postgresql://chat@/chat?host=%1"_s.arg(dir.path()),
                                      u"--db-password-file"_s, secret.fileName()});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.output.contains(u"cannot connect to postgresql://chat@%1/chat"_s.arg(dir.path())),
                 qPrintable(run.output));
        QVERIFY2(run.output.contains(u".s.PGSQL.5432"_s), qPrintable(run.output)); // libpq's reason, with the socket
        QVERIFY(!run.output.contains(u"s3cret"_s));

        const Run unreadable = refusedStart({u"--listen"_s, u"127.0.0.1:0"_s, u"--db"_s,
                                             u"postgresql://chat@/chat?host=%1"_s.arg(dir.path()),
                                             u"--db-password-file"_s, dir.filePath(u"missing"_s)});
        QCOMPARE(unreadable.exitCode, 1);
        QVERIFY2(unreadable.output.contains(u"cannot read the database password file"_s),
                 qPrintable(unreadable.output));

        const Run malformed = refusedStart({u"--db"_s, u"postgresql://chat@host/"_s});
        QCOMPARE(malformed.exitCode, 2); // a usage error, as for every bad setting
        QVERIFY2(malformed.output.contains(u"for db: expected an SQLite file path or postgresql://"_s),
                 qPrintable(malformed.output));
    }

    void logLinesHaveTimeAndLevelAndNoSecrets_data()
    {
        QTest::addColumn<bool>("journal");
        QTest::newRow("terminal") << false;
        QTest::newRow("journald") << true;
    }

    void logLinesHaveTimeAndLevelAndNoSecrets()
    {
        QFETCH(bool, journal);
        QTemporaryDir dir;
        QProcess server;
        server.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(u"QT_MESSAGE_PATTERN"_s);
        env.remove(u"JOURNAL_STREAM"_s);
        if (journal)
            env.insert(u"JOURNAL_STREAM"_s, u"8:12345"_s);
        server.setProcessEnvironment(env);
        server.start(QStringLiteral(CHAT_SERVER_BINARY),
                     {u"--listen"_s, u"127.0.0.1:0"_s, u"--db"_s, dir.filePath(u"chat.db"_s)});
        QVERIFY(server.waitForStarted());
        QByteArray out;
        static const QRegularExpression listening(u"listening on http://[^:]+:(\\d+)"_s);
        QRegularExpressionMatch match;
        QTRY_VERIFY_WITH_TIMEOUT((out += server.readAllStandardOutput(),
                                  (match = listening.match(QString::fromUtf8(out))).hasMatch()),
                                 20000);
        HttpClient http(QUrl(u"http://127.0.0.1:%1"_s.arg(match.captured(1))));
        const QString token = http.registerUser(u"alice"_s);
        QVERIFY(!token.isEmpty());
        const HttpResponse login = http.post(u"/api/v2/login"_s,
                                             {{"username"_L1, u"alice"_s}, {"password"_L1, HttpClient::password()}});
        QCOMPARE(login.status, 200);
        const QString loginToken = login.json.value("token"_L1).toString();
        QCOMPARE(http.post(u"/api/v2/login"_s, {{"username"_L1, u"alice"_s}, {"password"_L1, u"not the password"_s}}).status, 401);
        QCOMPARE(http.post(u"/api/v2/rooms"_s, {{"name"_L1, u"ops"_s}}, token).status, 201);
        {
            QWebSocket ws;
            QNetworkRequest request(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(match.captured(1))));
            request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
            WsClient::openCurrent(ws, request);
            QSignalSpy hello(&ws, &QWebSocket::textMessageReceived);
            QVERIFY(hello.wait(10000));
            ws.close();
            QTRY_COMPARE(ws.state(), QAbstractSocket::UnconnectedState);
        }
        ::kill(pid_t(server.processId()), SIGTERM);
        QVERIFY(server.waitForFinished(15000));
        const QString log = QString::fromUtf8(server.readAllStandardError());

        const QStringList expected{u"chat.server.auth: registration of alice from 127.0.0.1"_s,
                                   u"chat.server.auth: login of alice from 127.0.0.1"_s,
                                   u"chat.server.auth: login refused from 127.0.0.1 : wrong password or unknown user alice"_s,
                                   u"chat.server: public room ops created by alice"_s,
                                   u"chat.server.ws: connection of alice from 127.0.0.1"_s,
                                   u"chat.server.ws: disconnected alice from 127.0.0.1"_s};
        for (const QString &line : expected)
            QVERIFY2(log.contains(line), qPrintable(u"missing \"%1\" in:\n%2"_s.arg(line, log)));
        static const QRegularExpression timed(
                u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (info|warning|debug|critical) chat\\.server"_s);
        static const QRegularExpression prioritised(u"^<[2-7]>chat\\.server"_s);
        const QStringList lines = log.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY(lines.size() >= expected.size());
        for (const QString &line : lines)
            QVERIFY2((journal ? prioritised : timed).match(line).hasMatch(), qPrintable(line));
        for (const QString &secret : {token, loginToken, HttpClient::password(), u"not the password"_s})
            QVERIFY2(!log.contains(secret), qPrintable(secret));
    }
};

QTEST_GUILESS_MAIN(TestServerStartup)
#include "tst_serverstartup.moc"
