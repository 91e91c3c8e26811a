// SPDX-License-Identifier: MIT
// GET /api/v2/search on both backends (the _postgresql variant: tsvector + unaccent; here: FTS5):
// the same queries find the same messages. Case and accents do not count, phrases and prefixes,
// edits and deletions are seen at once, only the caller's rooms are searched, pages go on
// without repeats, and a bad query is a 400 that changes nothing.
#include "httpclient.h"
#include "testserver.h"

#include <QJsonArray>
#include <QSet>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;

class TestSearch : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<InProcessServer> m_server;
    std::unique_ptr<HttpClient> m_http;
    int m_next = 0;

    QString token(const QString &user) { return m_http->tokenFor(user); }

    // The stored event's id ("" when it was refused).
    QString post(const QString &user, const QString &room, const QJsonObject &event)
    {
        QJsonObject body = event;
        body.insert("clientId"_L1, u"c%1"_s.arg(++m_next));
        const HttpResponse r = m_http->post(u"/api/v2/rooms/%1/messages"_s.arg(room), body, token(user));
        return r.status == 201 ? r.json.value("id"_L1).toString() : QString();
    }
    QString say(const QString &user, const QString &room, const QString &text)
    {
        return post(user, room, {{"body"_L1, text}});
    }
    HttpResponse search(const QString &user, const QString &q, const QString &more = {})
    {
        return m_http->get(u"/api/v2/search?q="_s + QString::fromLatin1(QUrl::toPercentEncoding(q)) + more,
                           token(user));
    }
    // The bodies found, newest first ({"<status>"} when it was not a 200).
    QStringList found(const QString &user, const QString &q, const QString &more = {})
    {
        const HttpResponse r = search(user, q, more);
        if (r.status != 200)
            return {u"<%1 %2>"_s.arg(r.status).arg(r.errorCode())};
        QStringList out;
        for (const QJsonValue &e : r.json.value("events"_L1).toArray())
            out.append(e.toObject().value("body"_L1).toString());
        return out;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        ServerConfig config;
        config.sendRate = 100000;
        config.sendBurst = 100000;
        m_server = std::make_unique<InProcessServer>(config);
        QVERIFY(m_server->start());
        m_http = std::make_unique<HttpClient>(m_server->http());
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"lounge"_s}}, token(u"alice"_s)).status, 201);
        QCOMPARE(m_http->post(u"/api/v2/rooms/lounge/join"_s, {}, token(u"bob"_s)).status, 204);
    }

    void caseAndAccentsDoNotCount()
    {
        QVERIFY(!say(u"alice"_s, u"lounge"_s, u"Un Café au lait, s'il vous plaît"_s).isEmpty());
        QVERIFY(!say(u"alice"_s, u"lounge"_s, u"NAÏVE cafe owners"_s).isEmpty());
        QCOMPARE(found(u"bob"_s, u"cafe"_s), (QStringList{u"NAÏVE cafe owners"_s, u"Un Café au lait, s'il vous plaît"_s}));
        QCOMPARE(found(u"bob"_s, u"CAFÉ"_s).size(), 2);
        QCOMPARE(found(u"bob"_s, u"naive"_s), QStringList{u"NAÏVE cafe owners"_s});
        QCOMPARE(found(u"bob"_s, u"plait"_s), QStringList{u"Un Café au lait, s'il vous plaît"_s});
        QCOMPARE(found(u"bob"_s, u"cafe lait"_s), QStringList{u"Un Café au lait, s'il vous plaît"_s}); // every word
        QCOMPARE(found(u"bob"_s, u"cafe+lait"_s), QStringList{u"Un Café au lait, s'il vous plaît"_s}); // as forms send it
        QCOMPARE(found(u"bob"_s, u"espresso"_s), QStringList());
    }

    void phrasesAndPrefixes()
    {
        QVERIFY(!say(u"alice"_s, u"lounge"_s, u"the release notes are out"_s).isEmpty());
        QVERIFY(!say(u"alice"_s, u"lounge"_s, u"notes on the release"_s).isEmpty());
        QVERIFY(!say(u"alice"_s, u"lounge"_s, u"deployment done, redeployed twice"_s).isEmpty());
        QCOMPARE(found(u"bob"_s, u"\"release notes\""_s), QStringList{u"the release notes are out"_s});
        QCOMPARE(found(u"bob"_s, u"release notes"_s).size(), 2);
        QCOMPARE(found(u"bob"_s, u"deploy*"_s), QStringList{u"deployment done, redeployed twice"_s});
        QCOMPARE(found(u"bob"_s, u"deploy"_s), QStringList()); // a word, not a prefix
        QCOMPARE(found(u"bob"_s, u"\"release no\"*"_s), QStringList{u"the release notes are out"_s});
        // Words are letters and digits: "e-mail" is the phrase "e mail"; operators are words.
        QVERIFY(!say(u"alice"_s, u"lounge"_s, u"send the e-mail AND the NOT list"_s).isEmpty());
        QCOMPARE(found(u"bob"_s, u"e-mail"_s), QStringList{u"send the e-mail AND the NOT list"_s});
        QCOMPARE(found(u"bob"_s, u"NOT"_s), QStringList{u"send the e-mail AND the NOT list"_s});
        QCOMPARE(found(u"bob"_s, u"release OR list"_s), QStringList());
    }

    void editsAndDeletionsAreSeenAtOnce()
    {
        const QString id = say(u"alice"_s, u"lounge"_s, u"meet at the lighthouse"_s);
        QVERIFY(!id.isEmpty());
        QCOMPARE(found(u"bob"_s, u"lighthouse"_s).size(), 1);
        QVERIFY(!post(u"alice"_s, u"lounge"_s,
                      {{"kind"_L1, u"edit"_s}, {"relatesTo"_L1, id}, {"body"_L1, u"meet at the harbour"_s}})
                         .isEmpty());
        QCOMPARE(found(u"bob"_s, u"lighthouse"_s), QStringList()); // the old text is gone
        const HttpResponse r = search(u"bob"_s, u"harbour"_s);
        QCOMPARE(r.status, 200);
        const QJsonObject hit = r.json.value("events"_L1).toArray().first().toObject();
        QCOMPARE(hit.value("id"_L1).toString(), id); // the message itself, in its current state
        QCOMPARE(hit.value("edited"_L1).toBool(), true);
        QCOMPARE(hit.value("room"_L1).toString(), u"lounge"_s);
        QVERIFY(!post(u"alice"_s, u"lounge"_s, {{"kind"_L1, u"delete"_s}, {"relatesTo"_L1, id}}).isEmpty());
        QCOMPARE(found(u"bob"_s, u"harbour"_s), QStringList());
        QCOMPARE(found(u"bob"_s, u"meet"_s), QStringList());
    }

    void onlyTheCallersRoomsAreSearched()
    {
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"vault"_s}, {"private"_L1, true}}, token(u"carol"_s)).status, 201);
        QVERIFY(!say(u"carol"_s, u"vault"_s, u"the combination is zebra"_s).isEmpty());
        QVERIFY(!say(u"bob"_s, u"lounge"_s, u"zebra crossing"_s).isEmpty());
        QCOMPARE(found(u"carol"_s, u"zebra"_s), QStringList{u"the combination is zebra"_s});
        QCOMPARE(found(u"bob"_s, u"zebra"_s), QStringList{u"zebra crossing"_s});
        QCOMPARE(found(u"bob"_s, u"zebra"_s, u"&room=vault"_s), QStringList{u"<403 forbidden>"_s});
        QCOMPARE(found(u"bob"_s, u"zebra"_s, u"&room=nowhere"_s), QStringList{u"<404 room_not_found>"_s});
        QCOMPARE(found(u"bob"_s, u"zebra"_s, u"&room=lounge"_s), QStringList{u"zebra crossing"_s});
        QCOMPARE(found(u"alice"_s, u"zebra"_s, u"&room=general"_s), QStringList());
        // Leaving a room leaves its messages out too.
        QCOMPARE(m_http->post(u"/api/v2/rooms/lounge/leave"_s, {}, token(u"bob"_s)).status, 204);
        QCOMPARE(found(u"bob"_s, u"zebra"_s), QStringList());
        QCOMPARE(m_http->post(u"/api/v2/rooms/lounge/join"_s, {}, token(u"bob"_s)).status, 204);
        QCOMPARE(found(u"bob"_s, u"zebra"_s), QStringList{u"zebra crossing"_s});
    }

    void pagesGoOnWithoutRepeats()
    {
        for (int i = 1; i <= 25; ++i)
            QVERIFY(!say(u"alice"_s, i % 2 ? u"lounge"_s : u"general"_s, u"standup note %1"_s.arg(i)).isEmpty());
        QStringList all;
        QList<QJsonObject> hits;
        QString before;
        int pages = 0;
        for (;;) {
            const HttpResponse r = search(u"alice"_s, u"standup"_s,
                                          u"&limit=10"_s + (before.isEmpty() ? QString() : u"&before="_s + before));
            QCOMPARE(r.status, 200);
            const QJsonArray events = r.json.value("events"_L1).toArray();
            ++pages;
            for (const QJsonValue &e : events) {
                all.append(e.toObject().value("body"_L1).toString());
                hits.append(e.toObject());
            }
            if (!r.json.value("hasMore"_L1).toBool())
                break;
            QCOMPARE(events.size(), 10);
            before = events.last().toObject().value("id"_L1).toString();
        }
        QCOMPARE(pages, 3);
        QCOMPARE(all.size(), 25);
        QCOMPARE(QSet<QString>(all.cbegin(), all.cend()).size(), 25); // each once
        // Newest first: by time across the rooms (to the millisecond), by seq within a room.
        QHash<QString, qint64> lastSeq;
        for (qsizetype i = 0; i < hits.size(); ++i) {
            if (i > 0)
                QVERIFY(hits.at(i).value("ts"_L1).toString() <= hits.at(i - 1).value("ts"_L1).toString());
            const QString room = hits.at(i).value("room"_L1).toString();
            const qint64 seq = hits.at(i).value("seq"_L1).toInteger();
            QVERIFY(!lastSeq.contains(room) || seq < lastSeq.value(room));
            lastSeq.insert(room, seq);
        }
    }

    void badQueriesAreRefusedInWords_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("message");
        QTest::newRow("no q") << u""_s << u"q="_s;
        QTest::newRow("open quote") << u"q=%22release"_s << u"quote"_s;
        QTest::newRow("lone star") << u"q=*"_s << u"*"_s;
        QTest::newRow("one letter prefix") << u"q=d*"_s << u"*"_s;
        QTest::newRow("only punctuation") << u"q=%21%3F%2E"_s << u"no words"_s;
        QTest::newRow("too long") << u"q="_s + QString(300, u'a') << u"longer"_s;
        QTest::newRow("too many words") << u"q=a+b+c+d+e+f+g+h+i+j+k+l+m+n+o+p+q"_s << u"more than"_s;
        QTest::newRow("bad before") << u"q=note&before=42"_s << u"before"_s;
        QTest::newRow("bad limit") << u"q=note&limit=0"_s << u"limit"_s;
        QTest::newRow("bad room") << u"q=note&room=%20x"_s << u"room"_s;
        QTest::newRow("invalid utf-8") << u"q=%C3%28"_s << u"no words"_s;
    }

    void badQueriesAreRefusedInWords()
    {
        QFETCH(QString, query);
        QFETCH(QString, message);
        const HttpResponse r = m_http->get(u"/api/v2/search?"_s + query, token(u"alice"_s));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), u"invalid_request"_s);
        const QString said = r.json.value("error"_L1).toObject().value("message"_L1).toString();
        QVERIFY2(said.contains(message), qPrintable(said));
        QCOMPARE(found(u"alice"_s, u"standup"_s, u"&limit=1"_s).size(), 1); // the server is fine
    }

    void noTokenNoSearch()
    {
        QCOMPARE(m_http->get(u"/api/v2/search?q=zebra"_s).status, 401);
        QCOMPARE(m_http->get(u"/api/v2/search?q=zebra"_s, u"not-a-token"_s).status, 401);
    }
};

QTEST_GUILESS_MAIN(TestSearch)
#include "tst_search.moc"
