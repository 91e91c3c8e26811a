// SPDX-License-Identifier: MIT
#include "messageactions.h"

#include "chatclient.h"
#include "composer.h"
#include "messagedelegate.h"
#include "messagelistmodel.h"
#include "richtext.h"

#include <QApplication>
#include <QClipboard>
#include <QCursor>
#include <QDesktopServices>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPushButton>
#include <QToolButton>
#include <QToolTip>

using namespace Qt::StringLiterals;

namespace {
constexpr int kMaxJumpPages = 40; // older pages loaded to find a reply's original
}

MessageActions::MessageActions(ChatClient *client, QListView *view, MessageDelegate *delegate,
                               Composer *composer, QObject *parent)
    : QObject(parent),
      m_client(client),
      m_view(view),
      m_delegate(delegate),
      m_composer(composer),
      m_bar(new QWidget),
      m_barText(new QLabel)
{
    m_barText->setTextFormat(Qt::PlainText);
    m_barText->setAccessibleName(tr("Replying or editing"));
    auto *close = new QToolButton(m_bar);
    close->setText(u"\u00d7"_s);
    close->setAutoRaise(true);
    close->setToolTip(tr("Cancel (Esc)"));
    auto *row = new QHBoxLayout(m_bar);
    row->setContentsMargins(8, 2, 4, 2);
    row->addWidget(m_barText, 1);
    row->addWidget(close);
    m_bar->hide();
    connect(close, &QToolButton::clicked, this, &MessageActions::cancel);
    connect(composer, &Composer::cancelled, this, &MessageActions::cancel);
    connect(composer, &Composer::editLastRequested, this, &MessageActions::editLast);
    connect(client, &ChatClient::historyLoading, this, [this](const QString &room, bool loading) {
        if (!loading && room == m_room && !m_jumpTarget.isEmpty())
            continueJump();
    });
    m_viewport = view->viewport();
    m_viewport->installEventFilter(this);
    view->viewport()->setMouseTracking(true); // hovering a link shows where it goes
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view, &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        if (QMenu *menu = menuFor(m_view->indexAt(at), m_view))
            menu->popup(m_view->viewport()->mapToGlobal(at));
    });
    connect(view, &QListView::clicked, this, [this](const QModelIndex &index) {
        if (QMenu *menu = refusedMenuFor(index, m_view))
            menu->popup(QCursor::pos());
    });
}

bool MessageActions::eventFilter(QObject *watched, QEvent *event)
{
    // The type first: the viewport also has events while the view is being destroyed, when
    // m_view is no longer a QListView to ask.
    if (event->type() == QEvent::MouseButtonRelease && watched == m_viewport) {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        const QModelIndex index = m_view->indexAt(mouse->position().toPoint());
        if (mouse->button() == Qt::LeftButton && index.isValid() && click(index, mouse->position().toPoint()))
            return true;
    } else if (event->type() == QEvent::MouseMove && watched == m_viewport) {
        hover(static_cast<QMouseEvent *>(event));
    }
    return QObject::eventFilter(watched, event);
}

void MessageActions::hover(const QMouseEvent *mouse)
{
    // What can be clicked shows a hand; a link shows its full address first, whatever its text.
    const QPoint pos = mouse->position().toPoint();
    const QModelIndex index = m_view->indexAt(pos);
    const MessageDelegate::Hit hit = index.isValid() ? m_delegate->hitTest(index, pos) : MessageDelegate::Hit();
    auto *viewport = static_cast<QWidget *>(m_viewport);
    if (hit.part == MessageDelegate::Hit::Part::None)
        viewport->unsetCursor();
    else
        viewport->setCursor(Qt::PointingHandCursor);
    if (hit.part == MessageDelegate::Hit::Part::Link) {
        if (hit.key != m_hoveredLink)
            QToolTip::showText(mouse->globalPosition().toPoint(), hit.key, viewport);
        m_hoveredLink = hit.key;
    } else if (!m_hoveredLink.isEmpty()) {
        m_hoveredLink.clear();
        QToolTip::hideText();
    }
}

QStringList MessageActions::commonReactions()
{
    return {u"\U0001F44D"_s, u"\u2764\uFE0F"_s, u"\U0001F602"_s, u"\U0001F389"_s,
            u"\U0001F62E"_s, u"\U0001F622"_s, u"\U0001F440"_s, u"\u2705"_s};
}

void MessageActions::setRoom(const QString &room)
{
    if (room != m_room)
        cancel();
    m_room = room;
    m_jumpTarget.clear();
}

void MessageActions::showBar(const QString &text)
{
    m_barText->setText(text);
    m_bar->show();
    m_composer->setFocus();
}

void MessageActions::cancel()
{
    if (!m_editing.isEmpty())
        m_composer->clear(); // the text being edited was the message's, not a draft
    m_replyTo.clear();
    m_editing.clear();
    m_bar->hide();
}

QMenu *MessageActions::menuFor(const QModelIndex &index, QWidget *parent)
{
    const QString id = index.data(MessageListModel::IdRole).toString();
    if (!m_client || id.isEmpty() || MessageDelegate::isSystem(index))
        return nullptr; // pending, refused, or a member line
    const bool deleted = index.data(MessageListModel::DeletedRole).toBool();
    const QString sender = index.data(MessageListModel::SenderRole).toString();
    const QPersistentModelIndex row(index);
    auto *menu = new QMenu(parent);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    if (deleted) {
        menu->addAction(tr("Reply"), this, [this, row] { reply(row); });
        return menu;
    }
    menu->addAction(tr("Reply"), this, [this, row] { reply(row); });
    QMenu *reactions = menu->addMenu(tr("React"));
    for (const QString &key : commonReactions()) {
        reactions->addAction(key, this, [this, row, key] {
            if (m_client && row.isValid())
                m_client->toggleReaction(m_room, row.data(MessageListModel::IdRole).toString(), key);
        });
    }
    reactions->addSeparator();
    reactions->addAction(tr("Other\u2026"), this, [this, row] { react(row); });
    if (index.data(MessageListModel::OwnRole).toBool())
        menu->addAction(tr("Edit"), this, [this, row] { edit(row); });
    menu->addAction(tr("Copy text"), this, [row] {
        QApplication::clipboard()->setText(row.data(MessageListModel::BodyRole).toString());
    });
    if (m_client->canDelete(m_room, sender)) {
        menu->addSeparator();
        menu->addAction(tr("Delete\u2026"), this, [this, row] { remove(row); });
    }
    return menu;
}

QMenu *MessageActions::refusedMenuFor(const QModelIndex &index, QWidget *parent)
{
    if (!m_client || index.data(MessageListModel::DeliveryRole).value<MessageListModel::Delivery>()
                != MessageListModel::Delivery::Failed)
        return nullptr;
    const QString clientId = index.data(MessageListModel::ClientIdRole).toString();
    const QString body = index.data(MessageListModel::BodyRole).toString();
    auto *menu = new QMenu(parent);
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

bool MessageActions::click(const QModelIndex &index, const QPoint &pos)
{
    const MessageDelegate::Hit hit = m_delegate->hitTest(index, pos);
    const QString id = index.data(MessageListModel::IdRole).toString();
    if (!m_client || id.isEmpty())
        return false;
    switch (hit.part) {
    case MessageDelegate::Hit::Part::Reaction:
        m_client->toggleReaction(m_room, id, hit.key);
        return true;
    case MessageDelegate::Hit::Part::Quote:
        jumpTo(index.data(MessageListModel::ReplyToRole).toString());
        return true;
    case MessageDelegate::Hit::Part::Link:
        if (const QUrl url(hit.key); RichText::isOpenable(url))
            QDesktopServices::openUrl(url); // the browser or mail program; nothing is fetched here
        return true;
    case MessageDelegate::Hit::Part::Attachment:
        emit attachmentClicked(FileInfo::fromJson(index.data(MessageListModel::AttachmentRole).toJsonObject()));
        return true;
    case MessageDelegate::Hit::Part::None:
        break;
    }
    return false;
}

void MessageActions::submit(const QString &text)
{
    if (!m_client || m_room.isEmpty())
        return;
    if (!m_editing.isEmpty()) {
        m_client->editMessage(m_room, std::exchange(m_editing, QString()), text);
    } else {
        m_client->sendMessage(m_room, text, m_replyTo,
                              m_composer->sendsMarkdown() ? ChatClient::TextFormat::Markdown
                                                          : ChatClient::TextFormat::Plain);
        m_replyTo.clear();
    }
    m_bar->hide();
}

void MessageActions::reply(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    if (!m_editing.isEmpty())
        cancel();
    m_replyTo = index.data(MessageListModel::IdRole).toString();
    const QString first = index.data(MessageListModel::DeletedRole).toBool()
            ? tr("deleted message")
            : index.data(MessageListModel::BodyRole).toString().section(QLatin1Char('\n'), 0, 0);
    showBar(tr("Replying to %1: %2").arg(index.data(MessageListModel::SenderRole).toString(),
                                          m_barText->fontMetrics().elidedText(first, Qt::ElideRight, 400)));
}

void MessageActions::edit(const QModelIndex &index)
{
    if (!index.isValid() || !index.data(MessageListModel::OwnRole).toBool())
        return;
    if (m_editing.isEmpty() && !m_composer->toPlainText().trimmed().isEmpty()) {
        emit problem(tr("Send or clear what you are writing first, then edit."));
        return;
    }
    m_replyTo.clear();
    m_editing = index.data(MessageListModel::IdRole).toString();
    m_composer->setPlainText(index.data(MessageListModel::BodyRole).toString());
    m_composer->moveCursor(QTextCursor::End);
    showBar(tr("Editing your message \u2014 Enter saves, Esc cancels"));
}

void MessageActions::editLast()
{
    const QAbstractItemModel *model = m_view->model();
    for (int row = model ? model->rowCount() - 1 : -1; row >= 0; --row) {
        const QModelIndex index = model->index(row, 0);
        if (index.data(MessageListModel::OwnRole).toBool() && !MessageDelegate::isSystem(index)
            && !index.data(MessageListModel::IdRole).toString().isEmpty()
            && !index.data(MessageListModel::DeletedRole).toBool()) {
            edit(index);
            return;
        }
    }
}

void MessageActions::remove(const QModelIndex &index)
{
    const QString id = index.data(MessageListModel::IdRole).toString();
    if (!m_client || id.isEmpty())
        return;
    const bool own = index.data(MessageListModel::OwnRole).toBool();
    auto *box = new QMessageBox(QMessageBox::Question, tr("Delete message"),
                                own ? tr("Delete this message for everyone?")
                                    : tr("Delete %1's message for everyone?")
                                              .arg(index.data(MessageListModel::SenderRole).toString()),
                                QMessageBox::NoButton, m_view->window());
    box->setInformativeText(tr("Its text is erased from the server. The room sees that a message "
                               "was deleted."));
    QPushButton *yes = box->addButton(tr("Delete"), QMessageBox::DestructiveRole);
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    const QString room = m_room;
    connect(box, &QMessageBox::buttonClicked, this, [this, room, id, yes](QAbstractButton *button) {
        if (button == yes && m_client)
            m_client->deleteMessage(room, id);
    });
    box->open();
}

void MessageActions::react(const QModelIndex &index)
{
    const QString id = index.data(MessageListModel::IdRole).toString();
    auto *dialog = new QInputDialog(m_view->window());
    dialog->setWindowTitle(tr("React"));
    dialog->setLabelText(tr("An emoji or a short word:"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString room = m_room;
    connect(dialog, &QInputDialog::textValueSelected, this, [this, room, id](const QString &text) {
        if (m_client && !text.trimmed().isEmpty())
            m_client->toggleReaction(room, id, text.trimmed());
    });
    dialog->open();
}

void MessageActions::jumpTo(const QString &id, qint64 seq)
{
    m_jumpTarget = id;
    m_jumpSeq = seq;
    m_jumpPages = 0;
    continueJump();
}

void MessageActions::continueJump()
{
    if (!m_client || m_room.isEmpty())
        return;
    MessageListModel *model = m_client->messages(m_room);
    if (const int row = model->rowOfId(m_jumpTarget); row >= 0) {
        m_jumpTarget.clear();
        const QModelIndex index = model->index(row);
        m_view->scrollTo(index, QAbstractItemView::PositionAtCenter);
        m_delegate->highlight(index);
        return;
    }
    if (m_client->isLoadingHistory(m_room))
        return; // a room just opened: its first page brings us back here
    if (!m_client->hasOlder(m_room)) {
        m_jumpTarget.clear();
        emit problem(tr("That message is no longer in this room's history."));
        return;
    }
    if (++m_jumpPages > kMaxJumpPages) {
        m_jumpTarget.clear();
        emit problem(tr("That message is too far back to show it here; scroll up to read back to it."));
        return;
    }
    // historyLoading(false) brings us back here. Knowing the seq, the biggest pages the server
    // gives: fewer round trips to a message far back.
    m_client->loadOlder(m_room, m_jumpSeq > 0 ? 200 : 0);
}
