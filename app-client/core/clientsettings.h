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
    QByteArray geometry() const { return m_settings.value("window/geometry").toByteArray(); }
    void setGeometry(const QByteArray &g) { m_settings.setValue("window/geometry", g); }
    QByteArray splitter() const { return m_settings.value("window/splitter").toByteArray(); }
    void setSplitter(const QByteArray &s) { m_settings.setValue("window/splitter", s); }
    QString lastRoom() const { return m_settings.value("lastRoom", QStringLiteral("general")).toString(); }
    void setLastRoom(const QString &room) { m_settings.setValue("lastRoom", room); }

private:
    QSettings m_settings;
};
