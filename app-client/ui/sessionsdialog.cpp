// SPDX-License-Identifier: MIT
#include "sessionsdialog.h"

#include "chatclient.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace {
constexpr int kIdRole = Qt::UserRole;
constexpr int kCurrentRole = Qt::UserRole + 1;

QString when(const QDateTime &t)
{
    if (!t.isValid())
        return SessionsDialog::tr("unknown");
    const QDateTime local = t.toLocalTime();
    const qint64 ago = t.secsTo(QDateTime::currentDateTimeUtc());
    if (ago < 120)
        return SessionsDialog::tr("just now");
    if (local.date() == QDate::currentDate())
        return SessionsDialog::tr("today, %1").arg(QLocale().toString(local.time(), QLocale::ShortFormat));
    return QLocale().toString(local, QLocale::ShortFormat);
}
} // namespace

SessionsDialog::SessionsDialog(ChatClient *client, QWidget *parent)
    : QDialog(parent), m_client(client), m_list(new QTreeWidget(this)), m_error(new QLabel(this))
{
    setWindowTitle(tr("Signed-in devices"));
    m_list->setColumnCount(3);
    m_list->setHeaderLabels({tr("Device"), tr("Last active"), tr("Signed in")});
    m_list->setRootIsDecorated(false);
    m_list->setAccessibleName(tr("Signed-in devices"));
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->hide();
    auto *note = new QLabel(tr("Sign out a device you no longer use or do not recognise. "
                               "It is signed out at once."), this);
    note->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_signOut = buttons->addButton(tr("Sign out"), QDialogButtonBox::ActionRole);
    m_signOut->setAccessibleName(tr("Sign out the selected device"));
    connect(m_signOut, &QPushButton::clicked, this, &SessionsDialog::signOutSelected);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &SessionsDialog::updateButton);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_list);
    layout->addWidget(note);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    resize(560, 320);
    updateButton();
    reload();
}

QString SessionsDialog::error() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void SessionsDialog::reload()
{
    m_client->sessions(this, [this](const QString &error, const QList<SessionInfo> &sessions) {
        if (error.isEmpty()) {
            m_error->hide();
            fill(sessions);
        } else {
            setError(tr("The list of devices could not be loaded: %1").arg(error));
        }
        emit loaded();
    });
}

void SessionsDialog::fill(const QList<SessionInfo> &sessions)
{
    m_list->clear();
    QList<SessionInfo> ordered = sessions; // this device first, then as the server ordered them
    std::stable_partition(ordered.begin(), ordered.end(), [](const SessionInfo &s) { return s.current; });
    for (const SessionInfo &s : std::as_const(ordered)) {
        const QString device = s.device.isEmpty() ? tr("Unknown device") : s.device;
        auto *item = new QTreeWidgetItem(m_list, {s.current ? tr("%1 (this device)").arg(device) : device,
                                                  s.current ? tr("now") : when(s.lastUsedAt),
                                                  when(s.createdAt)});
        item->setData(0, kIdRole, s.id);
        item->setData(0, kCurrentRole, s.current);
        item->setToolTip(0, device); // the full name, whatever the column's width
        if (s.current) {
            QFont bold = item->font(0);
            bold.setBold(true);
            item->setFont(0, bold);
        }
    }
    updateButton();
}

void SessionsDialog::updateButton()
{
    const QList<QTreeWidgetItem *> selected = m_list->selectedItems();
    // This device signs out with Chat → Log out: here only the others.
    m_signOut->setEnabled(!selected.isEmpty() && !selected.first()->data(0, kCurrentRole).toBool());
}

void SessionsDialog::signOutSelected()
{
    const QList<QTreeWidgetItem *> selected = m_list->selectedItems();
    if (selected.isEmpty())
        return;
    m_signOut->setEnabled(false);
    m_client->signOutSession(selected.first()->data(0, kIdRole).toString(), this,
                         [this](const QString &error) {
                             if (!error.isEmpty())
                                 setError(tr("That device could not be signed out: %1").arg(error));
                             reload();
                         });
}

void SessionsDialog::setError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}
