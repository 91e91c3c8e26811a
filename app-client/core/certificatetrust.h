// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QList>
#include <QSslCertificate>
#include <QSslError>
#include <QString>

// Certificates the user chose to trust although they do not verify (self-signed ones), remembered
// per server (host:port) by SHA-256 fingerprint. Anything else that fails verification is refused.
class CertificateTrust
{
public:
    // file: an INI file to remember decisions in; empty = the application's QSettings.
    explicit CertificateTrust(const QString &file = {});

    bool isTrusted(const QString &server, const QSslCertificate &certificate) const;
    void trust(const QString &server, const QSslCertificate &certificate);

    static QString fingerprint(const QSslCertificate &certificate); // "AB:CD:…"
    // What is wrong, in plain words, for the user.
    static QString describe(const QList<QSslError> &errors, const QSslCertificate &certificate);

private:
    QString m_file;
};

// A certificate that failed verification, as offered to the user.
struct CertificateProblem
{
    QString server; // host:port
    QSslCertificate certificate;
    QString description;
};
Q_DECLARE_METATYPE(CertificateProblem)
