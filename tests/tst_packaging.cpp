// SPDX-License-Identifier: MIT
// What an installation gets: `cmake --install` of this build tree (into a DESTDIR) puts the
// binaries, the systemd unit, the configuration, the desktop entry and the icon in their standard
// places with this installation's paths, keeps a configuration someone edited, and the installed
// server starts with the installed configuration; `cpack` builds the two .debs with their
// dependencies, the conffile and maintainer scripts that create the chat-server system user.
#include "httpclient.h"
#include "testserver.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
struct Run
{
    int exitCode = -1;
    QString output; // stdout and stderr
};

Run run(const QString &program, const QStringList &args, const QProcessEnvironment &env = {})
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    if (!env.isEmpty())
        p.setProcessEnvironment(env);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        r.output = u"timed out: "_s + program + u' ' + args.join(u' ');
        return r;
    }
    r.output = QString::fromLocal8Bit(p.readAll());
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

QString readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// `DESTDIR=root cmake --install BUILD --prefix prefix`
Run install(const QString &root, const QString &prefix)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"DESTDIR"_s, root);
    return run(QStringLiteral(CHAT_CMAKE),
               {u"--install"_s, QStringLiteral(CHAT_BUILD_DIR), u"--prefix"_s, prefix}, env);
}

// A field of a .deb's control file (dpkg-deb -f).
QString control(const QString &deb, const QString &field)
{
    return run(u"dpkg-deb"_s, {u"-f"_s, deb, field}).output.trimmed();
}
} // namespace

class TestPackaging : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    QString root(const QString &name) const { return m_dir.filePath(name); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const Run installed = install(root(u"usr-root"_s), u"/usr"_s);
        QVERIFY2(installed.exitCode == 0, qPrintable(installed.output));
    }

    void installPutsEveryFileInItsPlace()
    {
        const QString r = root(u"usr-root"_s);
        for (const char *path : {"/usr/bin/chat-server", "/usr/bin/chat-admin", "/usr/bin/chat-client",
                                 "/usr/lib/systemd/system/chat-server.service",
                                 "/usr/lib/systemd/system/chat-server.socket",
                                 "/etc/chat-server/chat-server.ini",
                                 "/usr/share/doc/chat-server/examples/chat-server.ini",
                                 "/usr/share/doc/chat-server/copyright",
                                 "/usr/share/doc/chat-client/copyright",
                                 "/usr/share/applications/chat-client.desktop",
                                 "/usr/share/icons/hicolor/64x64/apps/chat-client.png"}) {
            QVERIFY2(QFile::exists(r + QLatin1String(path)), path);
        }
        QVERIFY(QFileInfo(r + u"/usr/bin/chat-server"_s).isExecutable());

        const QString unit = readFile(r + u"/usr/lib/systemd/system/chat-server.service"_s);
        QVERIFY(unit.contains(
                u"\nExecStart=/usr/bin/chat-server --config /etc/chat-server/chat-server.ini\n"_s));
        QVERIFY(unit.contains(u"\nUser=chat-server\n"_s));
        QVERIFY(unit.contains(u"\nStateDirectory=chat-server\n"_s));
        QVERIFY(!unit.contains(u'@')); // every placeholder filled in

        const QString desktop = readFile(r + u"/usr/share/applications/chat-client.desktop"_s);
        QVERIFY(desktop.contains(u"\nExec=chat-client\n"_s));
        QVERIFY(desktop.contains(u"\nIcon=chat-client\n"_s)); // the installed icon's name
    }

    void installedServerStartsWithTheInstalledConfiguration()
    {
        const QString r = root(u"usr-root"_s);
        const QString config = r + u"/etc/chat-server/chat-server.ini"_s;
        QVERIFY(readFile(config).contains(u"\ndb=/var/lib/chat-server/chat.db\n"_s));
        // The unit's command line, with the database and port of this test (the command line wins).
        ServerProcess server(m_dir.filePath(u"chat.db"_s), {u"--config"_s, config});
        server.setProgram(r + u"/usr/bin/chat-server"_s);
        QVERIFY(server.start());
        HttpClient http(server.http());
        QCOMPARE(http.get(u"/healthz"_s).status, 200);
        QVERIFY(!http.registerUser(u"alice"_s).isEmpty());
    }

    void installKeepsAnEditedConfiguration()
    {
        const QString r = root(u"usr-root"_s);
        const QString config = r + u"/etc/chat-server/chat-server.ini"_s;
        QFile f(config);
        QVERIFY(f.open(QIODevice::Append));
        f.write("; edited by the admin\n");
        f.close();
        const Run again = install(r, u"/usr"_s);
        QVERIFY2(again.exitCode == 0, qPrintable(again.output));
        QVERIFY(readFile(config).endsWith(u"; edited by the admin\n"_s));
    }

    void anotherPrefixGetsItsOwnPaths()
    {
        const QString r = root(u"opt-root"_s);
        const Run installed = install(r, u"/opt/chat"_s);
        QVERIFY2(installed.exitCode == 0, qPrintable(installed.output));
        QVERIFY(QFile::exists(r + u"/opt/chat/etc/chat-server/chat-server.ini"_s));
        QVERIFY(!QFile::exists(r + u"/etc"_s));
        const QString unit = readFile(r + u"/opt/chat/lib/systemd/system/chat-server.service"_s);
        QVERIFY(unit.contains(u"\nExecStart=/opt/chat/bin/chat-server --config "
                              "/opt/chat/etc/chat-server/chat-server.ini\n"_s));
    }

    void debsCarryDependenciesConffileAndTheSystemUser()
    {
        const QString out = root(u"debs"_s);
        QVERIFY(QDir().mkpath(out));
        const Run packed = run(QStringLiteral(CHAT_CPACK),
                               {u"-G"_s, u"DEB"_s, u"-B"_s, out, u"--config"_s,
                                QStringLiteral(CHAT_BUILD_DIR "/CPackConfig.cmake")});
        QVERIFY2(packed.exitCode == 0, qPrintable(packed.output));
        const QStringList debs = QDir(out).entryList({u"*.deb"_s}, QDir::Files, QDir::Name);
        QCOMPARE(debs.size(), 2);
        const QString client = QDir(out).filePath(debs.at(0));
        const QString server = QDir(out).filePath(debs.at(1));
        QVERIFY(debs.at(0).startsWith(u"chat-client_"_s));
        QVERIFY(debs.at(1).startsWith(u"chat-server_"_s));

        const QString serverDepends = control(server, u"Depends"_s);
        // What dpkg-shlibdeps found, and the run-time pieces it cannot see (QtSql's driver).
        for (const char *dep : {"libqt6core6", "libqt6httpserver6", "libqt6websockets6",
                                "libsodium23", "libqt6sql6-sqlite", "libsqlite3-0", "adduser"})
            QVERIFY2(serverDepends.contains(QLatin1String(dep)), qPrintable(serverDepends));
        QVERIFY(!serverDepends.contains(u"libqt6widgets6"_s)); // the server never links Widgets
        const QString clientDepends = control(client, u"Depends"_s);
        for (const char *dep : {"libqt6widgets6", "libqt6keychain1", "libqt6websockets6",
                                "qt6-qpa-plugins", "libqt6sql6-sqlite"})
            QVERIFY2(clientDepends.contains(QLatin1String(dep)), qPrintable(clientDepends));

        const QString files = run(u"dpkg-deb"_s, {u"-c"_s, server}).output;
        QVERIFY(files.contains(u"./usr/bin/chat-server\n"_s));
        QVERIFY(files.contains(u"./usr/bin/chat-admin\n"_s));
        QVERIFY(files.contains(u"./usr/lib/systemd/system/chat-server.service\n"_s));
        QVERIFY(files.contains(u"./usr/lib/systemd/system/chat-server.socket\n"_s));
        QVERIFY(files.contains(u"./etc/chat-server/chat-server.ini\n"_s));
        QVERIFY(!files.contains(u"chat-client"_s));

        // The maintainer scripts: valid sh, the conffile, and a postinst that makes the user. Run
        // with stand-ins for the commands it calls (this test must not add users to the machine).
        const QString control = root(u"server-control"_s);
        QCOMPARE(run(u"dpkg-deb"_s, {u"-e"_s, server, control}).exitCode, 0);
        QCOMPARE(readFile(control + u"/conffiles"_s), u"/etc/chat-server/chat-server.ini\n"_s);
        for (const char *script : {"postinst", "prerm", "postrm"}) {
            const QString path = control + u'/' + QLatin1String(script);
            QVERIFY2(QFileInfo(path).isExecutable(), script);
            QCOMPARE(run(u"sh"_s, {u"-n"_s, path}).exitCode, 0);
        }
        const QString bin = root(u"stand-ins"_s);
        QVERIFY(QDir().mkpath(bin));
        const QString log = root(u"calls.log"_s);
        for (const char *command : {"getent", "adduser", "install", "systemctl"}) {
            QFile stub(bin + u'/' + QLatin1String(command));
            QVERIFY(stub.open(QIODevice::WriteOnly));
            // getent finds no user, so the script has to create it
            stub.write("#!/bin/sh\necho \"$(basename \"$0\") $*\" >> \"" + log.toUtf8() + "\"\n"
                       + (qstrcmp(command, "getent") == 0 ? "exit 2\n" : "exit 0\n"));
            stub.close();
            QVERIFY(stub.setPermissions(stub.permissions() | QFileDevice::ExeOwner));
        }
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"PATH"_s, bin + u":/usr/bin:/bin"_s);
        const Run postinst = run(u"sh"_s, {control + u"/postinst"_s, u"configure"_s, u""_s}, env);
        QVERIFY2(postinst.exitCode == 0, qPrintable(postinst.output));
        const QString calls = readFile(log);
        QVERIFY2(calls.contains(QRegularExpression(
                         u"^adduser --system --group --home /var/lib/chat-server .*chat-server$"_s,
                         QRegularExpression::MultilineOption)),
                 qPrintable(calls));
        QVERIFY2(calls.contains(u"install -d -o chat-server -g chat-server -m 0750 "
                                "/var/lib/chat-server\n"_s),
                 qPrintable(calls));
    }
};

QTEST_GUILESS_MAIN(TestPackaging)
#include "tst_packaging.moc"
