// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QSettings>
#include <QUrl>

// The client's remembered settings, typed (QSettings underneath; the token is not here, see
// TokenStore).
class ClientSettings
{
public:
    QUrl server() const { return m_settings.value("server", QUrl(QStringLiteral("http://127.0.0.1:8080"))).toUrl(); }
    void setServer(const QUrl &url) { m_settings.setValue("server", url); }
    QString user() const { return m_settings.value("user").toString(); }
    void setUser(const QString &user) { m_settings.setValue("user", user); }
    // Per account, so that two accounts on one desktop keep their own windows.
    QByteArray geometry(const QString &user) const { return m_settings.value(windowKey(user, "geometry")).toByteArray(); }
    void setGeometry(const QString &user, const QByteArray &g) { m_settings.setValue(windowKey(user, "geometry"), g); }
    QByteArray splitter(const QString &user) const { return m_settings.value(windowKey(user, "splitter")).toByteArray(); }
    void setSplitter(const QString &user, const QByteArray &s) { m_settings.setValue(windowKey(user, "splitter"), s); }
    // "system", "light" or "dark" (Appearance).
    QString appearance() const { return m_settings.value("appearance", QStringLiteral("system")).toString(); }
    void setAppearance(const QString &mode) { m_settings.setValue("appearance", mode); }
    // Whether the composer sends markdown (on until the user turns it off).
    bool composesMarkdown() const { return m_settings.value("composer/markdown", true).toBool(); }
    void setComposesMarkdown(bool on) { m_settings.setValue("composer/markdown", on); }
    QString lastRoom() const { return m_settings.value("lastRoom", QStringLiteral("general")).toString(); }
    void setLastRoom(const QString &room) { m_settings.setValue("lastRoom", room); }

private:
    static QString windowKey(const QString &user, const char *what)
    {
        return QStringLiteral("window-%1/%2").arg(user.toLower(), QLatin1String(what));
    }
    QSettings m_settings;
};
