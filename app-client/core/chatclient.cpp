// SPDX-License-Identifier: MIT
#include "chatclient.h"

#include "mentions.h"

#include "validation.h"

#include <QCryptographicHash>
#include <QDir>
#include <QLoggingCategory>
#include <QPointer>
#include <QSysInfo>
#include <QStandardPaths>

Q_LOGGING_CATEGORY(lcClient, "chat.client", QtInfoMsg)

using namespace Qt::StringLiterals;


ChatClient::ChatClient(const Options &options, QObject *parent)
    : QObject(parent),
      m_options(options),
      m_trust(options.trustFile),
      m_maxBodyBytes(Validation::kDefaultMaxBodyBytes)
{
    m_api.setServer(options.server);
    m_api.setCertificateTrust(&m_trust);
    m_connection.setCertificateTrust(&m_trust);
    connect(&m_api, &ApiClient::certificateRejected, this, &ChatClient::certificateRejected);
    connect(&m_files, &FileTransfers::uploaded, this, &ChatClient::onUploaded);
    connect(&m_files, &FileTransfers::failed, this, [this](const QString &id) { m_captions.remove(id); });
    connect(&m_connection, &ChatConnection::certificateRejected, this, &ChatClient::certificateRejected);
    m_connection.setTuning(options.tuning);
    m_connection.setUrl(m_api.webSocketUrl());
    m_connection.setCursorProvider([this](const QString &room) { return cursor(room); });
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &ChatClient::flushOutbox);
    m_roomRefresh.setSingleShot(true);
    connect(&m_roomRefresh, &QTimer::timeout, this, &ChatClient::reloadRooms);

    connect(&m_connection, &ChatConnection::ready, this, &ChatClient::onReady);
    connect(&m_connection, &ChatConnection::stateChanged, this, [this](ChatConnection::State s) {
        if (s != ChatConnection::State::Connected)
            m_inFlight.clear(); // whatever was on the wire is sent again on the next link
    });
    connect(&m_connection, &ChatConnection::eventReceived, this, &ChatClient::onEvent);
    connect(&m_connection, &ChatConnection::ackReceived, this, &ChatClient::onAck);
    connect(&m_connection, &ChatConnection::errorReceived, this, &ChatClient::onError);
    connect(&m_connection, &ChatConnection::epochChanged, this, &ChatClient::onEpochChanged);
    connect(&m_connection, &ChatConnection::roomChanged, this, &ChatClient::onRoomChanged);
    connect(&m_connection, &ChatConnection::limitsReceived, this, [this](int maxBodyBytes) {
        m_maxBodyBytes = maxBodyBytes;
        emit limitsChanged(maxBodyBytes);
    });
    connect(&m_connection, &ChatConnection::readMarkerReceived, this, [this](const QString &room, qint64 seq) {
        if (m_rooms.markRead(room, seq))
            emit readElsewhere(room);
    });
    connect(&m_connection, &ChatConnection::typingReceived, this, &ChatClient::onTyping);
    connect(&m_connection, &ChatConnection::presenceReceived, this,
            [this](const QString &user, bool online, const QDateTime &) {
                m_rooms.setPresence(user, online);
                emit presenceChanged(user, online);
            });
    m_typingExpiry.setInterval(1000);
    connect(&m_typingExpiry, &QTimer::timeout, this, &ChatClient::expireTyping);
    // Told once, by whichever notices first (the socket's close, or an HTTP 401).
    auto expired = [this] {
        if (!isActive() || std::exchange(m_expired, true))
            return;
        endSession();
        emit sessionExpired();
    };
    connect(&m_connection, &ChatConnection::unauthorized, this, expired);
    connect(&m_api, &ApiClient::sessionExpired, this, expired);
}

ChatClient::~ChatClient()
{
    flushCache();
    m_connection.close();
}

MessageListModel *ChatClient::messages(const QString &room)
{
    auto &model = m_models[room];
    if (!model) {
        model = std::make_unique<MessageListModel>(room);
        model->setOwnUser(m_user);
        watchForCache(model.get());
    }
    return model.get();
}

std::optional<qint64> ChatClient::cursor(const QString &room)
{
    const auto it = m_models.find(room);
    if (it != m_models.end() && it->second->lastEventSeq() > 0)
        return it->second->lastEventSeq();
    // A room never opened resumes from what this server's room list said.
    if (m_rooms.rowOf(room) >= 0)
        return m_rooms.lastSeq(room);
    return std::nullopt; // nothing known (e.g. after an epoch change): live only
}

void ChatClient::onReady()
{
    // The link is (back) up: refresh what may have changed meanwhile, then send what waits.
    reloadRooms();
    const QString current = m_rooms.currentRoom();
    const bool readable = m_rooms.rowOf(current) < 0 || m_rooms.isMember(current); // unknown: try
    m_cache.setEpoch(m_connection.epoch()); // what is cached from now on belongs to it
    if (!current.isEmpty() && readable && !m_historyLoaded.contains(current) && !fillFromCache(current))
        loadHistory(current, std::nullopt);
    flushOutbox();
}

void ChatClient::login(const QString &user, const QString &password, Account account)
{
    const Credentials credentials{user, password, deviceName()};
    auto done = [this](const ApiFailure &failure, const AuthResult &result) {
        if (failure.code == ErrorCode::AccountDisabled) {
            emit loginFailed(tr("This account has been deactivated. It cannot sign in any more."));
            return;
        }
        if (!failure.ok()) {
            emit loginFailed(failure.message);
            return;
        }
        startSession(result.user, result.token);
    };
    if (account == Account::Existing) {
        m_api.login(credentials, this, done);
        return;
    }
    m_api.registerUser(credentials, this, [this, credentials, account, done](
                                                  const ApiFailure &failure, const AuthResult &result) {
        if (failure.kind != ApiFailure::Kind::Conflict) {
            done(failure, result);
        } else if (account == Account::NewOrExisting) {
            m_api.login(credentials, this, done);
        } else {
            ApiFailure taken = failure;
            taken.message = tr("The name \u201c%1\u201d is already taken. Choose another one, or "
                               "untick \u201cCreate a new account\u201d to log in.")
                                    .arg(credentials.username);
            done(taken, result);
        }
    });
}

void ChatClient::resume(const QString &user, const QString &token)
{
    startSession(user, token);
}

void ChatClient::startSession(const QString &user, const QString &token)
{
    m_user = user;
    m_expired = false;
    m_api.setToken(token);
    m_connection.setToken(token);
    for (auto &[room, model] : m_models)
        model->setOwnUser(user);

    const QByteArray key = QCryptographicHash::hash(
            (m_options.server.toString() + u'\n' + user.toLower()).toUtf8(),
            QCryptographicHash::Sha1).toHex();
    const QString dir = m_options.dataDir.isEmpty()
            ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
            : m_options.dataDir;
    QString error;
    if (!m_outbox.open(QDir(dir).filePath(u"outbox/%1.db"_s.arg(QString::fromLatin1(key))), &error))
        emit errorOccurred(tr("Messages you write cannot be kept on this computer until they are "
                              "sent (%1).").arg(error));
    openCache(dir, key); // the rooms and messages seen before, shown at once
    // What was typed before a restart is shown again and sent once the link is up.
    for (const Outbox::Item &item : m_outbox.items()) {
        m_outboxRoom.insert(item.clientId, item.room);
        if (item.kind != EventKind::Message)
            continue; // a change: shown when the server's event comes back
        MessageListModel *model = messages(item.room);
        model->addPending(item.clientId, item.body, item.typedAt, item.fields);
        if (item.failed)
            model->markFailed(item.clientId, item.error);
    }

    m_api.rooms(this, [this, user, token](const ApiFailure &failure, const QList<RoomInfo> &rooms) {
        if (failure.kind == ApiFailure::Kind::Unauthorized)
            return; // sessionExpired is on its way
        if (failure.ok()) {
            setRoomList(rooms);
        } else {
            // Server unreachable: work offline with what is known (queued messages show, new
            // ones queue) and catch up once the link is there.
            qCInfo(lcClient) << "starting offline:" << failure.message;
            m_connection.subscribe(u"general"_s);
            for (const auto &[room, model] : m_models)
                m_connection.subscribe(room);
            emit errorOccurred(failure.message);
        }
        m_connection.open();
        emit sessionStarted(user, token);
    });
}

void ChatClient::endSession()
{
    flushCache();
    m_cache.close();
    m_connection.close();
    m_retryTimer.stop();
    m_inFlight.clear();
    m_outbox.close();
    m_typing.clear();
}

void ChatClient::logout()
{
    if (!isActive())
        return;
    m_api.logout(this, [](const ApiFailure &) {});
    endSession();
    m_cache.erase(); // what was read stays on the server, not on this computer
    m_user.clear();
    m_api.setToken({});
    m_models.clear();
    m_outboxRoom.clear();
    m_historyLoaded.clear();
    m_hasOlder.clear();
    m_rooms.setRooms({});
}

void ChatClient::openRoom(const QString &room)
{
    m_rooms.setCurrentRoom(room);
    // Not a member yet: the history is only readable after the join (which loads it).
    if (m_rooms.rowOf(room) >= 0 && !m_rooms.isMember(room))
        joinRoom(room);
    else if (!m_historyLoaded.contains(room) && !fillFromCache(room))
        loadHistory(room, std::nullopt);
}

void ChatClient::loadOlder(const QString &room, int limit)
{
    if (!m_historyLoaded.contains(room) || !hasOlder(room) || m_loading.contains(room))
        return;
    const qint64 first = messages(room)->firstSeq();
    const int size = limit > 0 ? std::min(limit, 200) : m_options.pageSize;
    if (first > 1 && m_cache.isOpen()) {
        // From the cache while it has them (offline too); told like a page from the server.
        if (const QList<ChatMessage> older = m_cache.before(room, first, size); !older.isEmpty()) {
            emit historyLoading(room, true);
            messages(room)->addPage(older);
            m_hasOlder.insert(room, messages(room)->firstSeq() > 1);
            QMetaObject::invokeMethod(this, [this, room] { emit historyLoading(room, false); },
                                      Qt::QueuedConnection);
            return;
        }
    }
    if (first > 1)
        loadHistory(room, first, size);
    else
        m_hasOlder.insert(room, false);
}

void ChatClient::loadHistory(const QString &room, std::optional<qint64> before, int limit)
{
    if (m_loading.contains(room))
        return;
    m_loading.insert(room);
    emit historyLoading(room, true);
    m_api.history(room, std::nullopt, before, limit > 0 ? limit : m_options.pageSize, this,
                  [this, room, before](const ApiFailure &failure, const HistoryPage &page) {
                      m_loading.remove(room);
                      emit historyLoading(room, false);
                      if (!failure.ok()) {
                          emit errorOccurred(failure.message);
                          return;
                      }
                      m_historyLoaded.insert(room);
                      m_hasOlder.insert(room, page.hasMore);
                      messages(room)->addPage(page.events);
                      if (!before) {
                          // The newest page can bring messages the room list has not counted
                          // yet (it was fetched before they were written): counted as live ones.
                          for (const ChatMessage &event : page.events)
                              noteInRoomList(event);
                      }
                  });
}

void ChatClient::joinRoom(const QString &room)
{
    m_api.joinRoom(room, this, [this, room](const ApiFailure &failure) {
        if (!failure.ok()) {
            emit errorOccurred(failure.message);
            return;
        }
        m_rooms.setMember(room, true);
        m_connection.subscribe(room);
        if (!m_historyLoaded.contains(room))
            loadHistory(room, std::nullopt);
    });
}

void ChatClient::changePassword(const QString &current, const QString &next, QObject *context,
                                PasswordDone done)
{
    QPointer<QObject> guard(context);
    m_api.changePassword({current, next}, this,
                         [guard, done = std::move(done)](const ApiFailure &failure, int revoked) {
                             if (!guard)
                                 return;
                             if (failure.ok())
                                 done({}, revoked);
                             else if (failure.code == ErrorCode::WrongPassword)
                                 done(tr("The current password is not right."), 0);
                             else if (failure.kind == ApiFailure::Kind::Invalid)
                                 done(tr("The server does not accept this new password: %1.")
                                              .arg(failure.message), 0);
                             else
                                 done(failure.message, 0);
                         });
}

QString ChatClient::deviceName()
{
    QString host = QSysInfo::machineHostName().left(40);
    host.removeIf([](QChar c) { return c.category() == QChar::Other_Control; });
    return host.isEmpty() ? tr("Chat desktop") : tr("Chat on %1").arg(host);
}

void ChatClient::sessions(QObject *context, SessionsDone done)
{
    QPointer<QObject> guard(context);
    m_api.sessions(this, [guard, done = std::move(done)](const ApiFailure &failure,
                                                         const QList<SessionInfo> &sessions) {
        if (guard)
            done(failure.ok() ? QString() : failure.message, sessions);
    });
}

void ChatClient::signOutSession(const QString &id, QObject *context,
                            std::function<void(const QString &error)> done)
{
    QPointer<QObject> guard(context);
    m_api.endSession(id, this, [guard, done = std::move(done)](const ApiFailure &failure) {
        if (!guard)
            return;
        if (failure.ok() || failure.code == ErrorCode::NotFound)
            done({}); // (signed out already)
        else
            done(failure.message);
    });
}

void ChatClient::createRoom(const QString &name, bool isPrivate)
{
    createRoom(name, isPrivate, {}, nullptr, {});
}

void ChatClient::createRoom(const QString &name, bool isPrivate, const QString &topic,
                            QObject *context, std::function<void(const QString &error)> done)
{
    QPointer<QObject> guard(context);
    const bool answered = bool(done);
    m_api.createRoom({name, isPrivate, topic}, this,
                     [this, name, guard, answered, done = std::move(done)](const ApiFailure &failure) {
        if (!failure.ok()) {
            if (!answered)
                emit errorOccurred(failure.message);
            else if (guard)
                done(failure.code == ErrorCode::NameTaken
                             ? tr("There is a room called %1 already.").arg(name)
                             : failure.message);
            return;
        }
        m_connection.subscribe(name);
        m_api.rooms(this, [this, name, guard, answered, done](const ApiFailure &failure,
                                                              const QList<RoomInfo> &rooms) {
            if (failure.ok()) {
                setRoomList(rooms);
                emit roomCreated(name);
            }
            if (answered && guard)
                done({});
        });
    });
}

void ChatClient::reloadRooms()
{
    m_api.rooms(this, [this](const ApiFailure &failure, const QList<RoomInfo> &rooms) {
        if (failure.ok())
            setRoomList(rooms);
    });
}

void ChatClient::setRoomList(const QList<RoomInfo> &rooms)
{
    m_rooms.setRooms(rooms);
    // Rooms the user is no longer in (removed while this client was closed): their messages go
    // from this computer too.
    QSet<QString> member;
    for (const RoomInfo &room : rooms) {
        if (room.member)
            member.insert(room.name);
    }
    for (const RoomInfo &cached : m_cache.rooms()) {
        if (cached.member && !member.contains(cached.name))
            m_cache.forget(cached.name);
    }
    m_cache.saveRooms(rooms);
    for (const QString &room : m_rooms.memberRooms())
        m_connection.subscribe(room);
}

void ChatClient::onRoomChanged(const QString &room, const QString &change, const QString &by)
{
    const QString name = m_rooms.displayName(room);
    if (change == "left"_L1 || change == "kicked"_L1) {
        // No more of it: the server ended the subscription, the client forgets it too.
        m_connection.unsubscribe(room);
        clearTypingIn(room);
        m_cacheDirty.remove(room);
        m_cache.forget(room); // no longer this user's to read, on this computer either
        if (change == "kicked"_L1)
            emit noticed(tr("%1 removed you from #%2.").arg(by, name));
    } else if (change == "invited"_L1 && room.startsWith("dm-"_L1)) {
        emit noticed(tr("%1 started a conversation with you.").arg(by));
    } else if (change == "invited"_L1)
        emit noticed(tr("%1 added you to the room #%2.").arg(by, room));
    else if (change == "created"_L1 && by != m_user)
        emit noticed(tr("%1 created the room #%2.").arg(by, room));
    else if (change == "archived"_L1)
        emit noticed(tr("The room #%1 was archived: it can still be read, but not written to.").arg(room));
    else if (change == "unarchived"_L1)
        emit noticed(tr("The room #%1 is open again.").arg(room));
    reloadRooms(); // the list as the server sees it for this user, subscriptions included
}

void ChatClient::onEvent(const ChatMessage &event)
{
    MessageListModel *model = messages(event.room);
    // Seen before (a history page, a repeat) is decided by what this client holds, not by the room
    // list's seq: a list fetched while the event was on its way already names it.
    const bool fresh = event.seq > model->lastEventSeq();
    model->addEvent(event);
    const bool own = event.sender == m_user;
    const bool news = event.kind == EventKind::Message;
    noteInRoomList(event);
    if (news)
        clearTyping(event.room, event.sender); // the message is what they were typing
    if (event.kind == EventKind::Member || event.kind == EventKind::Topic)
        refreshRoomSoon(); // member count, topic, roles
    if (event.kind == EventKind::Member && fresh)
        emit membersChanged(event.room);
    if (news && fresh)
        emit messageArrived(event, own);
}

void ChatClient::noteInRoomList(const ChatMessage &event)
{
    // Only a new message of someone else is news; an edit or a reaction just moves the room's
    // cursor. The room list keeps its own count and ignores what it knows.
    const bool news = event.kind == EventKind::Message && event.sender != m_user;
    m_rooms.noteMessage(event.room, event.seq, news, news && Mentions::mentions(event.body, m_user));
}

void ChatClient::markRead(const QString &room, qint64 seq)
{
    if (!m_rooms.markRead(room, seq))
        return;
    // Over the link when it is up (no answer to wait for), else over HTTP: a marker is never
    // dropped for being moved while offline… unless the server is away too, then the next
    // look at the room moves it again.
    if (m_connection.state() == ChatConnection::State::Connected)
        m_connection.sendRead(room, seq);
    else
        m_api.roomAction(room, u"read"_s, ReadRequest{seq}.toJson(), this, [](const ApiFailure &) {});
}

void ChatClient::refreshRoomSoon()
{
    // Several member or topic events (a catch-up) make one reload.
    if (!m_roomRefresh.isActive())
        m_roomRefresh.start(300);
}

void ChatClient::onEpochChanged()
{
    qCInfo(lcClient) << "the server's database changed: dropping every cursor";
    // Called before the link re-subscribes: from here on no cursor is known (live only + history).
    for (auto &[room, model] : m_models)
        model->clear();
    m_historyLoaded.clear();
    m_hasOlder.clear();
    m_cacheDirty.clear();
    m_cache.setEpoch(m_connection.epoch()); // emptied: it was of the old database
    // The room list (and its seqs) described the old database: forget it, keeping the selection.
    const QString current = m_rooms.currentRoom();
    m_rooms.setRooms({});
    m_rooms.setCurrentRoom(current);
    // onReady() follows at once: it reloads the room list and the current room's history.
}

