// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"

#include <QList>
#include <QObject>

// Where committed events come from on their way to the Hub: this server's own commits, and (with
// a database shared by several servers) those of the others. A bus delivers each room's events in
// seq order but may skip some (a lost notification) or repeat some; the Sequencer behind it makes
// the stream whole again.
class MessageBus : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    // Events this server committed, in commit order.
    virtual void publish(const QList<ChatMessage> &committed) = 0;

signals:
    void received(const QList<ChatMessage> &events);
};

// One process: what is published is received, at once and in order.
class LocalBus final : public MessageBus
{
    Q_OBJECT
public:
    using MessageBus::MessageBus;
    void publish(const QList<ChatMessage> &committed) override { emit received(committed); }
};
