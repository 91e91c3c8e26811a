// SPDX-License-Identifier: MIT
#include "mentions.h"

namespace {
bool isNameChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
            || c == u'_' || c == u'.' || c == u'-';
}
} // namespace

namespace Mentions {

qsizetype find(const QString &body, const QString &user, qsizetype from, qsizetype *length)
{
    if (user.isEmpty())
        return -1;
    const QString needle = u'@' + user;
    for (qsizetype at = body.indexOf(needle, from, Qt::CaseInsensitive); at >= 0;
         at = body.indexOf(needle, at + 1, Qt::CaseInsensitive)) {
        if (at > 0 && isNameChar(body.at(at - 1)))
            continue; // mail@bob…, a@@bob
        const qsizetype end = at + needle.size();
        // A name may end at a '.' that ends the sentence ("thanks @bob."), not at one inside a
        // longer name ("@bob.smith").
        const bool longer = end < body.size() && isNameChar(body.at(end))
                && !(body.at(end) == u'.' && (end + 1 == body.size() || !isNameChar(body.at(end + 1))));
        if (longer)
            continue;
        if (length)
            *length = needle.size();
        return at;
    }
    return -1;
}

bool mentions(const QString &body, const QString &user)
{
    return find(body, user, 0, nullptr) >= 0;
}

} // namespace Mentions
