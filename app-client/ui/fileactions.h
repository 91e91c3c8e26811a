// SPDX-License-Identifier: MIT
#pragma once

#include "fileinfo.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QUrl>

class ChatClient;
class QLabel;
class QProgressBar;
class QToolButton;
class QVBoxLayout;
class QWidget;

// Files in the conversation, as a person handles them: the paperclip button (or dropping files
// on the window) uploads them to the open room, each with a progress bar and Cancel above the
// composer, then sends them as messages; clicking an image in the timeline shows it in full,
// clicking any other file asks where to save it and shows the download's progress.
class FileActions : public QObject
{
    Q_OBJECT
public:
    // Drops are taken on dropTarget (the window).
    FileActions(ChatClient *client, QWidget *dropTarget, QObject *parent = nullptr);

    QWidget *bar() const { return m_bar; }              // uploads under way, above the composer
    QToolButton *attachButton() const { return m_attach; }
    void setRoom(const QString &room) { m_room = room; }
    // Files dropped on widget are sent too (before it takes them, e.g. as text in an editor).
    void takeDrops(QWidget *widget);

    void attach();                       // a file dialog; the chosen files are sent
    void send(const QList<QUrl> &files); // local files, e.g. dropped
    void open(const FileInfo &file);     // an image: full view; else Save as…
    void saveAs(const FileInfo &file);
    // The upload rows shown now (for tests): transfer id -> its progress bar.
    QList<QProgressBar *> progressBars() const;

signals:
    void problem(const QString &message);
    void notice(const QString &message);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Row
    {
        QWidget *widget = nullptr;
        QLabel *label = nullptr;
        QProgressBar *progress = nullptr;
    };
    void addRow(const QString &transferId, const QString &name);
    void removeRow(const QString &transferId);
    void showImage(const FileInfo &file);

    QPointer<ChatClient> m_client;
    QWidget *m_window;
    QWidget *m_bar;
    QVBoxLayout *m_rows;
    QToolButton *m_attach;
    QString m_room;
    QHash<QString, Row> m_uploads; // transfer id -> its row
    QList<QObject *> m_dropTargets;
};
