// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"
#include "textframe.h"

#include <QHash>
#include <QString>

#include <deque>
#include <utility>

// The framed {"type":"event"} of the newest events, so that the same event sent to many
// connections is serialised once: live by the Hub, and in catch-ups, where after a restart
// thousands of clients ask for the same few recent events (JSON building was a third of the
// server's CPU in the reconnect storm). A frame is reused only for an event equal in every field
// to the one it was made of (a message's state, reactions as its reader sees them), so what a
// client gets is exactly what it would get without the cache.
class EventFrameCache
{
public:
    explicit EventFrameCache(qsizetype capacity = 2048) : m_capacity(capacity) {}

    TextFrame frameFor(const ChatMessage &event);
    qsizetype size() const { return m_entries.size(); }

private:
    using Key = std::pair<QString, qint64>; // room, seq
    struct Entry
    {
        ChatMessage event;
        TextFrame frame;
    };
    qsizetype m_capacity;
    QHash<Key, Entry> m_entries;
    std::deque<Key> m_order; // oldest first, for eviction
};
