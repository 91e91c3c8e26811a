// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

// Typed reads of JSON object fields with one clear error per missing or mistyped field.
// Each returns false and fills *error ("field 'x' must be a string") when the field is
// unusable; optional fields that are absent (or null) leave *out untouched and return true.
namespace JsonFields {

bool readString(const QJsonObject &json, QLatin1StringView key, QString *out, QString *error,
                bool required = true);
// Integers travel as JSON numbers; accepts only whole numbers within ±2^53.
bool readInt64(const QJsonObject &json, QLatin1StringView key, std::optional<qint64> *out,
               QString *error, bool required = true);
bool readBool(const QJsonObject &json, QLatin1StringView key, std::optional<bool> *out,
              QString *error, bool required = true);

} // namespace JsonFields
