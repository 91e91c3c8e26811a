// SPDX-License-Identifier: MIT
// The client's timeline cache against the real server binary: a client started while the server
// is down shows the rooms and messages it had (edited, deleted, reacted to, as they were), pages
// back through them offline, and once the server is back catches up by seq; a server on another
// database (a restored backup) empties the cache. The window is painted offscreen from it.
#include "clientharness.h"
#include "clientsettings.h"
#include "connectionindicator.h"
#include "httpclient.h"
#include "mainwindow.h"
#include "timelinecache.h"

#include <QDir>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;

class TestOfflineCache : public QObject, protected ClientHarness
{
    Q_OBJECT

private:
    QString m_token; // alice's
    QString m_bob;   // bob's token

    QString cacheFile()
    {
        const QDir dir(options(u"alice"_s).dataDir + u"/cache"_s);
        const QStringList files = dir.entryList({u"*.db"_s}, QDir::Files);
        return files.size() == 1 ? dir.filePath(files.first()) : QString();
    }
    QString post(const QJsonObject &event)
    {
        static int next = 0;
        QJsonObject body = event;
        body.insert("clientId"_L1, u"b%1"_s.arg(++next));
        const HttpResponse r = HttpClient(serverUrl()).post(u"/api/v2/rooms/general/messages"_s, body, m_bob);
        return r.status == 201 ? r.json.value("id"_L1).toString() : QString();
    }
    std::unique_ptr<ChatClient> resumed()
    {
        auto client = std::make_unique<ChatClient>(options(u"alice"_s));
        QSignalSpy started(client.get(), &ChatClient::sessionStarted);
        client->resume(u"alice"_s, m_token);
        if (!started.wait(15000))
            qWarning("alice's session did not start");
        return client;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(startFresh());
        qputenv("XDG_CONFIG_HOME", m_dir->filePath(u"config"_s).toLocal8Bit());
        m_bob = HttpClient(serverUrl()).registerUser(u"bob"_s);
        QVERIFY(!m_bob.isEmpty());
    }

    void aStartWithTheServerDownShowsWhatWasSeen()
    {
        {
            auto alice = loggedIn(u"alice"_s);
            m_token = alice->api()->token();
            alice->openRoom(u"general"_s);
            for (int i = 0; i < 150; ++i)
                QVERIFY(!post({{"body"_L1, u"older %1"_s.arg(i)}}).isEmpty());
            const QString one = post({{"body"_L1, u"one"_s}});
            const QString two = post({{"body"_L1, u"two **marked**"_s}, {"format"_L1, u"markdown"_s}});
            const QString three = post({{"body"_L1, u"three, a secret"_s}});
            QVERIFY(!post({{"kind"_L1, u"edit"_s}, {"relatesTo"_L1, one}, {"body"_L1, u"one, edited"_s}}).isEmpty());
            QVERIFY(!post({{"kind"_L1, u"delete"_s}, {"relatesTo"_L1, three}}).isEmpty());
            QVERIFY(!post({{"kind"_L1, u"reaction"_s}, {"relatesTo"_L1, two}, {"key"_L1, u"\U0001F44D"_s},
                           {"op"_L1, u"add"_s}}).isEmpty());
            MessageListModel *model = alice->messages(u"general"_s);
            QTRY_COMPARE_WITH_TIMEOUT(model->message(two).value_or(ChatMessage()).reactions.size(), 1, 15000);
            QVERIFY(model->message(three)->deleted);
        } // the client goes: what it had is written
        const QString file = cacheFile();
        QVERIFY(!file.isEmpty());
        QCOMPARE(QFile::permissions(file), QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser);
        QFile raw(file);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        QVERIFY(!raw.readAll().contains("a secret")); // a deleted message's text is not kept

        m_server->kill();
        auto alice = resumed();
        QVERIFY(alice->rooms()->rowOf(u"general"_s) >= 0); // the rooms, from the cache
        ClientSettings settings;
        MainWindow window(alice.get(), &settings);
        window.resize(800, 600);
        window.show();
        window.showRoom(u"general"_s);
        MessageListModel *model = alice->messages(u"general"_s);
        // At once, not after a round trip: the newest hundred, in their last state.
        QCOMPARE(model->confirmedCount(), 100);
        const QList<ChatMessage> shown = model->confirmedMessages();
        QCOMPARE(shown.at(97).body, u"one, edited"_s);
        QVERIFY(shown.at(97).edited);
        QCOMPARE(shown.at(98).fields.value("format"_L1).toString(), u"markdown"_s);
        QCOMPARE(shown.at(98).reactions.size(), 1);
        QVERIFY(shown.at(99).deleted);
        QVERIFY(shown.at(99).body.isEmpty());
        QVERIFY(window.indicator()->text() != u"Connected"_s);
        QVERIFY(!window.grab().toImage().isNull());
        // Offline, older pages come from the cache too.
        alice->loadOlder(u"general"_s);
        QTRY_COMPARE(model->confirmedCount(), 150);
        QCOMPARE(model->confirmedMessages().first().body, u"older 3"_s);

        // The server is back; what was written meanwhile arrives after what was cached, in order.
        QVERIFY(startServer());
        QVERIFY(!post({{"body"_L1, u"four"_s}}).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(model->confirmedMessages().constLast().body, u"four"_s, 20000);
        QCOMPARE(model->confirmedCount(), 151);
        QCOMPARE(window.indicator()->text(), u"Connected"_s);
    }

    void anotherDatabaseEmptiesTheCache()
    {
        {
            auto alice = resumed();
            alice->openRoom(u"general"_s);
            QVERIFY(waitConnected(*alice));
        }
        // The server comes back from a backup of another database (same accounts, another epoch).
        m_server->kill();
        QVERIFY(QFile::copy(m_dir->filePath(u"chat.db"_s), m_dir->filePath(u"other.db"_s)));
        if (QFile::exists(m_dir->filePath(u"chat.db-wal"_s)))
            QVERIFY(QFile::copy(m_dir->filePath(u"chat.db-wal"_s), m_dir->filePath(u"other.db-wal"_s)));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"other"_s);
            db.setDatabaseName(m_dir->filePath(u"other.db"_s));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s));
            QVERIFY(q.exec(u"UPDATE meta SET value = 'other-epoch' WHERE key = 'epoch'"_s));
            QVERIFY(q.exec(u"DELETE FROM events WHERE seq > 10"_s));
            QVERIFY(q.exec(u"UPDATE rooms SET last_seq = MIN(last_seq, 10)"_s));
            q = QSqlQuery();
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(u"other"_s);
        }
        QVERIFY(startServer(u"other.db"_s));
        QList<ChatMessage> kept; // the messages of the other database
        for (const ChatMessage &e : serverHistory(m_token)) {
            if (e.kind == EventKind::Message)
                kept.append(e);
        }
        QVERIFY(!kept.isEmpty());
        auto alice = resumed();
        alice->openRoom(u"general"_s);
        MessageListModel *model = alice->messages(u"general"_s);
        QCOMPARE(model->confirmedCount(), 100); // painted from the cache first…
        QTRY_COMPARE_WITH_TIMEOUT(alice->connection()->epoch(), u"other-epoch"_s, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(model->confirmedCount(), int(kept.size()), 20000); // …then this database's
        QCOMPARE(model->confirmedMessages().constLast().id, kept.constLast().id);
        alice.reset();
        TimelineCache cache;
        QString error;
        QVERIFY2(cache.open(cacheFile(), &error), qPrintable(error));
        QCOMPARE(cache.epoch(), u"other-epoch"_s);
        QVERIFY(cache.size() <= 10); // nothing of the old database is left (seq 1..10 at most)
        QVERIFY(!cache.newest(u"general"_s, 200).isEmpty());
    }

    void leavingARoomForgetsWhatWasCachedOfIt() // or being removed from it
    {
        auto alice = resumed();
        QVERIFY(waitConnected(*alice));
        HttpClient http(serverUrl());
        QCOMPARE(http.post(u"/api/v2/rooms"_s, {{"name"_L1, u"side"_s}}, m_bob).status, 201);
        QCOMPARE(http.post(u"/api/v2/rooms/side/invite"_s, {{"user"_L1, u"alice"_s}}, m_bob).status, 204);
        QCOMPARE(http.post(u"/api/v2/rooms/side/messages"_s, {{"clientId"_L1, u"s1"_s}, {"body"_L1, u"side talk"_s}}, m_bob).status, 201);
        QTRY_VERIFY_WITH_TIMEOUT(alice->rooms()->rowOf(u"side"_s) >= 0, 15000);
        alice->openRoom(u"side"_s);
        QTRY_COMPARE_WITH_TIMEOUT(alice->messages(u"side"_s)->confirmedCount(), 1, 15000);
        TimelineCache cache;
        QString error;
        QVERIFY2(cache.open(cacheFile(), &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(!cache.newest(u"side"_s, 10).isEmpty(), 5000); // written within a second
        alice->leaveRoom(u"side"_s, this, [](const QString &why) { QVERIFY2(why.isEmpty(), qPrintable(why)); });
        QTRY_VERIFY_WITH_TIMEOUT(cache.newest(u"side"_s, 10).isEmpty(), 15000);
        QVERIFY(!cache.newest(u"general"_s, 10).isEmpty());

        // Removed from a room while the client was closed: forgotten once the server's room list
        // says so.
        QCOMPARE(http.post(u"/api/v2/rooms/side/invite"_s, {{"user"_L1, u"alice"_s}}, m_bob).status, 204);
        QTRY_VERIFY_WITH_TIMEOUT(alice->rooms()->isMember(u"side"_s), 15000);
        alice->openRoom(u"side"_s);
        QTRY_VERIFY_WITH_TIMEOUT(!cache.newest(u"side"_s, 10).isEmpty(), 15000);
        alice.reset();
        QCOMPARE(http.post(u"/api/v2/rooms/side/kick"_s, {{"user"_L1, u"alice"_s}}, m_bob).status, 204);
        alice = resumed();
        QTRY_VERIFY_WITH_TIMEOUT(!alice->rooms()->isMember(u"side"_s), 15000);
        QVERIFY(cache.newest(u"side"_s, 10).isEmpty());
    }
};

QTEST_MAIN(TestOfflineCache)
#include "tst_offlinecache.moc"
