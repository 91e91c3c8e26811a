// SPDX-License-Identifier: MIT
#include "certificatetrust.h"

#include <QSettings>

#include <memory>

using namespace Qt::StringLiterals;

namespace {
std::unique_ptr<QSettings> open(const QString &file)
{
    return file.isEmpty() ? std::make_unique<QSettings>()
                          : std::make_unique<QSettings>(file, QSettings::IniFormat);
}
QString key(const QString &server)
{
    return u"trusted-certificates/"_s + QString(server).replace(u':', u'_');
}
} // namespace

CertificateTrust::CertificateTrust(const QString &file) : m_file(file)
{
}

QString CertificateTrust::fingerprint(const QSslCertificate &certificate)
{
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

bool CertificateTrust::isTrusted(const QString &server, const QSslCertificate &certificate) const
{
    if (certificate.isNull())
        return false;
    return open(m_file)->value(key(server)).toString() == fingerprint(certificate);
}

void CertificateTrust::trust(const QString &server, const QSslCertificate &certificate)
{
    auto settings = open(m_file);
    settings->setValue(key(server), fingerprint(certificate));
    settings->sync();
}

QString CertificateTrust::describe(const QList<QSslError> &errors, const QSslCertificate &certificate)
{
    QStringList reasons;
    for (const QSslError &e : errors) {
        switch (e.error()) {
        case QSslError::SelfSignedCertificate:
        case QSslError::SelfSignedCertificateInChain:
            reasons << u"it is self-signed"_s;
            break;
        case QSslError::CertificateExpired:
            reasons << u"it has expired"_s;
            break;
        case QSslError::CertificateNotYetValid:
            reasons << u"it is not valid yet"_s;
            break;
        case QSslError::HostNameMismatch:
            reasons << u"it was issued for another name (%1)"_s.arg(
                    certificate.subjectInfo(QSslCertificate::CommonName).join(u", "_s));
            break;
        case QSslError::UnableToGetLocalIssuerCertificate:
        case QSslError::UnableToVerifyFirstCertificate:
        case QSslError::CertificateUntrusted:
            reasons << u"no authority this computer trusts has signed it"_s;
            break;
        default:
            reasons << e.errorString();
            break;
        }
    }
    reasons.removeDuplicates();
    return u"The server's certificate cannot be verified: %1. Its SHA-256 fingerprint is %2."_s.arg(
            reasons.join(u"; "_s), fingerprint(certificate));
}
