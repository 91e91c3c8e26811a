// SPDX-License-Identifier: MIT
#pragma once

#include <QDeadlineTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>

// Who is typing where, from the typing frames of this server's sessions (docs/protocol.md,
// "Typing"). A start is told at once; while it is renewed, it is told again at most every
// kRetellMs (so that a client can expire what it stops hearing of, e.g. when the server that
// tracked it is gone); a stop, a message of the typist in that room, leaving it, or kExpiryMs
// without a renewal end it, and all but a message are told as typing:false (a client clears the
// sender's typing when it shows their message). Never stored.
class TypingTracker : public QObject
{
    Q_OBJECT
public:
    static constexpr int kExpiryMs = 6000;
    static constexpr int kRetellMs = 3000;

    // tell(room, user, typing): to the room's subscribers but the user's own sessions.
    using Tell = std::function<void(const QString &room, const QString &user, bool typing)>;
    explicit TypingTracker(Tell tell, int expiryMs = kExpiryMs, QObject *parent = nullptr);

    void set(const QString &room, const QString &user, bool typing);
    void messageFrom(const QString &room, const QString &user); // silently
    void left(const QString &room, const QString &user);        // told
    qsizetype size() const { return m_typing.size(); }

private:
    struct Entry
    {
        QString user; // as spelt by the session
        QDeadlineTimer expires;
        QDeadlineTimer retell;
    };
    using Key = std::pair<QString, QString>; // room, lower-case user
    void sweep();
    void end(const Key &key, bool tell);

    Tell m_tell;
    int m_expiryMs;
    QHash<Key, Entry> m_typing;
    QTimer m_sweep;
};
