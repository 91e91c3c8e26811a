// SPDX-License-Identifier: MIT
#include "memberspanel.h"

#include "chatclient.h"

#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

MembersPanel::MembersPanel(ChatClient *client, QWidget *parent)
    : QWidget(parent), m_client(client), m_title(new QLabel(this)), m_list(new QListWidget(this))
{
    setAccessibleName(tr("Members"));
    m_title->setTextFormat(Qt::PlainText);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_list->setAccessibleName(tr("Members of the room"));
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->setFocusPolicy(Qt::NoFocus);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 6, 4, 4);
    layout->addWidget(m_title);
    layout->addWidget(m_list, 1);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(150);
    connect(&m_debounce, &QTimer::timeout, this, &MembersPanel::load);
    connect(client, &ChatClient::presenceChanged, this, &MembersPanel::refresh);
}

void MembersPanel::setRoom(const QString &room)
{
    m_room = room;
    m_list->clear();
    m_title->setText(tr("Members"));
    refresh();
}

void MembersPanel::refresh()
{
    if (isVisible() && !m_room.isEmpty())
        m_debounce.start();
}

void MembersPanel::load()
{
    if (!m_client)
        return;
    const QString room = m_room;
    m_client->members(room, this, [this, room](const QString &error, const QList<MemberInfo> &members) {
        if (room != m_room)
            return;
        m_list->clear();
        if (!error.isEmpty()) {
            m_title->setText(tr("Members"));
            m_list->addItem(error);
            return;
        }
        int online = 0;
        // Online first, then by name; roles after the name.
        QList<MemberInfo> sorted = members;
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const MemberInfo &a, const MemberInfo &b) { return a.online && !b.online; });
        for (const MemberInfo &m : sorted) {
            online += m.online ? 1 : 0;
            QString text = (m.online ? u"● "_s : u"○ "_s) + m.name;
            if (m.role == "owner"_L1)
                text += u"  · "_s + tr("owner");
            else if (m.role == "admin"_L1)
                text += u"  · "_s + tr("admin");
            auto *item = new QListWidgetItem(text, m_list);
            item->setData(Qt::UserRole, m.name);
            item->setData(Qt::AccessibleTextRole,
                          tr("%1, %2").arg(m.name, m.online ? tr("online") : tr("offline")));
            if (!m.online)
                item->setForeground(palette().color(QPalette::PlaceholderText));
        }
        m_title->setText(tr("Members — %1 online of %2").arg(online).arg(members.size()));
    });
}
