// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

// What GET /metrics shows, in Prometheus' text format: counters and histograms the parts of
// the server add to as they work (plain integer arithmetic, main thread only), and gauges read
// when scraped. Every name is prefixed chat_ and every sample carries node="…" (servers sharing
// one database are told apart).
class Metrics
{
public:
    class Histogram
    {
    public:
        void observe(double value);

    private:
        friend class Metrics;
        explicit Histogram(QList<double> bounds) : m_bounds(std::move(bounds)), m_counts(m_bounds.size() + 1) {}
        QList<double> m_bounds;       // upper bounds, ascending; +Inf after them
        std::vector<quint64> m_counts; // per bucket (not cumulative)
        double m_sum = 0;
        quint64 m_count = 0;
    };

    explicit Metrics(const QString &node) : m_node(node) {}
    Metrics(const Metrics &) = delete;
    Metrics &operator=(const Metrics &) = delete;

    // Returned references live as long as this registry.
    quint64 &counter(const QString &name, const QString &help);
    Histogram &histogram(const QString &name, const QString &help, QList<double> bounds);
    void gauge(const QString &name, const QString &help, std::function<double()> read);
    // A counter kept elsewhere (a total since start), read when scraped.
    void counterOf(const QString &name, const QString &help, std::function<double()> read);

    static QList<double> latencyBounds(); // seconds: 0.5 ms to 10 s
    static QList<double> sizeBounds();    // counts: 1 to 1000

    QByteArray render() const;
    const QString &node() const { return m_node; }

private:
    struct Counter
    {
        QString name, help;
        quint64 value = 0;
    };
    struct NamedHistogram
    {
        QString name, help;
        Histogram histogram;
    };
    struct Gauge
    {
        QString name, help;
        std::function<double()> read;
        const char *type = "gauge";
    };
    QString m_node;
    // deque-like stability: elements are never moved once added (unique_ptr)
    std::vector<std::unique_ptr<Counter>> m_counters;
    std::vector<std::unique_ptr<NamedHistogram>> m_histograms;
    std::vector<Gauge> m_gauges;
};
