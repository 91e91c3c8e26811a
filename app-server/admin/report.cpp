// SPDX-License-Identifier: MIT
#include "report.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

QString cell(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool() ? u"yes"_s : u"no"_s;
    case QJsonValue::Double:
        return QString::number(value.toInteger());
    case QJsonValue::String:
        return value.toString().isEmpty() ? u"-"_s : value.toString();
    default:
        return u"-"_s;
    }
}

} // namespace

QByteArray Report::text(bool json) const
{
    if (json) {
        QJsonArray rows;
        for (const QJsonObject &row : m_rows)
            rows.append(row);
        return QJsonDocument(rows).toJson(QJsonDocument::Indented);
    }
    QList<QStringList> table{m_columns};
    for (const QJsonObject &row : m_rows) {
        QStringList cells;
        for (const QString &column : m_columns)
            cells << cell(row.value(column));
        table << cells;
    }
    QList<qsizetype> widths(m_columns.size(), 0);
    for (const QStringList &cells : table) {
        for (qsizetype i = 0; i < cells.size(); ++i)
            widths[i] = std::max(widths[i], cells[i].size());
    }
    QString out;
    for (const QStringList &cells : table) {
        QString line;
        for (qsizetype i = 0; i < cells.size(); ++i)
            line += i + 1 < cells.size() ? cells[i].leftJustified(widths[i] + 2) : cells[i];
        out += line + u'\n';
    }
    return out.toUtf8();
}
