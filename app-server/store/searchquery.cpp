// SPDX-License-Identifier: MIT
#include "searchquery.h"


using namespace Qt::StringLiterals;

namespace {
// Runs of letters and digits; everything else separates them.
QStringList wordsOf(QStringView text)
{
    QStringList out;
    QString word;
    for (const QChar c : text) {
        if (c.isLetterOrNumber()) {
            word += c;
        } else if (!word.isEmpty()) {
            out.append(word);
            word.clear();
        }
    }
    if (!word.isEmpty())
        out.append(word);
    return out;
}
} // namespace

std::optional<SearchQuery> SearchQuery::parse(const QString &input, QString *error)
{
    auto refuse = [error](const QString &why) -> std::optional<SearchQuery> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const QString text = input.normalized(QString::NormalizationForm_C);
    if (text.size() > kMaxLength)
        return refuse(u"the search is longer than %1 characters"_s.arg(kMaxLength));
    SearchQuery query;
    qsizetype i = 0;
    while (i < text.size()) {
        if (text.at(i).isSpace()) {
            ++i;
            continue;
        }
        Term term;
        if (text.at(i) == u'"') {
            const qsizetype close = text.indexOf(u'"', i + 1);
            if (close < 0)
                return refuse(u"a quote is not closed"_s);
            term.words = wordsOf(QStringView(text).sliced(i + 1, close - i - 1));
            i = close + 1;
            if (i < text.size() && text.at(i) == u'*') {
                term.prefix = true;
                ++i;
            }
        } else {
            qsizetype end = i;
            while (end < text.size() && !text.at(end).isSpace() && text.at(end) != u'"')
                ++end;
            QStringView bare = QStringView(text).sliced(i, end - i);
            i = end;
            if (bare.endsWith(u'*')) {
                term.prefix = true;
                bare.chop(1);
            }
            term.words = wordsOf(bare);
        }
        if (term.words.isEmpty()) {
            if (term.prefix)
                return refuse(u"a * goes after the start of a word (at least 2 letters)"_s);
            continue; // only punctuation: nothing to look for
        }
        if (term.prefix && term.words.constLast().size() < 2)
            return refuse(u"a * goes after the start of a word (at least 2 letters)"_s);
        query.m_terms.append(term);
        if (query.m_terms.size() > kMaxTerms)
            return refuse(u"the search has more than %1 words or phrases"_s.arg(kMaxTerms));
    }
    if (query.m_terms.isEmpty())
        return refuse(u"the search has no words to look for"_s);
    return query;
}

QString SearchQuery::toFts5() const
{
    // Quoted strings only, so no word is ever read as an operator (AND, NOT, NEAR, column:).
    QStringList parts;
    for (const Term &t : m_terms)
        parts.append(u'"' + t.words.join(u' ') + u'"' + (t.prefix ? u"*"_s : QString()));
    return parts.join(u' ');
}

QString SearchQuery::toTsQuery() const
{
    // Words are letters and digits only: quoting them needs no escaping.
    QStringList parts;
    for (const Term &t : m_terms) {
        QStringList words;
        for (const QString &w : t.words)
            words.append(u'\'' + w.toLower() + u'\'');
        if (t.prefix)
            words.last() += u":*"_s;
        parts.append(words.size() > 1 ? u'(' + words.join(u" <-> "_s) + u')' : words.constFirst());
    }
    return parts.join(u" & "_s);
}
