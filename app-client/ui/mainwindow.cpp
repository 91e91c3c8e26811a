// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "appearance.h"
#include "chatclient.h"
#include "clientsettings.h"
#include "composer.h"
#include "connectionindicator.h"
#include "memberspanel.h"
#include "mentions.h"
#include "fileactions.h"
#include "messageactions.h"
#include "messagedelegate.h"
#include "roomdialogs.h"
#include "roomlistdelegate.h"
#include "searchpanel.h"
#include "passworddialog.h"
#include "sessionsdialog.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QHBoxLayout>
#include <QShortcut>
#include <QTimer>
#include <QToolButton>
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


MainWindow::MainWindow(ChatClient *client, ClientSettings *settings, QWidget *parent)
    : QMainWindow(parent),
      m_client(client),
      m_settings(settings),
      m_splitter(new QSplitter(this)),
      m_rooms(new QListView(m_splitter)),
      m_view(new QListView),
      m_header(new QLabel),
      m_details(new QLabel),
      m_typing(new QLabel),
      m_noticeBar(new QWidget),
      m_notice(new QLabel),
      m_noticeTimer(new QTimer(this)),
      m_jump(new QToolButton),
      m_membersButton(new QToolButton),
      m_members(new MembersPanel(client)),
      m_typingIdle(new QTimer(this)),
      m_limit(new QLabel),
      m_delegate(new MessageDelegate(m_view)),
      m_loading(new QProgressBar),
      m_composer(new Composer),
      m_indicator(new ConnectionIndicator)
{
    m_actions = new MessageActions(client, m_view, m_delegate, m_composer, this);
    m_files = new FileActions(client, this, this);
    m_files->takeDrops(m_composer->viewport());
    m_delegate->setFiles(client->files());
    setWindowTitle(tr("Chat — %1 @ %2").arg(client->user(), client->api()->server().host()));
    m_rooms->setModel(client->rooms());
    m_rooms->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_rooms->setMinimumWidth(140);
    m_rooms->setItemDelegate(new RoomListDelegate(m_rooms));
    m_rooms->setMouseTracking(true);
    m_rooms->setAccessibleName(tr("Rooms and direct messages"));
    m_rooms->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setAccessibleName(tr("Conversation"));
    m_composer->setAccessibleName(tr("Message"));
    m_header->setTextFormat(Qt::PlainText);
    m_header->setAccessibleName(tr("Room"));
    m_details->setTextFormat(Qt::PlainText);
    m_details->setContentsMargins(8, 0, 8, 4);
    m_details->setForegroundRole(QPalette::PlaceholderText);
    m_details->setAccessibleName(tr("Room topic and members"));
    m_typing->setTextFormat(Qt::PlainText);
    m_typing->setContentsMargins(8, 0, 8, 0);
    m_typing->setForegroundRole(QPalette::PlaceholderText);
    m_typing->setAccessibleName(tr("Who is typing"));
    QFont italic = m_typing->font();
    italic.setItalic(true);
    m_typing->setFont(italic);
    m_typing->setMinimumHeight(m_typing->fontMetrics().height()); // no jump when it appears
    m_notice->setTextFormat(Qt::PlainText);
    m_notice->setWordWrap(true);
    m_notice->setAccessibleName(tr("Notice"));
    auto *dismiss = new QToolButton(m_noticeBar);
    dismiss->setText(u"×"_s);
    dismiss->setAutoRaise(true);
    dismiss->setAccessibleName(tr("Dismiss"));
    auto *noticeRow = new QHBoxLayout(m_noticeBar);
    noticeRow->setContentsMargins(8, 4, 4, 4);
    noticeRow->addWidget(m_notice, 1);
    noticeRow->addWidget(dismiss);
    m_noticeBar->setAutoFillBackground(true);
    m_noticeBar->hide();
    m_noticeTimer->setSingleShot(true);
    connect(m_noticeTimer, &QTimer::timeout, m_noticeBar, &QWidget::hide);
    connect(dismiss, &QToolButton::clicked, m_noticeBar, &QWidget::hide);
    m_jump->setParent(m_view);
    m_jump->setAccessibleName(tr("Jump to the newest messages"));
    m_jump->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_jump->hide();
    connect(m_jump, &QToolButton::clicked, this, [this] {
        m_view->scrollToBottom();
        m_jump->hide();
    });
    m_membersButton->setText(tr("Members"));
    m_membersButton->setCheckable(true);
    m_membersButton->setAutoRaise(true);
    m_membersButton->setAccessibleName(tr("Show members"));
    m_members->hide();
    m_typingIdle->setSingleShot(true);
    m_typingIdle->setInterval(4000);
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
    auto *headerRow = new QHBoxLayout;
    headerRow->addWidget(m_header, 1);
    headerRow->addWidget(m_membersButton);
    layout->addLayout(headerRow);
    layout->addWidget(m_details);
    layout->addWidget(m_loading);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_typing);
    layout->addWidget(m_noticeBar);
    layout->addWidget(m_actions->bar());
    layout->addWidget(m_files->bar());
    auto *composeRow = new QHBoxLayout;
    composeRow->addWidget(m_files->attachButton(), 0, Qt::AlignTop);
    composeRow->addWidget(m_composer, 1);
    composeRow->addWidget(m_composer->markdownToggle(), 0, Qt::AlignTop);
    layout->addLayout(composeRow);
    layout->addWidget(m_limit);
    m_splitter->addWidget(m_rooms);
    m_splitter->addWidget(conversation);
    m_splitter->addWidget(m_members);
    setUpSearch();
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
    connect(m_rooms, &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        const QString room = m_rooms->indexAt(at).data(RoomListModel::NameRole).toString();
        if (QMenu *menu = room.isEmpty() ? nullptr : roomMenu(room))
            menu->popup(m_rooms->viewport()->mapToGlobal(at));
    });
    connect(m_membersButton, &QToolButton::toggled, this, [this](bool on) {
        m_members->setVisible(on);
        QList<int> sizes = m_splitter->sizes();
        if (on && sizes.size() == 3 && sizes.at(2) < 120) {
            const int width = 190; // taken from the conversation, never from the room list
            sizes[1] = std::max(200, sizes.at(1) - width);
            sizes[2] = width;
            m_splitter->setSizes(sizes);
        }
        m_members->refresh();
    });
    connect(client, &ChatClient::typingChanged, this, [this](const QString &room) {
        if (room == m_room)
            showTyping();
    });
    connect(client->rooms(), &QAbstractItemModel::dataChanged, this, &MainWindow::showRoomState);
    connect(client, &ChatClient::membersChanged, this, [this](const QString &room) {
        if (room != m_room)
            return;
        m_members->refresh();
        loadMentionCandidates();
    });
    connect(m_composer, &QPlainTextEdit::textChanged, this, &MainWindow::onComposerEdited);
    connect(m_typingIdle, &QTimer::timeout, this, [this] {
        if (m_client && !m_room.isEmpty() && std::exchange(m_typingToldAt, 0) != 0)
            m_client->setTyping(m_room, false);
    });
    auto *switcher = new QShortcut(QKeySequence(u"Ctrl+K"_s), this);
    connect(switcher, &QShortcut::activated, this, &MainWindow::quickSwitch);
    auto *up = new QShortcut(QKeySequence(u"Alt+Up"_s), this);
    connect(up, &QShortcut::activated, this, [this] { stepRoom(-1); });
    auto *down = new QShortcut(QKeySequence(u"Alt+Down"_s), this);
    connect(down, &QShortcut::activated, this, [this] { stepRoom(1); });
    connect(m_rooms, &QListView::activated, this, &MainWindow::onRoomActivated);
    connect(m_composer, &Composer::submitted, this, [this](const QString &text) {
        if (m_client && !m_room.isEmpty()) {
            m_actions->submit(text); // a message, a reply or an edit
            m_typingIdle->stop();
            m_typingToldAt = 0; // the message ends the typing (the others clear it on it)
        }
    });
    connect(m_composer, &Composer::limitTextChanged, this, [this](const QString &text, bool tooLong) {
        m_limit->setText(text);
        m_limit->setStyleSheet(tooLong ? QStringLiteral("color: #b00020") : QString());
        m_limit->setVisible(!text.isEmpty());
    });
    connect(client, &ChatClient::limitsChanged, m_composer, &Composer::setMaxBytes);
    m_composer->setSendsMarkdown(m_settings->composesMarkdown());
    connect(m_composer, &Composer::sendsMarkdownChanged, this,
            [this](bool on) { m_settings->setComposesMarkdown(on); });
    // A reload of the list (start, reconnect, a new room) resets it: keep the open room marked.
    connect(client->rooms(), &QAbstractItemModel::modelReset, this, &MainWindow::showCurrentRoomSelected);
    connect(client->rooms(), &QAbstractItemModel::rowsInserted, this, &MainWindow::showCurrentRoomSelected);
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, &MainWindow::onScrolled);
    // At the bottom, the view stays there when it gets narrower or taller content (the members
    // panel opens, a message wraps differently).
    connect(m_view->verticalScrollBar(), &QScrollBar::rangeChanged, this, [this](int, int max) {
        if (m_atBottom)
            m_view->verticalScrollBar()->setValue(max);
    });
    connect(client, &ChatClient::historyLoading, this, [this](const QString &room, bool loading) {
        if (room == m_room)
            m_loading->setVisible(loading);
    });
    connect(client, &ChatClient::messageArrived, this, &MainWindow::onMessageArrived);
    connect(client, &ChatClient::errorOccurred, this,
            [this](const QString &message) { showNotice(message, true); });
    connect(m_actions, &MessageActions::problem, this,
            [this](const QString &message) { showNotice(message, true); });
    connect(m_actions, &MessageActions::attachmentClicked, m_files, &FileActions::open);
    connect(m_files, &FileActions::problem, this, [this](const QString &message) { showNotice(message, true); });
    connect(m_files, &FileActions::notice, this, [this](const QString &message) { showNotice(message, false); });
    connect(client, &ChatClient::roomCreated, this, &MainWindow::showRoom); // by this user: open it
    connect(client, &ChatClient::noticed, this,
            [this](const QString &message) { showNotice(message, false); });

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
    chat->addAction(tr("&New room…"), QKeySequence::New, this, &MainWindow::newRoom);
    chat->addAction(tr("&Join room…"), QKeySequence(u"Ctrl+J"_s), this, &MainWindow::joinRoom);
    chat->addAction(tr("&Message someone…"), QKeySequence(u"Ctrl+Shift+M"_s), this, &MainWindow::messageSomeone);
    chat->addAction(tr("&Go to…"), QKeySequence(u"Ctrl+K"_s), this, &MainWindow::quickSwitch)
            ->setShortcutContext(Qt::WidgetShortcut); // the window's QShortcut answers Ctrl+K
    chat->addAction(tr("&Search messages…"), QKeySequence::Find, this, &MainWindow::showSearch);
    chat->addAction(tr("&Reload rooms"), this, [this] {
        if (m_client)
            m_client->reloadRooms();
    });
    chat->addSeparator();
    chat->addAction(tr("Change &password…"), this, &MainWindow::changePassword);
    chat->addAction(tr("Signed-in &devices…"), this, &MainWindow::showSessions);
    chat->addAction(tr("&Log out"), this, &MainWindow::logoutRequested);
    chat->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    auto *looks = new QActionGroup(view);
    for (const auto &[mode, text] : {std::pair{u"system"_s, tr("Like the &desktop")},
                                     std::pair{u"light"_s, tr("&Light")},
                                     std::pair{u"dark"_s, tr("D&ark")}}) {
        QAction *action = view->addAction(text, this, [this, mode] {
            m_settings->setAppearance(mode);
            Appearance::apply(mode);
            m_delegate->clearCache();
            m_view->viewport()->update();
        });
        action->setCheckable(true);
        action->setChecked(m_settings->appearance() == mode);
        looks->addAction(action);
    }
}

void MainWindow::showTyping()
{
    m_typing->setText(m_client && !m_room.isEmpty() ? typingText(m_client->typingIn(m_room)) : QString());
}

void MainWindow::onComposerEdited()
{
    if (!m_client || m_room.isEmpty())
        return;
    if (m_composer->toPlainText().isEmpty()) {
        m_typingIdle->stop();
        if (std::exchange(m_typingToldAt, 0) != 0)
            m_client->setTyping(m_room, false);
        return;
    }
    // Told when typing starts, renewed every 3 s while it goes on, stopped after a 4 s pause.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_typingToldAt >= 3000) {
        m_client->setTyping(m_room, true);
        m_typingToldAt = now;
    }
    m_typingIdle->start();
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
        showNotice(message, false);
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
    m_actions->setRoom(room);
    m_files->setRoom(room);
    MessageListModel *model = m_client->messages(room);
    m_delegate->clearCache();
    // Where the user stopped reading (before this look moves the marker).
    m_delegate->setNewSince(m_client->rooms()->unread(room) > 0 ? m_client->rooms()->lastRead(room) : 0);
    m_view->setModel(model);
    connect(model, &QAbstractItemModel::rowsInserted, this, &MainWindow::onRowsInserted);
    connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this, [this](const QModelIndex &, int first) {
        QScrollBar *bar = m_view->verticalScrollBar();
        m_distanceFromBottom = first == 0 ? bar->maximum() - bar->value() : -1;
    });
    m_client->openRoom(room); // joins first when needed
    m_members->setRoom(room);
    m_search->setRoom(room);
    loadMentionCandidates();
    showTyping();
    showCurrentRoomSelected();
    m_loading->setVisible(m_client->isLoadingHistory(room));
    showRoomState();
    m_composer->setFocus();
    m_settings->setLastRoom(room);
    m_view->scrollToBottom();
    m_missed = 0;
    m_jump->hide();
    QMetaObject::invokeMethod(this, &MainWindow::maybeMarkRead, Qt::QueuedConnection);
}

void MainWindow::showNotice(const QString &text, bool problem)
{
    m_notice->setText(text);
    QPalette pal = m_noticeBar->palette();
    const QColor base = palette().color(QPalette::Base);
    const bool dark = base.lightness() < 128;
    pal.setColor(QPalette::Window, problem ? (dark ? QColor(0x5c, 0x1d, 0x1d) : QColor(0xfd, 0xec, 0xea))
                                           : (dark ? QColor(0x1d, 0x3a, 0x5c) : QColor(0xe8, 0xf1, 0xfd)));
    pal.setColor(QPalette::WindowText, palette().color(QPalette::Text));
    m_noticeBar->setPalette(pal);
    m_noticeBar->show();
    if (problem)
        m_noticeTimer->stop(); // stays until dismissed
    else
        m_noticeTimer->start(12000);
}

void MainWindow::placeJumpButton()
{
    const QSize hint = m_jump->sizeHint();
    const QRect area = m_view->viewport()->geometry();
    m_jump->move(area.right() - hint.width() - 12, area.bottom() - hint.height() - 10);
    m_jump->resize(hint);
    m_jump->raise();
}

void MainWindow::loadMentionCandidates()
{
    if (!m_client || m_room.isEmpty())
        return;
    const QString room = m_room;
    m_composer->setMentionCandidates({});
    m_client->members(room, this, [this, room](const QString &, const QList<MemberInfo> &members) {
        if (room != m_room || !m_client)
            return;
        QStringList names;
        for (const MemberInfo &m : members) {
            if (m.name.compare(m_client->user(), Qt::CaseInsensitive) != 0)
                names.append(m.name);
        }
        m_composer->setMentionCandidates(names);
    });
}

void MainWindow::maybeMarkRead()
{
    // Read is what the user has in view: the newest events shown, in the window they look at.
    if (!m_client || m_room.isEmpty() || !isActiveWindow() || isMinimized() || !m_view->model())
        return;
    QScrollBar *bar = m_view->verticalScrollBar();
    if (bar->value() < bar->maximum() - 40)
        return;
    const qint64 newest = m_client->messages(m_room)->lastEventSeq();
    if (newest > 0)
        m_client->markRead(m_room, newest);
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::ActivationChange || event->type() == QEvent::WindowStateChange)
        maybeMarkRead();
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
    const bool dm = index.data(RoomListModel::DirectRole).toBool();
    const QString title = dm ? u"@ "_s + index.data(RoomListModel::PeerRole).toString() : u"# "_s + m_room;
    m_header->setText(archived ? tr("%1 · archived").arg(title) : title);
    m_header->setToolTip(owner.isEmpty() ? QString() : tr("Owner: %1").arg(owner));
    QStringList details;
    if (dm)
        details << (index.data(RoomListModel::OnlineRole).toBool() ? tr("online") : tr("offline"));
    if (const QString topic = index.data(RoomListModel::TopicRole).toString(); !topic.isEmpty())
        details << topic;
    if (const int members = index.data(RoomListModel::MemberCountRole).toInt(); members > 0 && !dm)
        details << (members == 1 ? tr("1 member") : tr("%1 members").arg(members));
    m_details->setText(details.join(u"  ·  "_s));
    m_details->setVisible(!details.isEmpty());
    m_composer->setArchived(archived);
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
    if (atBottom || own) {
        QMetaObject::invokeMethod(m_view, &QListView::scrollToBottom, Qt::QueuedConnection);
        QMetaObject::invokeMethod(this, &MainWindow::maybeMarkRead, Qt::QueuedConnection);
        return;
    }
    // Scrolled up to read: say how much came in below, and offer a way there.
    m_missed += last - first + 1;
    m_jump->setText(m_missed == 1 ? tr("↓ 1 new message") : tr("↓ %1 new messages").arg(m_missed));
    m_jump->show();
    placeJumpButton();
}

void MainWindow::onScrolled(int value)
{
    m_atBottom = value >= m_view->verticalScrollBar()->maximum() - 40;
    if (m_atBottom) {
        m_missed = 0;
        m_jump->hide();
        maybeMarkRead();
    }
    if (m_client && !m_room.isEmpty() && value == m_view->verticalScrollBar()->minimum()
        && m_view->verticalScrollBar()->maximum() > 0)
        m_client->loadOlder(m_room);
}

void MainWindow::onMessageArrived(const ChatMessage &message, bool own)
{
    if (own || !m_client || (isActiveWindow() && message.room == m_room))
        return;
    // The room's level, as the server keeps it for every device of the user.
    const auto info = m_client->rooms()->info(message.room);
    const QString level = info && !info->notify.isEmpty() ? info->notify : u"all"_s;
    const bool mention = (info && info->dm) || Mentions::mentions(message.body, m_client->user());
    if (level == "none"_L1 || (level == "mentions"_L1 && !mention))
        return;
    // Read on another device meanwhile (the marker came first): nothing to tell.
    if (info && info->lastRead >= message.seq)
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
    const QString where = m_client ? m_client->rooms()->displayName(message.room) : message.room;
    const bool dm = m_client && m_client->rooms()->info(message.room).value_or(RoomInfo{}).dm;
    m_tray->showMessage(dm ? message.sender : tr("%1 in #%2").arg(message.sender, where), body,
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
