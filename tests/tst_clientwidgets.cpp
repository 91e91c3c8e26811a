// SPDX-License-Identifier: MIT
// The widgets, offscreen, against the real server: typing in one window shows in the other, the
// status bar follows the link, and message bodies stay plain text.
#include "appearance.h"
#include "chatclient.h"
#include "clientsettings.h"
#include "composer.h"
#include "connectionindicator.h"
#include "logindialog.h"
#include "mainwindow.h"
#include "passworddialog.h"
#include "sessionsdialog.h"
#include "memberspanel.h"
#include "messageactions.h"
#include "messagedelegate.h"
#include "roomdialogs.h"
#include "roomlistdelegate.h"
#include "testdatabase.h"
#include "testserver.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QAbstractItemView>
#include <QCheckBox>
#include <QCompleter>
#include <QListView>
#include <QListWidget>
#include <QStringListModel>
#include <QToolButton>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Qt::StringLiterals;

class TestClientWidgets : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;
    quint16 m_port = 0;
    std::unique_ptr<ClientSettings> m_settings;
    std::unique_ptr<ChatClient> m_alice;
    std::unique_ptr<ChatClient> m_bob;
    std::unique_ptr<MainWindow> m_aliceWindow;
    std::unique_ptr<MainWindow> m_bobWindow;

    bool startServer(const QList<std::pair<QString, QString>> &env = {})
    {
        m_server = std::make_unique<ServerProcess>(m_dir.filePath(u"chat.db"_s));
        m_server->setPort(m_port);
        for (const auto &[name, value] : env)
            m_server->setEnv(name, value);
        return m_server->start();
    }
    // device: another installation of who (its own data folder), signed in beside the first.
    std::unique_ptr<ChatClient> loggedIn(const QString &who, const QString &device = {})
    {
        ChatClient::Options o;
        o.server = QUrl(u"http://127.0.0.1:%1"_s.arg(m_port));
        o.dataDir = m_dir.filePath(device.isEmpty() ? who : who + u'-' + device);
        o.tuning.backoff = {100, 1000};
        auto client = std::make_unique<ChatClient>(o);
        QSignalSpy started(client.get(), &ChatClient::sessionStarted);
        client->login(who, u"correct horse"_s, ChatClient::Account::NewOrExisting);
        started.wait(15000);
        return client;
    }
    static int rowWithBody(QListView *view, const QString &body)
    {
        QAbstractItemModel *model = view->model();
        for (int i = 0; model && i < model->rowCount(); ++i) {
            if (model->index(i, 0).data(MessageListModel::BodyRole).toString() == body)
                return i;
        }
        return -1;
    }
    static void type(Composer *composer, const QString &text)
    {
        QTest::keyClicks(composer, text);
        QTest::keyClick(composer, Qt::Key_Return);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(u"config"_s).toLocal8Bit()); // QSettings' home
        m_settings = std::make_unique<ClientSettings>();
        m_port = ServerProcess::freePort();
        QVERIFY(startServer());
        m_alice = loggedIn(u"alice"_s);
        m_bob = loggedIn(u"bob"_s);
        QVERIFY(m_alice->isActive());
        QVERIFY(m_bob->isActive());
        m_aliceWindow = std::make_unique<MainWindow>(m_alice.get(), m_settings.get());
        m_bobWindow = std::make_unique<MainWindow>(m_bob.get(), m_settings.get());
        m_aliceWindow->show();
        m_bobWindow->show();
        m_aliceWindow->showRoom(u"general"_s);
        m_bobWindow->showRoom(u"general"_s);
        QTRY_COMPARE_WITH_TIMEOUT(m_aliceWindow->indicator()->text(), u"Connected"_s, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(m_bobWindow->indicator()->text(), u"Connected"_s, 15000);
    }

    void cleanupTestCase()
    {
        m_aliceWindow.reset();
        m_bobWindow.reset();
        m_alice.reset();
        m_bob.reset();
    }

    void typingInOneWindowShowsInTheOther()
    {
        type(m_aliceWindow->composer(), u"hello from alice"_s);
        QVERIFY(m_aliceWindow->composer()->toPlainText().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(rowWithBody(m_bobWindow->conversationView(), u"hello from alice"_s) >= 0, 15000);
        const int row = rowWithBody(m_bobWindow->conversationView(), u"hello from alice"_s);
        const QModelIndex index = m_bobWindow->conversationView()->model()->index(row, 0);
        QCOMPARE(index.data(MessageListModel::SenderRole).toString(), u"alice"_s);
        QVERIFY(!index.data(MessageListModel::OwnRole).toBool());
        // In alice's own window: one row, confirmed.
        QListView *own = m_aliceWindow->conversationView();
        QTRY_COMPARE(own->model()->index(rowWithBody(own, u"hello from alice"_s), 0)
                             .data(MessageListModel::DeliveryRole).value<MessageListModel::Delivery>(),
                     MessageListModel::Delivery::Sent);
        QCOMPARE(own->model()->rowCount(), m_bobWindow->conversationView()->model()->rowCount());
    }

    void shiftEnterStartsANewLine()
    {
        Composer *composer = m_bobWindow->composer();
        QTest::keyClicks(composer, u"line one"_s);
        QTest::keyClick(composer, Qt::Key_Return, Qt::ShiftModifier);
        QTest::keyClicks(composer, u"line two"_s);
        QCOMPARE(composer->toPlainText(), u"line one\nline two"_s);
        QTest::keyClick(composer, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(rowWithBody(m_aliceWindow->conversationView(), u"line one\nline two"_s) >= 0, 15000);
    }

    void statusBarFollowsTheLinkAndQueuedMessagesGoOut()
    {
        m_server->kill();
        QTRY_VERIFY_WITH_TIMEOUT(m_aliceWindow->indicator()->text().startsWith(u"Reconnecting in"_s), 10000);
        QVERIFY(m_aliceWindow->indicator()->findChild<QPushButton *>()->isVisible());
        type(m_aliceWindow->composer(), u"typed while offline"_s);
        QListView *own = m_aliceWindow->conversationView();
        const int row = rowWithBody(own, u"typed while offline"_s);
        QVERIFY(row >= 0);
        const QModelIndex index = own->model()->index(row, 0);
        QCOMPARE(index.data(MessageListModel::DeliveryRole).value<MessageListModel::Delivery>(),
                 MessageListModel::Delivery::Pending);
        QCOMPARE(MessageDelegate::statusText(index), u"sending…"_s);

        QVERIFY(startServer());
        m_aliceWindow->indicator()->findChild<QPushButton *>()->click(); // "Reconnect now"
        QTRY_COMPARE_WITH_TIMEOUT(m_aliceWindow->indicator()->text(), u"Connected"_s, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(rowWithBody(m_bobWindow->conversationView(), u"typed while offline"_s) >= 0, 15000);
        QTRY_COMPARE(own->model()->index(rowWithBody(own, u"typed while offline"_s), 0)
                             .data(MessageListModel::DeliveryRole).value<MessageListModel::Delivery>(),
                     MessageListModel::Delivery::Sent);
        QCOMPARE(own->model()->rowCount(), m_bobWindow->conversationView()->model()->rowCount());
    }

    void overLongTextStaysInTheComposer()
    {
        // 4 199 bytes against the server's 4 096 (announced in hello): refused before sending,
        // the text stays where it was typed and the limit is shown.
        Composer *composer = m_aliceWindow->composer();
        QCOMPARE(composer->maxBytes(), 4096);
        const int rowsBefore = m_aliceWindow->conversationView()->model()->rowCount();
        const QString tooLong(4199, u'x');
        composer->setPlainText(tooLong);
        QTest::keyClick(composer, Qt::Key_Return);
        QCOMPARE(composer->toPlainText(), tooLong);
        QCOMPARE(m_aliceWindow->conversationView()->model()->rowCount(), rowsBefore);
        QVERIFY(m_aliceWindow->limitLabel()->isVisible());
        QVERIFY2(m_aliceWindow->limitLabel()->text().contains(u"too long"_s),
                 qPrintable(m_aliceWindow->limitLabel()->text()));
        QCOMPARE(m_alice->outbox()->size(), 0);
        composer->clear();
        QVERIFY(!m_aliceWindow->limitLabel()->isVisible());
    }

    void leadingSpacesAreKept()
    {
        const QString code = u"    def f():\n        return 1"_s;
        Composer *composer = m_aliceWindow->composer();
        composer->setPlainText(code);
        QTest::keyClick(composer, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(rowWithBody(m_bobWindow->conversationView(), code) >= 0, 15000);
        // Only whitespace is not a message.
        const int rows = m_aliceWindow->conversationView()->model()->rowCount();
        composer->setPlainText(u"   \n  "_s);
        QTest::keyClick(composer, Qt::Key_Return);
        QCOMPARE(m_aliceWindow->conversationView()->model()->rowCount(), rows);
        composer->clear();
    }

    void refusedMessageStandsWhereItWasWrittenAndCanBeTakenBack()
    {
        // Queued while the server is down, refused by the restarted server, whose limit is now
        // lower: a permanent refusal. It stays where it was written (later messages go below
        // it), and can be taken back into the composer, which empties the outbox.
        m_server->kill();
        QTRY_VERIFY_WITH_TIMEOUT(m_aliceWindow->indicator()->text().startsWith(u"Reconnecting in"_s), 10000);
        const QString body = u"a message of more than one hundred bytes "_s + QString(80, u'y');
        type(m_aliceWindow->composer(), body);
        QListView *own = m_aliceWindow->conversationView();
        QVERIFY(rowWithBody(own, body) >= 0);
        QVERIFY(startServer({{u"CHAT_MAX_BODY_BYTES"_s, u"100"_s}}));
        m_aliceWindow->indicator()->findChild<QPushButton *>()->click();
        QTRY_COMPARE_WITH_TIMEOUT(own->model()->index(rowWithBody(own, body), 0)
                                          .data(MessageListModel::DeliveryRole).value<MessageListModel::Delivery>(),
                                  MessageListModel::Delivery::Failed, 15000);
        QCOMPARE(m_aliceWindow->composer()->maxBytes(), 100); // the new limit is known too
        QModelIndex index = own->model()->index(rowWithBody(own, body), 0);
        QVERIFY2(MessageDelegate::statusText(index).contains(u"too long"_s),
                 qPrintable(MessageDelegate::statusText(index)));
        QCOMPARE(m_alice->outbox()->size(), 1); // kept, not resent

        QTRY_COMPARE_WITH_TIMEOUT(m_bobWindow->indicator()->text(), u"Connected"_s, 15000);
        type(m_bobWindow->composer(), u"written after the refused one"_s);
        QTRY_VERIFY_WITH_TIMEOUT(rowWithBody(own, u"written after the refused one"_s) >= 0, 15000);
        QVERIFY(rowWithBody(own, body) < rowWithBody(own, u"written after the refused one"_s));

        index = own->model()->index(rowWithBody(own, body), 0);
        QMenu *menu = m_aliceWindow->messageActions()->refusedMenuFor(index, m_aliceWindow.get());
        QVERIFY(menu);
        QStringList labels;
        for (QAction *action : menu->actions())
            labels.append(action->text());
        QCOMPARE(labels, (QStringList{u"Edit in the composer"_s, u"Copy text"_s, u"Discard"_s}));
        menu->actions().first()->trigger();
        QCOMPARE(m_aliceWindow->composer()->toPlainText(), body);
        QCOMPARE(rowWithBody(own, body), -1);
        QCOMPARE(m_alice->outbox()->size(), 0);
        QVERIFY(m_aliceWindow->limitLabel()->isVisible()); // over the new limit: says so
        m_aliceWindow->composer()->clear();
        delete menu;

        QVERIFY(startServer()); // the usual limits for the tests that follow
        m_aliceWindow->indicator()->findChild<QPushButton *>()->click();
        m_bobWindow->indicator()->findChild<QPushButton *>()->click();
        QTRY_COMPARE_WITH_TIMEOUT(m_aliceWindow->indicator()->text(), u"Connected"_s, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(m_bobWindow->indicator()->text(), u"Connected"_s, 15000);
        QTRY_COMPARE(m_aliceWindow->composer()->maxBytes(), 4096);
    }

    void openRoomIsMarkedAndNamed()
    {
        QListView *rooms = m_aliceWindow->roomView();
        auto currentName = [rooms] { return rooms->currentIndex().data(RoomListModel::NameRole).toString(); };
        QCOMPARE(currentName(), u"general"_s);
        QCOMPARE(m_aliceWindow->roomHeader()->text(), u"# general"_s);
        // A reload of the list (as at every reconnect) keeps the mark.
        QSignalSpy reset(m_alice->rooms(), &QAbstractItemModel::modelReset);
        m_alice->reloadRooms();
        QVERIFY(reset.wait(10000));
        QCOMPARE(currentName(), u"general"_s);
        QVERIFY(rooms->currentIndex().data(RoomListModel::CurrentRole).toBool());
    }

    void roomCreatedElsewhereAppearsAndOpensWithoutErrors()
    {
        // Bob creates a room: it shows in Alice's list at once, with a notice. Opening it joins
        // it, with no "not a member" error on the way.
        QSignalSpy errors(m_alice.get(), &ChatClient::errorOccurred);
        QSignalSpy notices(m_alice.get(), &ChatClient::noticed);
        m_bob->createRoom(u"project-x"_s, false);
        QTRY_VERIFY_WITH_TIMEOUT(m_alice->rooms()->rowOf(u"project-x"_s) >= 0, 10000);
        QTRY_COMPARE(notices.size(), 1);
        QCOMPARE(notices.first().first().toString(), u"bob created the room #project-x."_s);
        QVERIFY(!m_alice->rooms()->isMember(u"project-x"_s));
        QTRY_COMPARE(m_bobWindow->currentRoom(), u"project-x"_s); // its creator is taken there
        type(m_bobWindow->composer(), u"welcome to project-x"_s);
        QTRY_VERIFY_WITH_TIMEOUT(m_bob->messages(u"project-x"_s)->confirmedCount() == 1, 10000);

        QListView *rooms = m_aliceWindow->roomView();
        const QModelIndex item = m_alice->rooms()->index(m_alice->rooms()->rowOf(u"project-x"_s));
        QTest::mouseClick(rooms->viewport(), Qt::LeftButton, {}, rooms->visualRect(item).center());
        QCOMPARE(m_aliceWindow->currentRoom(), u"project-x"_s);
        QTRY_VERIFY_WITH_TIMEOUT(rowWithBody(m_aliceWindow->conversationView(), u"welcome to project-x"_s) >= 0, 10000);
        QVERIFY(m_alice->rooms()->isMember(u"project-x"_s));
        QCOMPARE(m_aliceWindow->roomHeader()->text(), u"# project-x"_s);
        QCOMPARE(rooms->currentIndex().data(RoomListModel::NameRole).toString(), u"project-x"_s);
        for (const auto &error : std::as_const(errors))
            qWarning() << "error shown:" << error.first().toString();
        QCOMPARE(errors.size(), 0);
        m_aliceWindow->showRoom(u"general"_s);
        m_bobWindow->showRoom(u"general"_s);
    }

    void passwordChangeSignsOutTheOtherDevice()
    {
        const auto desk = loggedIn(u"carol"_s);
        const auto laptop = loggedIn(u"carol"_s, u"laptop"_s);
        QVERIFY(desk->isActive());
        QVERIFY(laptop->isActive());
        QSignalSpy laptopOut(laptop.get(), &ChatClient::sessionExpired);
        QSignalSpy deskOut(desk.get(), &ChatClient::sessionExpired);

        PasswordDialog dialog(desk.get());
        QSignalSpy changed(&dialog, &PasswordDialog::changed);
        dialog.show();
        auto fill = [&](const QString &current, const QString &next, const QString &repeat) {
            dialog.currentField()->setText(current);
            dialog.newField()->setText(next);
            dialog.repeatField()->setText(repeat);
            QTest::mouseClick(dialog.changeButton(), Qt::LeftButton);
        };
        fill(u"correct horse"_s, u"a brand new one"_s, u"a brand new on"_s);
        QCOMPARE(dialog.error(), u"The two new passwords are not the same."_s);
        fill(u"correct horse"_s, u"short"_s, u"short"_s);
        QCOMPARE(dialog.error(), u"The new password needs at least 8 characters."_s);
        fill(u"wrong horse"_s, u"a brand new one"_s, u"a brand new one"_s);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.error(), u"The current password is not right."_s, 15000);
        QVERIFY(dialog.isVisible());
        QVERIFY(laptop->isActive());

        fill(u"correct horse"_s, u"a brand new one"_s, u"a brand new one"_s);
        QVERIFY(changed.wait(15000));
        QCOMPARE(changed.first().first().toInt(), 1);
        QVERIFY(!dialog.isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(laptopOut.size(), 1, 15000); // its socket was closed: back to the login
        QVERIFY(desk->isActive());
        QCOMPARE(deskOut.size(), 0);
    }

    void devicesDialogSignsOutTheOtherDevice()
    {
        const auto desk = loggedIn(u"dora"_s);
        const auto laptop = loggedIn(u"dora"_s, u"laptop"_s);
        QVERIFY(desk->isActive() && laptop->isActive());
        QSignalSpy laptopOut(laptop.get(), &ChatClient::sessionExpired);

        SessionsDialog dialog(desk.get());
        QSignalSpy loaded(&dialog, &SessionsDialog::loaded);
        dialog.show();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 15000);
        QCOMPARE(dialog.error(), QString());
        QTreeWidget *list = dialog.list();
        QCOMPARE(list->topLevelItemCount(), 2); // this one and the laptop
        const QString device = ChatClient::deviceName();
        int current = -1;
        for (int i = 0; i < list->topLevelItemCount(); ++i) {
            if (list->topLevelItem(i)->text(0) == u"%1 (this device)"_s.arg(device))
                current = i;
        }
        QVERIFY(current >= 0);
        list->setCurrentItem(list->topLevelItem(current));
        QVERIFY(!dialog.signOutButton()->isEnabled()); // this one signs out with Log out
        const int other = current == 0 ? 1 : 0;
        QCOMPARE(list->topLevelItem(other)->text(0), device); // the laptop: named the same way
        list->setCurrentItem(list->topLevelItem(other));
        QVERIFY(dialog.signOutButton()->isEnabled());
        // Sign out the sessions that are not this one until the laptop is gone.
        while (list->topLevelItemCount() > 1) {
            for (int i = 0; i < list->topLevelItemCount(); ++i) {
                if (!list->topLevelItem(i)->text(0).endsWith(u"(this device)"_s)) {
                    list->setCurrentItem(list->topLevelItem(i));
                    break;
                }
            }
            const qsizetype before = loaded.size();
            QTest::mouseClick(dialog.signOutButton(), Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), before + 1, 15000);
            QCOMPARE(dialog.error(), QString());
        }
        QTRY_COMPARE_WITH_TIMEOUT(laptopOut.size(), 1, 15000);
        QVERIFY(desk->isActive());
    }

    void loginDialogShowsErrorsAsPlainText()
    {
        LoginDialog dialog;
        dialog.setError(u"<b>nope</b>"_s);
        const auto labels = dialog.findChildren<QLabel *>();
        bool found = false;
        for (QLabel *label : labels) {
            if (label->text() == u"<b>nope</b>"_s) {
                QCOMPARE(label->textFormat(), Qt::PlainText);
                found = true;
            }
        }
        QVERIFY(found);
    }

    void archivedRoomIsReadableButTheComposerIsClosed()
    {
        // An operator archives project-x (made above) while the server is down for it.
        int exitCode = -1;
        QVERIFY(m_server->terminate(&exitCode));
        QProcess admin;
        admin.start(QStringLiteral(CHAT_ADMIN_BINARY),
                    {u"--db"_s, TestDatabase::forPath(m_dir.filePath(u"chat.db"_s)), u"rooms"_s,
                     u"archive"_s, u"project-x"_s});
        QVERIFY(admin.waitForFinished(30000));
        QVERIFY2(admin.exitCode() == 0, admin.readAllStandardError().constData());
        QVERIFY(startServer());
        const int row = m_alice->rooms()->rowOf(u"project-x"_s);
        QTRY_VERIFY_WITH_TIMEOUT(m_alice->rooms()->index(m_alice->rooms()->rowOf(u"project-x"_s))
                                         .data(RoomListModel::ArchivedRole).toBool(), 20000);
        QVERIFY(row >= 0);
        QCOMPARE(m_alice->rooms()->index(row).data().toString(), u"project-x (archived)"_s);
        QCOMPARE(m_alice->rooms()->index(row).data(RoomListModel::OwnerRole).toString(), u"bob"_s);

        m_aliceWindow->showRoom(u"project-x"_s);
        QCOMPARE(m_aliceWindow->roomHeader()->text(), u"# project-x · archived"_s);
        QCOMPARE(m_aliceWindow->roomHeader()->toolTip(), u"Owner: bob"_s);
        QVERIFY(!m_aliceWindow->composer()->isEnabled());
        QVERIFY(m_aliceWindow->composer()->placeholderText().contains(u"archived"_s));
        QTRY_VERIFY_WITH_TIMEOUT(rowWithBody(m_aliceWindow->conversationView(), u"welcome to project-x"_s) >= 0, 10000);
        m_aliceWindow->showRoom(u"general"_s);
        QVERIFY(m_aliceWindow->composer()->isEnabled());
        QCOMPARE(m_aliceWindow->roomHeader()->text(), u"# general"_s);
    }

    void newRoomDialogCreatesTheRoomAndSaysWhyNot()
    {
        NewRoomDialog dialog(m_alice.get(), m_aliceWindow.get());
        QSignalSpy created(&dialog, &NewRoomDialog::created);
        dialog.nameEdit()->setText(u"dm-nope"_s);
        dialog.accept();
        QVERIFY(dialog.errorLabel()->isVisibleTo(&dialog));
        QVERIFY(!dialog.errorLabel()->text().contains(u"invalid_request"_s)); // plain words
        dialog.nameEdit()->setText(u"garden"_s);
        dialog.topicEdit()->setText(u"Plants and such"_s);
        dialog.privateBox()->setChecked(true);
        dialog.accept();
        QVERIFY(created.wait(15000));
        QTRY_VERIFY_WITH_TIMEOUT(m_alice->rooms()->rowOf(u"garden"_s) >= 0, 15000);
        const auto info = m_alice->rooms()->info(u"garden"_s);
        QVERIFY(info->isPrivate);
        QCOMPARE(info->topic, u"Plants and such"_s);
        // The same name again: told in the dialog, in words.
        NewRoomDialog again(m_alice.get(), m_aliceWindow.get());
        again.nameEdit()->setText(u"garden"_s);
        again.accept();
        QTRY_VERIFY_WITH_TIMEOUT(again.errorLabel()->text().contains(u"already"_s), 15000);
    }

    void joinDialogListsTheDirectoryAndJoins()
    {
        m_bob->createRoom(u"bikes"_s, false);
        m_bob->createRoom(u"bikeshed"_s, false);
        QTRY_VERIFY_WITH_TIMEOUT(m_bob->rooms()->rowOf(u"bikeshed"_s) >= 0, 15000);
        JoinRoomDialog dialog(m_alice.get(), m_aliceWindow.get());
        QSignalSpy chosen(&dialog, &JoinRoomDialog::chosen);
        dialog.filterEdit()->setText(u"bike"_s);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.roomList()->count(), 2, 15000);
        QVERIFY(dialog.roomList()->item(0)->text().contains(u"bikes"_s));
        QVERIFY(dialog.roomList()->item(0)->text().contains(u"1 member"_s));
        dialog.filterEdit()->setText(u"nothing-like-it"_s);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.errorLabel()->text().contains(u"nothing-like-it"_s), 15000);
        dialog.filterEdit()->setText(u"shed"_s);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.roomList()->count(), 1, 15000);
        dialog.roomList()->setCurrentRow(0);
        dialog.accept();
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen.first().at(0).toString(), u"bikeshed"_s);
        QTRY_VERIFY_WITH_TIMEOUT(m_alice->rooms()->rowOf(u"bikeshed"_s) >= 0, 15000);
        m_aliceWindow->showRoom(u"bikeshed"_s); // as the window does
        QTRY_VERIFY_WITH_TIMEOUT(m_alice->rooms()->isMember(u"bikeshed"_s), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(m_aliceWindow->roomHeader()->text(), u"# bikeshed"_s, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(m_aliceWindow->roomDetails()->text().contains(u"2 members"_s), 15000);
        m_aliceWindow->showRoom(u"general"_s);
    }

    void messageSomeoneCompletesNamesAndOpensTheConversation()
    {
        DirectMessageDialog dialog(m_alice.get(), m_aliceWindow.get());
        QSignalSpy opened(&dialog, &DirectMessageDialog::opened);
        dialog.show();
        dialog.userEdit()->setFocus();
        QTest::keyClicks(dialog.userEdit(), u"bo"_s);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.completions()->stringList().contains(u"bob"_s), 15000);
        QVERIFY(!dialog.completions()->stringList().contains(u"alice"_s)); // not oneself
        dialog.userEdit()->setText(u"alice"_s);
        dialog.accept();
        QVERIFY(dialog.errorLabel()->text().contains(u"you"_s));
        dialog.userEdit()->setText(u"bob"_s);
        dialog.accept();
        QVERIFY(opened.wait(15000));
        const QString room = opened.first().at(0).toString();
        QVERIFY(room.startsWith(u"dm-"_s));
        QCOMPARE(m_alice->rooms()->displayName(room), u"bob"_s);
        // Bob's list has it too, under direct messages, with alice online.
        QTRY_VERIFY_WITH_TIMEOUT(m_bob->rooms()->rowOf(room) >= 0, 15000);
        const QModelIndex row = m_bob->rooms()->index(m_bob->rooms()->rowOf(room));
        QCOMPARE(RoomListDelegate::sectionHeading(row).isEmpty(),
                 row.row() > 0 && row.sibling(row.row() - 1, 0).data(RoomListModel::DirectRole).toBool());
        QCOMPARE(row.data(RoomListModel::SectionRole).toInt(), int(RoomListModel::Section::Direct));
        QTRY_VERIFY_WITH_TIMEOUT(m_bob->rooms()->index(m_bob->rooms()->rowOf(room)).data(RoomListModel::OnlineRole).toBool(), 15000);
    }

    void badgesCountUnreadAndMentions()
    {
        m_alice->createRoom(u"badges"_s, false);
        QTRY_VERIFY_WITH_TIMEOUT(m_alice->rooms()->rowOf(u"badges"_s) >= 0, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(m_bob->rooms()->rowOf(u"badges"_s) >= 0, 15000); // told live
        m_bobWindow->showRoom(u"badges"_s); // joins
        QTRY_VERIFY_WITH_TIMEOUT(m_bob->rooms()->isMember(u"badges"_s), 15000);
        m_aliceWindow->showRoom(u"general"_s);
        m_bob->sendMessage(u"badges"_s, u"one"_s);
        m_bob->sendMessage(u"badges"_s, u"two, @alice"_s);
        const auto badge = [&] {
            return RoomListDelegate::badgeText(m_alice->rooms()->index(m_alice->rooms()->rowOf(u"badges"_s)));
        };
        QTRY_COMPARE_WITH_TIMEOUT(badge(), u"@ 2"_s, 15000);
        m_bob->sendMessage(u"badges"_s, u"three"_s);
        QTRY_COMPARE_WITH_TIMEOUT(badge(), u"@ 3"_s, 15000);
        // Read on one device: the badge goes on the other after its next look at the list.
        auto phone = loggedIn(u"alice"_s, u"phone"_s);
        QTRY_COMPARE_WITH_TIMEOUT(phone->rooms()->unread(u"badges"_s), 3, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(phone->connection()->state(), ChatConnection::State::Connected, 15000);
        m_alice->markRead(u"badges"_s, m_alice->rooms()->lastSeq(u"badges"_s));
        QCOMPARE(badge(), QString());
        QTRY_COMPARE_WITH_TIMEOUT(phone->rooms()->unread(u"badges"_s), 0, 15000); // told live
        QCOMPARE(phone->rooms()->mentions(u"badges"_s), 0);
    }

    void typingLineShowsWhoTypes()
    {
        QCOMPARE(MainWindow::typingText({}), QString());
        QCOMPARE(MainWindow::typingText({u"bob"_s}), u"bob is typing…"_s);
        QCOMPARE(MainWindow::typingText({u"bob"_s, u"carol"_s}), u"bob and carol are typing…"_s);
        QCOMPARE(MainWindow::typingText({u"a"_s, u"b"_s, u"c"_s, u"d"_s}), u"4 people are typing…"_s);
        m_aliceWindow->showRoom(u"general"_s);
        m_bobWindow->showRoom(u"general"_s);
        QTRY_VERIFY_WITH_TIMEOUT(m_bob->connection()->state() == ChatConnection::State::Connected, 15000);
        QTest::keyClicks(m_bobWindow->composer(), u"thinking"_s);
        QTRY_COMPARE_WITH_TIMEOUT(m_aliceWindow->typingLine()->text(), u"bob is typing…"_s, 15000);
        QCOMPARE(m_bobWindow->typingLine()->text(), QString()); // not oneself
        QTest::keyClick(m_bobWindow->composer(), Qt::Key_Return); // the message ends it
        QTRY_COMPARE_WITH_TIMEOUT(m_aliceWindow->typingLine()->text(), QString(), 15000);
    }

    void membersPanelShowsRolesAndWhoIsOnline()
    {
        m_aliceWindow->showRoom(u"garden"_s);
        QCOMPARE(m_alice->rooms()->info(u"garden"_s)->role, u"owner"_s);
        m_aliceWindow->membersButton()->setChecked(true);
        QVERIFY(m_aliceWindow->membersPanel()->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(m_aliceWindow->membersPanel()->list()->count(), 1, 15000);
        QCOMPARE(m_aliceWindow->membersPanel()->list()->item(0)->text(), u"● alice  · owner"_s);
        QString error = u"?"_s;
        m_alice->invite(u"garden"_s, u"bob"_s, this, [&error](const QString &e) { error = e; });
        QTRY_COMPARE_WITH_TIMEOUT(error, QString(), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(m_aliceWindow->membersPanel()->list()->count(), 2, 15000);
        QVERIFY(m_aliceWindow->membersPanel()->list()->item(1)->text().contains(u"bob"_s));
        QVERIFY(m_aliceWindow->membersPanel()->list()->item(1)->text().startsWith(u"●"_s)); // online
        QTRY_VERIFY_WITH_TIMEOUT(m_bob->rooms()->isMember(u"garden"_s), 15000); // told live
        // The room menu offers what a member can do; leaving takes the room from the list.
        QMenu *menu = m_bobWindow->roomMenu(u"garden"_s);
        QStringList actions;
        for (QAction *a : menu->actions())
            actions << a->text();
        QVERIFY(actions.contains(u"Leave #garden"_s));
        QVERIFY(actions.contains(u"Invite someone…"_s));
        delete menu;
        m_alice->kick(u"garden"_s, u"bob"_s, this, [](const QString &) {});
        QTRY_COMPARE_WITH_TIMEOUT(m_bob->rooms()->rowOf(u"garden"_s), -1, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(m_aliceWindow->membersPanel()->list()->count(), 1, 15000);
        m_aliceWindow->membersButton()->setChecked(false);
        m_aliceWindow->showRoom(u"general"_s);
    }

    void darkAppearancePaintsTheWindowDark()
    {
        Appearance::apply(u"dark"_s);
        QVERIFY(Appearance::isDark());
        QTRY_VERIFY(m_aliceWindow->palette().color(QPalette::Window).lightness() < 128);
        Appearance::apply(u"light"_s);
        QVERIFY(!Appearance::isDark());
        Appearance::apply(u"system"_s);
    }
};

QTEST_MAIN(TestClientWidgets)
#include "tst_clientwidgets.moc"
