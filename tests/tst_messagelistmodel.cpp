// SPDX-License-Identifier: MIT
// MessageListModel and RoomListModel: ordering, identity, one insert per page, model contract.
#include "messagelistmodel.h"
#include "roomlistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
ChatMessage msg(qint64 seq, const QString &sender = u"bob"_s, const QString &clientId = {})
{
    return {u"id-%1"_s.arg(seq), u"general"_s, seq, sender, u"body %1"_s.arg(seq),
            clientId.isEmpty() ? u"c-%1"_s.arg(seq) : clientId,
            QDateTime(QDate(2026, 11, 30), QTime(10, 0), Qt::UTC).addSecs(seq)};
}
QList<ChatMessage> range(qint64 from, qint64 to)
{
    QList<ChatMessage> out;
    for (qint64 s = from; s <= to; ++s)
        out.append(msg(s));
    return out;
}
ChatMessage changeOf(qint64 seq, EventKind kind, const QString &target, const QString &sender,
                     const QJsonObject &more = {}, const QString &body = {})
{
    ChatMessage c = msg(seq, sender);
    c.kind = kind;
    c.body = body;
    c.fields = more;
    c.fields.insert(u"relatesTo"_s, target);
    return c;
}
QList<qint64> seqs(const MessageListModel &m)
{
    QList<qint64> out;
    for (int i = 0; i < m.rowCount(); ++i)
        out.append(m.index(i).data(MessageListModel::SeqRole).toLongLong());
    return out;
}
} // namespace

class TestMessageListModel : public QObject
{
    Q_OBJECT

private slots:
    void pagesAreOneInsertEach()
    {
        MessageListModel model(u"general"_s);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setOwnUser(u"alice"_s);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.addPage(range(71, 120));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(model.rowCount(), 50);
        model.addPage(range(21, 70)); // older page
        QCOMPARE(inserted.size(), 2);
        QCOMPARE(inserted.last().at(1).toInt(), 0);
        QCOMPARE(inserted.last().at(2).toInt(), 49);
        model.addPage(range(21, 70)); // the same again: nothing
        QCOMPARE(inserted.size(), 2);
        QCOMPARE(model.firstSeq(), 21);
        QCOMPARE(model.lastSeq(), 120);
        const QList<qint64> all = seqs(model);
        QCOMPARE(all.size(), 100);
        QVERIFY(std::is_sorted(all.cbegin(), all.cend()));
    }

    void changesFoldIntoTheirMessageOnce()
    {
        MessageListModel model(u"general"_s);
        model.setOwnUser(u"alice"_s);
        model.addPage(range(1, 2));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const QJsonObject like{{"key"_L1, u"\U0001F44D"_s}, {"op"_L1, u"add"_s}};
        model.addEvent(changeOf(3, EventKind::Edit, u"id-1"_s, u"bob"_s, {}, u"better"_s));
        model.addEvent(changeOf(4, EventKind::Reaction, u"id-1"_s, u"alice"_s, like));
        model.addEvent(changeOf(5, EventKind::Reaction, u"id-1"_s, u"carol"_s, like));
        model.addEvent(changeOf(4, EventKind::Reaction, u"id-1"_s, u"alice"_s, like)); // again
        model.addEvent(changeOf(6, EventKind::Delete, u"id-2"_s, u"bob"_s));
        model.addEvent(changeOf(7, EventKind::Edit, u"id-99"_s, u"bob"_s, {}, u"?"_s)); // not loaded
        QCOMPARE(model.rowCount(), 2); // changes are not rows
        QCOMPARE(changed.size(), 4);
        const QModelIndex first = model.index(0);
        QCOMPARE(first.data(MessageListModel::BodyRole).toString(), u"better"_s);
        QVERIFY(first.data(MessageListModel::EditedRole).toBool());
        const ChatMessage folded = model.confirmedMessages().first();
        QCOMPARE(folded.reactions, (QList<Reaction>{{u"\U0001F44D"_s, 2, true}}));
        QCOMPARE(folded.updatedSeq, 5);
        QVERIFY(model.index(1).data(MessageListModel::DeletedRole).toBool());
        QCOMPARE(model.lastSeq(), 2);
        QCOMPARE(model.lastEventSeq(), 7); // the cursor moves past every kind

        // A page whose message already holds a change: the change in it is not applied twice.
        MessageListModel paged(u"general"_s);
        ChatMessage m = msg(1);
        m.reactions = {{u"\U0001F44D"_s, 1, false}};
        m.updatedSeq = 2;
        paged.addPage({m, changeOf(2, EventKind::Reaction, u"id-1"_s, u"carol"_s, like)});
        QCOMPARE(paged.confirmedMessages().first().reactions, (QList<Reaction>{{u"\U0001F44D"_s, 1, false}}));
        // Removing: the count falls, and the key goes at zero.
        paged.addEvent(changeOf(3, EventKind::Reaction, u"id-1"_s, u"carol"_s,
                                {{"key"_L1, u"\U0001F44D"_s}, {"op"_L1, u"remove"_s}}));
        QVERIFY(paged.confirmedMessages().first().reactions.isEmpty());
    }

    void liveMessagesDeduplicatedById()
    {
        MessageListModel model(u"general"_s);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.addPage(range(1, 3));
        model.addMessage(msg(4));
        model.addMessage(msg(4));
        model.addMessage(msg(2));
        ChatMessage other = msg(5);
        other.room = u"elsewhere"_s;
        model.addMessage(other);
        QCOMPARE(seqs(model), (QList<qint64>{1, 2, 3, 4}));
        model.addPage(range(3, 6)); // overlaps: only 5 and 6 are new
        QCOMPARE(seqs(model), (QList<qint64>{1, 2, 3, 4, 5, 6}));
    }

    void ownPendingRowBecomesTheAckedRow_data()
    {
        QTest::addColumn<bool>("ackFirst");
        QTest::newRow("ack, then message") << true;
        QTest::newRow("message, then ack") << false;
    }

    void ownPendingRowBecomesTheAckedRow()
    {
        QFETCH(bool, ackFirst);
        MessageListModel model(u"general"_s);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setOwnUser(u"alice"_s);
        model.addPage(range(1, 2));
        model.addPending(u"mine"_s, u"hello"_s, QDateTime::currentDateTimeUtc());
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(2).data(MessageListModel::DeliveryRole).value<MessageListModel::Delivery>(),
                 MessageListModel::Delivery::Pending);
        // Someone else's message lands before it: the pending row stays last.
        model.addMessage(msg(3));
        QCOMPARE(model.index(2).data(MessageListModel::SeqRole).toLongLong(), 3);
        QCOMPARE(model.index(3).data(MessageListModel::ClientIdRole).toString(), u"mine"_s);

        ChatMessage stored{u"id-4"_s, u"general"_s, 4, u"alice"_s, u"hello"_s, u"mine"_s,
                           QDateTime(QDate(2026, 11, 30), QTime(11, 0), Qt::UTC)};
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        if (ackFirst)
            model.markAcked(u"mine"_s, 4, u"id-4"_s);
        model.addMessage(stored);
        if (!ackFirst)
            model.markAcked(u"mine"_s, 4, u"id-4"_s);
        QCOMPARE(inserted.size(), 0); // never a second row
        QCOMPARE(model.rowCount(), 4);
        const QModelIndex row = model.index(3);
        QCOMPARE(row.data(MessageListModel::SeqRole).toLongLong(), 4);
        QCOMPARE(row.data(MessageListModel::IdRole).toString(), u"id-4"_s);
        QCOMPARE(row.data(MessageListModel::TimestampRole).toDateTime(), stored.ts); // the server's
        QCOMPARE(row.data(MessageListModel::DeliveryRole).value<MessageListModel::Delivery>(),
                 MessageListModel::Delivery::Sent);
        QVERIFY(row.data(MessageListModel::OwnRole).toBool());
        QCOMPARE(model.lastSeq(), 4);
    }

    void ackedRowMovesIntoSeqOrder()
    {
        MessageListModel model(u"general"_s);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setOwnUser(u"alice"_s);
        model.addPending(u"a"_s, u"first"_s, QDateTime::currentDateTimeUtc());
        model.addPending(u"b"_s, u"second"_s, QDateTime::currentDateTimeUtc());
        model.addMessage(msg(1));
        model.markAcked(u"b"_s, 2, u"id-b"_s); // b was stored before a
        model.markAcked(u"a"_s, 3, u"id-a"_s);
        QCOMPARE(seqs(model), (QList<qint64>{1, 2, 3}));
        QCOMPARE(model.index(1).data(MessageListModel::ClientIdRole).toString(), u"b"_s);
    }

    void failedAndClear()
    {
        MessageListModel model(u"general"_s);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setOwnUser(u"alice"_s);
        model.addPage(range(1, 5));
        model.addPending(u"x"_s, u"too long"_s, QDateTime::currentDateTimeUtc());
        model.markFailed(u"x"_s, u"body is too long"_s);
        QCOMPARE(model.index(5).data(MessageListModel::DeliveryRole).value<MessageListModel::Delivery>(),
                 MessageListModel::Delivery::Failed);
        QCOMPARE(model.index(5).data(MessageListModel::ErrorRole).toString(), u"body is too long"_s);
        model.clear(); // epoch changed: confirmed rows go, unsent ones stay
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.lastSeq(), 0);
        model.addMessage(msg(1)); // the same id is new again in the new database
        QCOMPARE(model.rowCount(), 2);
    }

    void bodiesAreKeptVerbatim()
    {
        MessageListModel model(u"general"_s);
        ChatMessage m = msg(1);
        m.body = u"<img src=\"http://127.0.0.1:1/x.png\"> <b>not bold</b> &amp;"_s;
        model.addMessage(m);
        QCOMPARE(model.index(0).data(Qt::DisplayRole).toString(), m.body);
    }

    void refusedMessagesStandWhereTheyWereWritten()
    {
        // Messages 1..6 are a second apart; "f" was written between 3 and 4 and refused.
        MessageListModel model(u"general"_s);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setOwnUser(u"alice"_s);
        model.addPage(range(2, 3));
        const QDateTime written = msg(3).ts.addMSecs(500);
        model.addPending(u"f"_s, u"refused"_s, written);
        model.addPending(u"p"_s, u"still pending"_s, written.addMSecs(100));
        model.markFailed(u"f"_s, u"too long for this server"_s);
        auto rowOf = [&model](const QString &clientId) {
            for (int i = 0; i < model.rowCount(); ++i) {
                if (model.index(i).data(MessageListModel::ClientIdRole).toString() == clientId)
                    return i;
            }
            return -1;
        };
        QCOMPARE(rowOf(u"f"_s), 2);
        model.addMessage(msg(4)); // later: below it
        model.addPage(range(5, 6)); // a newer page: below it too
        model.addPage(range(1, 1)); // an older page: above it
        QCOMPARE(rowOf(u"f"_s), 3);
        QCOMPARE(rowOf(u"c-3"_s), 2);
        QCOMPARE(rowOf(u"c-4"_s), 4);
        QCOMPARE(rowOf(u"p"_s), model.rowCount() - 1); // pending ones stay at the end
        QCOMPARE(model.firstSeq(), 1);
        QCOMPARE(model.lastSeq(), 6);
        QCOMPARE(model.confirmedCount(), 6);
        QCOMPARE(model.confirmedMessages().size(), 6);
        QCOMPARE(model.index(rowOf(u"f"_s)).data(MessageListModel::DeliveryRole)
                         .value<MessageListModel::Delivery>(),
                 MessageListModel::Delivery::Failed);

        // Shown again after a restart before any history: it moves where it belongs once the
        // history is there.
        MessageListModel restarted(u"general"_s);
        QAbstractItemModelTester tester2(&restarted, QAbstractItemModelTester::FailureReportingMode::QtTest);
        restarted.setOwnUser(u"alice"_s);
        restarted.addPending(u"f"_s, u"refused"_s, written);
        restarted.markFailed(u"f"_s, u"too long for this server"_s);
        restarted.addPage(range(1, 6));
        QCOMPARE(restarted.index(3).data(MessageListModel::ClientIdRole).toString(), u"f"_s);
        QCOMPARE(restarted.index(2).data(MessageListModel::SeqRole).toLongLong(), 3);
        restarted.removePending(u"f"_s);
        QCOMPARE(restarted.rowCount(), 6);
        QCOMPARE(seqs(restarted), (QList<qint64>{1, 2, 3, 4, 5, 6}));
    }

    void roomUnreadCounts()
    {
        RoomListModel rooms;
        QAbstractItemModelTester tester(&rooms, QAbstractItemModelTester::FailureReportingMode::QtTest);
        RoomInfo general{u"general"_s, 10, false, true};
        general.lastRead = 10;
        general.role = u"member"_s;
        RoomInfo ops{u"ops"_s, 3, false, true};
        ops.unread = 1; // as the server counted it
        ops.lastRead = 2;
        RoomInfo dm{u"dm-00000000000000aa"_s, 1, true, true};
        dm.dm = true;
        dm.peer = u"zoe"_s;
        rooms.setRooms({dm, general, ops, {u"plaza"_s, 0, false, false}});
        // Rooms by name, then direct conversations by the other user's name.
        QCOMPARE(rooms.index(0).data().toString(), u"general"_s);
        QCOMPARE(rooms.index(3).data().toString(), u"zoe"_s);
        QCOMPARE(rooms.index(3).data(RoomListModel::SectionRole).toInt(), int(RoomListModel::Section::Direct));
        QCOMPARE(rooms.displayName(dm.name), u"zoe"_s);
        QCOMPARE(rooms.directRoomWith(u"ZOE"_s), dm.name);

        rooms.setCurrentRoom(u"general"_s); // being shown is not having read it
        rooms.noteMessage(u"general"_s, 11, true);
        rooms.noteMessage(u"ops"_s, 4, true);
        rooms.noteMessage(u"ops"_s, 5, true, true); // a mention
        rooms.noteMessage(u"ops"_s, 5, true);       // a repeat does not count
        rooms.noteMessage(u"ops"_s, 6, false);      // own message does not count
        rooms.noteMessage(u"plaza"_s, 1, true);     // not a member
        rooms.noteMessage(dm.name, 2, true);        // every message of a dm is a mention
        QCOMPARE(rooms.unread(u"general"_s), 1);
        QCOMPARE(rooms.unread(u"ops"_s), 3);
        QCOMPARE(rooms.mentions(u"ops"_s), 1);
        QCOMPARE(rooms.unread(u"plaza"_s), 0);
        QCOMPARE(rooms.mentions(dm.name), 1);
        QCOMPARE(rooms.lastSeq(u"ops"_s), 6);

        // Reading up to the newest clears; a marker that goes back changes nothing.
        QVERIFY(rooms.markRead(u"general"_s, 11));
        QCOMPARE(rooms.unread(u"general"_s), 0);
        QVERIFY(!rooms.markRead(u"general"_s, 5));
        QVERIFY(rooms.markRead(u"ops"_s, 4)); // short of the newest: the next reload counts
        QCOMPARE(rooms.lastRead(u"ops"_s), 4);
        QVERIFY(!rooms.markRead(u"plaza"_s, 1));

        // Presence of the other user of a dm.
        QSignalSpy changed(&rooms, &QAbstractItemModel::dataChanged);
        rooms.setPresence(u"Zoe"_s, true);
        QCOMPARE(changed.size(), 1);
        QVERIFY(rooms.index(3).data(RoomListModel::OnlineRole).toBool());
        rooms.setPresence(u"zoe"_s, false);
        QVERIFY(!rooms.index(3).data(RoomListModel::OnlineRole).toBool());
        QCOMPARE(rooms.memberRooms(), (QStringList{u"general"_s, u"ops"_s, dm.name}));
    }
};

QTEST_GUILESS_MAIN(TestMessageListModel)
#include "tst_messagelistmodel.moc"
