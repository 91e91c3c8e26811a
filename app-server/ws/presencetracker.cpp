// SPDX-License-Identifier: MIT
#include "presencetracker.h"

PresenceTracker::PresenceTracker(int graceMs, QObject *parent) : QObject(parent), m_graceMs(graceMs)
{
    m_sweep.setInterval(std::max(50, std::min(graceMs / 4, 1000)));
    connect(&m_sweep, &QTimer::timeout, this, &PresenceTracker::expire);
    m_sweep.start();
}

void PresenceTracker::sessionUp(qint64 userId, const QString &name)
{
    Local &local = m_local[userId];
    local.name = name;
    const bool back = ++local.sessions == 1 && local.goneAt.isNull();
    local.goneAt = {};
    if (back)
        emit localChanged(userId, name, true);
    update(userId, name);
}

void PresenceTracker::sessionDown(qint64 userId, const QString &name)
{
    const auto it = m_local.find(userId);
    if (it == m_local.end() || it->sessions == 0)
        return;
    if (--it->sessions == 0)
        it->goneAt = QDateTime::currentDateTimeUtc(); // offline once the grace is over
    Q_UNUSED(name);
}

void PresenceTracker::remoteChanged(const QString &node, qint64 userId, const QString &name, bool online)
{
    if (online)
        m_nodes[node].insert(userId, {name, QDateTime::currentMSecsSinceEpoch()});
    else if (auto it = m_nodes.find(node); it != m_nodes.end())
        it->remove(userId);
    update(userId, name);
}

void PresenceTracker::remoteOnline(const QString &node, const QList<std::pair<qint64, QString>> &online)
{
    Node &n = m_nodes[node];
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const auto &[id, name] : online) {
        const bool fresh = !n.contains(id);
        n.insert(id, {name, now});
        if (fresh)
            update(id, name);
    }
}

bool PresenceTracker::isOnline(const QString &name) const
{
    return m_ids.contains(name.toLower());
}

bool PresenceTracker::isOnline(qint64 userId) const
{
    return m_online.contains(userId);
}

QHash<qint64, QString> PresenceTracker::localOnline() const
{
    QHash<qint64, QString> out;
    for (auto it = m_local.cbegin(); it != m_local.cend(); ++it)
        out.insert(it.key(), it->name); // in their grace too: not offline yet
    return out;
}

void PresenceTracker::update(qint64 userId, const QString &name)
{
    bool online = m_local.contains(userId);
    for (auto it = m_nodes.cbegin(); !online && it != m_nodes.cend(); ++it)
        online = it->contains(userId);
    if (online == m_online.contains(userId))
        return;
    if (online) {
        m_online.insert(userId, name);
        m_ids.insert(name.toLower(), userId);
        emit changed(userId, name, true, {});
    } else {
        m_online.remove(userId);
        m_ids.remove(name.toLower());
        emit changed(userId, name, false, QDateTime::currentDateTimeUtc());
    }
}

void PresenceTracker::expire()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<std::pair<qint64, QString>> gone;
    for (auto it = m_local.begin(); it != m_local.end();) {
        if (it->sessions == 0 && it->goneAt.msecsTo(now) >= m_graceMs) {
            gone.append({it.key(), it->name});
            emit localChanged(it.key(), it->name, false);
            it = m_local.erase(it);
        } else {
            ++it;
        }
    }
    const qint64 stale = now.toMSecsSinceEpoch() - 3 * qint64(kRefreshMs);
    for (auto node = m_nodes.begin(); node != m_nodes.end();) {
        for (auto it = node->begin(); it != node->end();) {
            if (it->heardAt < stale) {
                gone.append({it.key(), it->name});
                it = node->erase(it);
            } else {
                ++it;
            }
        }
        node = node->isEmpty() ? m_nodes.erase(node) : std::next(node);
    }
    for (const auto &[id, name] : gone)
        update(id, name);
}
