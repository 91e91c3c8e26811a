// SPDX-License-Identifier: MIT
// SqliteStore on a temporary file, and StoreService's group commit on top of it.
#include "store/sqlitestore.h"
#include "store/recentmessages.h"
#include "store/storeservice.h"

#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QFileInfo>
#include <QTest>

using namespace Qt::StringLiterals;

class TestSqliteStore : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SqliteStore> openStore(const QString &file = u"chat.db"_s)
    {
        auto store = std::make_unique<SqliteStore>(m_dir->filePath(file));
        QString error;
        if (!store->open(&error))
            qWarning() << error;
        return store;
    }
    static qint64 makeUser(SqliteStore &store, const QString &name)
    {
        UserRecord user;
        if (store.createUser(name, "hash", &user) != StoreStatus::Ok)
            return 0;
        return user.id;
    }
    static AppendRequest req(qint64 sender, const QString &room, const QString &clientId)
    {
        return {sender, room, clientId, u"body of "_s + clientId};
    }

    std::unique_ptr<QTemporaryDir> m_dir;

private slots:
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }

    void schemaAndEpoch()
    {
        QString epoch;
        {
            auto store = openStore();
            epoch = store->epoch();
            QVERIFY(!epoch.isEmpty());
            QCOMPARE(SqliteStore::schemaVersion(), 1);
        }
        {
            auto again = openStore();
            QCOMPARE(again->epoch(), epoch); // same database, same epoch
        }
        auto other = openStore(u"other.db"_s);
        QVERIFY(other->epoch() != epoch); // new database, new epoch
        // WAL is on.
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"probe"_s);
        db.setDatabaseName(m_dir->filePath(u"chat.db"_s));
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"PRAGMA journal_mode"_s) && q.next());
        QCOMPARE(q.value(0).toString(), u"wal"_s);
        QVERIFY(q.exec(u"PRAGMA user_version"_s) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        q = QSqlQuery();
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"probe"_s);
    }

    void databaseOfANewerServerIsRefused()
    {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"future"_s);
            db.setDatabaseName(m_dir->filePath(u"future.db"_s));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"PRAGMA user_version = 99"_s));
            q = QSqlQuery();
            db.close();
        }
        QSqlDatabase::removeDatabase(u"future"_s);
        SqliteStore store(m_dir->filePath(u"future.db"_s));
        QString error;
        QVERIFY(!store.open(&error));
        QCOMPARE(error, u"database schema 99 is newer than this server (1)"_s);
    }

    void oneServerPerDatabase()
    {
        auto first = openStore();
        SqliteStore second(m_dir->filePath(u"chat.db"_s));
        QString error;
        QVERIFY(!second.open(&error));
        QVERIFY2(error.contains(u"in use"_s), qPrintable(error));
        first.reset();
        QVERIFY2(second.open(&error), qPrintable(error));
    }

    void usersAreUniqueIgnoringCase()
    {
        auto store = openStore();
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

        // The seq survives reopening (the cache is rebuilt from the table).
        store.reset();
        store = openStore();
        const auto next = store->appendBatch({req(bob, u"general"_s, u"b5"_s)});
        QCOMPARE(next[0].message.seq, 4);
    }

    void paging()
    {
        auto store = openStore();
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

    void recentMessagesAnswerOnlyWhatTheyHold()
    {
        RecentMessages recent(4);
        auto msg = [](qint64 seq) {
            ChatMessage m;
            m.seq = seq;
            return m;
        };
        QVERIFY(!recent.page(1, std::nullopt, std::nullopt, 2)); // nothing held
        recent.fill(1, {msg(5), msg(6), msg(7)}, false);      // seqs 1-4 exist, not held
        QCOMPARE(recent.page(1, std::nullopt, std::nullopt, 3)->messages.size(), 3);
        QVERIFY(recent.page(1, std::nullopt, std::nullopt, 3)->hasMore);
        QVERIFY(!recent.page(1, std::nullopt, std::nullopt, 4)); // needs seq 4
        QCOMPARE(recent.page(1, 4, std::nullopt, 10)->messages.size(), 3);
        QVERIFY(!recent.page(1, 3, std::nullopt, 10)); // needs seq 4
        recent.append(1, msg(8));
        recent.append(1, msg(9)); // holds 4: 6..9
        QVERIFY(!recent.page(1, 4, std::nullopt, 10));
        QCOMPARE(recent.page(1, 5, std::nullopt, 2)->messages.first().seq, 6);
        QVERIFY(recent.page(1, 5, std::nullopt, 2)->hasMore);
        recent.append(1, msg(11)); // out of step: forgotten
        QVERIFY(!recent.page(1, std::nullopt, std::nullopt, 1));
        recent.fill(2, {msg(1), msg(2)}, true); // a whole room
        QCOMPARE(recent.page(2, std::nullopt, std::nullopt, 50)->messages.size(), 2);
        QVERIFY(!recent.page(2, std::nullopt, std::nullopt, 50)->hasMore);
        QCOMPARE(recent.page(2, std::nullopt, 2, 50)->messages.size(), 1);
        QVERIFY(recent.page(2, 2, std::nullopt, 50)->messages.isEmpty());
    }

    void recentMessagesStayWithinTheirByteBound()
    {
        RecentMessages recent(128, 1024, 100'000);
        auto msg = [](qint64 seq) {
            ChatMessage m;
            m.seq = seq;
            m.body = QString(4000, u'x'); // ~8 KB each as UTF-16
            return m;
        };
        recent.fill(1, {}, true);
        for (qint64 seq = 1; seq <= 11; ++seq) {
            recent.append(1, msg(seq));
            QVERIFY(recent.bytes() <= 100'000);
        }
        QVERIFY(recent.page(1, std::nullopt, std::nullopt, 2)); // 11 × ~8 KB still fit
        recent.append(1, msg(12));                               // the 13th would not
        recent.append(1, msg(13));
        QCOMPARE(recent.bytes(), 0);
        QVERIFY(!recent.page(1, std::nullopt, std::nullopt, 2)); // dropped: read again from SQL
    }

    void walStaysBoundedUnderSteadyWrites()
    {
        // Checkpoints run between the writer's own transactions (SQLite's automatic ones), so
        // the WAL is rewound and stays small however long the writes go on. Checkpointing from
        // another connection instead let it grow without bound (2.3 GB in 10 s of ingest).
        auto store = openStore();
        const qint64 alice = makeUser(*store, u"alice"_s);
        const QString body(1000, u'x');
        qint64 written = 0;
        int b = 0;
        for (; written < 30'000'000; ++b) {
            QList<AppendRequest> batch;
            for (int i = 0; i < 50; ++i)
                batch.append({alice, u"general"_s, u"w%1-%2"_s.arg(b).arg(i), body});
            for (const AppendResult &r : store->appendBatch(batch))
                QCOMPARE(r.status, StoreStatus::Ok);
            written += 50 * body.size();
        }
        const qint64 wal = QFileInfo(m_dir->filePath(u"chat.db-wal"_s)).size();
        QVERIFY2(wal < written / 3, qPrintable(u"wal %1 of %2 written"_s.arg(wal).arg(written)));
        HistoryQuery all{u"general"_s, alice, std::nullopt, std::nullopt, 1};
        QCOMPARE(store->history(all).lastSeq, b * 50);
    }

    void tokens()
    {
        auto store = openStore();
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
        const qint64 alice = makeUser(*store, u"alice"_s);
        const auto r = store->appendBatch(
                {{alice, u"general"_s, u"x'); DROP TABLE messages; --"_s, u"'; DELETE FROM users; --"_s}});
        QCOMPARE(r[0].status, StoreStatus::Ok);
        QVERIFY(store->findUser(u"alice"_s));
        HistoryQuery q{u"general"_s, alice, 0, std::nullopt, 10};
        QCOMPARE(store->history(q).messages.first().body, u"'; DELETE FROM users; --"_s);
    }

    void groupCommitAcksInOrder()
    {
        StoreService service(std::make_unique<SqliteStore>(m_dir->filePath(u"group.db"_s)));
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
        StoreService service(std::make_unique<SqliteStore>(m_dir->filePath(u"ctx.db"_s)));
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
};

QTEST_GUILESS_MAIN(TestSqliteStore)
#include "tst_sqlitestore.moc"
