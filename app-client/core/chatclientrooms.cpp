// SPDX-License-Identifier: MIT
// ChatClient's conversations: room actions (leave, invite, kick, topic, notification level),
// direct conversations, members, the directory and user search, and who is typing.
#include "chatclient.h"

#include <QPointer>

using namespace Qt::StringLiterals;

void ChatClient::onTyping(const QString &room, const QString &user, bool typing)
{
    if (user.compare(m_user, Qt::CaseInsensitive) == 0)
        return;
    if (!typing) {
        clearTyping(room, user);
        return;
    }
    const bool fresh = !m_typing[room].contains(user);
    m_typing[room].insert(user, QDeadlineTimer(kTypingShownMs));
    if (!m_typingExpiry.isActive())
        m_typingExpiry.start();
    if (fresh)
        emit typingChanged(room, typingIn(room));
}

void ChatClient::clearTyping(const QString &room, const QString &user)
{
    const auto it = m_typing.find(room);
    if (it == m_typing.end() || !it->remove(user))
        return;
    if (it->isEmpty())
        m_typing.erase(it);
    emit typingChanged(room, typingIn(room));
}

void ChatClient::expireTyping()
{
    QList<std::pair<QString, QString>> expired;
    for (auto room = m_typing.cbegin(); room != m_typing.cend(); ++room) {
        for (auto it = room->cbegin(); it != room->cend(); ++it) {
            if (it->hasExpired())
                expired.append({room.key(), it.key()});
        }
    }
    for (const auto &[room, user] : expired)
        clearTyping(room, user);
    if (m_typing.isEmpty())
        m_typingExpiry.stop();
}

QStringList ChatClient::typingIn(const QString &room) const
{
    QStringList users = m_typing.value(room).keys();
    users.sort(Qt::CaseInsensitive);
    return users;
}

void ChatClient::setTyping(const QString &room, bool typing)
{
    m_connection.sendTyping(room, typing);
}

void ChatClient::roomAction(const QString &room, const QString &action, const QJsonObject &body,
                            QObject *context, std::function<void(const QString &error)> done)
{
    QPointer<QObject> guard(context);
    m_api.roomAction(room, action, body, this,
                     [this, guard, done = std::move(done)](const ApiFailure &failure) {
                         if (failure.ok())
                             reloadRooms();
                         if (guard && done)
                             done(failure.ok() ? QString() : failure.message);
                     });
}

void ChatClient::leaveRoom(const QString &room, QObject *context, std::function<void(const QString &)> done)
{
    roomAction(room, u"leave"_s, {}, context, std::move(done));
}

void ChatClient::invite(const QString &room, const QString &user, QObject *context,
                        std::function<void(const QString &)> done)
{
    roomAction(room, u"invite"_s, InviteRequest{user}.toJson(), context, std::move(done));
}

void ChatClient::kick(const QString &room, const QString &user, QObject *context,
                      std::function<void(const QString &)> done)
{
    roomAction(room, u"kick"_s, InviteRequest{user}.toJson(), context, std::move(done));
}

void ChatClient::setTopic(const QString &room, const QString &topic, QObject *context,
                          std::function<void(const QString &)> done)
{
    roomAction(room, u"topic"_s, TopicRequest{topic}.toJson(), context, std::move(done));
}

void ChatClient::setNotify(const QString &room, const QString &level, QObject *context,
                           std::function<void(const QString &)> done)
{
    roomAction(room, u"notifications"_s, NotifyRequest{level}.toJson(), context, std::move(done));
}

void ChatClient::openDirect(const QString &peer, QObject *context,
                            std::function<void(const QString &error, const QString &room)> done)
{
    QPointer<QObject> guard(context);
    m_api.directRoom(peer, this, [this, guard, done = std::move(done)](const ApiFailure &failure,
                                                                        const RoomInfo &room) {
        if (!failure.ok()) {
            if (guard && done)
                done(failure.message, {});
            return;
        }
        m_connection.subscribe(room.name);
        m_api.rooms(this, [this, guard, done, room](const ApiFailure &f, const QList<RoomInfo> &rooms) {
            if (f.ok())
                setRoomList(rooms);
            if (guard && done)
                done({}, room.name);
        });
    });
}

void ChatClient::clearTypingIn(const QString &room)
{
    if (m_typing.remove(room))
        emit typingChanged(room, {});
}

void ChatClient::members(const QString &room, QObject *context,
                         std::function<void(const QString &error, const QList<MemberInfo> &)> done)
{
    QPointer<QObject> guard(context);
    m_api.members(room, this, [guard, done = std::move(done)](const ApiFailure &f, const QList<MemberInfo> &list) {
        if (guard)
            done(f.ok() ? QString() : f.message, list);
    });
}

void ChatClient::directory(const QString &filter, QObject *context,
                           std::function<void(const QString &error, const QList<RoomInfo> &)> done)
{
    QPointer<QObject> guard(context);
    m_api.directory(filter, this, [guard, done = std::move(done)](const ApiFailure &f, const QList<RoomInfo> &list) {
        if (guard)
            done(f.ok() ? QString() : f.message, list);
    });
}

void ChatClient::findUsers(const QString &prefix, QObject *context,
                           std::function<void(const QString &error, const QList<MemberInfo> &)> done)
{
    QPointer<QObject> guard(context);
    m_api.findUsers(prefix, this, [guard, done = std::move(done)](const ApiFailure &f, const QList<MemberInfo> &list) {
        if (guard)
            done(f.ok() ? QString() : f.message, list);
    });
}
