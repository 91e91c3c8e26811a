// SPDX-License-Identifier: MIT
// The ChatStore contract, every case on every backend (Mumble's DatabaseTest does the same): an
// SQLite file in a temporary directory, and a database of a PostgreSQL server this test starts
// for itself (tests/support/storefixture). StoreService's group commit runs on top of each.
// Events of other kinds than messages: tst_storeevents; several servers and outages:
// tst_postgresstore.
#include "storefixture.h"
#include "store/postgresstore.h"
#include "store/sqlitestore.h"

#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;

class TestStore : public QObject
{
    Q_OBJECT

private:
    StoreFixture m_stores;

private slots:
    void initTestCase_data() { StoreFixture::addBackendRows(); }
    void init() { m_stores.startCurrentCase(); }

    void epochBelongsToTheDatabase()
    {
        QString epoch;
        {
            auto store = m_stores.open();
            QVERIFY(store);
            epoch = store->epoch();
            QVERIFY(!epoch.isEmpty());
        }
        {
            auto again = m_stores.open();
            QVERIFY(again);
            QCOMPARE(again->epoch(), epoch); // same database, same epoch
        }
        auto other = m_stores.open(u"other"_s);
        QVERIFY(other);
        QVERIFY(other->epoch() != epoch); // new database, new epoch
    }

    void databaseOfANewerServerIsRefused()
    {
        int shipped = 0;
        {
            auto store = m_stores.open(u"future"_s);
            QVERIFY(store);
        }
        // Written as a newer server would have left it.
        QSqlDatabase db;
        const QString connection = u"future-probe"_s;
        if (m_stores.isSqlite()) {
            db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
            db.setDatabaseName(m_stores.sqlitePath(u"future"_s));
            shipped = SqliteStore::schemaVersion();
        } else {
            db = QSqlDatabase::addDatabase(u"QPSQL"_s, connection);
            PostgresServer *pg = m_stores.postgres();
            QVERIFY(pg);
            db.setHostName(pg->socketDir());
            db.setPort(pg->port());
            db.setUserName(pg->user());
            db.setDatabaseName(m_stores.databaseName(u"future"_s));
            shipped = PostgresStore::schemaVersion();
        }
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(m_stores.isSqlite() ? q.exec(u"PRAGMA user_version = 99"_s)
                                            : q.exec(u"UPDATE schema_version SET version = 99"_s));
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(connection);
        auto store = m_stores.make(u"future"_s);
        QString error;
        QVERIFY(!store->open(&error));
        QCOMPARE(error, u"database schema 99 is newer than this server (%1)"_s.arg(shipped));
    }

    void namesThatLookAlikeAreOneName_data()
    {
        QTest::addColumn<QString>("taken");
        QTest::addColumn<QString>("other");
        QTest::addColumn<bool>("refused");
        QTest::newRow("capital i for l") << u"alice"_s << u"aIice"_s << true;
        QTest::newRow("one for l") << u"paul"_s << u"pau1"_s << true;
        QTest::newRow("zero for o") << u"bob"_s << u"b0b"_s << true;
        QTest::newRow("rn for m") << u"tim"_s << u"tirn"_s << true;
        QTest::newRow("vv for w") << u"wendy"_s << u"vvendy"_s << true;
        QTest::newRow("L for i, cased") << u"bILL"_s << u"bili"_s << true; // bIlI, bIll: alike
        QTest::newRow("another name") << u"alice"_s << u"alicia"_s << false;
        QTest::newRow("dot and dash differ") << u"john.doe"_s << u"john-doe"_s << false;
    }

    void namesThatLookAlikeAreOneName()
    {
        QFETCH(QString, taken);
        QFETCH(QString, other);
        QFETCH(bool, refused);
        auto store = m_stores.open();
        QVERIFY(store);
        UserRecord user;
        QCOMPARE(store->createUser(taken, "h1", &user), StoreStatus::Ok);
        QCOMPARE(store->createUser(other, "h2", &user), refused ? StoreStatus::Conflict : StoreStatus::Ok);
        QCOMPARE(bool(store->findUser(other)), !refused); // a refused one left nothing behind
    }

    void usersAreUniqueIgnoringCase()
    {
        auto store = m_stores.open();
        QVERIFY(store);
        UserRecord user;
        QCOMPARE(store->createUser(u"Alice"_s, "h1", &user), StoreStatus::Ok);
        QCOMPARE(store->createUser(u"alice"_s, "h2", &user), StoreStatus::Conflict);
        const auto found = store->findUser(u"ALICE"_s);
        QVERIFY(found);
        QCOMPARE(found->name, u"Alice"_s);
        QCOMPARE(found->passwordHash, QByteArray("h1"));
        // Every account is a member of general from registration.
        const auto rooms = (*store->listRooms({found->id})).rooms;
        QCOMPARE(rooms.size(), 1);
        QCOMPARE(rooms.first().name, u"general"_s);
        QVERIFY(rooms.first().member);
    }

    void seqWithoutGapsAndIdempotentAppend()
    {
        auto store = m_stores.open();
        QVERIFY(store);
        const qint64 alice = StoreFixture::makeUser(*store, u"alice"_s);
        const qint64 bob = StoreFixture::makeUser(*store, u"bob"_s);
        QCOMPARE(store->createRoom(u"ops"_s, false, alice), StoreStatus::Ok);

        const auto first = store->appendBatch({StoreFixture::req(alice, u"general"_s, u"a1"_s),
                                               StoreFixture::req(alice, u"ops"_s, u"a2"_s),
                                               StoreFixture::req(bob, u"ops"_s, u"b1"_s), // not a member
                                               StoreFixture::req(bob, u"nope"_s, u"b2"_s),
                                               StoreFixture::req(bob, u"general"_s, u"b3"_s),
                                               StoreFixture::req(alice, u"general"_s, u"a1"_s)}); // retry
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
        const auto later = store->appendBatch({StoreFixture::req(alice, u"ops"_s, u"a1"_s),
                                               StoreFixture::req(bob, u"general"_s, u"b4"_s)});
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
        store = m_stores.open();
        QVERIFY(store);
        const auto next = store->appendBatch({StoreFixture::req(bob, u"general"_s, u"b5"_s)});
        QCOMPARE(next[0].message.seq, 4);
    }

    void paging()
    {
        auto store = m_stores.open();
        QVERIFY(store);
        const qint64 alice = StoreFixture::makeUser(*store, u"alice"_s);
        QList<AppendRequest> batch;
        for (int i = 1; i <= 120; ++i)
            batch.append(StoreFixture::req(alice, u"general"_s, u"c%1"_s.arg(i)));
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
        auto store = m_stores.open();
        QVERIFY(store);
        const qint64 alice = StoreFixture::makeUser(*store, u"alice"_s);
        const qint64 bob = StoreFixture::makeUser(*store, u"bob"_s);
        QCOMPARE(store->createRoom(u"secret"_s, true, alice), StoreStatus::Ok);
        QCOMPARE(store->createRoom(u"secret"_s, false, bob), StoreStatus::Conflict);
        QCOMPARE(store->createRoom(u"lobby"_s, false, alice), StoreStatus::Ok);

        auto names = [&](qint64 user) {
            QStringList out;
            for (const RoomInfo &r : (*store->listRooms({user})).rooms)
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

    void roomListComesInPagesByName()
    {
        auto store = m_stores.open();
        QVERIFY(store);
        const qint64 alice = StoreFixture::makeUser(*store, u"alice"_s);
        const qint64 bob = StoreFixture::makeUser(*store, u"bob"_s);
        for (const QString &name : {u"b-2"_s, u"a-1"_s, u"c-3"_s, u"d-4"_s})
            QCOMPARE(store->createRoom(name, false, alice), StoreStatus::Ok);
        QCOMPARE(store->createRoom(u"bb-secret"_s, true, alice), StoreStatus::Ok);
        auto walk = [&](qint64 user, int limit) {
            QStringList names;
            QString after;
            for (int pages = 0; pages < 20; ++pages) {
                const Lookup<RoomList> page = store->listRooms({user, after, limit});
                if (!page)
                    return QStringList{u"(failed)"_s};
                for (const RoomInfo &r : page->rooms)
                    names.append(r.name);
                if (!page->hasMore)
                    break;
                after = page->rooms.constLast().name;
            }
            return names;
        };
        const QStringList all = walk(alice, 500);
        QCOMPARE(all.size(), 6);
        QVERIFY(all.contains(u"bb-secret"_s) && all.contains(u"general"_s));
        QCOMPARE(walk(alice, 2), all); // the same rooms, in the same order, page by page
        QCOMPARE(walk(alice, 1), all);
        QStringList visible = all;
        visible.removeAll(u"bb-secret"_s);
        QCOMPARE(walk(bob, 2), visible); // a private room is on nobody else's pages
        QVERIFY(!store->listRooms({alice, all.constLast(), 10})->hasMore);
        QVERIFY(store->listRooms({alice, all.constLast(), 10})->rooms.isEmpty());
    }

    void refusedSenderMayPostAfterJoining()
    {
        // The append path caches memberships; a refusal must not be remembered.
        auto store = m_stores.open();
        QVERIFY(store);
        const qint64 alice = StoreFixture::makeUser(*store, u"alice"_s);
        const qint64 bob = StoreFixture::makeUser(*store, u"bob"_s);
        QCOMPARE(store->createRoom(u"lobby"_s, false, alice), StoreStatus::Ok);
        QCOMPARE(store->appendBatch({StoreFixture::req(bob, u"lobby"_s, u"b1"_s)})[0].status,
                 StoreStatus::Forbidden);
        QCOMPARE(store->joinRoom(u"lobby"_s, bob), StoreStatus::Ok);
        const auto after = store->appendBatch({StoreFixture::req(bob, u"lobby"_s, u"b1"_s)});
        QCOMPARE(after[0].status, StoreStatus::Ok);
        QVERIFY(!after[0].duplicate);
        QCOMPARE(after[0].message.sender, u"bob"_s);
    }

    // Pages are answered from RecentMessages when it covers them and from SQL otherwise; either
    // way a page must be exactly what the table holds. Seqs are 1..300 with body "m<seq>", so
    // every expected page follows from arithmetic.
    void historyPagesMatchTheTableWhereverTheyComeFrom()
    {
        auto store = m_stores.open();
        QVERIFY(store);
        const qint64 alice = StoreFixture::makeUser(*store, u"alice"_s);
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
        auto store = m_stores.open();
        QVERIFY(store);
        const qint64 alice = StoreFixture::makeUser(*store, u"alice"_s);
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

    void passwordChangeKeepsOnlyTheTokenItNames()
    {
        auto store = m_stores.open();
        QVERIFY(store);
        const qint64 alice = StoreFixture::makeUser(*store, u"alice"_s);
        const qint64 bob = StoreFixture::makeUser(*store, u"bob"_s);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (const char *digest : {"alice-here", "alice-phone", "alice-laptop"})
            QVERIFY(store->storeToken(digest, alice, now.addDays(1)));
        QVERIFY(store->storeToken("bob-1", bob, now.addDays(1)));
        QList<QByteArray> revoked;
        QCOMPARE(store->setPassword(alice, "$argon2id$new", "alice-here", &revoked), StoreStatus::Ok);
        std::sort(revoked.begin(), revoked.end());
        QCOMPARE(revoked, (QList<QByteArray>{"alice-laptop", "alice-phone"}));
        QVERIFY(store->userForToken("alice-here", now));
        QVERIFY(!store->userForToken("alice-phone", now));
        QVERIFY(store->userForToken("bob-1", now));
        QCOMPARE(store->findUser(u"alice"_s)->passwordHash, QByteArray("$argon2id$new"));
        revoked.clear();
        QCOMPARE(store->setPassword(424242, "$argon2id$x", {}, &revoked), StoreStatus::UserNotFound);
        QVERIFY(revoked.isEmpty());
    }

    void disabledUserHasNoTokensAndKeepsTheName()
    {
        auto store = m_stores.open();
        QVERIFY(store);
        const qint64 alice = StoreFixture::makeUser(*store, u"alice"_s);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(store->storeToken("alice-1", alice, now.addDays(1)));
        QVERIFY(store->storeToken("alice-2", alice, now.addDays(1)));
        QVERIFY(!store->findUser(u"alice"_s)->disabled);
        QList<QByteArray> revoked;
        QCOMPARE(store->disableUser(alice, &revoked), StoreStatus::Ok);
        QCOMPARE(revoked.size(), 2);
        QVERIFY(store->findUser(u"alice"_s)->disabled);
        QVERIFY(!store->userForToken("alice-1", now));
        // A token stored afterwards (a sign-in that raced the deactivation) opens nothing.
        QVERIFY(store->storeToken("alice-3", alice, now.addDays(1)));
        QVERIFY(!store->userForToken("alice-3", now));
        revoked.clear();
        QCOMPARE(store->disableUser(alice, &revoked), StoreStatus::UserNotFound); // already
        QCOMPARE(store->setPassword(alice, "$argon2id$x", {}, &revoked), StoreStatus::UserNotFound);
        UserRecord again;
        QCOMPARE(store->createUser(u"Alice"_s, "$argon2id$y", &again), StoreStatus::Conflict);
    }

    void sqlLookingNamesAreData()
    {
        auto store = m_stores.open();
        QVERIFY(store);
        const qint64 alice = StoreFixture::makeUser(*store, u"alice"_s);
        const auto r = store->appendBatch(
                {{alice, u"general"_s, u"x'); DROP TABLE events; --"_s, u"'; DELETE FROM users; --"_s}});
        QCOMPARE(r[0].status, StoreStatus::Ok);
        QVERIFY(store->findUser(u"alice"_s));
        HistoryQuery q{u"general"_s, alice, 0, std::nullopt, 10};
        QCOMPARE(store->history(q).messages.first().body, u"'; DELETE FROM users; --"_s);
    }

    void groupCommitAcksInOrder()
    {
        StoreService service(m_stores.make(u"group"_s));
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
            service.append(StoreFixture::req(alice, u"general"_s, u"c%1"_s.arg(i)), this,
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

    void readerSeesWhatTheWriterCommits()
    {
        auto writer = m_stores.open();
        QVERIFY(writer);
        const qint64 alice = StoreFixture::makeUser(*writer, u"alice"_s);
        auto reader = m_stores.open(u"chat"_s, StoreRole::Reader);
        QVERIFY(reader);
        QCOMPARE(reader->epoch(), writer->epoch());
        auto append = [&](const QString &clientId) {
            return writer->appendBatch({StoreFixture::req(alice, u"general"_s, clientId)}).value(0);
        };
        for (const QString &id : {u"a1"_s, u"a2"_s, u"a3"_s})
            QCOMPARE(append(id).status, StoreStatus::Ok);

        HistoryQuery newest{u"general"_s, alice, std::nullopt, std::nullopt, 50};
        QCOMPARE(reader->history(newest).messages.size(), 3); // the reader now holds the room
        const AppendResult fourth = append(u"a4"_s);
        QCOMPARE(fourth.status, StoreStatus::Ok);
        // The writer moved on without telling the reader: what it held is not the newest.
        const HistoryResult again = reader->history(newest);
        QCOMPARE(again.lastSeq, 4);
        QCOMPARE(again.messages.size(), 4);
        QCOMPARE(again.messages.constLast().clientId, u"a4"_s);
        const HistoryResult after = reader->history({u"general"_s, alice, 2, std::nullopt, 50});
        QCOMPARE(after.messages.size(), 2);

        // A reaction stored by the writer is in the reader's pages (no cached "no reactions here").
        AppendRequest react = StoreFixture::req(alice, u"general"_s, u"r1"_s);
        react.kind = EventKind::Reaction;
        react.body.clear();
        react.fields = {{"relatesTo"_L1, fourth.message.id}, {"key"_L1, u"+1"_s}, {"op"_L1, u"add"_s}};
        QCOMPARE(writer->appendBatch({react}).value(0).status, StoreStatus::Ok);
        const HistoryResult reacted = reader->history({u"general"_s, alice, 3, std::nullopt, 1});
        QCOMPARE(reacted.messages.size(), 1);
        QCOMPARE(reacted.messages.constFirst().reactions.size(), 1);
        QVERIFY(reacted.messages.constFirst().reactions.constFirst().me);

        // It writes nothing (on SQLite it cannot: the file is opened read-only).
        if (m_stores.isSqlite())
            QCOMPARE(reader->appendBatch({StoreFixture::req(alice, u"general"_s, u"x"_s)}).value(0).status,
                     StoreStatus::Error);
    }

    void callbacksSkipDeadContexts()
    {
        StoreService service(m_stores.make(u"ctx"_s));
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

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
