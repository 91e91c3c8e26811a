// SPDX-License-Identifier: MIT
// TLS: the server with --tls-cert/--tls-key speaks https and wss only; the client refuses a
// certificate it cannot verify, says why in plain words, and connects once the user trusted that
// very certificate. Certificates are made at test time with the openssl tool.
#include "chatclient.h"
#include "testserver.h"
#include "wsclient.h"

#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

using namespace Qt::StringLiterals;

class TestTls : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;
    quint16 m_port = 0;

    bool makeCertificate(const QString &name)
    {
        QProcess openssl;
        openssl.start(u"openssl"_s,
                      {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-days"_s, u"2"_s,
                       u"-subj"_s, u"/CN=localhost"_s, u"-addext"_s,
                       u"subjectAltName=IP:127.0.0.1,DNS:localhost"_s, u"-keyout"_s,
                       m_dir.filePath(name + u".key"_s), u"-out"_s, m_dir.filePath(name + u".pem"_s)});
        return openssl.waitForFinished(60000) && openssl.exitCode() == 0;
    }
    QSslCertificate certificate(const QString &name)
    {
        QFile f(m_dir.filePath(name + u".pem"_s));
        return f.open(QIODevice::ReadOnly) ? QSslCertificate(f.readAll(), QSsl::Pem) : QSslCertificate();
    }
    bool startServer(const QString &name)
    {
        m_server = std::make_unique<ServerProcess>(
                m_dir.filePath(u"chat.db"_s),
                QStringList{u"--tls-cert"_s, m_dir.filePath(name + u".pem"_s), u"--tls-key"_s,
                            m_dir.filePath(name + u".key"_s)});
        m_server->setPort(m_port);
        return m_server->start();
    }
    QUrl https(const QString &path = {}) const { return QUrl(u"https://127.0.0.1:%1%2"_s.arg(m_port).arg(path)); }
    QSslConfiguration trusting(const QString &name)
    {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates({certificate(name)});
        return tls;
    }
    ChatClient::Options options()
    {
        ChatClient::Options o;
        o.server = https();
        o.dataDir = m_dir.filePath(u"client"_s);
        o.trustFile = m_dir.filePath(u"trust.ini"_s);
        o.tuning.backoff = {100, 1000};
        return o;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(QSslSocket::supportsSsl(), "no TLS backend");
        QVERIFY(makeCertificate(u"first"_s));
        QVERIFY(makeCertificate(u"second"_s));
        m_port = ServerProcess::freePort();
        QVERIFY(startServer(u"first"_s));
    }

    void httpsAndWssOnly()
    {
        // Plain HTTP gets no HTTP answer.
        QTcpSocket plain;
        plain.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(plain.waitForConnected(5000));
        plain.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QByteArray answer;
        connect(&plain, &QTcpSocket::readyRead, &plain, [&] { answer += plain.readAll(); });
        QSignalSpy closed(&plain, &QTcpSocket::disconnected);
        QVERIFY(closed.wait(10000));
        QVERIFY(!answer.contains("HTTP/1.1 200"));

        QNetworkAccessManager nam;
        QNetworkRequest health(https(u"/healthz"_s));
        health.setSslConfiguration(trusting(u"first"_s));
        QNetworkReply *reply = nam.get(health);
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);

        QNetworkRequest reg(https(u"/api/v2/register"_s));
        reg.setSslConfiguration(trusting(u"first"_s));
        reg.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        QNetworkReply *created = nam.post(reg, "{\"username\":\"tess\",\"password\":\"correct horse\"}");
        QSignalSpy createdDone(created, &QNetworkReply::finished);
        QVERIFY(createdDone.wait(15000));
        QCOMPARE(created->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 201);
        const QString token = AuthResult::fromJson(QJsonDocument::fromJson(created->readAll()).object())->token;

        QWebSocket ws;
        ws.setSslConfiguration(trusting(u"first"_s));
        QSignalSpy text(&ws, &QWebSocket::textMessageReceived);
        QNetworkRequest upgrade(QUrl(u"wss://127.0.0.1:%1/ws"_s.arg(m_port)));
        upgrade.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        WsClient::openCurrent(ws, upgrade);
        QVERIFY(text.wait(10000));
        QVERIFY(text.first().at(0).toString().contains(u"\"hello\""_s));
    }

    void clientRefusesThenTrustsTheCertificate()
    {
        const QString fingerprint = CertificateTrust::fingerprint(certificate(u"first"_s));
        {
            ChatClient client(options());
            QSignalSpy rejected(&client, &ChatClient::certificateRejected);
            QSignalSpy failed(&client, &ChatClient::loginFailed);
            client.login(u"carol"_s, u"correct horse"_s, ChatClient::Account::NewOrExisting);
            QVERIFY(failed.wait(15000));
            QCOMPARE(rejected.size(), 1);
            const auto problem = rejected.first().at(0).value<CertificateProblem>();
            QCOMPARE(problem.server, u"127.0.0.1:%1"_s.arg(m_port));
            QCOMPARE(CertificateTrust::fingerprint(problem.certificate), fingerprint);
            const QString message = failed.first().at(0).toString();
            QVERIFY2(message.contains(u"self-signed"_s) && message.contains(fingerprint), qPrintable(message));
            client.certificateTrust()->trust(problem.server, problem.certificate); // the user says yes
        }
        ChatClient client(options()); // a later run: the decision was remembered
        QSignalSpy started(&client, &ChatClient::sessionStarted);
        client.login(u"carol"_s, u"correct horse"_s, ChatClient::Account::NewOrExisting);
        QVERIFY(started.wait(15000));
        QTRY_COMPARE_WITH_TIMEOUT(client.connection()->state(), ChatConnection::State::Connected, 15000);
        client.openRoom(u"general"_s);
        client.sendMessage(u"general"_s, u"over wss"_s);
        QTRY_COMPARE_WITH_TIMEOUT(client.messages(u"general"_s)->confirmedCount(), 1, 15000);
    }

    void anotherCertificateIsNotTrusted()
    {
        m_server.reset();
        QVERIFY(startServer(u"second"_s)); // same server, a new certificate
        ChatClient client(options());
        QSignalSpy rejected(&client, &ChatClient::certificateRejected);
        QSignalSpy failed(&client, &ChatClient::loginFailed);
        client.login(u"carol"_s, u"correct horse"_s, ChatClient::Account::Existing);
        QVERIFY(failed.wait(15000));
        QCOMPARE(rejected.size(), 1);
        QCOMPARE(CertificateTrust::fingerprint(rejected.first().at(0).value<CertificateProblem>().certificate),
                 CertificateTrust::fingerprint(certificate(u"second"_s)));
    }
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
