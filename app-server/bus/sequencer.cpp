// SPDX-License-Identifier: MIT
#include "sequencer.h"

#include "logging.h"

#include <QPointer>

#include <limits>

Sequencer::Sequencer(Fetch fetch, int retryMs, QObject *parent)
    : QObject(parent), m_fetch(std::move(fetch)), m_retryMs(retryMs)
{
}

bool Sequencer::isFilling(const QString &room) const
{
    return m_rooms.value(room).filling;
}

void Sequencer::accept(const QList<ChatMessage> &events)
{
    QList<ChatMessage> out;
    out.reserve(events.size());
    // Usually all of a commit's events are the next ones of their rooms: one lookup each.
    for (const ChatMessage &e : events) {
        const auto it = m_rooms.find(e.room);
        if (it == m_rooms.end()) {
            m_rooms.insert(e.room, Room{e.seq, false, {}});
            out.append(e);
        } else if (!it->filling && e.seq == it->last + 1) {
            it->last = e.seq;
            out.append(e);
        } else {
            take(*it, e.room, {e}, out);
        }
    }
    if (!out.isEmpty())
        emit ordered(out);
}

void Sequencer::announce(const QString &room, qint64 first, qint64 last)
{
    auto it = m_rooms.find(room);
    if (it == m_rooms.end())
        it = m_rooms.insert(room, Room{first - 1, false, {}, 0}); // what came before: catch-up's
    it->target = std::max(it->target, last);
    if (!it->filling && it->last < it->target)
        startFill(*it, room);
}

void Sequencer::resync(const QStringList &watched)
{
    for (auto it = m_rooms.begin(); it != m_rooms.end(); ++it) {
        it->target = std::numeric_limits<qint64>::max(); // until a read comes back empty
        if (!it->filling)
            startFill(*it, it.key());
    }
    if (!m_fetchNewest)
        return;
    QPointer<Sequencer> self(this);
    for (const QString &room : watched) {
        if (m_rooms.contains(room))
            continue;
        m_fetchNewest(room, [self](std::optional<QList<ChatMessage>> events) {
            if (self && events) // not answered: the next event of the room shows the jump
                self->accept(*events);
        });
    }
}

void Sequencer::startFill(Room &room, const QString &name)
{
    qCDebug(lcBus).noquote() << "room" << name << "reading on from seq" << room.last;
    room.filling = true;
    fill(name);
}

void Sequencer::take(Room &room, const QString &name, const QList<ChatMessage> &events,
                     QList<ChatMessage> &out)
{
    for (const ChatMessage &e : events) {
        if (e.seq <= room.last)
            continue; // passed on already (a repeat, or fetched while filling)
        if (room.filling) {
            room.held.append(e);
            continue;
        }
        if (e.seq == room.last + 1) {
            room.last = e.seq;
            out.append(e);
            continue;
        }
        qCInfo(lcBus).noquote() << "room" << name << "jumped from seq" << room.last << "to"
                                << e.seq << "- fetching the events between";
        room.filling = true;
        room.held.append(e);
        fill(name);
    }
}

void Sequencer::fill(const QString &name)
{
    const qint64 after = m_rooms.value(name).last;
    QPointer<Sequencer> self(this);
    m_fetch(name, after, [self, name](std::optional<QList<ChatMessage>> events) {
        if (self)
            self->filled(name, std::move(events));
    });
}

void Sequencer::filled(const QString &name, std::optional<QList<ChatMessage>> events)
{
    const auto it = m_rooms.find(name);
    if (it == m_rooms.end() || !it->filling)
        return;
    if (!events) {
        // The store is down: keep holding, try again. Nothing is passed on out of order.
        QTimer::singleShot(m_retryMs, this, [this, name] { fill(name); });
        return;
    }
    Room &room = *it;
    room.filling = false;
    QList<ChatMessage> out;
    QList<ChatMessage> pending = std::exchange(room.held, {});
    // What was fetched fills the gap; then what arrived meanwhile, in seq order.
    std::sort(pending.begin(), pending.end(),
              [](const ChatMessage &a, const ChatMessage &b) { return a.seq < b.seq; });
    take(room, name, *events, out);
    if (!room.filling)
        take(room, name, pending, out);
    else
        room.held += pending; // the fetch itself came back short: another one is out
    if (events->isEmpty())
        room.target = room.last; // nothing more to read
    else if (!room.filling && room.last < room.target)
        startFill(room, name); // an announced (or, resyncing, any) part is still unread
    if (!out.isEmpty())
        emit ordered(out);
}
