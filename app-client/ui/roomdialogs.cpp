// SPDX-License-Identifier: MIT
#include "roomdialogs.h"

#include "chatclient.h"
#include "validation.h"

#include <QCheckBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QStringListModel>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
QLabel *errorLine(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setStyleSheet(u"color: #c62828"_s);
    label->setAccessibleName(QObject::tr("Problem"));
    label->hide();
    return label;
}
void showError(QLabel *label, const QString &text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}
} // namespace

NewRoomDialog::NewRoomDialog(ChatClient *client, QWidget *parent)
    : QDialog(parent),
      m_client(client),
      m_name(new QLineEdit(this)),
      m_private(new QCheckBox(tr("Private: only people invited can find and read it"), this)),
      m_topic(new QLineEdit(this)),
      m_error(errorLine(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("New room"));
    m_name->setPlaceholderText(tr("e.g. project-x"));
    m_name->setValidator(new QRegularExpressionValidator(QRegularExpression(u"[a-z0-9_-]{1,64}"_s), m_name));
    m_name->setAccessibleName(tr("Room name"));
    m_topic->setPlaceholderText(tr("What is it about? (optional)"));
    m_topic->setMaxLength(256);
    m_topic->setAccessibleName(tr("Topic"));
    m_private->setAccessibleName(tr("Private room"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    auto *form = new QFormLayout;
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Topic:"), m_topic);
    form->addRow(QString(), m_private);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &NewRoomDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void NewRoomDialog::accept()
{
    const QString name = m_name->text().trimmed().toLower();
    if (!Validation::isValidRoomName(name) || name.startsWith("dm-"_L1)) {
        showError(m_error, tr("A room name is 1 to 64 lower-case letters, digits, '-' or '_' "
                              "(and does not start with dm-)."));
        return;
    }
    if (!m_client)
        return;
    m_buttons->setEnabled(false);
    m_client->createRoom(name, m_private->isChecked(), m_topic->text().trimmed(), this,
                         [this, name](const QString &error) {
                             m_buttons->setEnabled(true);
                             if (!error.isEmpty()) {
                                 showError(m_error, error);
                                 return;
                             }
                             emit created(name);
                             QDialog::accept();
                         });
}

JoinRoomDialog::JoinRoomDialog(ChatClient *client, QWidget *parent)
    : QDialog(parent),
      m_client(client),
      m_filter(new QLineEdit(this)),
      m_list(new QListWidget(this)),
      m_error(errorLine(this))
{
    setWindowTitle(tr("Join a room"));
    m_filter->setPlaceholderText(tr("Find a room by name"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Room name filter"));
    m_list->setAccessibleName(tr("Public rooms"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Join"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    resize(420, 380);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &JoinRoomDialog::search);
    connect(m_filter, &QLineEdit::textChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(m_list, &QListWidget::itemActivated, this, &JoinRoomDialog::accept);
    connect(buttons, &QDialogButtonBox::accepted, this, &JoinRoomDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    search();
}

void JoinRoomDialog::search()
{
    if (!m_client)
        return;
    const QString filter = m_filter->text().trimmed().toLower().left(64);
    m_client->directory(filter, this, [this, filter](const QString &error, const QList<RoomInfo> &rooms) {
        if (filter != m_filter->text().trimmed().toLower().left(64))
            return; // typed on since: another answer comes
        showError(m_error, error);
        m_list->clear();
        for (const RoomInfo &room : rooms) {
            QString text = u"# "_s + room.name + u"  ·  "_s + (room.memberCount == 1 ? tr("1 member") : tr("%1 members").arg(room.memberCount));
            if (room.member)
                text += u"  ·  "_s + tr("joined");
            auto *item = new QListWidgetItem(text, m_list);
            item->setData(Qt::UserRole, room.name);
            item->setToolTip(room.topic);
        }
        if (rooms.isEmpty() && error.isEmpty())
            showError(m_error, filter.isEmpty() ? tr("There are no public rooms yet.")
                                                : tr("No public room has \"%1\" in its name.").arg(filter));
        if (m_list->count() > 0)
            m_list->setCurrentRow(0);
    });
}

void JoinRoomDialog::accept()
{
    const QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    emit chosen(item->data(Qt::UserRole).toString());
    QDialog::accept();
}

DirectMessageDialog::DirectMessageDialog(ChatClient *client, QWidget *parent)
    : QDialog(parent),
      m_client(client),
      m_user(new QLineEdit(this)),
      m_names(new QStringListModel(this)),
      m_error(errorLine(this))
{
    setWindowTitle(tr("Message someone"));
    m_user->setPlaceholderText(tr("Their user name"));
    m_user->setAccessibleName(tr("User name"));
    auto *completer = new QCompleter(m_names, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_user->setCompleter(completer);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Message"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Who do you want to write to?"), this));
    layout->addWidget(m_user);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(200);
    connect(m_user, &QLineEdit::textEdited, &m_debounce, qOverload<>(&QTimer::start));
    connect(&m_debounce, &QTimer::timeout, this, [this] {
        const QString prefix = m_user->text().trimmed();
        if (!m_client || prefix.isEmpty())
            return;
        m_client->findUsers(prefix.left(32), this, [this](const QString &, const QList<MemberInfo> &users) {
            QStringList names;
            for (const MemberInfo &u : users) {
                if (u.name.compare(m_client ? m_client->user() : QString(), Qt::CaseInsensitive) != 0)
                    names.append(u.name);
            }
            m_names->setStringList(names);
            if (m_user->hasFocus() && !names.isEmpty())
                m_user->completer()->complete();
        });
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &DirectMessageDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void DirectMessageDialog::accept()
{
    const QString name = m_user->text().trimmed();
    if (!Validation::isValidUserName(name)) {
        showError(m_error, tr("Type the user name of the person you want to write to."));
        return;
    }
    if (!m_client)
        return;
    if (name.compare(m_client->user(), Qt::CaseInsensitive) == 0) {
        showError(m_error, tr("That is you. Type someone else's name."));
        return;
    }
    m_client->openDirect(name, this, [this, name](const QString &error, const QString &room) {
        if (!error.isEmpty()) {
            showError(m_error, error);
            return;
        }
        emit opened(room);
        QDialog::accept();
    });
}
