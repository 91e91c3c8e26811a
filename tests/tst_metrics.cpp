// SPDX-License-Identifier: MIT
// GET /metrics: Prometheus text with chat_ names and the node label, counters that follow the
// traffic, loopback only unless metrics_remote=on (a proxied request is never local). The
// registry's own rendering is checked directly.
#include "httpclient.h"
#include "metrics.h"
#include "testdatabase.h"
#include "testserver.h"
#include "wsclient.h"

#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestMetrics : public QObject
{
    Q_OBJECT

private:
    // The value of one sample line ("name{labels} value"), nullopt when absent.
    static std::optional<double> sample(const QByteArray &text, const QString &name)
    {
        const QRegularExpression line(u"^%1\\{node=\"[^\"]+\"\\} (\\S+)$"_s.arg(QRegularExpression::escape(name)),
                                      QRegularExpression::MultilineOption);
        const auto match = line.match(QString::fromUtf8(text));
        if (!match.hasMatch())
            return std::nullopt;
        return match.captured(1).toDouble();
    }
    static HttpResponse getWith(const QUrl &url, const QByteArray &header, const QByteArray &value)
    {
        QNetworkAccessManager nam;
        QNetworkRequest request(url);
        if (!header.isEmpty())
            request.setRawHeader(header, value);
        QNetworkReply *reply = nam.get(request);
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(10000);
        HttpResponse r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        reply->deleteLater();
        return r;
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void registryRendersPrometheusText()
    {
        Metrics m(u"node-1"_s);
        quint64 &sent = m.counter(u"things_total"_s, u"things"_s);
        sent += 3;
        m.gauge(u"open"_s, u"open things"_s, [] { return 7.0; });
        Metrics::Histogram &h = m.histogram(u"took_seconds"_s, u"time"_s, {0.1, 1});
        h.observe(0.05);
        h.observe(0.1); // on a bound: that bucket
        h.observe(5);
        const QString text = QString::fromUtf8(m.render());
        QVERIFY(text.contains(u"# TYPE chat_things_total counter\nchat_things_total{node=\"node-1\"} 3\n"_s));
        QVERIFY(text.contains(u"# TYPE chat_open gauge\nchat_open{node=\"node-1\"} 7\n"_s));
        QVERIFY(text.contains(u"chat_took_seconds_bucket{node=\"node-1\",le=\"0.1\"} 2\n"
                              "chat_took_seconds_bucket{node=\"node-1\",le=\"1\"} 2\n"
                              "chat_took_seconds_bucket{node=\"node-1\",le=\"+Inf\"} 3\n"
                              "chat_took_seconds_sum{node=\"node-1\"} 5.15\n"
                              "chat_took_seconds_count{node=\"node-1\"} 3\n"_s));
    }

    void countersFollowTheTraffic()
    {
        QTemporaryDir dir;
        ServerProcess server(dir.filePath(u"chat.db"_s));
        server.setEnv(u"CHAT_NODE_NAME"_s, u"chat-a.example"_s);
        QVERIFY(server.start());
        HttpClient http(server.http());
        const QString token = http.tokenFor(u"alice"_s);
        WsClient ws(server.ws(), token);
        QVERIFY(ws.connectAndHello());
        ws.subscribe(u"general"_s);
        QVERIFY(ws.waitForSubscribed(u"general"_s));
        for (int i = 0; i < 5; ++i)
            ws.sendMessage(u"general"_s, u"m%1"_s.arg(i), u"hello"_s);
        QVERIFY(ws.waitForMessages(u"general"_s, 5));
        QCOMPARE(http.get(u"/api/v2/rooms/general/events"_s, token).status, 200);

        const HttpResponse r = http.get(u"/metrics"_s);
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("chat_websockets{node=\"chat-a.example\"} 1\n"));
        QCOMPARE(sample(r.body, u"chat_subscriptions"_s), 1.0);
        QCOMPARE(sample(r.body, u"chat_events_stored_total"_s), 5.0);
        QCOMPARE(sample(r.body, u"chat_events_handed_out_total"_s), 5.0);
        QCOMPARE(sample(r.body, u"chat_history_requests_total"_s), 1.0);
        QCOMPARE(sample(r.body, u"chat_history_seconds_count"_s), 1.0);
        QVERIFY(sample(r.body, u"chat_commit_seconds_count"_s).value_or(0) >= 1);
        QCOMPARE(sample(r.body, u"chat_commit_batch_requests_sum"_s), 5.0);
        QVERIFY(sample(r.body, u"chat_connections"_s).value_or(0) >= 2); // the socket and this GET
        QCOMPARE(sample(r.body, u"chat_bus_listening"_s).has_value(), TestDatabase::isPostgreSql());
    }

    void onlyThisMachineUnlessOpened()
    {
        QTemporaryDir dir;
        ServerProcess closed(dir.filePath(u"chat.db"_s));
        QVERIFY(closed.start());
        QCOMPARE(getWith(closed.http(u"/metrics"_s), {}, {}).status, 200);
        // Through a proxy on this machine the address is loopback, the client is not.
        for (const QByteArray header : {"X-Forwarded-For", "Forwarded", "X-Real-IP"}) {
            const HttpResponse r = getWith(closed.http(u"/metrics"_s), header, "203.0.113.9");
            QCOMPARE(r.status, 403);
            QVERIFY(!r.body.contains("chat_"));
        }
        QTemporaryDir dir2;
        ServerProcess open(dir2.filePath(u"chat.db"_s), {});
        open.setEnv(u"CHAT_METRICS_REMOTE"_s, u"on"_s);
        QVERIFY(open.start());
        QCOMPARE(getWith(open.http(u"/metrics"_s), "X-Forwarded-For", "203.0.113.9").status, 200);
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
