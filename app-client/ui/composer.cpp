// SPDX-License-Identifier: MIT
#include "composer.h"

#include "validation.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>
#include <QLocale>
#include <QStringListModel>
#include <QToolButton>

using namespace Qt::StringLiterals;

Composer::Composer(QWidget *parent)
    : QPlainTextEdit(parent),
      m_completer(new QCompleter(this)),
      m_candidates(new QStringListModel(this)),
      m_markdownToggle(new QToolButton(this)),
      m_maxBytes(Validation::kDefaultMaxBodyBytes)
{
    m_completer->setModel(m_candidates);
    m_completer->setWidget(this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this, &Composer::insertMention);
    connect(this, &QPlainTextEdit::cursorPositionChanged, this, &Composer::updateCompletion);
    setArchived(false);
    setTabChangesFocus(true);
    // About three lines high; it scrolls beyond that.
    setFixedHeight(fontMetrics().lineSpacing() * 3 + 2 * frameWidth() + 8);
    connect(this, &QPlainTextEdit::textChanged, this, &Composer::updateLimit);
    m_markdownToggle->setText(u"M\u2193"_s);
    m_markdownToggle->setCheckable(true);
    m_markdownToggle->setAutoRaise(true);
    m_markdownToggle->setAccessibleName(tr("Format with markdown"));
    setSendsMarkdown(true);
    connect(m_markdownToggle, &QToolButton::clicked, this, [this](bool on) {
        setSendsMarkdown(on);
        emit sendsMarkdownChanged(on);
    });
}

bool Composer::sendsMarkdown() const
{
    return m_markdownToggle->isChecked();
}

void Composer::setSendsMarkdown(bool on)
{
    m_markdownToggle->setChecked(on);
    m_markdownToggle->setToolTip(
            on ? tr("Markdown is on: **bold**, _italic_, `code`, ``` blocks, lists, > quotes and links "
                    "are formatted. Click to send plain text.")
               : tr("Plain text: sent and shown exactly as typed. Click to format with markdown."));
}

void Composer::setMaxBytes(int maxBytes)
{
    m_maxBytes = maxBytes;
    updateLimit();
}

int Composer::textBytes() const
{
    return int(toPlainText().toUtf8().size());
}

QString Composer::limitText() const
{
    return m_limitText;
}

void Composer::updateLimit()
{
    // Counting bytes on every keystroke is cheap at these sizes (a few KiB at most).
    const int bytes = textBytes();
    QString text;
    if (bytes > m_maxBytes) {
        text = tr("%1 / %2 bytes \u2014 too long to send")
                       .arg(QLocale().toString(bytes), QLocale().toString(m_maxBytes));
    } else if (bytes * 10 >= m_maxBytes * 8) {
        text = tr("%1 / %2 bytes").arg(QLocale().toString(bytes), QLocale().toString(m_maxBytes));
    }
    if (text == m_limitText)
        return;
    m_limitText = text;
    emit limitTextChanged(text, bytes > m_maxBytes);
}

void Composer::appendText(const QString &text)
{
    if (toPlainText().isEmpty()) {
        setPlainText(text);
    } else {
        moveCursor(QTextCursor::End);
        insertPlainText(QStringLiteral("\n") + text);
    }
    moveCursor(QTextCursor::End);
}

void Composer::setMentionCandidates(const QStringList &names)
{
    m_candidates->setStringList(names);
}

QString Composer::mentionPrefix() const
{
    // The word before the cursor, when it starts with '@' at the start or after a space.
    const QTextCursor cursor = textCursor();
    const QString before = toPlainText().left(cursor.position());
    qsizetype at = before.size();
    while (at > 0 && (before.at(at - 1).isLetterOrNumber() || before.at(at - 1) == u'_'
                      || before.at(at - 1) == u'.' || before.at(at - 1) == u'-'))
        --at;
    if (at == 0 || before.at(at - 1) != u'@' || (at > 1 && !before.at(at - 2).isSpace()))
        return {};
    return before.mid(at);
}

void Composer::updateCompletion()
{
    const QString prefix = mentionPrefix();
    if (prefix.isNull() || m_candidates->rowCount() == 0) {
        m_completer->popup()->hide();
        return;
    }
    if (prefix != m_completer->completionPrefix()) {
        m_completer->setCompletionPrefix(prefix);
        m_completer->popup()->setCurrentIndex(m_completer->completionModel()->index(0, 0));
    }
    if (m_completer->completionCount() == 0) {
        m_completer->popup()->hide();
        return;
    }
    QRect rect = cursorRect();
    rect.setWidth(m_completer->popup()->sizeHintForColumn(0) + 24);
    m_completer->complete(rect);
}

void Composer::insertMention(const QString &name)
{
    const QString prefix = mentionPrefix();
    QTextCursor cursor = textCursor();
    cursor.movePosition(QTextCursor::Left, QTextCursor::KeepAnchor, int(prefix.size()));
    cursor.insertText(name + u' ');
    setTextCursor(cursor);
    m_completer->popup()->hide();
}

bool Composer::focusNextPrevChild(bool next)
{
    if (m_completer->popup()->isVisible())
        return false;
    return QPlainTextEdit::focusNextPrevChild(next);
}

void Composer::keyPressEvent(QKeyEvent *event)
{
    if (m_completer->popup()->isVisible()) {
        switch (event->key()) {
        case Qt::Key_Return:
        case Qt::Key_Enter:
        case Qt::Key_Tab:
            if (const QModelIndex current = m_completer->popup()->currentIndex(); current.isValid()) {
                insertMention(current.data().toString());
                return;
            }
            break;
        case Qt::Key_Escape:
            m_completer->popup()->hide();
            return;
        default:
            break;
        }
    }
    if (event->key() == Qt::Key_Escape) {
        emit cancelled();
        return;
    }
    if (event->key() == Qt::Key_Up && event->modifiers() == Qt::NoModifier && toPlainText().isEmpty()) {
        emit editLastRequested();
        return;
    }
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter && !(event->modifiers() & Qt::ShiftModifier)) {
        const QString text = toPlainText();
        if (text.trimmed().isEmpty() || isTooLong())
            return; // nothing to send, or the limit line already says why not
        emit submitted(text);
        clear();
        return;
    }
    if (enter) {
        insertPlainText(QStringLiteral("\n"));
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

void Composer::setArchived(bool archived)
{
    setReadOnly(archived);
    setEnabled(!archived);
    setPlaceholderText(archived ? tr("This room is archived: you can read it, but nobody can write to it.")
                                : tr("Write a message… (Enter sends, Shift+Enter starts a new line)"));
}
