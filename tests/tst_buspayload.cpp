// SPDX-License-Identifier: MIT
// What nodes sharing a database NOTIFY each other: every payload under PostgreSQL's limit,
// events carried when they fit and named by room and seq range when they do not, and anything
// else refused when read.
#include "bus/buspayload.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestBusPayload : public QObject
{
    Q_OBJECT

private:
    static ChatMessage message(const QString &room, qint64 seq, const QString &body)
    {
        ChatMessage m;
        m.id = u"0190a000-0000-7000-8000-%1"_s.arg(seq, 12, 10, QChar(u'0'));
        m.room = room;
        m.seq = seq;
        m.sender = u"alice"_s;
        m.body = body;
        m.clientId = u"c%1"_s.arg(seq);
        m.ts = QDateTime::fromMSecsSinceEpoch(1764584400123 + seq, Qt::UTC);
        return m;
    }

private slots:
    void smallCommitsCarryTheirEvents()
    {
        QList<ChatMessage> commit{message(u"general"_s, 7, u"hi ünïcode 😀"_s),
                                  message(u"dev"_s, 1, u"second room"_s)};
        ChatMessage edit = message(u"general"_s, 8, u"hi, edited"_s);
        edit.kind = EventKind::Edit;
        edit.fields = {{"relatesTo"_L1, commit.first().id}};
        commit.append(edit);
        const QList<QByteArray> payloads = BusPayload::forEvents(u"node-a"_s, commit);
        QCOMPARE(payloads.size(), 1);
        const auto notice = BusPayload::parse(payloads.first());
        QVERIFY(notice);
        QCOMPARE(notice->node, u"node-a"_s);
        QCOMPARE(notice->events, commit); // every field, in commit order
        QVERIFY(notice->ranges.isEmpty());
    }

    void bigCommitsNameTheirRanges()
    {
        QList<ChatMessage> commit;
        for (qint64 seq = 10; seq < 20; ++seq)
            commit.append(message(u"general"_s, seq, QString(4000, u'x')));
        commit.append(message(u"dev"_s, 3, u"small"_s));
        const QList<QByteArray> payloads = BusPayload::forEvents(u"node-a"_s, commit);
        QCOMPARE(payloads.size(), 1);
        QVERIFY(payloads.first().size() <= BusPayload::kMaxBytes);
        const auto notice = BusPayload::parse(payloads.first());
        QVERIFY(notice && notice->events.isEmpty());
        QCOMPARE(notice->ranges, (QList<BusPayload::RoomRange>{{u"dev"_s, 3, 3}, {u"general"_s, 10, 19}}));
    }

    void manyRoomsSpreadOverSeveralPayloads()
    {
        QList<ChatMessage> commit;
        for (int i = 0; i < 1000; ++i)
            commit.append(message(u"room-%1-%2"_s.arg(i).arg(QString(40, u'r')), 1, QString(100, u'x')));
        const QList<QByteArray> payloads = BusPayload::forEvents(u"node-a"_s, commit);
        QVERIFY(payloads.size() > 1);
        qsizetype rooms = 0;
        for (const QByteArray &p : payloads) {
            QVERIFY(p.size() <= BusPayload::kMaxBytes);
            const auto notice = BusPayload::parse(p);
            QVERIFY(notice);
            rooms += notice->ranges.size();
        }
        QCOMPARE(rooms, 1000);
    }

    void tokensRoundTrip()
    {
        QList<QByteArray> digests;
        for (int i = 0; i < 300; ++i)
            digests.append(QByteArray(32, char(i)));
        const QList<QByteArray> payloads = BusPayload::forTokens(u"node-b"_s, digests);
        QVERIFY(payloads.size() > 1);
        QList<QByteArray> back;
        for (const QByteArray &p : payloads) {
            QVERIFY(p.size() <= BusPayload::kMaxBytes);
            back += BusPayload::parse(p)->tokens;
        }
        QCOMPARE(back, digests);
    }

    void roomChangesRoundTrip()
    {
        for (const RoomChange &change : {RoomChange{RoomChange::Kind::Created, u"dev"_s, true, 7, u"alice"_s, u"alice"_s},
                                         RoomChange{RoomChange::Kind::Invited, u"dev"_s, true, 9, u"bob"_s, u"alice"_s}}) {
            const QByteArray payload = BusPayload::forRoomChange(u"node-c"_s, change);
            const auto notice = BusPayload::parse(payload);
            QVERIFY(notice);
            QCOMPARE(notice->node, u"node-c"_s);
            QVERIFY(notice->roomChange);
            QVERIFY(*notice->roomChange == change);
            QVERIFY(notice->events.isEmpty() && notice->tokens.isEmpty());
        }
    }

    void sendCountsRoundTrip()
    {
        QHash<qint64, int> sends;
        for (qint64 user = 1; user <= 2000; ++user)
            sends.insert(user, int(user % 7) + 1);
        const QList<QByteArray> payloads = BusPayload::forSends(u"node-d"_s, sends);
        QVERIFY(payloads.size() > 1);
        QHash<qint64, int> back;
        for (const QByteArray &p : payloads) {
            QVERIFY(p.size() <= BusPayload::kMaxBytes);
            const auto notice = BusPayload::parse(p);
            QVERIFY(notice);
            for (const auto &[user, count] : notice->sends)
                back.insert(user, count);
        }
        QCOMPARE(back, sends);
    }

    void foreignPayloadsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::newRow("not json") << QByteArray("hello");
        QTest::newRow("no node") << QByteArray(R"({"events":[]})");
        QTest::newRow("bad event") << QByteArray(R"({"node":"n","events":[{"seq":"x"}]})");
        QTest::newRow("bad range") << QByteArray(R"({"node":"n","rooms":[["general",5,2]]})");
        QTest::newRow("short range") << QByteArray(R"({"node":"n","rooms":[["general",5]]})");
        QTest::newRow("bad room change") << QByteArray(R"({"node":"n","room":{"change":"renamed","name":"dev","userId":1,"user":"a"}})");
        QTest::newRow("send count of nothing") << QByteArray(R"({"node":"n","sends":[[3,0]]})");
        QTest::newRow("send count without user") << QByteArray(R"({"node":"n","sends":[[5]]})");
        QTest::newRow("room change without user") << QByteArray(R"({"node":"n","room":{"change":"invited","name":"dev"}})");
    }
    void foreignPayloadsAreRefused()
    {
        QFETCH(QByteArray, payload);
        QString error;
        QVERIFY(!BusPayload::parse(payload, &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestBusPayload)
#include "tst_buspayload.moc"
