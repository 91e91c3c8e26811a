// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

// Who is online (docs/protocol.md, "Presence"): a user with at least one authenticated WebSocket
// session on this server or on another server of the same database. A user whose last session
// here ends stays online for a grace period first, so that a reconnect within it is no
// offline/online flap; the other servers tell their transitions (remoteChanged) and every
// `kRefreshMs` their whole list (remoteOnline, maybe in parts), and a user another server has not
// said is online for three of those counts as gone there (a server that died, a lost offline).
// changed() fires on a transition of the whole: online anywhere, or nowhere.
class PresenceTracker : public QObject
{
    Q_OBJECT
public:
    static constexpr int kGraceMs = 5000;
    static constexpr int kRefreshMs = 30000;

    explicit PresenceTracker(int graceMs = kGraceMs, QObject *parent = nullptr);

    void sessionUp(qint64 userId, const QString &name);
    void sessionDown(qint64 userId, const QString &name);
    // Another server's users going online or offline (past its own grace), and its full list.
    void remoteChanged(const QString &node, qint64 userId, const QString &name, bool online);
    void remoteOnline(const QString &node, const QList<std::pair<qint64, QString>> &online);

    bool isOnline(const QString &name) const;
    bool isOnline(qint64 userId) const;
    QHash<qint64, QString> localOnline() const; // this server's online users (for the others)
    qsizetype onlineCount() const { return m_online.size(); }

signals:
    void changed(qint64 userId, const QString &name, bool online, const QDateTime &lastSeen);
    // This server's own transitions (past the grace), for the other servers.
    void localChanged(qint64 userId, const QString &name, bool online);

private:
    struct Local
    {
        QString name;
        int sessions = 0;
        QDateTime goneAt; // when the last session ended; null while there is one
    };
    struct Remote
    {
        QString name;
        qint64 heardAt = 0; // ms since epoch
    };
    using Node = QHash<qint64, Remote>; // a server's online users
    void expire();
    void update(qint64 userId, const QString &name); // after any change of its sources

    int m_graceMs;
    QHash<qint64, Local> m_local;        // users with sessions here, or in their grace
    QHash<QString, Node> m_nodes;        // other servers
    QHash<qint64, QString> m_online;     // online anywhere, as last told by changed()
    QHash<QString, qint64> m_ids;        // lower-case name -> id, of m_online
    QTimer m_sweep;
};
