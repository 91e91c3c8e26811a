// SPDX-License-Identifier: MIT
#include "composer.h"

#include <QKeyEvent>

Composer::Composer(QWidget *parent) : QPlainTextEdit(parent)
{
    setPlaceholderText(tr("Write a message… (Enter sends, Shift+Enter starts a new line)"));
    setTabChangesFocus(true);
    // About three lines high; it scrolls beyond that.
    setFixedHeight(fontMetrics().lineSpacing() * 3 + 2 * frameWidth() + 8);
}

void Composer::keyPressEvent(QKeyEvent *event)
{
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter && !(event->modifiers() & Qt::ShiftModifier)) {
        const QString text = toPlainText().trimmed();
        if (!text.isEmpty()) {
            emit submitted(text);
            clear();
        }
        return;
    }
    if (enter) {
        insertPlainText(QStringLiteral("\n"));
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}
