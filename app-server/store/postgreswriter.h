// SPDX-License-Identifier: MIT
#pragma once

#include "eventwriter.h"

#include <QSet>

// EventWriter for PostgreSQL, where every statement is a round trip: a run of messages goes in
// one INSERT … SELECT FROM unnest(arrays) … ON CONFLICT DO NOTHING RETURNING, arrays bound as one
// value each; when some were retries the insert is undone to a savepoint, those are looked up
// and the rest numbered again, so seqs stay gapless. The counter rows of a batch are locked in
// one statement, in id order.
class PostgresEventWriter final : public EventWriter
{
public:
    using EventWriter::EventWriter;

protected:
    bool lockCounters(const QList<qint64> &roomIds, QHash<qint64, qint64> *counters,
                      QSet<qint64> *archived) override;
    bool storeMessages(const QList<NewEvent *> &run, QHash<qint64, qint64> &counters,
                       QList<AppendResult> &results) override;
    bool storeCounters(const QHash<qint64, qint64> &counters,
                       const QHash<qint64, qint64> &before) override;
    bool refuseNonMembers(QList<NewEvent> &events, QList<AppendResult> &results) override;

private:
    bool insertEvents(const QList<NewEvent *> &events, QSet<std::pair<qint64, QString>> *inserted);
    bool findStored(const QList<qint64> &senders, const QStringList &clientIds,
                    QHash<std::pair<qint64, QString>, ChatMessage> *stored);

    std::optional<QSqlQuery> m_findStored; // prepared once per connection
    std::optional<QSqlQuery> m_lockCounters;
    std::optional<QSqlQuery> m_insertEvents;
    std::optional<QSqlQuery> m_storeCounters;
    std::optional<QSqlQuery> m_members;
};
