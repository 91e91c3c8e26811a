// SPDX-License-Identifier: MIT
#pragma once

#include <QPlainTextEdit>

// The message editor: Enter sends, Shift+Enter starts a new line. Plain text only.
class Composer : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit Composer(QWidget *parent = nullptr);

signals:
    void submitted(const QString &text);

protected:
    void keyPressEvent(QKeyEvent *event) override;
};
