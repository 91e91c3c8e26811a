// SPDX-License-Identifier: MIT
#include "tokenstore.h"

#include "privatefiles.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QSaveFile>
#include <QStandardPaths>

#include <qt6keychain/keychain.h>

Q_LOGGING_CATEGORY(lcTokens, "chat.client.tokens", QtInfoMsg)

using namespace Qt::StringLiterals;

namespace {
const QString kService = u"chat-client"_s;
}

TokenStore::TokenStore(const QString &fallbackDir, Backend backend, QObject *parent)
    : QObject(parent),
      m_dir(fallbackDir.isEmpty()
                    ? QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)
                    : fallbackDir),
      m_backend(backend)
{
}

QString TokenStore::key(const QUrl &server, const QString &user)
{
    return user.toLower() + u'@' + server.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
}

QString TokenStore::fallbackFile() const
{
    return QDir(m_dir).filePath(u"private/tokens.json"_s);
}

bool TokenStore::useKeychain() const
{
    // Without a session bus there is no secret service to ask (and asking can stall).
    return m_backend == Backend::Automatic && !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS");
}

void TokenStore::load(const QUrl &server, const QString &user, QObject *context,
                      std::function<void(const QString &)> done)
{
    const QString k = key(server, user);
    if (!useKeychain()) {
        done(readFile(k));
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(kService, this);
    job->setKey(k);
    QPointer<QObject> guard(context);
    connect(job, &QKeychain::Job::finished, this, [this, job, k, guard, done] {
        QString token;
        if (job->error() == QKeychain::NoError)
            token = job->textData();
        else if (job->error() != QKeychain::EntryNotFound)
            token = readFile(k); // no usable keychain: the file, if any
        if (guard)
            done(token);
    });
    job->start();
}

void TokenStore::save(const QUrl &server, const QString &user, const QString &token)
{
    const QString k = key(server, user);
    if (!useKeychain()) {
        writeFile(k, token);
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(kService, this);
    job->setKey(k);
    job->setTextData(token);
    connect(job, &QKeychain::Job::finished, this, [this, job, k, token] {
        if (job->error() != QKeychain::NoError) {
            qCInfo(lcTokens) << "keychain unavailable (" << job->errorString()
                             << "); keeping the token in" << fallbackFile();
            writeFile(k, token);
        }
    });
    job->start();
}

void TokenStore::remove(const QUrl &server, const QString &user)
{
    const QString k = key(server, user);
    writeFile(k, {});
    if (!useKeychain())
        return;
    auto *job = new QKeychain::DeletePasswordJob(kService, this);
    job->setKey(k);
    job->start();
}

QString TokenStore::readFile(const QString &key) const
{
    QFile file(fallbackFile());
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object().value(key).toString();
}

void TokenStore::writeFile(const QString &key, const QString &token)
{
    // The directory is what keeps others out, also while the file is being replaced.
    PrivateFiles::makeDir(QFileInfo(fallbackFile()).absolutePath());
    QJsonObject all;
    {
        QFile file(fallbackFile());
        if (file.open(QIODevice::ReadOnly))
            all = QJsonDocument::fromJson(file.readAll()).object();
    }
    if (token.isEmpty())
        all.remove(key);
    else
        all.insert(key, token);
    QSaveFile out(fallbackFile());
    if (!out.open(QIODevice::WriteOnly)) {
        qCWarning(lcTokens) << "cannot write" << fallbackFile();
        return;
    }
    out.write(QJsonDocument(all).toJson());
    if (out.commit())
        PrivateFiles::restrict(fallbackFile());
}
