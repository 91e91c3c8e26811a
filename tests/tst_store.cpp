// SPDX-License-Identifier: MIT
// The ChatStore contract, every case on every backend (Mumble's DatabaseTest does the same): an
// SQLite file in a temporary directory, and a database of a PostgreSQL server this test starts
// for itself (tests/support/pgserver). StoreService's group commit runs on top of each.
#include "pgserver.h"
#include "store/postgresstore.h"
#include "store/sqlitestore.h"
#include "store/storeservice.h"

#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Qt::StringLiterals;

class TestStore : public QObject
{
    Q_OBJECT

private:
    // A store on the current backend for the database `name` of this test case: the same name
    // opens the same database again.
    std::unique_ptr<ChatStore> makeStore(const QString &name = u"chat"_s)
    {
        const QString unique = u"c%1_%2"_s.arg(m_case).arg(name);
        if (m_backend == u"sqlite"_s)
            return std::make_unique<SqliteStore>(m_dir->filePath(unique + u".db"_s));
        if (!m_databases.contains(unique)) {
            if (!m_pg->createDatabase(unique))
                return nullptr;
            m_databases.insert(unique);
        }
        QString error;
        auto url = DatabaseUrl::parse(m_pg->url(unique), &error);
        if (!url) {
            qWarning() << error;
            return nullptr;
        }
        return std::make_unique<PostgresStore>(*url);
    }
    std::unique_ptr<ChatStore> openStore(const QString &name = u"chat"_s)
    {
        auto store = makeStore(name);
        QString error;
        if (!store || !store->open(&error)) {
            qWarning() << "cannot open the" << m_backend << "store:" << error;
            return nullptr;
        }
        return store;
    }
    static qint64 makeUser(ChatStore &store, const QString &name)
    {
        UserRecord user;
        if (store.createUser(name, "hash", &user) != StoreStatus::Ok)
            return 0;
        return user.id;
    }
    // Runs job on the service's store thread and waits for its result (nullopt after 30 s).
    template<typename R>
    std::optional<R> await(StoreService &service, std::function<R(ChatStore &)> job)
    {
        auto result = std::make_shared<std::optional<R>>();
        service.run<R>(this, std::move(job), [result](R r) { *result = std::move(r); });
        QTest::qWaitFor([result] { return result->has_value(); }, 30000);
        return *result;
    }
    static std::function<HistoryResult(ChatStore &)> readGeneral(qint64 reader, std::optional<qint64> after,
                                                                 int limit)
    {
        return [=](ChatStore &s) { return s.history({u"general"_s, reader, after, {}, limit}); };
    }
    static AppendRequest req(qint64 sender, const QString &room, const QString &clientId)
    {
        return {sender, room, clientId, u"body of "_s + clientId};
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<PostgresServer> m_pg;
    QSet<QString> m_databases;
    QString m_backend;
    int m_case = 0;

private slots:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << u"sqlite"_s;
        QTest::newRow("postgresql") << u"postgresql"_s;
    }
    void initTestCase()
    {
        m_pg = std::make_unique<PostgresServer>();
        QVERIFY2(m_pg->start(), "the test PostgreSQL did not start (make test installs it)");
    }
    void init()
    {
        QFETCH_GLOBAL(QString, backend);
        m_backend = backend;
        ++m_case;
        m_dir = std::make_unique<QTemporaryDir>();
    }

    void epochBelongsToTheDatabase()
    {
        QString epoch;
        {
            auto store = openStore();
            QVERIFY(store);
            epoch = store->epoch();
            QVERIFY(!epoch.isEmpty());
        }
        {
            auto again = openStore();
            QVERIFY(again);
            QCOMPARE(again->epoch(), epoch); // same database, same epoch
        }
        auto other = openStore(u"other"_s);
        QVERIFY(other);
        QVERIFY(other->epoch() != epoch); // new database, new epoch
    }

    void databaseOfANewerServerIsRefused()
    {
        int shipped = 0;
        {
            auto store = openStore(u"future"_s);
            QVERIFY(store);
        }
        // Written as a newer server would have left it.
        QSqlDatabase db;
        const QString connection = u"future-probe"_s;
        if (m_backend == u"sqlite"_s) {
            db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
            db.setDatabaseName(m_dir->filePath(u"c%1_future.db"_s.arg(m_case)));
            shipped = SqliteStore::schemaVersion();
        } else {
            db = QSqlDatabase::addDatabase(u"QPSQL"_s, connection);
            db.setHostName(m_pg->socketDir());
            db.setPort(m_pg->port());
            db.setUserName(m_pg->user());
            db.setDatabaseName(u"c%1_future"_s.arg(m_case));
            shipped = PostgresStore::schemaVersion();
        }
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(m_backend == u"sqlite"_s ? q.exec(u"PRAGMA user_version = 99"_s)
                                            : q.exec(u"UPDATE schema_version SET version = 99"_s));
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(connection);
        auto store = makeStore(u"future"_s);
        QString error;
        QVERIFY(!store->open(&error));
        QCOMPARE(error, u"database schema 99 is newer than this server (%1)"_s.arg(shipped));
    }

    void usersAreUniqueIgnoringCase()
    {
        auto store = openStore();
        QVERIFY(store);
        UserRecord user;
        QCOMPARE(store->createUser(u"Alice"_s, "h1", &user), StoreStatus::Ok);
        QCOMPARE(store->createUser(u"alice"_s, "h2", &user), StoreStatus::Conflict);
        const auto found = store->findUser(u"ALICE"_s);
        QVERIFY(found);
        QCOMPARE(found->name, u"Alice"_s);
        QCOMPARE(found->passwordHash, QByteArray("h1"));
        // Every account is a member of general from registration.
        const auto rooms = store->listRooms(found->id);
        QCOMPARE(rooms.size(), 1);
        QCOMPARE(rooms.first().name, u"general"_s);
        QVERIFY(rooms.first().member);
    }

    void seqWithoutGapsAndIdempotentAppend()
    {
        auto store = openStore();
        QVERIFY(store);
        const qint64 alice = makeUser(*store, u"alice"_s);
        const qint64 bob = makeUser(*store, u"bob"_s);
        QCOMPARE(store->createRoom(u"ops"_s, false, alice), StoreStatus::Ok);

        const auto first = store->appendBatch({req(alice, u"general"_s, u"a1"_s),
                                               req(alice, u"ops"_s, u"a2"_s),
                                               req(bob, u"ops"_s, u"b1"_s), // not a member
                                               req(bob, u"nope"_s, u"b2"_s),
                                               req(bob, u"general"_s, u"b3"_s),
                                               req(alice, u"general"_s, u"a1"_s)}); // retry
        QCOMPARE(first.size(), 6);
        QCOMPARE(first[0].status, StoreStatus::Ok);
        QCOMPARE(first[0].message.seq, 1);
        QCOMPARE(first[1].message.seq, 1); // per-room sequence
        QCOMPARE(first[2].status, StoreStatus::Forbidden);
        QCOMPARE(first[3].status, StoreStatus::RoomNotFound);
        QCOMPARE(first[4].message.seq, 2); // refused ones consumed no seq
        QCOMPARE(first[4].message.sender, u"bob"_s);
        QCOMPARE(first[5].status, StoreStatus::Ok);
        QVERIFY(first[5].duplicate);
        QCOMPARE(first[5].message.id, first[0].message.id);
        QCOMPARE(first[5].message.seq, 1);

        // A retry in a later transaction, even naming another room, returns the original.
        const auto later = store->appendBatch({req(alice, u"ops"_s, u"a1"_s),
                                               req(bob, u"general"_s, u"b4"_s)});
        QVERIFY(later[0].duplicate);
        QCOMPARE(later[0].message.room, u"general"_s);
        QCOMPARE(later[0].message.seq, 1);
        QCOMPARE(later[1].message.seq, 3);

        HistoryQuery all{u"general"_s, alice, 0, std::nullopt, 200};
        const auto h = store->history(all);
        QCOMPARE(h.status, StoreStatus::Ok);
        QCOMPARE(h.messages.size(), 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(h.messages[i].seq, i + 1);
        QCOMPARE(h.lastSeq, 3);

        // The seq survives reopening (it is the room's counter row, not a cache).
        store.reset();
        store = openStore();
        QVERIFY(store);
        const auto next = store->appendBatch({req(bob, u"general"_s, u"b5"_s)});
        QCOMPARE(next[0].message.seq, 4);
    }

    void paging()
    {
        auto store = openStore();
        QVERIFY(store);
        const qint64 alice = makeUser(*store, u"alice"_s);
        QList<AppendRequest> batch;
        for (int i = 1; i <= 120; ++i)
            batch.append(req(alice, u"general"_s, u"c%1"_s.arg(i)));
        store->appendBatch(batch);

        HistoryQuery newest{u"general"_s, alice, std::nullopt, std::nullopt, 50};
        auto page = store->history(newest);
        QCOMPARE(page.messages.size(), 50);
        QCOMPARE(page.messages.first().seq, 71);
        QCOMPARE(page.messages.last().seq, 120);
        QVERIFY(page.hasMore);

        HistoryQuery before{u"general"_s, alice, std::nullopt, 71, 50};
        page = store->history(before);
        QCOMPARE(page.messages.first().seq, 21);
        QCOMPARE(page.messages.last().seq, 70);
        QVERIFY(page.hasMore);
        before.before = 21;
        page = store->history(before);
        QCOMPARE(page.messages.size(), 20);
        QCOMPARE(page.messages.first().seq, 1);
        QVERIFY(!page.hasMore);

        HistoryQuery after{u"general"_s, alice, 100, std::nullopt, 10};
        page = store->history(after);
        QCOMPARE(page.messages.first().seq, 101);
        QCOMPARE(page.messages.last().seq, 110);
        QVERIFY(page.hasMore);
        after.after = 110;
        page = store->history(after);
        QCOMPARE(page.messages.size(), 10);
        QVERIFY(!page.hasMore);
        after.after = 120;
        page = store->history(after);
        QVERIFY(page.messages.isEmpty());
        QCOMPARE(page.lastSeq, 120);
    }

    void roomsAndMembership()
    {
        auto store = openStore();
        QVERIFY(store);
        const qint64 alice = makeUser(*store, u"alice"_s);
        const qint64 bob = makeUser(*store, u"bob"_s);
        QCOMPARE(store->createRoom(u"secret"_s, true, alice), StoreStatus::Ok);
        QCOMPARE(store->createRoom(u"secret"_s, false, bob), StoreStatus::Conflict);
        QCOMPARE(store->createRoom(u"lobby"_s, false, alice), StoreStatus::Ok);

        auto names = [&](qint64 user) {
            QStringList out;
            for (const RoomInfo &r : store->listRooms(user))
                out.append(r.name + (r.member ? u"*"_s : QString()));
            return out;
        };
        QCOMPARE(names(alice), (QStringList{u"general*"_s, u"lobby*"_s, u"secret*"_s}));
        QCOMPARE(names(bob), (QStringList{u"general*"_s, u"lobby"_s})); // private one hidden

        QCOMPARE(store->joinRoom(u"secret"_s, bob), StoreStatus::Forbidden);
        QCOMPARE(store->joinRoom(u"missing"_s, bob), StoreStatus::RoomNotFound);
        QCOMPARE(store->joinRoom(u"lobby"_s, bob), StoreStatus::Ok);
        HistoryQuery q{u"secret"_s, bob, std::nullopt, std::nullopt, 10};
        QCOMPARE(store->history(q).status, StoreStatus::Forbidden);
        QCOMPARE(store->invite(u"secret"_s, bob, u"bob"_s), StoreStatus::Forbidden);
        QCOMPARE(store->invite(u"secret"_s, alice, u"nobody"_s), StoreStatus::UserNotFound);
        QCOMPARE(store->invite(u"secret"_s, alice, u"bob"_s), StoreStatus::Ok);
        QCOMPARE(store->history(q).status, StoreStatus::Ok);
        QCOMPARE(names(bob), (QStringList{u"general*"_s, u"lobby*"_s, u"secret*"_s}));
    }

    void refusedSenderMayPostAfterJoining()
    {
        // The append path caches memberships; a refusal must not be remembered.
        auto store = openStore();
        QVERIFY(store);
        const qint64 alice = makeUser(*store, u"alice"_s);
        const qint64 bob = makeUser(*store, u"bob"_s);
        QCOMPARE(store->createRoom(u"lobby"_s, false, alice), StoreStatus::Ok);
        QCOMPARE(store->appendBatch({req(bob, u"lobby"_s, u"b1"_s)})[0].status,
                 StoreStatus::Forbidden);
        QCOMPARE(store->joinRoom(u"lobby"_s, bob), StoreStatus::Ok);
        const auto after = store->appendBatch({req(bob, u"lobby"_s, u"b1"_s)});
        QCOMPARE(after[0].status, StoreStatus::Ok);
        QVERIFY(!after[0].duplicate);
        QCOMPARE(after[0].message.sender, u"bob"_s);
    }

    // Pages are answered from RecentMessages when it covers them and from SQL otherwise; either
    // way a page must be exactly what the table holds. Seqs are 1..300 with body "m<seq>", so
    // every expected page follows from arithmetic.
    void historyPagesMatchTheTableWhereverTheyComeFrom()
    {
        auto store = openStore();
        QVERIFY(store);
        const qint64 alice = makeUser(*store, u"alice"_s);
        constexpr int total = 300;
        int seq = 0;
        auto appendUpTo = [&](int upTo) {
            QList<AppendRequest> batch;
            while (seq < upTo) {
                ++seq;
                batch.append({alice, u"general"_s, u"p%1"_s.arg(seq), u"m%1"_s.arg(seq)});
            }
            for (const AppendResult &r : store->appendBatch(batch))
                QCOMPARE(r.status, StoreStatus::Ok);
        };
        auto check = [&](std::optional<qint64> after, std::optional<qint64> before, int limit) {
            const HistoryResult h = store->history({u"general"_s, alice, after, before, limit});
            QCOMPARE(h.status, StoreStatus::Ok);
            qint64 from = 0, to = 0; // expected seqs, inclusive
            bool more = false;
            if (after) {
                from = std::max<qint64>(*after + 1, 1);
                to = std::min<qint64>(seq, from + limit - 1);
                more = to < seq;
            } else {
                to = std::min<qint64>(before.value_or(seq + 1), seq + 1) - 1;
                from = std::max<qint64>(to - limit + 1, 1);
                more = from > 1;
            }
            const QString what = u"after %1 before %2 limit %3 (held up to %4)"_s
                                         .arg(after ? QString::number(*after) : u"-"_s,
                                              before ? QString::number(*before) : u"-"_s)
                                         .arg(limit)
                                         .arg(seq);
            QVERIFY2(h.messages.size() == std::max<qint64>(0, to - from + 1), qPrintable(what));
            for (qsizetype i = 0; i < h.messages.size(); ++i) {
                QVERIFY2(h.messages[i].seq == from + i, qPrintable(what));
                QVERIFY2(h.messages[i].body == u"m%1"_s.arg(from + i), qPrintable(what));
                QVERIFY2(h.messages[i].room == u"general"_s, qPrintable(what));
            }
            QVERIFY2(h.hasMore == (h.messages.isEmpty() ? (after ? false : from > 1) : more),
                     qPrintable(what));
        };
        auto checkAll = [&] {
            for (int limit : {1, 10, 50, 128, 200}) {
                check(std::nullopt, std::nullopt, limit);
                for (qint64 a : {0, 1, 50, 171, 172, 173, 250, 299, 300, 400})
                    check(a, std::nullopt, limit);
                for (qint64 b : {1, 2, 11, 50, 52, 173, 174, 175, 250, 300, 301, 1000})
                    check(std::nullopt, b, limit);
            }
        };
        check(std::nullopt, std::nullopt, 50); // an empty room, held as such from here on
        appendUpTo(120);
        checkAll();
        appendUpTo(250); // the held run slides past its start
        checkAll();
        appendUpTo(total);
        checkAll();
    }

    void tokens()
    {
        auto store = openStore();
        QVERIFY(store);
        const qint64 alice = makeUser(*store, u"alice"_s);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(store->storeToken("digest-1", alice, now.addDays(1)));
        QVERIFY(store->storeToken("digest-2", alice, now.addSecs(-1)));
        const auto user = store->userForToken("digest-1", now);
        QVERIFY(user);
        QCOMPARE(user->name, u"alice"_s);
        QVERIFY(!store->userForToken("digest-2", now)); // expired
        QVERIFY(!store->userForToken("unknown", now));
        QVERIFY(store->deleteToken("digest-1"));
        QVERIFY(!store->userForToken("digest-1", now));
    }

    void sqlLookingNamesAreData()
    {
        auto store = openStore();
        QVERIFY(store);
        const qint64 alice = makeUser(*store, u"alice"_s);
        const auto r = store->appendBatch(
                {{alice, u"general"_s, u"x'); DROP TABLE events; --"_s, u"'; DELETE FROM users; --"_s}});
        QCOMPARE(r[0].status, StoreStatus::Ok);
        QVERIFY(store->findUser(u"alice"_s));
        HistoryQuery q{u"general"_s, alice, 0, std::nullopt, 10};
        QCOMPARE(store->history(q).messages.first().body, u"'; DELETE FROM users; --"_s);
    }

    void groupCommitAcksInOrder()
    {
        StoreService service(makeStore(u"group"_s));
        QString error;
        QVERIFY2(service.open(&error), qPrintable(error));
        qint64 alice = 0;
        bool ran = false;
        service.run<qint64>(
                this,
                [](ChatStore &store) {
                    UserRecord u;
                    store.createUser(u"alice"_s, "h", &u);
                    return u.id;
                },
                [&](qint64 id) {
                    alice = id;
                    ran = true;
                });
        QTRY_VERIFY(ran);

        QSignalSpy committed(&service, &StoreService::messagesCommitted);
        QList<qint64> ackedSeqs;
        constexpr int n = 3000;
        for (int i = 0; i < n; ++i) {
            service.append(req(alice, u"general"_s, u"c%1"_s.arg(i)), this,
                           [&](const AppendResult &r) { ackedSeqs.append(r.message.seq); });
        }
        QTRY_COMPARE_WITH_TIMEOUT(ackedSeqs.size(), n, 30000);
        for (int i = 0; i < n; ++i)
            QCOMPARE(ackedSeqs[i], i + 1);
        // Broadcast batches: every message once, in seq order, fewer events than messages.
        qint64 expected = 1;
        for (const QList<QVariant> &args : committed) {
            for (const ChatMessage &m : args.at(0).value<QList<ChatMessage>>())
                QCOMPARE(m.seq, expected++);
        }
        QCOMPARE(expected, n + 1);
        QVERIFY(committed.size() < n);
        qInfo() << n << "appends committed in" << committed.size() << "transactions";

        bool closed = false;
        service.close([&] { closed = true; });
        QTRY_VERIFY(closed);
    }

    void callbacksSkipDeadContexts()
    {
        StoreService service(makeStore(u"ctx"_s));
        QString error;
        QVERIFY(service.open(&error));
        auto context = std::make_unique<QObject>();
        bool called = false;
        service.run<int>(context.get(), [](ChatStore &) { return 1; }, [&](int) { called = true; });
        context.reset();
        bool after = false;
        service.run<int>(this, [](ChatStore &) { return 2; }, [&](int) { after = true; });
        QTRY_VERIFY(after); // results arrive in order, so the first one has been handled
        QVERIFY(!called);
    }

    void awkwardTextIsStoredAsSent()
    {
        // PostgreSQL stores a batch through array values: nothing in a body or client id may
        // read as array syntax, and a batch bigger than one statement's share is split.
        auto store = openStore();
        QVERIFY(store);
        const qint64 alice = makeUser(*store, u"alice"_s);
        const QStringList awkward{u"\"quoted\""_s, u"back\\slash"_s, u"\\\""_s, u"{braces}"_s,
                                  u"a,b"_s, u"NULL"_s, u"null"_s, u"line\nbreak\ttab"_s,
                                  u"  spaced  "_s, u"h\u00e9llo \U0001F600"_s, u"'single'"_s,
                                  u"}"_s, u"{"_s, u"\\"_s, u"$1"_s, u"?"_s, u"::text"_s};
        QList<AppendRequest> batch;
        for (const QString &text : awkward)
            batch.append({alice, u"general"_s, text, text});
        batch.append({alice, u"general"_s, u"big-1"_s, QString(3 << 20, u'x')});
        batch.append({alice, u"general"_s, u"big-2"_s, QString(3 << 20, u'y')});
        batch.append({alice, u"general"_s, u"after-big"_s, u"last"_s});
        const auto results = store->appendBatch(batch);
        for (qsizetype i = 0; i < results.size(); ++i) {
            QCOMPARE(results[i].status, StoreStatus::Ok);
            QVERIFY(!results[i].duplicate);
            QCOMPARE(results[i].message.seq, i + 1);
        }
        const auto h = store->history({u"general"_s, alice, 0, {}, 100});
        QCOMPARE(h.messages.size(), batch.size());
        for (qsizetype i = 0; i < batch.size(); ++i) {
            QCOMPARE(h.messages[i].clientId, batch[i].clientId);
            QCOMPARE(h.messages[i].body, batch[i].body);
        }
        // Retries of all of them, in one batch again: each answered with its original.
        const auto again = store->appendBatch(batch);
        for (qsizetype i = 0; i < again.size(); ++i) {
            QVERIFY(again[i].duplicate);
            QCOMPARE(again[i].message.id, results[i].message.id);
            QCOMPARE(again[i].message.body, batch[i].body);
        }
    }

    void eventsOfEveryKind()
    {
        auto store = openStore();
        QVERIFY(store);
        const qint64 alice = makeUser(*store, u"alice"_s);
        const qint64 bob = makeUser(*store, u"bob"_s);
        QCOMPARE(store->createRoom(u"ops"_s, false, alice), StoreStatus::Ok);
        auto event = [](qint64 sender, const QString &clientId, EventKind kind, QJsonObject fields,
                        const QString &body = {}, const QString &room = u"general"_s) {
            AppendRequest r{sender, room, clientId, body, kind, std::move(fields)};
            return r;
        };
        auto one = [&](const AppendRequest &r) { return store->appendBatch({r}).constFirst(); };
        auto newest = [&](qint64 reader) {
            return store->history({u"general"_s, reader, std::nullopt, std::nullopt, 50}).messages;
        };

        const AppendResult m1 = one(event(alice, u"m1"_s, EventKind::Message,
                                          {{"format"_L1, u"markdown"_s}}, u"first *draft*"_s));
        const AppendResult m2 = one(event(bob, u"m2"_s, EventKind::Message, {}, u"bob's"_s));
        const AppendResult elsewhere = one(event(alice, u"o1"_s, EventKind::Message, {}, u"x"_s, u"ops"_s));
        QCOMPARE(m1.message.seq, 1);
        QCOMPARE(m2.message.seq, 2);
        QCOMPARE(newest(alice).size(), 2); // the room's newest page is now held in memory

        const QJsonObject onM1{{"relatesTo"_L1, m1.message.id}};
        const QJsonObject onM2{{"relatesTo"_L1, m2.message.id}};
        auto reaction = [](const QString &target, const QString &key, const QString &op) {
            return QJsonObject{{"relatesTo"_L1, target}, {"key"_L1, key}, {"op"_L1, op}};
        };
        const AppendResult edit = one(event(alice, u"e1"_s, EventKind::Edit, onM1, u"first, final"_s));
        QCOMPARE(edit.status, StoreStatus::Ok);
        QCOMPARE(edit.message.seq, 3);
        QCOMPARE(edit.message.kind, EventKind::Edit);
        // Refused, and numbered nothing: another's message, a deleted or missing one, an event
        // that is not a message, a message of another room, an unknown user.
        QCOMPARE(one(event(bob, u"e2"_s, EventKind::Edit, onM1, u"hijack"_s)).status, StoreStatus::Forbidden);
        QCOMPARE(one(event(alice, u"d1"_s, EventKind::Delete, onM2)).status, StoreStatus::Forbidden);
        QCOMPARE(one(event(alice, u"e3"_s, EventKind::Edit,
                           {{"relatesTo"_L1, QUuid::createUuid().toString(QUuid::WithoutBraces)}}, u"?"_s)).status,
                 StoreStatus::EventNotFound);
        QCOMPARE(one(event(alice, u"e4"_s, EventKind::Edit, {{"relatesTo"_L1, edit.message.id}}, u"?"_s)).status,
                 StoreStatus::EventNotFound);
        QCOMPARE(one(event(alice, u"e5"_s, EventKind::Edit, {{"relatesTo"_L1, elsewhere.message.id}}, u"?"_s)).status,
                 StoreStatus::EventNotFound);
        QCOMPARE(one(event(alice, u"u1"_s, EventKind::Member,
                           {{"user"_L1, u"nobody"_s}, {"change"_L1, u"invite"_s}})).status,
                 StoreStatus::UserNotFound);

        // Messages and changes mixed in one batch: numbered in order, gapless.
        const auto mixed = store->appendBatch({
                event(bob, u"r1"_s, EventKind::Reaction, reaction(m1.message.id, u"\U0001F44D"_s, u"add"_s)),
                event(bob, u"m3"_s, EventKind::Message, {}, u"between"_s),
                event(alice, u"r2"_s, EventKind::Reaction, reaction(m1.message.id, u"\U0001F44D"_s, u"add"_s)),
                event(bob, u"r3"_s, EventKind::Reaction, reaction(m1.message.id, u"\U0001F389"_s, u"add"_s)),
                event(bob, u"m4"_s, EventKind::Message, {}, u"and after"_s),
                event(bob, u"r4"_s, EventKind::Reaction, reaction(m1.message.id, u"\U0001F44D"_s, u"remove"_s)),
                event(alice, u"t1"_s, EventKind::Topic, {{"topic"_L1, u"launch week"_s}}),
                event(alice, u"u2"_s, EventKind::Member, {{"user"_L1, u"Bob"_s}, {"change"_L1, u"invite"_s}}),
        });
        for (qsizetype i = 0; i < mixed.size(); ++i) {
            QCOMPARE(mixed[i].status, StoreStatus::Ok);
            QCOMPARE(mixed[i].message.seq, 4 + i);
        }
        const AppendResult del = one(event(bob, u"d2"_s, EventKind::Delete, onM2));
        QCOMPARE(del.message.seq, 12);
        QCOMPARE(one(event(alice, u"r5"_s, EventKind::Reaction, reaction(m2.message.id, u"x"_s, u"add"_s))).status,
                 StoreStatus::EventNotFound); // deleted
        // A retry of a change is answered with the original.
        const AppendResult again = one(event(alice, u"e1"_s, EventKind::Edit, onM1, u"first, final"_s));
        QVERIFY(again.duplicate);
        QCOMPARE(again.message.seq, 3);
        QCOMPARE(again.message.kind, EventKind::Edit);

        // History: every event once, in order; messages carry their current state.
        const QList<ChatMessage> asAlice = newest(alice);
        QCOMPARE(asAlice.size(), 12);
        for (qsizetype i = 0; i < asAlice.size(); ++i)
            QCOMPARE(asAlice[i].seq, i + 1);
        QCOMPARE(asAlice[0].body, u"first, final"_s);
        QVERIFY(asAlice[0].edited);
        QCOMPARE(asAlice[0].fields.value("format"_L1).toString(), u"markdown"_s);
        QCOMPARE(asAlice[0].reactions,
                 (QList<Reaction>{{u"\U0001F389"_s, 1, false}, {u"\U0001F44D"_s, 1, true}}));
        QVERIFY(asAlice[1].deleted);
        QCOMPARE(asAlice[1].body, QString());
        QVERIFY(asAlice[1].reactions.isEmpty());
        QCOMPARE(asAlice[2].kind, EventKind::Edit);
        QCOMPARE(asAlice[2].fields.value("relatesTo"_L1).toString(), m1.message.id);
        QCOMPARE(asAlice[3].kind, EventKind::Reaction);
        QCOMPARE(asAlice[3].fields.value("key"_L1).toString(), u"\U0001F44D"_s);
        QCOMPARE(asAlice[9].fields.value("topic"_L1).toString(), u"launch week"_s);
        QCOMPARE(asAlice[10].fields.value("user"_L1).toString(), u"Bob"_s);
        QCOMPARE(asAlice[11].kind, EventKind::Delete);
        const QList<ChatMessage> asBob = newest(bob);
        QCOMPARE(asBob[0].reactions,
                 (QList<Reaction>{{u"\U0001F389"_s, 1, true}, {u"\U0001F44D"_s, 1, false}}));
        // Reopened (nothing cached): the same.
        store.reset();
        store = openStore();
        QVERIFY(store);
        QCOMPARE(newest(alice), asAlice);
    }

    void twoServersOfOneDatabase()
    {
        if (m_backend == u"sqlite"_s) {
            // SQLite is embedded: one server per file, held by a lock file beside it.
            auto first = openStore();
            QVERIFY(first);
            auto second = makeStore();
            QString error;
            QVERIFY(!second->open(&error));
            QVERIFY2(error.contains(u"in use"_s), qPrintable(error));
            first.reset();
            QVERIFY2(second->open(&error), qPrintable(error));
            return;
        }
        // PostgreSQL: two servers write one room at once. Seqs come from the room's counter
        // row, locked by the storing transaction, so they never collide and leave no gap.
        StoreService a(makeStore()), b(makeStore());
        QString error;
        QVERIFY2(a.open(&error), qPrintable(error));
        QVERIFY2(b.open(&error), qPrintable(error));
        QCOMPARE(a.epoch(), b.epoch());
        const qint64 alice = await<qint64>(a, [](ChatStore &s) { return makeUser(s, u"alice"_s); }).value_or(0);
        QVERIFY(alice != 0);
        // B reads the room first, so it holds its newest messages (an empty room) in its cache.
        QVERIFY(await(b, readGeneral(alice, {}, 50)));
        constexpr int perServer = 600;
        QList<qint64> seqs;
        int failed = 0;
        for (int i = 0; i < perServer; ++i) {
            for (StoreService *service : {&a, &b}) {
                const QString id = u"%1-%2"_s.arg(service == &a ? u"a"_s : u"b"_s).arg(i);
                service->append(req(alice, u"general"_s, id), this, [&](const AppendResult &r) {
                    if (r.status == StoreStatus::Ok)
                        seqs.append(r.message.seq);
                    else
                        ++failed;
                });
            }
        }
        QTRY_COMPARE_WITH_TIMEOUT(seqs.size() + failed, 2 * perServer, 60000);
        QCOMPARE(failed, 0);
        std::sort(seqs.begin(), seqs.end());
        for (int i = 0; i < seqs.size(); ++i)
            QCOMPARE(seqs[i], i + 1);
        // What B holds was overtaken by A's commits; its newest page is the table's.
        const auto read = await(b, readGeneral(alice, {}, 50));
        QVERIFY(read);
        const HistoryResult &newest = *read;
        QCOMPARE(newest.lastSeq, 2 * perServer);
        QCOMPARE(newest.messages.size(), 50);
        QCOMPARE(newest.messages.last().seq, 2 * perServer);
        QCOMPARE(newest.messages.first().seq, 2 * perServer - 49);
    }

    void databaseThatGoesAwayComesBack()
    {
        if (m_backend == u"sqlite"_s)
            QSKIP("an embedded SQLite file cannot go away; the PostgreSQL row tests this");
        StoreService service(makeStore());
        QString error;
        QVERIFY2(service.open(&error), qPrintable(error));
        const qint64 alice = await<qint64>(service, [](ChatStore &s) { return makeUser(s, u"alice"_s); }).value_or(0);
        QVERIFY(alice != 0);

        auto restart = qScopeGuard([this] { m_pg->start(); }); // for the next test, pass or fail
        // Killed under load: whatever was acknowledged is stored, and nothing is stored twice.
        QSet<QString> acked;
        int answered = 0;
        constexpr int n = 3000;
        for (int i = 0; i < n; ++i) {
            const QString id = u"k%1"_s.arg(i);
            service.append(req(alice, u"general"_s, id), this, [&, id](const AppendResult &r) {
                ++answered;
                if (r.status == StoreStatus::Ok)
                    acked.insert(id);
                if (answered == 500)
                    QVERIFY(m_pg->kill());
            });
        }
        QTRY_COMPARE_WITH_TIMEOUT(answered, n, 60000);
        QVERIFY(acked.size() >= 500); // how many more made it depends on where the kill fell
        qInfo() << acked.size() << "of" << n << "acknowledged before and around the kill";

        // While it is down every operation fails quickly, and the append is not acknowledged.
        bool down = false;
        service.append(req(alice, u"general"_s, u"while-down"_s), this,
                       [&](const AppendResult &r) { down = r.status == StoreStatus::Error; });
        QTRY_VERIFY(down);

        // Back: the same store object works again without a restart of the chat server.
        QVERIFY(m_pg->start());
        restart.dismiss();
        QList<AppendResult> after;
        service.append(req(alice, u"general"_s, u"after"_s), this,
                       [&](const AppendResult &r) { after.append(r); });
        QTRY_COMPARE(after.size(), 1);
        QCOMPARE(after[0].status, StoreStatus::Ok);

        const auto read = await(service, readGeneral(alice, 0, 10000));
        QVERIFY(read);
        const HistoryResult &all = *read;
        QCOMPARE(all.status, StoreStatus::Ok);
        QSet<QString> stored;
        for (qsizetype i = 0; i < all.messages.size(); ++i) {
            QCOMPARE(all.messages[i].seq, i + 1); // no gap, no duplicate
            stored.insert(all.messages[i].clientId);
        }
        QCOMPARE(after[0].message.seq, all.messages.size());
        QVERIFY(!stored.contains(u"while-down"_s));
        for (const QString &id : std::as_const(acked))
            QVERIFY2(stored.contains(id), qPrintable(id + u" was acknowledged but is not stored"_s));
        QCOMPARE(stored.size(), all.messages.size());
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
