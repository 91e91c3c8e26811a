// SPDX-License-Identifier: MIT
// MainWindow's ways to rooms: the dialogs that make, find and open them, the quick switcher and
// stepping through the list, the room list's context menu, and search (a message found opens in
// its room).
#include "mainwindow.h"

#include "chatclient.h"
#include "composer.h"
#include "messageactions.h"
#include "roomdialogs.h"
#include "searchpanel.h"

#include <QInputDialog>
#include <QMenu>
#include <QSplitter>
#include <QStatusBar>

using namespace Qt::StringLiterals;

void MainWindow::newRoom()
{
    if (!m_client)
        return;
    auto *dialog = new NewRoomDialog(m_client, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open(); // the created room opens itself (ChatClient::roomCreated)
}

void MainWindow::joinRoom()
{
    if (!m_client)
        return;
    auto *dialog = new JoinRoomDialog(m_client, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &JoinRoomDialog::chosen, this, &MainWindow::showRoom);
    dialog->open();
}

void MainWindow::messageSomeone()
{
    if (!m_client)
        return;
    auto *dialog = new DirectMessageDialog(m_client, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &DirectMessageDialog::opened, this, &MainWindow::showRoom);
    dialog->open();
}

void MainWindow::quickSwitch()
{
    if (!m_client)
        return;
    RoomListModel *rooms = m_client->rooms();
    QStringList names;
    QHash<QString, QString> roomOf;
    for (int row = 0; row < rooms->rowCount(); ++row) {
        const QModelIndex index = rooms->index(row);
        const QString room = index.data(RoomListModel::NameRole).toString();
        const QString label = index.data(RoomListModel::DirectRole).toBool()
                ? u"@"_s + index.data(RoomListModel::PeerRole).toString()
                : u"#"_s + room;
        names.append(label);
        roomOf.insert(label.toLower(), room);
    }
    bool ok = false;
    const QString chosen = QInputDialog::getItem(this, tr("Go to"), tr("Room or person:"), names, 0,
                                                 true, &ok);
    if (!ok)
        return;
    QString room = roomOf.value(chosen.trimmed().toLower());
    if (room.isEmpty()) // typed without # or @
        room = roomOf.value(u"#"_s + chosen.trimmed().toLower(), roomOf.value(u"@"_s + chosen.trimmed().toLower()));
    if (!room.isEmpty())
        showRoom(room);
}

void MainWindow::stepRoom(int delta)
{
    if (!m_client || m_client->rooms()->rowCount() == 0)
        return;
    const int rows = m_client->rooms()->rowCount();
    const int at = m_client->rooms()->rowOf(m_room);
    const int next = at < 0 ? 0 : (at + delta + rows) % rows;
    showRoom(m_client->rooms()->index(next).data(RoomListModel::NameRole).toString());
}

QString MainWindow::typingText(const QStringList &users)
{
    switch (users.size()) {
    case 0: return {};
    case 1: return tr("%1 is typing…").arg(users.at(0));
    case 2: return tr("%1 and %2 are typing…").arg(users.at(0), users.at(1));
    case 3: return tr("%1, %2 and %3 are typing…").arg(users.at(0), users.at(1), users.at(2));
    default: return tr("%n people are typing…", nullptr, int(users.size()));
    }
}

QMenu *MainWindow::roomMenu(const QString &room)
{
    if (!m_client)
        return nullptr;
    const auto info = m_client->rooms()->info(room);
    if (!info)
        return nullptr;
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    QPointer<ChatClient> client = m_client;
    auto report = [this](const QString &error) {
        if (!error.isEmpty())
            showNotice(error, true);
    };
    if (!info->member) {
        menu->addAction(tr("Join"), this, [this, room] { showRoom(room); });
        return menu;
    }
    QMenu *levels = menu->addMenu(tr("Notifications"));
    const QString level = info->notify.isEmpty() ? u"all"_s : info->notify;
    for (const auto &[key, text] : {std::pair{u"all"_s, tr("All messages")},
                                    std::pair{u"mentions"_s, tr("Only mentions")},
                                    std::pair{u"none"_s, tr("Nothing (mute)")}}) {
        QAction *action = levels->addAction(text, this, [client, room, key, report] {
            if (client)
                client->setNotify(room, key, client, report);
        });
        action->setCheckable(true);
        action->setChecked(level == key);
    }
    if (!info->dm) {
        menu->addAction(tr("Invite someone…"), this, [this, client, room, report] {
            bool ok = false;
            const QString user = QInputDialog::getText(this, tr("Invite to #%1").arg(room),
                                                       tr("User name:"), QLineEdit::Normal, {}, &ok);
            if (ok && !user.trimmed().isEmpty() && client)
                client->invite(room, user.trimmed(), this, report);
        });
        menu->addAction(tr("Set topic…"), this, [this, client, room, topic = info->topic, report] {
            bool ok = false;
            const QString text = QInputDialog::getText(this, tr("Topic of #%1").arg(room), tr("Topic:"),
                                                       QLineEdit::Normal, topic, &ok);
            if (ok && client)
                client->setTopic(room, text.trimmed(), this, report);
        });
        menu->addSeparator();
        menu->addAction(tr("Leave #%1").arg(room), this, [client, room, report, this] {
            if (client)
                client->leaveRoom(room, this, report);
        });
    }
    return menu;
}

void MainWindow::setUpSearch()
{
    m_search = new SearchPanel(m_client, m_splitter);
    m_search->hide();
    m_splitter->addWidget(m_search);
    connect(m_search, &SearchPanel::openRequested, this, [this](const QString &room, const QString &id, qint64 seq) {
        if (room != m_room)
            showRoom(room);
        m_actions->jumpTo(id, seq); // older history loaded back to it, then it flashes
    });
    connect(m_search, &SearchPanel::closed, this, [this] { m_composer->setFocus(); });
}

void MainWindow::showSearch()
{
    const bool opening = m_search->isHidden();
    m_search->setRoom(m_room);
    m_search->start();
    QList<int> sizes = m_splitter->sizes();
    const int search = int(m_splitter->indexOf(m_search));
    if (opening && search < sizes.size() && sizes.at(search) < 200) {
        const int width = 280; // taken from the conversation, never from the room list
        sizes[1] = std::max(220, sizes.at(1) - width);
        sizes[search] = width;
        m_splitter->setSizes(sizes);
    }
}
