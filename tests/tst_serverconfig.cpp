// SPDX-License-Identifier: MIT
// ServerConfig merging: defaults < INI file < CHAT_* environment < command line.
#include "serverconfig.h"

#include <QCommandLineParser>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestServerConfig : public QObject
{
    Q_OBJECT

private:
    static void parse(QCommandLineParser &parser, const QStringList &args)
    {
        ServerConfig::addCommandLineOptions(parser);
        QVERIFY(parser.parse(QStringList{u"chat-server"_s} + args));
    }
    QString writeIni(const QByteArray &content)
    {
        const QString path = m_dir.filePath(u"server.ini"_s);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write ini");
        f.write(content);
        return path;
    }
    QTemporaryDir m_dir;

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void defaults()
    {
        QCommandLineParser parser;
        parse(parser, {});
        QString error;
        const auto c = ServerConfig::resolve(parser, QProcessEnvironment(), &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->listenAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(c->port, 8080);
        QCOMPARE(c->openRegistration, true);
        QCOMPARE(c->maxBodyBytes, 4096);
        QCOMPARE(c->wsCorkMs, 0);
        QVERIFY(c->resolvedDatabase().path.endsWith(u"/chat.db"_s));
    }

    void precedence()
    {
        const QString ini = writeIni("[server]\nlisten=0.0.0.0:9000\nmax_body_bytes=100\n"
                                     "send_rate=5\nopen_registration=off\nlog_rules=chat.*.debug=true\n");
        QProcessEnvironment env;
        env.insert(u"CHAT_MAX_BODY_BYTES"_s, u"200"_s);
        env.insert(u"CHAT_SEND_RATE"_s, u"7.5"_s);
        env.insert(u"CHAT_LISTEN"_s, u"127.0.0.2:9001"_s);
        QCommandLineParser parser;
        parse(parser, {u"--config"_s, ini, u"--listen"_s, u"[::1]:9002"_s});
        QString error;
        const auto c = ServerConfig::resolve(parser, env, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->listenAddress, QHostAddress(QHostAddress::LocalHostIPv6)); // CLI wins
        QCOMPARE(c->port, 9002);
        QCOMPARE(c->maxBodyBytes, 200);   // env over file
        QCOMPARE(c->sendRate, 7.5);       // env over file
        QCOMPARE(c->openRegistration, false); // file over default
        QCOMPARE(c->logRules, u"chat.*.debug=true"_s);
        QCOMPARE(c->listenString(), u"[::1]:9002"_s);
    }

    void configFileFromEnvironment()
    {
        const QString ini = writeIni("[server]\ndb=/tmp/x/chat.db\n");
        QProcessEnvironment env;
        env.insert(u"CHAT_CONFIG"_s, ini);
        QCommandLineParser parser;
        parse(parser, {u"--open-registration"_s, u"off"_s});
        QString error;
        const auto c = ServerConfig::resolve(parser, env, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->resolvedDatabase().path, u"/tmp/x/chat.db"_s);
        QCOMPARE(c->openRegistration, false);
    }

    void badValues_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::newRow("listen no port") << u"listen"_s << u"127.0.0.1"_s;
        QTest::newRow("listen bad host") << u"listen"_s << u"nohost:80"_s;
        QTest::newRow("listen port range") << u"listen"_s << u"127.0.0.1:70000"_s;
        QTest::newRow("bool") << u"open_registration"_s << u"maybe"_s;
        QTest::newRow("int") << u"max_body_bytes"_s << u"lots"_s;
        QTest::newRow("int range") << u"max_body_bytes"_s << u"0"_s;
        QTest::newRow("rate") << u"send_rate"_s << u"-1"_s;
        QTest::newRow("cork range") << u"ws_cork_ms"_s << u"101"_s;
        QTest::newRow("unknown") << u"colour"_s << u"blue"_s;
        QTest::newRow("db empty") << u"db"_s << u""_s;
        QTest::newRow("db no database") << u"db"_s << u"postgresql://chat@db.example.org:5432/"_s;
        QTest::newRow("db two path parts") << u"db"_s << u"postgresql://chat@db.example.org/a/b"_s;
        QTest::newRow("db bad port") << u"db"_s << u"postgresql://chat@/chat?port=99999"_s;
        QTest::newRow("db unknown parameter") << u"db"_s << u"postgresql://chat@/chat?sslmode=off"_s;
    }

    void badValues()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QString error;
        QVERIFY(!ServerConfig::merge({{{key, value}}}, &error));
        QVERIFY2(error.contains(key), qPrintable(error));
    }

    void listenForms()
    {
        QString error;
        auto c = ServerConfig::merge({{{u"listen"_s, u"*:81"_s}}}, &error);
        QVERIFY(c);
        QCOMPARE(c->listenAddress, QHostAddress(QHostAddress::Any));
        c = ServerConfig::merge({{{u"listen"_s, u"localhost:0"_s}}}, &error);
        QVERIFY(c);
        QCOMPARE(c->port, 0);
    }

    void databaseForms_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("postgres");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("database");
        QTest::addColumn<QString>("shown"); // in logs, never with the password
        QTest::newRow("path") << u"/var/lib/chat/chat.db"_s << false << QString() << -1
                              << QString() << QString() << u"/var/lib/chat/chat.db"_s;
        QTest::newRow("sqlite:") << u"sqlite:relative.db"_s << false << QString() << -1
                                 << QString() << QString() << u"relative.db"_s;
        QTest::newRow("tcp") << u"postgresql://chat:s3cret@db.example.org:6432/chatdb"_s << true
                             << u"db.example.org"_s << 6432 << u"chat"_s << u"chatdb"_s
                             << u"postgresql://chat@db.example.org:6432/chatdb"_s;
        QTest::newRow("postgres:// and defaults")
                << u"postgres:///chat"_s << true << QString() << -1 << QString() << u"chat"_s
                << u"postgresql://localhost/chat"_s;
        QTest::newRow("unix socket") << u"postgresql://chat@/chat?host=/run/postgresql&port=5433"_s
                                     << true << u"/run/postgresql"_s << 5433 << u"chat"_s
                                     << u"chat"_s << u"postgresql://chat@/run/postgresql:5433/chat"_s;
    }

    void databaseForms()
    {
        QFETCH(QString, value);
        QFETCH(bool, postgres);
        QString error;
        const auto c = ServerConfig::merge({{{u"db"_s, value}}}, &error);
        QVERIFY2(c, qPrintable(error));
        const DatabaseUrl url = c->resolvedDatabase();
        QCOMPARE(url.isPostgreSql(), postgres);
        QTEST(url.displayName(), "shown");
        if (!postgres)
            return;
        QTEST(url.host, "host");
        QTEST(url.port, "port");
        QTEST(url.user, "user");
        QTEST(url.database, "database");
    }

    void tlsNeedsCertificateAndKey()
    {
        QString error;
        QVERIFY(!ServerConfig::merge({{{u"tls_cert"_s, u"/x/cert.pem"_s}}}, &error));
        QVERIFY(error.contains(u"tls_key"_s));
        const auto c = ServerConfig::merge({{{u"tls_cert"_s, u"/x/cert.pem"_s}, {u"tls_key"_s, u"/x/key.pem"_s}}}, &error);
        QVERIFY(c);
        QVERIFY(c->tlsEnabled());
    }

    void unknownIniKeyIsAnError()
    {
        const QString ini = writeIni("[server]\nlisten=127.0.0.1:1\nmax_bodybytes=5\n");
        QString error;
        QVERIFY(!ServerConfig::layerFromIniFile(ini, &error));
        QVERIFY(error.contains(u"max_bodybytes"_s));
        QVERIFY(!ServerConfig::layerFromIniFile(m_dir.filePath(u"missing.ini"_s), &error));
    }

    void shippedExampleIsTheDefaults()
    {
        QString error;
        const auto layer = ServerConfig::layerFromIniFile(
                QStringLiteral(CHAT_SOURCE_DIR "/resources/chat-server.ini"), &error);
        QVERIFY2(layer, qPrintable(error));
        const auto c = ServerConfig::merge({*layer}, &error);
        QVERIFY2(c, qPrintable(error));
        const ServerConfig d;
        QCOMPARE(c->listenString(), d.listenString());
        QCOMPARE(c->maxBodyBytes, d.maxBodyBytes);
        QCOMPARE(c->maxHttpBodyBytes, d.maxHttpBodyBytes);
        QCOMPARE(c->maxHttpHeaderBytes, d.maxHttpHeaderBytes);
        QCOMPARE(c->maxWsMessageBytes, d.maxWsMessageBytes);
        QCOMPARE(c->sendRate, d.sendRate);
        QCOMPARE(c->sendBurst, d.sendBurst);
        QCOMPARE(c->pingIntervalSecs, d.pingIntervalSecs);
        QCOMPARE(c->presenceRoomLimit, d.presenceRoomLimit);
        QCOMPARE(c->presenceGraceSecs, d.presenceGraceSecs);
        QCOMPARE(c->httpIdleTimeoutSecs, d.httpIdleTimeoutSecs);
        QCOMPARE(c->httpRequestTimeoutSecs, d.httpRequestTimeoutSecs);
        QCOMPARE(c->tokenTtlDays, d.tokenTtlDays);
        QCOMPARE(c->openRegistration, d.openRegistration);
        QCOMPARE(c->dbPath, u"/var/lib/chat-server/chat.db"_s); // the service's
        QCOMPARE(c->metricsRemote, d.metricsRemote);
        // all but db_password_file, log_rules, tls_*, node_name (no default to show)
        QCOMPARE(layer->size(), ServerConfig::keys().size() - 5);
    }

    void environmentUsesEveryKey()
    {
        QProcessEnvironment env;
        for (const QString &key : ServerConfig::keys())
            env.insert(u"CHAT_"_s + key.toUpper(), u"x"_s);
        QCOMPARE(ServerConfig::layerFromEnvironment(env).size(), ServerConfig::keys().size());
    }
};

QTEST_GUILESS_MAIN(TestServerConfig)
#include "tst_serverconfig.moc"
