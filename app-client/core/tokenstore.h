// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QUrl>

#include <functional>

// Where the client keeps its bearer token between runs: the desktop keychain (qtkeychain) when
// one is reachable, otherwise a file in a directory only the user can enter (0700).
class TokenStore : public QObject
{
    Q_OBJECT
public:
    enum class Backend { Automatic, FileOnly };

    explicit TokenStore(const QString &fallbackDir = {}, Backend backend = Backend::Automatic,
                        QObject *parent = nullptr);

    // done(token) on this thread; an empty token when there is none.
    void load(const QUrl &server, const QString &user, QObject *context,
              std::function<void(const QString &)> done);
    void save(const QUrl &server, const QString &user, const QString &token);
    void remove(const QUrl &server, const QString &user);

    QString fallbackFile() const;

private:
    bool useKeychain() const;
    static QString key(const QUrl &server, const QString &user);
    QString readFile(const QString &key) const;
    void writeFile(const QString &key, const QString &token);

    QString m_dir;
    Backend m_backend;
};
