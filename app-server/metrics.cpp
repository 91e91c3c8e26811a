// SPDX-License-Identifier: MIT
#include "metrics.h"

using namespace Qt::StringLiterals;

namespace {
QString number(double v)
{
    return QString::number(v, 'g', 12);
}
} // namespace

void Metrics::Histogram::observe(double value)
{
    qsizetype i = 0;
    while (i < m_bounds.size() && value > m_bounds.at(i))
        ++i;
    ++m_counts[size_t(i)];
    m_sum += value;
    ++m_count;
}

quint64 &Metrics::counter(const QString &name, const QString &help)
{
    m_counters.push_back(std::make_unique<Counter>(Counter{u"chat_"_s + name, help, 0}));
    return m_counters.back()->value;
}

Metrics::Histogram &Metrics::histogram(const QString &name, const QString &help, QList<double> bounds)
{
    m_histograms.push_back(std::make_unique<NamedHistogram>(
            NamedHistogram{u"chat_"_s + name, help, Histogram(std::move(bounds))}));
    return m_histograms.back()->histogram;
}

void Metrics::gauge(const QString &name, const QString &help, std::function<double()> read)
{
    m_gauges.push_back({u"chat_"_s + name, help, std::move(read)});
}

void Metrics::counterOf(const QString &name, const QString &help, std::function<double()> read)
{
    m_gauges.push_back({u"chat_"_s + name, help, std::move(read), "counter"});
}

QList<double> Metrics::latencyBounds()
{
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
}

QList<double> Metrics::sizeBounds()
{
    return {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
}

QByteArray Metrics::render() const
{
    QString out;
    const QString node = u"node=\"%1\""_s.arg(m_node); // a name of [A-Za-z0-9._-]: no escaping
    auto head = [&out](const QString &name, const QString &help, const char *type) {
        out += u"# HELP %1 %2\n# TYPE %1 %3\n"_s.arg(name, help, QLatin1StringView(type));
    };
    for (const auto &c : m_counters) {
        head(c->name, c->help, "counter");
        out += u"%1{%2} %3\n"_s.arg(c->name, node).arg(c->value);
    }
    for (const Gauge &g : m_gauges) {
        head(g.name, g.help, g.type);
        out += u"%1{%2} %3\n"_s.arg(g.name, node, number(g.read()));
    }
    for (const auto &h : m_histograms) {
        head(h->name, h->help, "histogram");
        quint64 cumulative = 0;
        for (qsizetype i = 0; i <= h->histogram.m_bounds.size(); ++i) {
            cumulative += h->histogram.m_counts[size_t(i)];
            const QString le = i < h->histogram.m_bounds.size() ? number(h->histogram.m_bounds.at(i))
                                                                 : u"+Inf"_s;
            out += u"%1_bucket{%2,le=\"%3\"} %4\n"_s.arg(h->name, node, le).arg(cumulative);
        }
        out += u"%1_sum{%2} %3\n"_s.arg(h->name, node, number(h->histogram.m_sum));
        out += u"%1_count{%2} %3\n"_s.arg(h->name, node).arg(h->histogram.m_count);
    }
    return out.toUtf8();
}
