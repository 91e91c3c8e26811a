// SPDX-License-Identifier: MIT
#pragma once

#include "apiclient.h"
#include "filetransfers.h"
#include "chatconnection.h"
#include "messagelistmodel.h"
#include "outbox.h"
#include "timelinecache.h"
#include "roomlistmodel.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <memory>

// The client's core, without widgets: one logged-in session against one server. Owns the API
// client, the WebSocket link, the room list, one message model per room and the outbox, and keeps
// them consistent through reconnects, restarts and epoch changes. The UI and the headless tests
// drive the same object.
class ChatClient : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QUrl server;
        QString dataDir; // outbox files; empty = <AppDataLocation>
        ChatConnection::Tuning tuning;
        int pageSize = 50;
        int retryDelayMs = 1000; // after a rate_limited or internal error
        QString trustFile;       // trusted certificates; empty = the application's QSettings
    };

    // Which account login() uses: an existing one, a new one (a taken name fails), or a new one
    // unless the name exists, then that one (scripts and the demo).
    enum class Account { Existing, New, NewOrExisting };

    explicit ChatClient(const Options &options, QObject *parent = nullptr);
    ~ChatClient() override;

    // Logs in (or registers first) and starts the session; sessionStarted or loginFailed follows.
    void login(const QString &user, const QString &password, Account account);
    // Starts a session with a token kept from before; sessionExpired follows if it is dead.
    void resume(const QString &user, const QString &token);
    void logout();

    QString user() const { return m_user; }
    bool isActive() const { return !m_user.isEmpty(); }
    ApiClient *api() { return &m_api; }
    FileTransfers *files() { return &m_files; }
    ChatConnection *connection() { return &m_connection; }
    RoomListModel *rooms() { return &m_rooms; }
    MessageListModel *messages(const QString &room); // created on first use
    Outbox *outbox() { return &m_outbox; }
    CertificateTrust *certificateTrust() { return &m_trust; }
    // The longest message body the server takes, in UTF-8 bytes (its hello says; the protocol's
    // default until then).
    int maxBodyBytes() const { return m_maxBodyBytes; }

    // Shows it: joins it first if the user is not a member yet, loads history the first time.
    void openRoom(const QString &room);
    // The page before the oldest loaded message (limit: 0 = the usual page size, at most 200).
    void loadOlder(const QString &room, int limit = 0);
    bool hasOlder(const QString &room) const { return m_hasOlder.value(room, true); }
    bool isLoadingHistory(const QString &room) const { return m_loading.contains(room); }
    void joinRoom(const QString &room);
    void createRoom(const QString &name, bool isPrivate);
    // The same, with a topic, answered (roomCreated is emitted too).
    void createRoom(const QString &name, bool isPrivate, const QString &topic, QObject *context,
                    std::function<void(const QString &error)> done);
    // Room actions, answered with an error in plain words ("" when done); the room list is
    // reloaded after each. Skipped when context is gone.
    using ActionDone = std::function<void(const QString &error)>;
    void leaveRoom(const QString &room, QObject *context, ActionDone done);
    void invite(const QString &room, const QString &user, QObject *context, ActionDone done);
    void kick(const QString &room, const QString &user, QObject *context, ActionDone done);
    void setTopic(const QString &room, const QString &topic, QObject *context, ActionDone done);
    // "all", "mentions" or "none", kept by the server for every device of the user.
    void setNotify(const QString &room, const QString &level, QObject *context, ActionDone done);
    // The direct conversation with peer (created when there is none), listed and subscribed.
    void openDirect(const QString &peer, QObject *context,
                    std::function<void(const QString &error, const QString &room)> done);
    void members(const QString &room, QObject *context,
                 std::function<void(const QString &error, const QList<MemberInfo> &)> done);
    void directory(const QString &filter, QObject *context,
                   std::function<void(const QString &error, const QList<RoomInfo> &)> done);
    void findUsers(const QString &prefix, QObject *context,
                   std::function<void(const QString &error, const QList<MemberInfo> &)> done);
    // The user has seen room up to seq (the view shows it, in a focused window): the server
    // keeps it, the user's other devices hear of it. Only forward.
    void markRead(const QString &room, qint64 seq);
    // The user types in room (true, renewed every few seconds while typing) or stopped.
    void setTyping(const QString &room, bool typing);
    // Who else is typing in room now, by name.
    QStringList typingIn(const QString &room) const;
    static constexpr int kTypingShownMs = 8000; // a typist not heard of since is dropped
    // The signed-in user's password: done(message for people, empty on success; how many other
    // devices the server signed out). Skipped when context is gone.
    using PasswordDone = std::function<void(const QString &error, int signedOut)>;
    // The user's signed-in devices; error in plain words ("" when they came).
    using SessionsDone = std::function<void(const QString &error, const QList<SessionInfo> &)>;
    void sessions(QObject *context, SessionsDone done);
    void signOutSession(const QString &id, QObject *context,
                        std::function<void(const QString &error)> done);
    // How this installation names its sessions: "Chat on <host>".
    static QString deviceName();
    void changePassword(const QString &current, const QString &next, QObject *context,
                        PasswordDone done);
    void reloadRooms();

    // Queues a message: shown at once as pending, sent now or as soon as the link is back.
    // A body the server would refuse (empty, too long) is not queued: errorOccurred says why
    // and the result is empty.
    // replyTo: the id of the message it answers (shown quoted above it), or empty. Markdown
    // is sent with format "markdown", for clients to render; Plain is shown as typed.
    enum class TextFormat { Plain, Markdown };
    QString sendMessage(const QString &room, const QString &body, const QString &replyTo = {},
                        TextFormat format = TextFormat::Plain);
    // Uploads the file at path to room, then sends it as a message (with the caption as its
    // text, which may be empty) through the outbox like any other. Returns the upload's id in
    // files() ("" when the file cannot be read: errorOccurred says why); its progress and a
    // failure come from files(); cancelling it there sends nothing.
    QString sendFile(const QString &room, const QString &path, const QString &caption = {});
    // Changes of a message, queued like messages (sent now or once the link is back, with the
    // same clientId until answered). The message changes when the server's event comes back;
    // a refusal is told through errorOccurred, in words.
    void editMessage(const QString &room, const QString &id, const QString &body);
    void deleteMessage(const QString &room, const QString &id);
    // The user's reaction key on the message: added, or taken away when it is there.
    void toggleReaction(const QString &room, const QString &id, const QString &key);
    // Whether the user may delete a message of sender in room: their own, or as owner or admin.
    bool canDelete(const QString &room, const QString &sender) const;
    // A message the server refused for good stays (shown, and on disk) until the user takes it
    // back (its text is returned, e.g. for the composer) or discards it.
    QString takeBack(const QString &clientId);
    void discard(const QString &clientId);

signals:
    void sessionStarted(const QString &user, const QString &token);
    void loginFailed(const QString &message);
    void sessionExpired();
    void historyLoading(const QString &room, bool loading);
    void messageArrived(const ChatMessage &message, bool own);
    void errorOccurred(const QString &message);
    void limitsChanged(int maxBodyBytes);
    void roomCreated(const QString &room); // by createRoom(), listed and subscribed
    void typingChanged(const QString &room, const QStringList &users);
    void membersChanged(const QString &room); // a member event: someone joined, left, changed role
    void presenceChanged(const QString &user, bool online);
    // The user read room on another device: a notification for it is out of date.
    void readElsewhere(const QString &room);
    // Something the user should hear about that is not an error (a room appeared, an invite).
    void noticed(const QString &message);
    void certificateRejected(const CertificateProblem &problem);

private:
    void startSession(const QString &user, const QString &token);
    void loadHistory(const QString &room, std::optional<qint64> before, int limit = 0);
    bool bodyAccepted(const QString &body); // else errorOccurred says why
    void onUploaded(const QString &uploadId, const QString &room, const FileInfo &file);
    void queueChange(const QString &room, EventKind kind, const QString &body, const QJsonObject &fields);
    void trySend(const Outbox::Item &item);
    void flushOutbox();
    void onAck(const QString &clientId, const QString &room, qint64 seq, const QString &id);
    void onError(ErrorCode code, const QString &message, const QString &clientId);
    void onEvent(const ChatMessage &event);
    void noteInRoomList(const ChatMessage &event); // counts it in the room list when it is news
    void onEpochChanged();
    void onRoomChanged(const QString &room, const QString &change, const QString &by);
    void onTyping(const QString &room, const QString &user, bool typing);
    void clearTyping(const QString &room, const QString &user);
    void clearTypingIn(const QString &room);
    void expireTyping();
    void refreshRoomSoon();
    void roomAction(const QString &room, const QString &action, const QJsonObject &body,
                    QObject *context, ActionDone done);
    void setRoomList(const QList<RoomInfo> &rooms);
    void endSession();
    // The timeline cache (chatclientcache.cpp).
    void openCache(const QString &dir, const QByteArray &key);
    bool fillFromCache(const QString &room); // the newest cached events shown; false: none
    void readAfterCache(const QString &room); // what the server has after them
    void watchForCache(MessageListModel *model);
    void flushCache();
    std::optional<qint64> cursor(const QString &room);
    void onReady();

    Options m_options;
    CertificateTrust m_trust;
    ApiClient m_api;
    FileTransfers m_files{&m_api};
    QHash<QString, QString> m_captions; // upload id -> the text to send with the file
    ChatConnection m_connection;
    RoomListModel m_rooms;
    Outbox m_outbox;
    TimelineCache m_cache;
    QHash<QString, QSet<QString>> m_cacheDirty; // room -> ids of events changed since the last flush
    QTimer m_cacheFlush;
    std::map<QString, std::unique_ptr<MessageListModel>> m_models;
    QHash<QString, bool> m_hasOlder;
    QSet<QString> m_historyLoaded;
    QSet<QString> m_loading;
    QSet<QString> m_inFlight; // clientIds sent on the current link, not yet answered
    QHash<QString, QString> m_outboxRoom; // clientId -> room, for acks and errors
    QTimer m_retryTimer;
    bool m_expired = false; // sessionExpired told for this session
    bool m_toldServerTrouble = false; // the user was told the server cannot store, since the last ack
    QString m_user;
    QHash<QString, QHash<QString, QDeadlineTimer>> m_typing; // room -> typist -> shown until
    QTimer m_typingExpiry;
    QTimer m_roomRefresh;
    int m_maxBodyBytes;
};
