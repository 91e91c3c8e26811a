// SPDX-License-Identifier: MIT
// The widgets, offscreen, against the real server: typing in one window shows in the other, the
// status bar follows the link, and message bodies stay plain text.
#include "chatclient.h"
#include "clientsettings.h"
#include "composer.h"
#include "connectionindicator.h"
#include "logindialog.h"
#include "mainwindow.h"
#include "passworddialog.h"
#include "sessionsdialog.h"
#include "messagedelegate.h"
#include "testdatabase.h"
#include "testserver.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
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

    void htmlLookingBodyIsLiteralAndLoadsNothing()
    {
        QTcpServer trap; // what an <img> would fetch from
        QVERIFY(trap.listen(QHostAddress::LocalHost));
        const QString body = u"<img src=\"http://127.0.0.1:%1/x.png\"><b>bold?</b> &lt;"_s.arg(trap.serverPort());
        type(m_aliceWindow->composer(), body);
        QListView *view = m_bobWindow->conversationView();
        QTRY_VERIFY_WITH_TIMEOUT(rowWithBody(view, body) >= 0, 15000);
        const QModelIndex index = view->model()->index(rowWithBody(view, body), 0);
        QCOMPARE(index.data(Qt::DisplayRole).toString(), body);
        QVERIFY(index.data(Qt::ToolTipRole).isNull()); // no rich-text tooltip either
        // Paint it (the delegate draws the characters) and give any fetch a chance to happen.
        view->scrollTo(index);
        const QImage shot = m_bobWindow->grab().toImage();
        QVERIFY(!shot.isNull());
        QSignalSpy fetched(&trap, &QTcpServer::newConnection);
        QVERIFY(!fetched.wait(500));
        QVERIFY(!trap.hasPendingConnections());
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
        QMenu *menu = m_aliceWindow->refusedMessageMenu(index);
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
};

QTEST_MAIN(TestClientWidgets)
#include "tst_clientwidgets.moc"
