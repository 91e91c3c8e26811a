// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "chatclient.h"
#include "clientsettings.h"
#include "composer.h"
#include "connectionindicator.h"
#include "messagedelegate.h"
#include "passworddialog.h"
#include "sessionsdialog.h"

#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QCursor>
#include <QLabel>
#include <QMenu>
#include <QStyledItemDelegate>
#include <QInputDialog>
#include <QListView>
#include <QMenuBar>
#include <QProgressBar>
#include <QScrollBar>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
// The open room, and rooms with something new, in bold.
class RoomDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(RoomListModel::CurrentRole).toBool()
            || index.data(RoomListModel::UnreadRole).toInt() > 0)
            option->font.setBold(true);
        if (!index.data(RoomListModel::MemberRole).toBool())
            option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
    }
};
} // namespace

MainWindow::MainWindow(ChatClient *client, ClientSettings *settings, QWidget *parent)
    : QMainWindow(parent),
      m_client(client),
      m_settings(settings),
      m_splitter(new QSplitter(this)),
      m_rooms(new QListView(m_splitter)),
      m_view(new QListView),
      m_header(new QLabel),
      m_limit(new QLabel),
      m_delegate(new MessageDelegate(m_view)),
      m_loading(new QProgressBar),
      m_composer(new Composer),
      m_indicator(new ConnectionIndicator)
{
    setWindowTitle(tr("Chat — %1 @ %2").arg(client->user(), client->api()->server().host()));
    m_rooms->setModel(client->rooms());
    m_rooms->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_rooms->setMinimumWidth(140);
    m_rooms->setItemDelegate(new RoomDelegate(m_rooms));
    m_header->setTextFormat(Qt::PlainText);
    QFont headerFont = m_header->font();
    headerFont.setBold(true);
    headerFont.setPointSizeF(headerFont.pointSizeF() * 1.25);
    m_header->setFont(headerFont);
    m_header->setContentsMargins(8, 6, 8, 6);
    m_limit->setTextFormat(Qt::PlainText);
    m_limit->setAlignment(Qt::AlignRight);
    m_limit->setWordWrap(true);
    m_limit->hide();
    m_composer->setMaxBytes(client->maxBodyBytes());

    m_view->setItemDelegate(m_delegate);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setResizeMode(QListView::Adjust);
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setUniformItemSizes(false);
    m_view->setWordWrap(true);
    m_loading->setRange(0, 0); // busy: animates while history loads
    m_loading->setMaximumHeight(4);
    m_loading->setTextVisible(false);
    m_loading->hide();

    auto *conversation = new QWidget(m_splitter);
    auto *layout = new QVBoxLayout(conversation);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_header);
    layout->addWidget(m_loading);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_composer);
    layout->addWidget(m_limit);
    m_splitter->addWidget(m_rooms);
    m_splitter->addWidget(conversation);
    m_splitter->setStretchFactor(1, 1);
    setCentralWidget(m_splitter);

    m_indicator->setConnection(client->connection());
    statusBar()->addPermanentWidget(m_indicator);
    buildMenus();

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(windowIcon().isNull()
                                             ? style()->standardIcon(QStyle::SP_MessageBoxInformation)
                                             : windowIcon(),
                                     this);
        m_tray->setToolTip(windowTitle());
        m_tray->show();
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
            showNormal();
            activateWindow();
        });
    }

    connect(m_rooms, &QListView::clicked, this, &MainWindow::onRoomActivated);
    connect(m_rooms, &QListView::activated, this, &MainWindow::onRoomActivated);
    connect(m_composer, &Composer::submitted, this, [this](const QString &text) {
        if (m_client && !m_room.isEmpty())
            m_client->sendMessage(m_room, text);
    });
    connect(m_view, &QListView::clicked, this, [this](const QModelIndex &index) {
        if (QMenu *menu = refusedMessageMenu(index))
            menu->popup(QCursor::pos());
    });
    connect(m_composer, &Composer::limitTextChanged, this, [this](const QString &text, bool tooLong) {
        m_limit->setText(text);
        m_limit->setStyleSheet(tooLong ? QStringLiteral("color: #b00020") : QString());
        m_limit->setVisible(!text.isEmpty());
    });
    connect(client, &ChatClient::limitsChanged, m_composer, &Composer::setMaxBytes);
    // A reload of the list (start, reconnect, a new room) resets it: keep the open room marked.
    connect(client->rooms(), &QAbstractItemModel::modelReset, this, &MainWindow::showCurrentRoomSelected);
    connect(client->rooms(), &QAbstractItemModel::rowsInserted, this, &MainWindow::showCurrentRoomSelected);
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, &MainWindow::onScrolled);
    connect(client, &ChatClient::historyLoading, this, [this](const QString &room, bool loading) {
        if (room == m_room)
            m_loading->setVisible(loading);
    });
    connect(client, &ChatClient::messageArrived, this, &MainWindow::onMessageArrived);
    connect(client, &ChatClient::errorOccurred, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });
    connect(client, &ChatClient::roomCreated, this, &MainWindow::showRoom); // by this user: open it
    connect(client, &ChatClient::noticed, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });

    if (!m_settings->geometry(client->user()).isEmpty())
        restoreGeometry(m_settings->geometry(client->user()));
    else
        resize(820, 560);
    if (!m_settings->splitter(client->user()).isEmpty())
        m_splitter->restoreState(m_settings->splitter(client->user()));
    else
        m_splitter->setSizes({180, 640});
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu *chat = menuBar()->addMenu(tr("&Chat"));
    chat->addAction(tr("&New room…"), this, &MainWindow::newRoom);
    chat->addAction(tr("&Reload rooms"), this, [this] {
        if (m_client)
            m_client->reloadRooms();
    });
    chat->addSeparator();
    chat->addAction(tr("Change &password…"), this, &MainWindow::changePassword);
    chat->addAction(tr("Signed-in &devices…"), this, &MainWindow::showSessions);
    chat->addAction(tr("&Log out"), this, &MainWindow::logoutRequested);
    chat->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
}

void MainWindow::newRoom()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New room"),
                                               tr("Room name (a-z, 0-9, '-', '_'):"),
                                               QLineEdit::Normal, {}, &ok);
    if (ok && !name.isEmpty() && m_client)
        m_client->createRoom(name.trimmed().toLower(), false);
}

void MainWindow::changePassword()
{
    if (!m_client)
        return;
    auto *dialog = new PasswordDialog(m_client, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PasswordDialog::changed, this, [this](int signedOut) {
        const QString message = signedOut == 0 ? tr("Password changed.")
                : signedOut == 1 ? tr("Password changed; your other device was signed out.")
                                 : tr("Password changed; your %1 other devices were signed out.")
                                           .arg(signedOut);
        statusBar()->showMessage(message, 8000);
    });
    dialog->open();
}

void MainWindow::showSessions()
{
    if (!m_client)
        return;
    auto *dialog = new SessionsDialog(m_client, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showRoom(const QString &room)
{
    if (!m_client)
        return;
    const int row = m_client->rooms()->rowOf(room);
    if (QAbstractItemModel *old = m_view->model())
        old->disconnect(this);
    m_room = room;
    MessageListModel *model = m_client->messages(room);
    m_delegate->clearCache();
    m_view->setModel(model);
    connect(model, &QAbstractItemModel::rowsInserted, this, &MainWindow::onRowsInserted);
    connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this, [this](const QModelIndex &, int first) {
        QScrollBar *bar = m_view->verticalScrollBar();
        m_distanceFromBottom = first == 0 ? bar->maximum() - bar->value() : -1;
    });
    m_client->openRoom(room); // joins first when needed
    showCurrentRoomSelected();
    m_loading->setVisible(m_client->isLoadingHistory(room));
    showRoomState();
    m_composer->setFocus();
    m_settings->setLastRoom(room);
    m_view->scrollToBottom();
}

void MainWindow::showCurrentRoomSelected()
{
    if (!m_client || m_room.isEmpty())
        return;
    const int row = m_client->rooms()->rowOf(m_room);
    if (row >= 0)
        m_rooms->setCurrentIndex(m_client->rooms()->index(row));
    showRoomState();
}

void MainWindow::showRoomState()
{
    if (!m_client || m_room.isEmpty())
        return;
    const QModelIndex index = m_client->rooms()->index(m_client->rooms()->rowOf(m_room));
    const bool archived = index.data(RoomListModel::ArchivedRole).toBool();
    const QString owner = index.data(RoomListModel::OwnerRole).toString();
    m_header->setText(archived ? tr("# %1 · archived").arg(m_room) : u"# "_s + m_room);
    m_header->setToolTip(owner.isEmpty() ? QString() : tr("Owner: %1").arg(owner));
    m_composer->setArchived(archived);
}

QMenu *MainWindow::refusedMessageMenu(const QModelIndex &index)
{
    if (!m_client || index.data(MessageListModel::DeliveryRole).value<MessageListModel::Delivery>()
                != MessageListModel::Delivery::Failed)
        return nullptr;
    const QString clientId = index.data(MessageListModel::ClientIdRole).toString();
    const QString body = index.data(MessageListModel::BodyRole).toString();
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(tr("Edit in the composer"), this, [this, clientId] {
        const QString text = m_client ? m_client->takeBack(clientId) : QString();
        if (text.isNull())
            return;
        m_composer->appendText(text);
        m_composer->setFocus();
    });
    menu->addAction(tr("Copy text"), this, [body] { QApplication::clipboard()->setText(body); });
    menu->addAction(tr("Discard"), this, [this, clientId] {
        if (m_client)
            m_client->discard(clientId);
    });
    return menu;
}

void MainWindow::onRoomActivated(const QModelIndex &index)
{
    const QString room = index.data(RoomListModel::NameRole).toString();
    if (!room.isEmpty() && room != m_room)
        showRoom(room);
}

void MainWindow::onRowsInserted(const QModelIndex &, int first, int last)
{
    QScrollBar *bar = m_view->verticalScrollBar();
    const int rows = m_view->model()->rowCount();
    if (first == 0 && last < rows - 1 && m_distanceFromBottom >= 0) {
        // An older page above: keep what the user looks at where it is.
        m_view->doItemsLayout();
        bar->setValue(bar->maximum() - m_distanceFromBottom);
        return;
    }
    // New messages at the end: follow them if the user was at the bottom (or they are the
    // user's own).
    const bool atBottom = bar->value() >= bar->maximum() - 40;
    const bool own = m_view->model()->index(last, 0).data(MessageListModel::OwnRole).toBool();
    if (atBottom || own)
        QMetaObject::invokeMethod(m_view, &QListView::scrollToBottom, Qt::QueuedConnection);
}

void MainWindow::onScrolled(int value)
{
    if (m_client && !m_room.isEmpty() && value == m_view->verticalScrollBar()->minimum()
        && m_view->verticalScrollBar()->maximum() > 0)
        m_client->loadOlder(m_room);
}

void MainWindow::onMessageArrived(const ChatMessage &message, bool own)
{
    if (own || isActiveWindow())
        return;
    notify(message);
}

void MainWindow::notify(const ChatMessage &message)
{
    if (!m_tray) {
        QApplication::alert(this); // no system tray: the taskbar entry asks for attention
        return;
    }
    // A plain-text balloon: the body is never interpreted.
    const QString body = message.body.size() > 200 ? message.body.left(200) + QStringLiteral("…")
                                                   : message.body;
    m_tray->showMessage(tr("%1 in #%2").arg(message.sender, message.room), body,
                        QSystemTrayIcon::Information, 5000);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_client) {
        m_settings->setGeometry(m_client->user(), saveGeometry());
        m_settings->setSplitter(m_client->user(), m_splitter->saveState());
    }
    QMainWindow::closeEvent(event);
}
