// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QList>
#include <QStringList>

// What a chat-admin listing prints: rows of named fields, as an aligned table for a person or,
// with --json, as a JSON array for a script (field names are the JSON keys).
class Report
{
public:
    // columns: the JSON keys, in the order the table shows them.
    explicit Report(QStringList columns) : m_columns(std::move(columns)) {}
    void add(const QJsonObject &row) { m_rows.append(row); }
    QByteArray text(bool json) const;

private:
    QStringList m_columns;
    QList<QJsonObject> m_rows;
};
