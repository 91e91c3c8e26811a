// SPDX-License-Identifier: MIT
#pragma once

#include "chatconnection.h"

#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QTimer>
#include <QWidget>

// Status-bar widget: the link's state in words, a countdown while reconnecting, and a
// "Reconnect now" button.
class ConnectionIndicator : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionIndicator(QWidget *parent = nullptr);
    void setConnection(ChatConnection *connection);
    QString text() const { return m_label->text(); }

private:
    void refresh();

    QPointer<ChatConnection> m_connection;
    QLabel *m_label;
    QPushButton *m_reconnect;
    QTimer m_tick;
};
