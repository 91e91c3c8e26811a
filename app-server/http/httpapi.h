// SPDX-License-Identifier: MIT
#pragma once

#include "http/httpreply.h"
#include "http/pagecache.h"
#include "metrics.h"
#include "serverservices.h"
#include "store/chatstore.h"

#include <QObject>

#include <functional>
#include <optional>

class QHttpServer;
class QHttpServerRequest;

// The HTTP API of docs/protocol.md on a QHttpServer: accounts (httpaccounts.cpp), rooms,
// history, posting, readiness and metrics (httpapi.cpp).
class HttpApi : public QObject
{
    Q_OBJECT
public:
    HttpApi(const ServerServices &services, QObject *parent = nullptr);
    void registerRoutes(QHttpServer &server);
    // Events on their way to subscribers (ours and, fetched, other servers'): the newest pages
    // remembered for their rooms are out of date.
    void roomsChanged(const QList<ChatMessage> &events);

private:
    using UserHandler = std::function<void(const AuthUser &user)>;
    // Authenticates the request's bearer token, then calls handler; answers 401 otherwise.
    void withUser(const QHttpServerRequest &request, const HttpReplyPtr &reply,
                  UserHandler handler);

    void registerUser(const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void login(const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void logout(const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void ready(const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void changePassword(const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void deactivate(const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void listSessions(const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void endSession(const QString &id, const QHttpServerRequest &request, const HttpReplyPtr &reply);
    static constexpr int kSessionIdBytes = 16; // of the token's SHA-256 digest
    void listRooms(const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void createRoom(const QHttpServerRequest &request, const HttpReplyPtr &reply);
    // httprooms.cpp
    void roomInfo(const QString &room, const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void joinRoom(const QString &room, const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void leaveRoom(const QString &room, const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void invite(const QString &room, const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void kick(const QString &room, const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void setRole(const QString &room, const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void setTopic(const QString &room, const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void setNotify(const QString &room, const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void markRead(const QString &room, const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void members(const QString &room, const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void directRoom(const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void findUsers(const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void search(const QHttpServerRequest &request, const HttpReplyPtr &reply);
    // httpfiles.cpp
    void uploadFile(const QString &room, const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void downloadFile(const QString &id, const QHttpServerRequest &request, const HttpReplyPtr &reply);
    void fileThumbnail(const QString &id, const QHttpServerRequest &request, const HttpReplyPtr &reply);
    // A membership change of the caller (join, leave: target empty) or of target, answered 204.
    void changeMember(const QString &room, const QString &change, const QString &target,
                      const QString &role, const AuthUser &user, const HttpReplyPtr &reply);
    void history(const QString &room, const QHttpServerRequest &request,
                 const HttpReplyPtr &reply);
    void postEvent(const QString &room, const QHttpServerRequest &request,
                   const HttpReplyPtr &reply);
    void metrics(const QHttpServerRequest &request, const HttpReplyPtr &reply);

    ServerServices m_services;
    PageCache m_pages;
    quint64 m_pagedReads = 0; // names each paged read: no two requests coalesce
    quint64 *m_historyRequests = nullptr;           // in m_services.metrics
    Metrics::Histogram *m_historySeconds = nullptr;
};
