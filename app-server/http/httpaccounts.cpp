// SPDX-License-Identifier: MIT
// HttpApi's accounts: registration, sign-in and out, the password, deactivation and the
// signed-in sessions (docs/protocol.md, HTTP).
#include "httpapi.h"

#include "apitypes.h"
#include "auth/authservice.h"
#include "logging.h"
#include "requestparsing.h"
#include "serverconfig.h"
#include "validation.h"

#include <QHttpServer>
#include <QJsonArray>
#include <QRegularExpression>

using namespace Qt::StringLiterals;
using Status = QHttpServerResponder::StatusCode;

namespace {
// One info line per login or registration attempt: who, from where, how it ended (never the
// password or the token).
void logAuth(const char *what, const QString &name, const QString &peer,
             const AuthService::Outcome &outcome)
{
    using S = AuthService::Outcome::Status;
    switch (outcome.status) {
    case S::Ok:
        qCInfo(lcAuth).noquote() << what << "of" << outcome.result.user << "from" << peer;
        break;
    case S::NameTaken:
        qCInfo(lcAuth).noquote() << what << "refused from" << peer << ": name" << name << "is taken";
        break;
    case S::BadCredentials:
        qCInfo(lcAuth).noquote() << what << "refused from" << peer << ": wrong password or unknown user" << name;
        break;
    default:
        qCInfo(lcAuth).noquote() << what << "of" << name << "from" << peer << "failed";
        break;
    }
}

// Turns a register/login outcome into the HTTP answer.
void replyAuth(HttpReply &reply, const AuthService::Outcome &outcome, Status success)
{
    using S = AuthService::Outcome::Status;
    switch (outcome.status) {
    case S::Ok:
        reply.json(success, outcome.result.toJson());
        break;
    case S::NameTaken:
        reply.error(ErrorCode::NameTaken, u"that name is taken, or one that looks like it"_s);
        break;
    case S::BadCredentials:
        reply.error(ErrorCode::Unauthorized,
                    u"wrong username or password"_s);
        break;
    case S::WrongPassword:
        reply.error(ErrorCode::WrongPassword, u"the password is not right"_s);
        break;
    case S::Disabled:
        reply.error(ErrorCode::AccountDisabled, u"this account has been deactivated"_s);
        break;
    case S::NotFound:
        reply.error(ErrorCode::NotFound, u"no such session"_s);
        break;
    case S::Invalid:
        reply.error(ErrorCode::InvalidRequest, outcome.message);
        break;
    case S::Busy:
        reply.error(ErrorCode::Busy,
                    u"too many logins in progress; retry in a moment"_s);
        break;
    case S::Error:
        reply.error(ErrorCode::Internal,
                    u"could not complete the request"_s);
        break;
    }
}
// The device a new session is shown as: what the client named, else its User-Agent.
Credentials withDevice(Credentials credentials, const QHttpServerRequest &request)
{
    if (!credentials.device.isEmpty())
        return credentials;
    QString agent = QString::fromUtf8(request.value("User-Agent")).left(Validation::kMaxDeviceNameLength);
    agent.removeIf([](QChar c) { return c.category() == QChar::Other_Control; });
    if (Validation::isValidDeviceName(agent))
        credentials.device = agent.trimmed();
    return credentials;
}
} // namespace

void HttpApi::registerUser(const QHttpServerRequest &request, const HttpReplyPtr &reply)
{
    if (!m_services.config->openRegistration) {
        reply->error(ErrorCode::RegistrationClosed,
                     u"registration is closed on this server"_s);
        return;
    }
    const auto parsed = RequestParsing::parseBody<Credentials>(request.body());
    const Credentials *credentials = parsedOrReply(parsed, *reply);
    if (!credentials)
        return;
    const QString peer = request.remoteAddress().toString();
    qint64 retryAfterMs = 0;
    if (!m_services.registrations->allow(peer, &retryAfterMs)) {
        qCInfo(lcAuth).noquote() << "registration from" << peer << "refused: over register_per_hour";
        reply->rateLimited(u"too many accounts created from your address; try again later"_s, retryAfterMs);
        return;
    }
    m_services.auth->registerUser(withDevice(*credentials, request), this,
                                  [reply, peer, name = credentials->username](const AuthService::Outcome &outcome) {
                                      logAuth("registration", name, peer, outcome);
                                      replyAuth(*reply, outcome, Status::Created);
                                  });
}

void HttpApi::login(const QHttpServerRequest &request, const HttpReplyPtr &reply)
{
    const auto parsed = RequestParsing::parseBody<Credentials>(request.body());
    const Credentials *credentials = parsedOrReply(parsed, *reply);
    if (!credentials)
        return;
    const QString peer = request.remoteAddress().toString();
    m_services.auth->login(withDevice(*credentials, request), this,
                           [reply, peer, name = credentials->username](const AuthService::Outcome &outcome) {
                               logAuth("login", name, peer, outcome);
                               replyAuth(*reply, outcome, Status::Ok);
                           });
}

void HttpApi::logout(const QHttpServerRequest &request, const HttpReplyPtr &reply)
{
    const QString token = AuthService::bearerToken(request.value("Authorization"));
    withUser(request, reply, [this, token, reply](const AuthUser &) {
        m_services.auth->logout(token, this, [reply] { reply->noContent(); });
    });
}

void HttpApi::changePassword(const QHttpServerRequest &request, const HttpReplyPtr &reply)
{
    const auto parsed = RequestParsing::parseBody<PasswordChange>(request.body());
    const PasswordChange *change = parsedOrReply(parsed, *reply);
    if (!change)
        return;
    const QString token = AuthService::bearerToken(request.value("Authorization"));
    withUser(request, reply, [this, token, change = *change, reply](const AuthUser &user) {
        m_services.auth->changePassword(
                user, token, change.password, change.newPassword, this,
                [reply, name = user.name](const AuthService::Outcome &outcome) {
                    if (outcome.status != AuthService::Outcome::Status::Ok) {
                        replyAuth(*reply, outcome, Status::Ok);
                        return;
                    }
                    qCInfo(lcAuth).noquote() << "password of" << name << "changed;"
                                             << outcome.revoked << "other sessions signed out";
                    reply->json(Status::Ok, {{"revokedSessions"_L1, outcome.revoked}});
                });
    });
}

void HttpApi::listSessions(const QHttpServerRequest &request, const HttpReplyPtr &reply)
{
    const QByteArray current = AuthService::digestOf(AuthService::bearerToken(request.value("Authorization")));
    withUser(request, reply, [this, reply, current](const AuthUser &user) {
        m_services.auth->sessions(user, this, [reply, current](const Lookup<QList<SessionRecord>> &found) {
            if (!found) {
                reply->error(ErrorCode::Internal);
                return;
            }
            QJsonArray sessions;
            for (const SessionRecord &s : *found) {
                // The id names the token without giving it away: a prefix of its digest.
                const QString id = QString::fromLatin1(s.tokenHash.left(kSessionIdBytes).toHex());
                sessions.append(SessionInfo{id, s.device, s.createdAt, s.lastUsedAt, s.expiresAt,
                                            s.tokenHash == current}
                                        .toJson());
            }
            reply->json(Status::Ok, QJsonObject{{"sessions"_L1, sessions}});
        });
    });
}

void HttpApi::endSession(const QString &id, const QHttpServerRequest &request,
                         const HttpReplyPtr &reply)
{
    const QByteArray prefix = QByteArray::fromHex(id.toLatin1());
    static const QRegularExpression hex(u"^[0-9a-f]{%1}$"_s.arg(kSessionIdBytes * 2));
    if (!hex.match(id).hasMatch()) {
        reply->error(ErrorCode::NotFound, u"no such session"_s);
        return;
    }
    withUser(request, reply, [this, reply, prefix](const AuthUser &user) {
        m_services.auth->revokeSession(user, prefix, this,
                                       [reply, name = user.name](const AuthService::Outcome &outcome) {
                                           if (outcome.status != AuthService::Outcome::Status::Ok) {
                                               replyAuth(*reply, outcome, Status::Ok);
                                               return;
                                           }
                                           qCInfo(lcAuth).noquote() << name << "ended a session";
                                           reply->noContent();
                                       });
    });
}

void HttpApi::deactivate(const QHttpServerRequest &request, const HttpReplyPtr &reply)
{
    const auto parsed = RequestParsing::parseBody<PasswordConfirmation>(request.body());
    const PasswordConfirmation *confirmation = parsedOrReply(parsed, *reply);
    if (!confirmation)
        return;
    withUser(request, reply, [this, password = confirmation->password, reply](const AuthUser &user) {
        m_services.auth->deactivate(
                user, password, this, [reply, name = user.name](const AuthService::Outcome &outcome) {
                    if (outcome.status != AuthService::Outcome::Status::Ok) {
                        replyAuth(*reply, outcome, Status::Ok);
                        return;
                    }
                    qCInfo(lcAuth).noquote() << "account" << name << "deactivated;"
                                             << outcome.revoked << "sessions signed out";
                    reply->noContent();
                });
    });
}
