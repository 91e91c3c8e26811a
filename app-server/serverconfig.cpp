// SPDX-License-Identifier: MIT
#include "serverconfig.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>

#include <functional>

using namespace Qt::StringLiterals;

namespace {

using Setter = std::function<bool(ServerConfig &, const QString &)>;

bool setInt(int *field, const QString &value, int min, int max)
{
    bool ok = false;
    const int v = value.trimmed().toInt(&ok);
    if (!ok || v < min || v > max)
        return false;
    *field = v;
    return true;
}

bool setBytes(qint64 *field, const QString &value)
{
    bool ok = false;
    const qint64 v = value.trimmed().toLongLong(&ok);
    if (!ok || v < (64 << 10) || v > (qint64(1) << 40))
        return false;
    *field = v;
    return true;
}

bool setListen(ServerConfig &c, const QString &value)
{
    const int colon = value.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    QString host = value.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint port = value.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535)
        return false;
    QHostAddress address;
    if (host == "localhost"_L1)
        address = QHostAddress::LocalHost;
    else if (host == "*"_L1)
        address = QHostAddress::Any;
    else if (!address.setAddress(host))
        return false;
    c.listenAddress = address;
    c.port = quint16(port);
    return true;
}

bool setBool(bool *field, const QString &value)
{
    const QString v = value.trimmed().toLower();
    if (v == "on"_L1 || v == "true"_L1 || v == "1"_L1 || v == "yes"_L1) {
        *field = true;
        return true;
    }
    if (v == "off"_L1 || v == "false"_L1 || v == "0"_L1 || v == "no"_L1) {
        *field = false;
        return true;
    }
    return false;
}

struct Key
{
    const char *name;
    const char *help; // what a bad value should have been
    Setter set;
};

const QList<Key> &allKeys()
{
    static const QList<Key> keys{
        {"listen", "ADDRESS:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080", setListen},
        {"db", "an SQLite file path or postgresql://USER@HOST:PORT/DBNAME",
         [](ServerConfig &c, const QString &v) {
             QString why;
             c.dbPath = v;
             return DatabaseUrl::parse(v, &why).has_value();
         }},
        {"db_password_file", "a file whose first line is the PostgreSQL password",
         [](ServerConfig &c, const QString &v) { c.dbPasswordFile = v; return !v.isEmpty(); }},
        {"log_rules", "QLoggingCategory rules",
         [](ServerConfig &c, const QString &v) { c.logRules = v; return true; }},
        {"open_registration", "on or off",
         [](ServerConfig &c, const QString &v) { return setBool(&c.openRegistration, v); }},
        {"metrics_remote", "on or off",
         [](ServerConfig &c, const QString &v) { return setBool(&c.metricsRemote, v); }},
        {"node_name", "1 to 64 of A-Z a-z 0-9 . _ -",
         [](ServerConfig &c, const QString &v) {
             static const QRegularExpression plain(u"^[A-Za-z0-9._-]{1,64}$"_s);
             if (!plain.match(v.trimmed()).hasMatch())
                 return false;
             c.nodeName = v.trimmed();
             return true;
         }},
        {"max_body_bytes", "an integer from 1 to 1048576",
         [](ServerConfig &c, const QString &v) { return setInt(&c.maxBodyBytes, v, 1, 1 << 20); }},
        {"max_http_body_bytes", "an integer from 1024 to 67108864",
         [](ServerConfig &c, const QString &v) {
             return setInt(&c.maxHttpBodyBytes, v, 1024, 64 << 20);
         }},
        {"max_http_header_bytes", "an integer from 1024 to 1048576",
         [](ServerConfig &c, const QString &v) {
             return setInt(&c.maxHttpHeaderBytes, v, 1024, 1 << 20);
         }},
        {"max_ws_message_bytes", "an integer from 1024 to 67108864",
         [](ServerConfig &c, const QString &v) {
             return setInt(&c.maxWsMessageBytes, v, 1024, 64 << 20);
         }},
        {"send_rate", "a number of messages per second above 0",
         [](ServerConfig &c, const QString &v) {
             bool ok = false;
             const double d = v.trimmed().toDouble(&ok);
             if (!ok || !(d > 0) || d > 1e9)
                 return false;
             c.sendRate = d;
             return true;
         }},
        {"send_burst", "an integer from 1 to 1000000000",
         [](ServerConfig &c, const QString &v) { return setInt(&c.sendBurst, v, 1, 1000000000); }},
        {"ping_interval", "seconds, 1 to 3600",
         [](ServerConfig &c, const QString &v) { return setInt(&c.pingIntervalSecs, v, 1, 3600); }},
        {"presence_room_limit", "a number of members, 0 to 1000000",
         [](ServerConfig &c, const QString &v) { return setInt(&c.presenceRoomLimit, v, 0, 1000000); }},
        {"presence_grace", "seconds, 0 to 300",
         [](ServerConfig &c, const QString &v) { return setInt(&c.presenceGraceSecs, v, 0, 300); }},
        {"ws_cork_ms", "milliseconds, 0 to 100",
         [](ServerConfig &c, const QString &v) { return setInt(&c.wsCorkMs, v, 0, 100); }},
        {"http_idle_timeout", "seconds, 1 to 3600",
         [](ServerConfig &c, const QString &v) {
             return setInt(&c.httpIdleTimeoutSecs, v, 1, 3600);
         }},
        {"http_request_timeout", "seconds, 1 to 3600",
         [](ServerConfig &c, const QString &v) {
             return setInt(&c.httpRequestTimeoutSecs, v, 1, 3600);
         }},
        {"token_ttl_days", "days, 1 to 3650",
         [](ServerConfig &c, const QString &v) { return setInt(&c.tokenTtlDays, v, 1, 3650); }},
        {"max_queued_bytes_per_connection", "bytes, 65536 to 2^40",
         [](ServerConfig &c, const QString &v) { return setBytes(&c.maxQueuedBytesPerConnection, v); }},
        {"max_queued_bytes_per_user", "bytes, 65536 to 2^40",
         [](ServerConfig &c, const QString &v) { return setBytes(&c.maxQueuedBytesPerUser, v); }},
        // At most 1 GiB: QtHttpServer holds a request's body in memory, whole.
        {"max_file_bytes", "bytes, 65536 to 2^30",
         [](ServerConfig &c, const QString &v) {
             qint64 bytes = 0;
             if (!setBytes(&bytes, v) || bytes > (qint64(1) << 30))
                 return false;
             c.maxFileBytes = bytes;
             return true;
         }},
        {"file_quota_bytes", "bytes, 0 (no quota) or 65536 to 2^40",
         [](ServerConfig &c, const QString &v) {
             if (v.trimmed() == "0"_L1) {
                 c.fileQuotaBytes = 0;
                 return true;
             }
             return setBytes(&c.fileQuotaBytes, v);
         }},
        {"max_queued_bytes", "bytes, 65536 to 2^40",
         [](ServerConfig &c, const QString &v) { return setBytes(&c.maxQueuedBytes, v); }},
        {"register_per_hour", "a number of accounts, 1 to 1000000000",
         [](ServerConfig &c, const QString &v) { return setInt(&c.registerPerHour, v, 1, 1000000000); }},
        {"rooms_per_hour", "a number of rooms, 1 to 1000000000",
         [](ServerConfig &c, const QString &v) { return setInt(&c.roomsPerHour, v, 1, 1000000000); }},
        {"max_connections", "a number of connections, 0 (as the file limit allows) to 10000000",
         [](ServerConfig &c, const QString &v) { return setInt(&c.maxConnections, v, 0, 10000000); }},
        {"max_connections_per_address", "a number of connections, 0 (no limit) to 10000000",
         [](ServerConfig &c, const QString &v) {
             return setInt(&c.maxConnectionsPerAddress, v, 0, 10000000);
         }},
        {"tls_cert", "a readable PEM certificate file",
         [](ServerConfig &c, const QString &v) { c.tlsCertificate = v; return !v.isEmpty(); }},
        {"tls_key", "a readable PEM private key file",
         [](ServerConfig &c, const QString &v) { c.tlsKey = v; return !v.isEmpty(); }},
    };
    return keys;
}

QString envName(const QString &key)
{
    return "CHAT_"_L1 + key.toUpper();
}

} // namespace

QStringList ServerConfig::keys()
{
    QStringList out;
    for (const Key &k : allKeys())
        out.append(QString::fromLatin1(k.name));
    return out;
}

void ServerConfig::addCommandLineOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {u"listen"_s, u"Address and port to serve HTTP and WebSocket on (default 127.0.0.1:8080; "
                      "0.0.0.0:8080 accepts other machines)."_s, u"ADDR:PORT"_s},
        {u"db"_s, u"SQLite database file (default <AppDataLocation>/chat.db), or a PostgreSQL "
                  "database: postgresql://USER@HOST:PORT/DBNAME."_s, u"PATH|URL"_s},
        {u"db-password-file"_s, u"File with the PostgreSQL password (else PGPASSWORD or "
                                "~/.pgpass)."_s, u"FILE"_s},
        {u"config"_s, u"INI file with a [server] section; keys as in the README."_s, u"FILE"_s},
        {u"log-rules"_s, u"Logging filter rules, e.g. \"chat.server.*.debug=true\"."_s,
         u"RULES"_s},
        {u"open-registration"_s, u"Allow anyone to create an account (default on)."_s,
         u"on|off"_s},
        {u"tls-cert"_s, u"PEM certificate: serve https and wss only (with --tls-key)."_s,
         u"FILE"_s},
        {u"tls-key"_s, u"PEM private key for --tls-cert."_s, u"FILE"_s},
    });
}

ServerConfig::Layer ServerConfig::layerFromCommandLine(const QCommandLineParser &parser)
{
    Layer layer;
    const QList<std::pair<QString, QString>> map{{u"listen"_s, u"listen"_s},
                                                 {u"db"_s, u"db"_s},
                                                 {u"db-password-file"_s, u"db_password_file"_s},
                                                 {u"log-rules"_s, u"log_rules"_s},
                                                 {u"open-registration"_s, u"open_registration"_s},
                                                 {u"tls-cert"_s, u"tls_cert"_s},
                                                 {u"tls-key"_s, u"tls_key"_s}};
    for (const auto &[option, key] : map) {
        if (parser.isSet(option))
            layer.insert(key, parser.value(option));
    }
    return layer;
}

ServerConfig::Layer ServerConfig::layerFromEnvironment(const QProcessEnvironment &env)
{
    Layer layer;
    for (const QString &key : keys()) {
        const QString name = envName(key);
        if (env.contains(name))
            layer.insert(key, env.value(name));
    }
    return layer;
}

std::optional<ServerConfig::Layer> ServerConfig::layerFromIniFile(const QString &path,
                                                                  QString *error)
{
    if (!QFileInfo(path).isReadable()) {
        *error = u"cannot read config file %1"_s.arg(path);
        return std::nullopt;
    }
    QSettings ini(path, QSettings::IniFormat);
    if (ini.status() != QSettings::NoError) {
        *error = u"config file %1 is not valid INI"_s.arg(path);
        return std::nullopt;
    }
    Layer layer;
    ini.beginGroup(u"server"_s);
    const QStringList known = keys();
    for (const QString &key : ini.childKeys()) {
        if (!known.contains(key)) {
            *error = u"config file %1: unknown key '%2' (known: %3)"_s.arg(path, key,
                                                                          known.join(u", "_s));
            return std::nullopt;
        }
        // QSettings splits unquoted values on commas into a list; join them back.
        const QVariant v = ini.value(key);
        layer.insert(key, v.typeId() == QMetaType::QStringList ? v.toStringList().join(u',')
                                                               : v.toString());
    }
    return layer;
}

std::optional<ServerConfig> ServerConfig::merge(const QList<Layer> &layers, QString *error)
{
    ServerConfig config;
    for (const Layer &layer : layers) {
        for (auto it = layer.cbegin(); it != layer.cend(); ++it) {
            const auto &keys = allKeys();
            const auto key = std::find_if(keys.cbegin(), keys.cend(), [&](const Key &k) {
                return it.key() == QLatin1StringView(k.name);
            });
            if (key == keys.cend()) {
                *error = u"unknown setting '%1'"_s.arg(it.key());
                return std::nullopt;
            }
            if (!key->set(config, it.value())) {
                *error = u"bad value '%1' for %2: expected %3"_s.arg(
                        it.value(), it.key(), QLatin1StringView(key->help));
                return std::nullopt;
            }
        }
    }
    if (config.tlsCertificate.isEmpty() != config.tlsKey.isEmpty()) {
        *error = u"tls_cert and tls_key go together: give both or neither"_s;
        return std::nullopt;
    }
    return config;
}

std::optional<ServerConfig> ServerConfig::resolve(const QCommandLineParser &parser,
                                                  const QProcessEnvironment &env, QString *error)
{
    QList<Layer> layers;
    const QString file = parser.isSet(u"config"_s) ? parser.value(u"config"_s)
                                                    : env.value(u"CHAT_CONFIG"_s);
    if (!file.isEmpty()) {
        auto ini = layerFromIniFile(file, error);
        if (!ini)
            return std::nullopt;
        layers.append(*ini);
    }
    layers.append(layerFromEnvironment(env));
    layers.append(layerFromCommandLine(parser));
    return merge(layers, error);
}

DatabaseUrl ServerConfig::resolvedDatabase() const
{
    QString unused;
    if (!dbPath.isEmpty()) {
        if (auto url = DatabaseUrl::parse(dbPath, &unused))
            return *url; // merge() let only parseable values in
    }
    DatabaseUrl url;
    url.path = QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                       .filePath(u"chat.db"_s);
    return url;
}

QString ServerConfig::listenString() const
{
    const QString host = listenAddress.protocol() == QAbstractSocket::IPv6Protocol
            ? u"[%1]"_s.arg(listenAddress.toString())
            : listenAddress.toString();
    return u"%1:%2"_s.arg(host).arg(port);
}
