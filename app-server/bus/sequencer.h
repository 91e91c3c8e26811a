// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>
#include <optional>

// Between the bus and the Hub: per room, passes each seq once and in order. A seq already passed
// is dropped; one beyond the next expected holds the room and fetches what is missing from the
// store first, so a lost notification (or another server's commit nobody announced) can never
// become a gap for the subscribers. A room seen for the first time starts wherever it is: the
// sessions' own catch-up covers what came before.
class Sequencer : public QObject
{
    Q_OBJECT
public:
    // fetch(room, after, done): the room's events after `after`, ascending; done(nullopt) when
    // the store could not answer (retried after retryMs).
    using Done = std::function<void(std::optional<QList<ChatMessage>>)>;
    using Fetch = std::function<void(const QString &room, qint64 after, Done done)>;

    // fetchNewest(room, done): the room's newest event alone (none for an empty room).
    using FetchNewest = std::function<void(const QString &room, Done done)>;

    explicit Sequencer(Fetch fetch, int retryMs = 500, QObject *parent = nullptr);
    void setFetchNewest(FetchNewest fetchNewest) { m_fetchNewest = std::move(fetchNewest); }

    void accept(const QList<ChatMessage> &events);
    // Another server committed seqs first..last of room without carrying them: they are read
    // (what of them was not passed on yet) and passed on in order.
    void announce(const QString &room, qint64 first, qint64 last);
    // Nothing was heard for a while (the bus was down): every room passed on before is read
    // again from its last seq. A room of `watched` (subscribers here) never seen has its newest
    // event passed on, so that subscribers who lack it notice the jump and catch up.
    void resync(const QStringList &watched);
    bool isFilling(const QString &room) const;

signals:
    void ordered(const QList<ChatMessage> &events);

private:
    struct Room
    {
        qint64 last = 0;            // newest seq passed on
        bool filling = false;       // a fetch is out; arrivals wait in held
        QList<ChatMessage> held;    // ascending
        qint64 target = 0;          // read on until here (announced, or resync: unbounded)
    };
    // Appends to out what of `events` (one room's, ascending) can go now.
    void take(Room &room, const QString &name, const QList<ChatMessage> &events,
              QList<ChatMessage> &out);
    void fill(const QString &name);
    void filled(const QString &name, std::optional<QList<ChatMessage>> events);

    void startFill(Room &room, const QString &name);

    Fetch m_fetch;
    FetchNewest m_fetchNewest;
    int m_retryMs;
    QHash<QString, Room> m_rooms;
};
