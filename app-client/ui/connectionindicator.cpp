// SPDX-License-Identifier: MIT
#include "connectionindicator.h"

#include <QHBoxLayout>

#include <cmath>

ConnectionIndicator::ConnectionIndicator(QWidget *parent)
    : QWidget(parent), m_label(new QLabel(this)), m_reconnect(new QPushButton(tr("Reconnect now"), this))
{
    m_label->setTextFormat(Qt::PlainText);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_reconnect);
    m_reconnect->setFlat(true);
    connect(m_reconnect, &QPushButton::clicked, this, [this] {
        if (m_connection)
            m_connection->reconnectNow();
    });
    m_tick.setInterval(250);
    connect(&m_tick, &QTimer::timeout, this, &ConnectionIndicator::refresh);
    refresh();
}

void ConnectionIndicator::setConnection(ChatConnection *connection)
{
    if (m_connection)
        m_connection->disconnect(this);
    m_connection = connection;
    if (connection)
        connect(connection, &ChatConnection::stateChanged, this, &ConnectionIndicator::refresh);
    refresh();
}

void ConnectionIndicator::refresh()
{
    using State = ChatConnection::State;
    const State state = m_connection ? m_connection->state() : State::Disconnected;
    m_reconnect->setVisible(state == State::Reconnecting);
    m_tick.stop();
    switch (state) {
    case State::Disconnected:
        m_label->setText(tr("Offline"));
        break;
    case State::Connecting:
        m_label->setText(tr("Connecting…"));
        break;
    case State::Connected:
        m_label->setText(tr("Connected"));
        break;
    case State::Reconnecting: {
        const int seconds = int(std::ceil(m_connection->msecsUntilReconnect() / 1000.0));
        m_label->setText(tr("Reconnecting in %1 s…").arg(seconds));
        m_tick.start();
        break;
    }
    }
}
