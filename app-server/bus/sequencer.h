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

    explicit Sequencer(Fetch fetch, int retryMs = 500, QObject *parent = nullptr);

    void accept(const QList<ChatMessage> &events);
    bool isFilling(const QString &room) const;

signals:
    void ordered(const QList<ChatMessage> &events);

private:
    struct Room
    {
        qint64 last = 0;            // newest seq passed on
        bool filling = false;       // a fetch is out; arrivals wait in held
        QList<ChatMessage> held;    // ascending
    };
    // Appends to out what of `events` (one room's, ascending) can go now.
    void take(Room &room, const QString &name, const QList<ChatMessage> &events,
              QList<ChatMessage> &out);
    void fill(const QString &name);
    void filled(const QString &name, std::optional<QList<ChatMessage>> events);

    Fetch m_fetch;
    int m_retryMs;
    QHash<QString, Room> m_rooms;
};
