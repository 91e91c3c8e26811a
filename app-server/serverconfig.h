// SPDX-License-Identifier: MIT
#pragma once

#include "store/databaseurl.h"

#include <QHostAddress>
#include <QMap>
#include <QProcessEnvironment>
#include <QString>

#include <optional>

class QCommandLineParser;

// Every runtime setting of chat-server, merged from (lowest to highest precedence) built-in
// defaults, the INI file (section [server]), CHAT_* environment variables and the command line.
// Keys are the same everywhere: INI "max_body_bytes" = env CHAT_MAX_BODY_BYTES.
struct ServerConfig
{
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 port = 8080;
    QString dbPath;                 // --db: a file or postgresql:// URL; empty = <AppDataLocation>/chat.db
    QString dbPasswordFile;         // PostgreSQL password, first line
    QString logRules;               // QLoggingCategory filter rules, ';'-separated
    bool openRegistration = true;
    bool metricsRemote = false;     // GET /metrics from other hosts (else loopback only)
    QString nodeName;               // this server among those of one database; empty: host-random
    int maxBodyBytes = 4096;        // message body, UTF-8 bytes
    int maxHttpBodyBytes = 64 * 1024;
    int maxHttpHeaderBytes = 16 * 1024;
    qint64 maxFileBytes = 25 << 20;          // one uploaded file (413 above it, before its body)
    qint64 fileQuotaBytes = qint64(1) << 30; // every file one user uploaded together; 0 = none
    int maxWsMessageBytes = 64 * 1024; // one WebSocket message (and frame)
    double sendRate = 20.0;         // messages per second per user, sustained
    int sendBurst = 50;             // token bucket size
    int pingIntervalSecs = 30;      // idle WebSocket ping; dropped after 2 intervals of silence
    int wsCorkMs = 0;               // at most one broadcast pass per this many ms (0 = at once)
    int presenceRoomLimit = 100;    // presence goes to those sharing a dm or a room this small
    int presenceGraceSecs = 5;      // a reconnect within this is no offline/online flap
    int httpIdleTimeoutSecs = 60;   // keep-alive connection with no request in flight
    int httpRequestTimeoutSecs = 15; // a request must arrive whole within this time
    int tokenTtlDays = 30;
    int registerPerHour = 20;       // accounts created from one client address (burst: as many)
    int roomsPerHour = 30;          // rooms created by one user (burst: as many)
    qint64 maxQueuedBytesPerConnection = 16 << 20; // unread output of one WebSocket
    qint64 maxQueuedBytesPerUser = 32 << 20;       // of all of a user's WebSockets
    qint64 maxQueuedBytes = qint64(512) << 20;     // of every WebSocket together
    int maxConnections = 0;         // open TCP connections in all; 0 = what the file limit allows
    int maxConnectionsPerAddress = 0; // from one client address; 0 = no limit (a proxy is one address)
    QString tlsCertificate;         // PEM file; with tlsKey: serve https and wss only
    QString tlsKey;                 // PEM file (RSA or EC, unencrypted)

    using Layer = QMap<QString, QString>; // canonical key -> raw value

    static QStringList keys();
    static void addCommandLineOptions(QCommandLineParser &parser);
    static Layer layerFromCommandLine(const QCommandLineParser &parser);
    static Layer layerFromEnvironment(const QProcessEnvironment &env);
    static std::optional<Layer> layerFromIniFile(const QString &path, QString *error);

    // Applies layers in order (later wins) over the defaults; nullopt + *error on a bad value.
    static std::optional<ServerConfig> merge(const QList<Layer> &layers, QString *error);

    // Full resolution as main() does it: --config / CHAT_CONFIG picks the INI file.
    static std::optional<ServerConfig> resolve(const QCommandLineParser &parser,
                                               const QProcessEnvironment &env, QString *error);

    DatabaseUrl resolvedDatabase() const;
    bool tlsEnabled() const { return !tlsCertificate.isEmpty(); }
    QString listenString() const;
};
