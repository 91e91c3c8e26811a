// SPDX-License-Identifier: MIT
#include "passwordhasher.h"

#include <QCryptographicHash>

#include <sodium.h>

namespace PasswordHasher {

bool initialize()
{
    return sodium_init() >= 0;
}

QByteArray hash(const QString &password)
{
    const QByteArray utf8 = password.toUtf8();
    QByteArray out(crypto_pwhash_STRBYTES, '\0');
    if (crypto_pwhash_str(out.data(), utf8.constData(), quint64(utf8.size()),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE)
        != 0)
        return {};
    out.truncate(qstrnlen(out.constData(), out.size()));
    return out;
}

bool verify(const QByteArray &hash, const QString &password)
{
    const QByteArray utf8 = password.toUtf8();
    const QByteArray terminated = hash + '\0';
    return crypto_pwhash_str_verify(terminated.constData(), utf8.constData(),
                                    quint64(utf8.size()))
            == 0;
}

QString newToken()
{
    QByteArray raw(32, '\0');
    randombytes_buf(raw.data(), size_t(raw.size()));
    return QString::fromLatin1(
            raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QByteArray tokenDigest(const QString &token)
{
    return QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256);
}

} // namespace PasswordHasher
