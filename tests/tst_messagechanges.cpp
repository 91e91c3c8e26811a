// SPDX-License-Identifier: MIT
// Replies, reactions, edits and deletions through chat_client_core against the real chat-server
// binary: what one client does, the other sees live, once, and a change made offline is sent
// from the outbox when the server is back.
#include "clientharness.h"

#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;

class TestMessageChanges : public QObject, protected ClientHarness
{
    Q_OBJECT

private:
    static std::optional<ChatMessage> find(ChatClient &c, const QString &id)
    {
        return c.messages(u"general"_s)->message(id);
    }
    // Sends and waits until the other side holds it; its id.
    static QString said(ChatClient &from, ChatClient &to, const QString &body, const QString &replyTo = {})
    {
        MessageListModel *theirs = to.messages(u"general"_s);
        const int before = theirs->confirmedCount();
        from.sendMessage(u"general"_s, body, replyTo);
        if (!QTest::qWaitFor([&] { return theirs->confirmedCount() == before + 1; }, 10000))
            return {};
        return theirs->confirmedMessages().constLast().id;
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { QVERIFY(startFresh()); }
    void cleanup() { m_server.reset(); }

    void repliesReactionsEditsAndDeletesReachTheOtherClient()
    {
        auto alice = loggedIn(u"alice"_s);
        auto bob = loggedIn(u"bob"_s);
        for (ChatClient *c : {alice.get(), bob.get()}) {
            QVERIFY(waitConnected(*c));
            c->openRoom(u"general"_s);
        }
        const QString question = said(*alice, *bob, u"Lunch at 12?\nOr later"_s);
        QVERIFY(!question.isEmpty());

        // Bob answers it: the reply names it, and both show the quote's first line.
        const QString answer = said(*bob, *alice, u"12 works"_s, question);
        QVERIFY(!answer.isEmpty());
        QCOMPARE(find(*alice, answer)->fields.value("replyTo"_L1).toString(), question);
        for (ChatClient *c : {alice.get(), bob.get()}) {
            MessageListModel *model = c->messages(u"general"_s);
            const QVariantMap quote = model->index(model->rowOfId(answer)).data(MessageListModel::ReplyQuoteRole).toMap();
            QCOMPARE(quote.value(u"sender"_s).toString(), u"alice"_s);
            QCOMPARE(quote.value(u"text"_s).toString(), u"Lunch at 12?"_s);
        }

        // A reaction toggles: on, then off; the other side counts it, "me" only for Bob.
        bob->toggleReaction(u"general"_s, question, u"\U0001F44D"_s);
        QTRY_COMPARE(find(*alice, question)->reactions, (QList<Reaction>{{u"\U0001F44D"_s, 1, false}}));
        QTRY_COMPARE(find(*bob, question)->reactions, (QList<Reaction>{{u"\U0001F44D"_s, 1, true}}));
        alice->toggleReaction(u"general"_s, question, u"\U0001F44D"_s);
        QTRY_COMPARE(find(*bob, question)->reactions, (QList<Reaction>{{u"\U0001F44D"_s, 2, true}}));
        bob->toggleReaction(u"general"_s, question, u"\U0001F44D"_s);
        QTRY_COMPARE(find(*alice, question)->reactions, (QList<Reaction>{{u"\U0001F44D"_s, 1, true}}));
        QTRY_COMPARE(find(*bob, question)->reactions, (QList<Reaction>{{u"\U0001F44D"_s, 1, false}}));

        // Alice edits it: both see the new text, and the quote follows.
        alice->editMessage(u"general"_s, question, u"Lunch at 12:30?"_s);
        QTRY_COMPARE(find(*bob, question)->body, u"Lunch at 12:30?"_s);
        QVERIFY(find(*bob, question)->edited);
        MessageListModel *bobs = bob->messages(u"general"_s);
        QCOMPARE(bobs->index(bobs->rowOfId(answer)).data(MessageListModel::ReplyQuoteRole).toMap()
                         .value(u"text"_s).toString(), u"Lunch at 12:30?"_s);

        // Bob may not delete Alice's message in general (nor edit it): told in words, nothing changes.
        QVERIFY(!bob->canDelete(u"general"_s, u"alice"_s));
        QVERIFY(bob->canDelete(u"general"_s, u"bob"_s));
        QSignalSpy bobErrors(bob.get(), &ChatClient::errorOccurred);
        bob->deleteMessage(u"general"_s, question);
        QTRY_COMPARE(bobErrors.size(), 1);
        QCOMPARE(bobErrors.first().first().toString(), u"You can't delete that message."_s);
        QCOMPARE(bob->outbox()->size(), 0); // a refused change is not kept
        QVERIFY(!find(*alice, question)->deleted);

        // Alice deletes it: a tombstone on both, without text or reactions; the reply stays.
        alice->deleteMessage(u"general"_s, question);
        QTRY_VERIFY(find(*bob, question)->deleted);
        QVERIFY(find(*bob, question)->body.isEmpty());
        QVERIFY(find(*bob, question)->reactions.isEmpty());
        QCOMPARE(bobs->index(bobs->rowOfId(answer)).data(MessageListModel::ReplyQuoteRole).toMap()
                         .value(u"text"_s).toString(), QString());
        QCOMPARE(alice->outbox()->size(), 0);

        // A client that starts now reads the same state from history.
        auto carol = loggedIn(u"carol"_s);
        carol->openRoom(u"general"_s);
        QTRY_VERIFY(carol->messages(u"general"_s)->message(question).has_value());
        const ChatMessage seen = *carol->messages(u"general"_s)->message(question);
        QVERIFY(seen.deleted);
        QVERIFY(seen.body.isEmpty());
        QCOMPARE(carol->messages(u"general"_s)->message(answer)->fields.value("replyTo"_L1).toString(), question);
    }

    void changesMadeOfflineAreSentOnceWhenTheServerIsBack()
    {
        auto alice = loggedIn(u"alice"_s);
        auto bob = loggedIn(u"bob"_s);
        for (ChatClient *c : {alice.get(), bob.get()}) {
            QVERIFY(waitConnected(*c));
            c->openRoom(u"general"_s);
        }
        const QString id = said(*alice, *bob, u"first draft"_s);
        QVERIFY(!id.isEmpty());
        m_server->kill();
        QTRY_COMPARE_WITH_TIMEOUT(alice->connection()->state(), ChatConnection::State::Reconnecting, 10000);
        alice->editMessage(u"general"_s, id, u"final text"_s);
        alice->toggleReaction(u"general"_s, id, u"\U0001F389"_s);
        QCOMPARE(alice->outbox()->size(), 2);
        QVERIFY(startServer());
        QTRY_COMPARE_WITH_TIMEOUT(alice->outbox()->size(), 0, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(find(*bob, id)->body, u"final text"_s, 20000);
        QTRY_COMPARE(find(*bob, id)->reactions, (QList<Reaction>{{u"\U0001F389"_s, 1, false}}));
        // Stored once each: the message, the edit, the reaction.
        const QList<ChatMessage> stored = serverHistory(alice->api()->token());
        QCOMPARE(stored.size(), 3);
        QCOMPARE(stored.at(1).kind, EventKind::Edit);
        QCOMPARE(stored.at(2).kind, EventKind::Reaction);
    }

    void anInvalidReactionIsRefusedBeforeItIsQueued()
    {
        auto alice = loggedIn(u"alice"_s);
        QVERIFY(waitConnected(*alice));
        QSignalSpy errors(alice.get(), &ChatClient::errorOccurred);
        alice->toggleReaction(u"general"_s, u"01939a3e-7f00-7a00-8000-00000000dead"_s, u"a very long reaction"_s);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(alice->outbox()->size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestMessageChanges)
#include "tst_messagechanges.moc"
