// SPDX-License-Identifier: MIT
#include "composer.h"

#include "validation.h"

#include <QKeyEvent>
#include <QLocale>

Composer::Composer(QWidget *parent)
    : QPlainTextEdit(parent), m_maxBytes(Validation::kDefaultMaxBodyBytes)
{
    setArchived(false);
    setTabChangesFocus(true);
    // About three lines high; it scrolls beyond that.
    setFixedHeight(fontMetrics().lineSpacing() * 3 + 2 * frameWidth() + 8);
    connect(this, &QPlainTextEdit::textChanged, this, &Composer::updateLimit);
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

void Composer::keyPressEvent(QKeyEvent *event)
{
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
