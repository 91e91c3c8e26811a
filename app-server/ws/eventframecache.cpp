// SPDX-License-Identifier: MIT
#include "eventframecache.h"

#include "protocol.h"

TextFrame EventFrameCache::frameFor(const ChatMessage &event)
{
    Key key{event.room, event.seq};
    const auto it = m_entries.find(key);
    if (it != m_entries.end()) {
        if (!(it->event == event)) // another state of it (an edit, a reaction, another reader)
            *it = Entry{event, TextFrame(ServerFrame::eventFrame(event).toJson())};
        return it->frame;
    }
    TextFrame frame(ServerFrame::eventFrame(event).toJson());
    if (m_capacity <= 0)
        return frame;
    if (m_entries.size() >= m_capacity) {
        m_entries.remove(m_order.front());
        m_order.pop_front();
    }
    m_entries.insert(key, Entry{event, frame});
    m_order.push_back(std::move(key));
    return frame;
}
