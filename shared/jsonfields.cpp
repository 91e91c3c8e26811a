// SPDX-License-Identifier: MIT
#include "jsonfields.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace JsonFields {

namespace {
bool absent(const QJsonObject &json, QLatin1StringView key, bool required, QString *error)
{
    if (required && error)
        *error = u"missing field '%1'"_s.arg(key);
    Q_UNUSED(json);
    return !required;
}
void typeError(QLatin1StringView key, const char *type, QString *error)
{
    if (error)
        *error = u"field '%1' must be %2"_s.arg(key, QLatin1StringView(type));
}
} // namespace

bool readString(const QJsonObject &json, QLatin1StringView key, QString *out, QString *error,
                bool required)
{
    const QJsonValue v = json.value(key);
    if (v.isUndefined() || v.isNull())
        return absent(json, key, required, error);
    if (!v.isString()) {
        typeError(key, "a string", error);
        return false;
    }
    *out = v.toString();
    return true;
}

bool readInt64(const QJsonObject &json, QLatin1StringView key, std::optional<qint64> *out,
               QString *error, bool required)
{
    const QJsonValue v = json.value(key);
    if (v.isUndefined() || v.isNull())
        return absent(json, key, required, error);
    constexpr double kMaxExact = 9007199254740992.0; // 2^53
    const double d = v.toDouble();
    if (!v.isDouble() || std::floor(d) != d || std::fabs(d) > kMaxExact) {
        typeError(key, "an integer", error);
        return false;
    }
    *out = static_cast<qint64>(d);
    return true;
}

bool readBool(const QJsonObject &json, QLatin1StringView key, std::optional<bool> *out,
              QString *error, bool required)
{
    const QJsonValue v = json.value(key);
    if (v.isUndefined() || v.isNull())
        return absent(json, key, required, error);
    if (!v.isBool()) {
        typeError(key, "a boolean", error);
        return false;
    }
    *out = v.toBool();
    return true;
}

} // namespace JsonFields
