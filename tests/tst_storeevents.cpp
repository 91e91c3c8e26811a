// SPDX-License-Identifier: MIT
// Events of every kind in the store, on every backend: how a batch of them is numbered and
// written (text that could read as SQL array syntax, batches split by size), how edits,
// deletes and reactions are checked against the message they change and applied to it, and what
// history then gives each reader.
#include "storefixture.h"

#include <QJsonObject>
#include <QTest>
#include <QUuid>

using namespace Qt::StringLiterals;

class TestStoreEvents : public QObject
{
    Q_OBJECT

private:
    StoreFixture m_stores;

private slots:
    void initTestCase_data() { StoreFixture::addBackendRows(); }
    void init() { m_stores.startCurrentCase(); }

    void awkwardTextIsStoredAsSent()
    {
        // PostgreSQL stores a batch through array values: nothing in a body or client id may
        // read as array syntax, and a batch bigger than one statement's share is split.
        auto store = m_stores.open();
        QVERIFY(store);
        const qint64 alice = StoreFixture::makeUser(*store, u"alice"_s);
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
        auto store = m_stores.open();
        QVERIFY(store);
        const qint64 alice = StoreFixture::makeUser(*store, u"alice"_s);
        const qint64 bob = StoreFixture::makeUser(*store, u"bob"_s);
        const qint64 carol = StoreFixture::makeUser(*store, u"carol"_s);
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
        QCOMPARE(one(event(bob, u"e2"_s, EventKind::Edit, onM1, u"hijack"_s)).status, StoreStatus::NotAuthor);
        QCOMPARE(one(event(alice, u"d1"_s, EventKind::Delete, onM2)).status, StoreStatus::NotAuthor);
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
                event(carol, u"u2"_s, EventKind::Member, {{"user"_L1, u"Carol"_s}, {"change"_L1, u"leave"_s}}),
        });
        for (qsizetype i = 0; i < mixed.size(); ++i) {
            QCOMPARE(mixed[i].status, StoreStatus::Ok);
            QCOMPARE(mixed[i].message.seq, 4 + i);
        }
        const AppendResult del = one(event(bob, u"d2"_s, EventKind::Delete, onM2));
        QCOMPARE(del.message.seq, 12);
        QCOMPARE(one(event(alice, u"r5"_s, EventKind::Reaction, reaction(m2.message.id, u"x"_s, u"add"_s))).status,
                 StoreStatus::EventNotFound); // deleted
        // A reaction that changes nothing is refused and takes no seq, so that readers can
        // fold every stored one into a count.
        QCOMPARE(one(event(alice, u"r6"_s, EventKind::Reaction, reaction(m1.message.id, u"\U0001F44D"_s, u"add"_s))).status,
                 StoreStatus::NoChange);
        QCOMPARE(one(event(bob, u"r7"_s, EventKind::Reaction, reaction(m1.message.id, u"\U0001F44D"_s, u"remove"_s))).status,
                 StoreStatus::NoChange);
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
        QCOMPARE(asAlice[0].updatedSeq, 9); // r4, the newest change folded in
        QCOMPARE(asAlice[1].updatedSeq, 12); // d2
        QCOMPARE(asAlice[4].updatedSeq, 0);  // m3: never changed
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
        QCOMPARE(asAlice[10].fields.value("user"_L1).toString(), u"carol"_s); // as registered
        QCOMPARE(asAlice[11].kind, EventKind::Delete);
        const QList<ChatMessage> asBob = newest(bob);
        QCOMPARE(asBob[0].reactions,
                 (QList<Reaction>{{u"\U0001F389"_s, 1, true}, {u"\U0001F44D"_s, 1, false}}));
        // Reopened (nothing cached): the same.
        store.reset();
        store = m_stores.open();
        QVERIFY(store);
        QCOMPARE(newest(alice), asAlice);
    }

};

QTEST_GUILESS_MAIN(TestStoreEvents)
#include "tst_storeevents.moc"
