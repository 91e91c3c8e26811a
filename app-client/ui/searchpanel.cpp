// SPDX-License-Identifier: MIT
#include "searchpanel.h"

#include "chatclient.h"
#include "richtext.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
// "#general · alice · 2 Dec, 14:02" and the message's first lines.
QString resultText(const ChatMessage &m, const QFont &font)
{
    const QDateTime at = m.ts.toLocalTime();
    const QString when = at.date() == QDate::currentDate()
            ? QLocale().toString(at.time(), QLocale::ShortFormat)
            : QLocale().toString(at, QLocale::ShortFormat);
    // Markdown as the reader sees it: the text without its marks.
    QString text = m.fields.value("format"_L1).toString() == "markdown"_L1
            ? RichText::fromMarkdown(m.body, font)->toPlainText().simplified()
            : m.body.simplified();
    if (text.size() > 160)
        text = text.left(159) + u'\u2026';
    return u"#%1 \u00b7 %2 \u00b7 %3\n%4"_s.arg(m.room, m.sender, when, text);
}
} // namespace

SearchPanel::SearchPanel(ChatClient *client, QWidget *parent)
    : QWidget(parent),
      m_client(client),
      m_field(new QLineEdit),
      m_scope(new QComboBox),
      m_results(new QListWidget),
      m_status(new QLabel),
      m_more(new QPushButton(tr("More results")))
{
    m_field->setPlaceholderText(tr("Search messages"));
    m_field->setClearButtonEnabled(true);
    m_field->setAccessibleName(tr("Search messages"));
    m_field->setToolTip(tr("Words to find (all of them), \"an exact phrase\", or the start of a word "
                           "followed by *. Case and accents do not matter."));
    m_field->installEventFilter(this);
    m_scope->addItem(tr("This room"));
    m_scope->addItem(tr("All rooms"));
    m_results->setWordWrap(true);
    m_results->setTextElideMode(Qt::ElideRight);
    m_results->setAlternatingRowColors(true);
    m_results->setUniformItemSizes(false);
    m_results->setSpacing(3);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_more->hide();
    auto *title = new QLabel(tr("Search"));
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    auto *close = new QPushButton(u"\u00d7"_s);
    close->setFlat(true);
    close->setToolTip(tr("Close (Esc)"));
    close->setFixedWidth(close->sizeHint().height());
    auto *top = new QHBoxLayout;
    top->addWidget(title, 1);
    top->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(top);
    layout->addWidget(m_field);
    layout->addWidget(m_scope);
    layout->addWidget(m_status);
    layout->addWidget(m_results, 1);
    layout->addWidget(m_more);

    connect(close, &QPushButton::clicked, this, [this] {
        hide();
        emit closed();
    });
    connect(m_field, &QLineEdit::returnPressed, this, &SearchPanel::search);
    connect(m_scope, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_field->text().trimmed().isEmpty())
            search();
    });
    connect(m_results, &QListWidget::itemActivated, this, &SearchPanel::open); // Enter
    if (!style()->styleHint(QStyle::SH_ItemView_ActivateItemOnSingleClick, nullptr, m_results))
        connect(m_results, &QListWidget::itemClicked, this, &SearchPanel::open);
    connect(m_more, &QPushButton::clicked, this, [this] {
        const int last = m_results->count() - 1;
        if (last >= 0)
            request(m_results->item(last)->data(IdRole).toString());
    });
}

void SearchPanel::setRoom(const QString &room)
{
    m_room = room;
    m_scope->setItemText(0, room.isEmpty() ? tr("This room") : tr("This room (#%1)").arg(room));
}

void SearchPanel::start()
{
    show();
    m_field->setFocus();
    m_field->selectAll();
}

void SearchPanel::search()
{
    m_query = m_field->text().trimmed();
    m_searchRoom = m_scope->currentIndex() == 0 ? m_room : QString();
    m_results->clear();
    m_more->hide();
    if (m_query.isEmpty()) {
        m_status->clear();
        return;
    }
    request({});
}

void SearchPanel::request(const QString &before)
{
    if (!m_client)
        return;
    const int generation = ++m_generation;
    m_status->setText(tr("Searching\u2026"));
    m_more->setEnabled(false);
    m_client->api()->search(
            m_query, m_searchRoom, before, this,
            [this, generation](const ApiFailure &failure, const ApiClient::SearchPage &page) {
                if (generation != m_generation)
                    return; // a newer search is on its way
                m_more->setEnabled(true);
                if (!failure.ok()) {
                    // The server names the field ("q: a quote is not closed"); people typed a search.
                    QString why = failure.message;
                    if (why.startsWith("q: "_L1))
                        why = why.mid(3);
                    m_status->setText(failure.kind == ApiFailure::Kind::Invalid
                                              ? tr("Cannot search for that: %1.").arg(why)
                                              : why);
                    m_more->hide();
                    return;
                }
                for (const ChatMessage &m : page.events) {
                    auto *item = new QListWidgetItem(resultText(m, font()), m_results);
                    item->setData(RoomRole, m.room);
                    item->setData(IdRole, m.id);
                    item->setData(SeqRole, m.seq);
                    item->setToolTip(m.body.left(1000));
                }
                const int n = m_results->count();
                m_status->setText(n == 0   ? tr("No messages found.")
                                  : n == 1 ? tr("1 message found:")
                                  : page.hasMore ? tr("The newest %1 messages found:").arg(n)
                                                 : tr("%1 messages found:").arg(n));
                m_more->setVisible(page.hasMore);
            });
}

void SearchPanel::open(QListWidgetItem *item)
{
    if (item)
        emit openRequested(item->data(RoomRole).toString(), item->data(IdRole).toString(),
                           item->data(SeqRole).toLongLong());
}

bool SearchPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_field && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Escape) {
            hide();
            emit closed();
            return true;
        }
        if (key->key() == Qt::Key_Down && m_results->count() > 0) {
            m_results->setFocus();
            m_results->setCurrentRow(0);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}
