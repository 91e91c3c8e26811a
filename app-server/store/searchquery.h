// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// What a user typed into search, understood the same way on both backends (docs/protocol.md,
// "Search"): words, all of which must be there (in any order); "a quoted phrase", its words next
// to each other in that order; a word ending in * matches the words it begins (at least 2
// letters before the *). Case and accents do not count (cafe finds Café). Words are runs of
// letters and digits: "e-mail" is the phrase "e mail". Anything else (a quote left open, a lone *,
// nothing but punctuation, too many words) is refused with a reason in words.
class SearchQuery
{
public:
    struct Term
    {
        QStringList words; // one word, or a phrase's words in order
        bool prefix = false; // the last word is a prefix
    };

    static constexpr int kMaxTerms = 16;
    static constexpr int kMaxLength = 256; // characters of the query

    static std::optional<SearchQuery> parse(const QString &text, QString *error);

    const QList<Term> &terms() const { return m_terms; }
    // For SQLite FTS5 MATCH: "word" "a phrase" "pre"* (the tokenizer folds case and accents).
    QString toFts5() const;
    // For PostgreSQL to_tsquery('simple', unaccent(…)): 'word' & 'a' <-> 'phrase' & 'pre':*.
    // Lower-cased here; accents are taken off by unaccent in the statement.
    QString toTsQuery() const;

private:
    QList<Term> m_terms;
};
