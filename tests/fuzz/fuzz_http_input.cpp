// SPDX-License-Identifier: MIT
// Fuzz target: what the HTTP handlers parse from a request — every JSON body type, the history
// query string, and the head scan of the connection guard. A request that is accepted must satisfy
// the rules the handlers rely on.
#include "fuzztargets.h"

#include "http/requestparsing.h"
#include "validation.h"

#include <cstdlib>

namespace {
template<typename T>
void body(const QByteArray &input)
{
    const auto parsed = RequestParsing::parseBody<T>(input);
    if (const auto *error = std::get_if<ApiError>(&parsed); error && error->code == ErrorCode::Unknown)
        std::abort();
}
} // namespace

int fuzzHttpInput(const uint8_t *data, size_t size)
{
    const QByteArray input = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    body<Credentials>(input);
    body<CreateRoomRequest>(input);
    body<InviteRequest>(input);
    const auto post = RequestParsing::parseEventPost(input, 4096);
    if (const auto *p = std::get_if<EventSubmission>(&post)) {
        QString why;
        if (!Validation::isValidClientId(p->clientId)
            || (EventKinds::hasBody(p->kind) && Validation::bodyError(p->body, 4096))
            || p->kind == EventKind::Member || p->kind == EventKind::Unknown
            || EventKinds::fieldsError(p->kind, p->fields, &why))
            std::abort();
    }
    const auto credentials = RequestParsing::parseBody<Credentials>(input);
    if (const auto *c = std::get_if<Credentials>(&credentials)) {
        if (!Validation::isValidUserName(c->username))
            std::abort();
    }
    const auto query = RequestParsing::parseHistoryQuery(QStringLiteral("general"),
                                                         QUrlQuery(QString::fromUtf8(input)));
    if (const auto *q = std::get_if<HistoryQuery>(&query)) {
        if (q->limit < 1 || q->limit > 200 || (q->after && q->before) || (q->after && *q->after < 0)
            || (q->before && *q->before < 0))
            std::abort();
    }
    // A search that parses is 1-16 terms of letters and digits only: what goes into the FTS5 and
    // tsquery strings can never be read as their syntax.
    const auto search = RequestParsing::parseSearchQuery(QUrlQuery(QString::fromUtf8(input)));
    if (const auto *s = std::get_if<SearchRequest>(&search)) {
        const auto &terms = s->query.terms();
        if (terms.isEmpty() || terms.size() > SearchQuery::kMaxTerms || s->limit < 1
            || s->limit > RequestParsing::kMaxSearchPage)
            std::abort();
        for (const SearchQuery::Term &t : terms) {
            if (t.words.isEmpty() || (t.prefix && t.words.constLast().size() < 2))
                std::abort();
            for (const QString &w : t.words) {
                for (const QChar c : w) {
                    if (!c.isLetterOrNumber())
                        std::abort();
                }
            }
        }
        if (s->query.toFts5().count(u'"') != 2 * terms.size())
            std::abort();
    }
    // A range that parses lies inside the file; an unsatisfiable one is never also a range.
    for (const qint64 size : {qint64(0), qint64(1), qint64(1000), qint64(1) << 40}) {
        bool unsatisfiable = false;
        const auto range = RequestParsing::parseRange(input, size, &unsatisfiable);
        if (range && (unsatisfiable || range->offset < 0 || range->length < 1
                      || range->offset + range->length > size))
            std::abort();
    }
    // A head that passes the checks has a usable length and, if it upgrades, a GET of /ws.
    const RequestParsing::RequestHead head = RequestParsing::readHead(input, "/ws");
    if (!head.problem
        && (head.bodyLength < -1 || (head.webSocketUpgrade && !input.trimmed().startsWith("GET /ws"))))
        std::abort();
    return 0;
}

#ifdef CHAT_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzzHttpInput(data, size);
}
#endif
