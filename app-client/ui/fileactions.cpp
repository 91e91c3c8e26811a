// SPDX-License-Identifier: MIT
#include "fileactions.h"

#include "chatclient.h"
#include "filetransfers.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QMimeData>
#include <QPixmap>
#include <QProgressBar>
#include <QProgressDialog>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 kMaxViewBytes = 64 << 20; // an image shown in full is fetched into memory

bool hasLocalFiles(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls())
        return false;
    const QList<QUrl> urls = mime->urls();
    return std::any_of(urls.cbegin(), urls.cend(), [](const QUrl &u) { return u.isLocalFile(); });
}
} // namespace

FileActions::FileActions(ChatClient *client, QWidget *dropTarget, QObject *parent)
    : QObject(parent),
      m_client(client),
      m_window(dropTarget),
      m_bar(new QWidget),
      m_rows(new QVBoxLayout(m_bar)),
      m_attach(new QToolButton)
{
    m_rows->setContentsMargins(6, 0, 6, 0);
    m_rows->setSpacing(2);
    m_bar->hide();
    m_attach->setIcon(QIcon::fromTheme(u"mail-attachment"_s));
    if (m_attach->icon().isNull())
        m_attach->setText(u"\U0001F4CE"_s); // 📎
    m_attach->setAutoRaise(true);
    m_attach->setToolTip(tr("Attach a file (or drop files on the window)"));
    m_attach->setAccessibleName(tr("Attach a file"));
    connect(m_attach, &QToolButton::clicked, this, &FileActions::attach);
    takeDrops(dropTarget);

    FileTransfers *files = client->files();
    connect(files, &FileTransfers::progress, this, [this](const QString &id, qint64 done, qint64 total) {
        const auto it = m_uploads.constFind(id);
        if (it == m_uploads.cend() || total <= 0)
            return;
        it->progress->setMaximum(1000);
        it->progress->setValue(int(done * 1000 / total));
        it->progress->setFormat(tr("%1 of %2").arg(Files::sizeText(done), Files::sizeText(total)));
    });
    connect(files, &FileTransfers::uploaded, this, [this](const QString &id) { removeRow(id); });
    connect(files, &FileTransfers::failed, this, [this](const QString &id, const QString &message) {
        removeRow(id);
        emit problem(message);
    });
}

void FileActions::takeDrops(QWidget *widget)
{
    widget->setAcceptDrops(true);
    widget->installEventFilter(this);
    m_dropTargets.append(widget);
    connect(widget, &QObject::destroyed, this, [this, widget] { m_dropTargets.removeAll(widget); });
}

void FileActions::attach()
{
    if (m_room.isEmpty())
        return;
    QString folder = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    if (!QFileInfo(folder).isDir())
        folder = QDir::homePath();
    const QStringList paths = QFileDialog::getOpenFileNames(m_window, tr("Send files"), folder);
    QList<QUrl> urls;
    for (const QString &path : paths)
        urls.append(QUrl::fromLocalFile(path));
    send(urls);
}

void FileActions::send(const QList<QUrl> &files)
{
    if (!m_client || m_room.isEmpty())
        return;
    for (const QUrl &url : files) {
        if (!url.isLocalFile() || QFileInfo(url.toLocalFile()).isDir())
            continue;
        const QString id = m_client->sendFile(m_room, url.toLocalFile());
        if (!id.isEmpty())
            addRow(id, QFileInfo(url.toLocalFile()).fileName());
    }
}

void FileActions::addRow(const QString &transferId, const QString &name)
{
    Row row;
    row.widget = new QWidget(m_bar);
    auto *layout = new QHBoxLayout(row.widget);
    layout->setContentsMargins(0, 0, 0, 0);
    row.label = new QLabel(tr("Sending %1").arg(name), row.widget);
    row.label->setTextFormat(Qt::PlainText);
    row.progress = new QProgressBar(row.widget);
    row.progress->setRange(0, 0); // busy until the first progress
    row.progress->setTextVisible(true);
    row.progress->setAccessibleName(tr("Sending %1").arg(name));
    auto *cancel = new QToolButton(row.widget);
    cancel->setText(tr("Cancel"));
    cancel->setAutoRaise(true);
    layout->addWidget(row.label);
    layout->addWidget(row.progress, 1);
    layout->addWidget(cancel);
    connect(cancel, &QToolButton::clicked, this, [this, transferId] {
        if (m_client)
            m_client->files()->cancel(transferId);
        removeRow(transferId);
    });
    m_rows->addWidget(row.widget);
    m_uploads.insert(transferId, row);
    m_bar->show();
}

void FileActions::removeRow(const QString &transferId)
{
    const Row row = m_uploads.take(transferId);
    if (row.widget)
        row.widget->deleteLater();
    if (m_uploads.isEmpty())
        m_bar->hide();
}

QList<QProgressBar *> FileActions::progressBars() const
{
    QList<QProgressBar *> out;
    for (const Row &row : m_uploads)
        out.append(row.progress);
    return out;
}

void FileActions::open(const FileInfo &file)
{
    if (file.isImage())
        showImage(file);
    else
        saveAs(file);
}

void FileActions::saveAs(const FileInfo &file)
{
    if (!m_client || file.id.isEmpty())
        return;
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DownloadLocation);
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Save file"),
                                                      QDir(folder).filePath(file.name));
    if (path.isEmpty())
        return;
    FileTransfers *files = m_client->files();
    const QString id = files->download(file, path);
    if (!files->isActive(id))
        return; // failed at once (told through failed)
    auto *dialog = new QProgressDialog(tr("Saving %1\u2026").arg(file.name), tr("Cancel"), 0, 1000, m_window);
    dialog->setWindowTitle(tr("Saving"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setMinimumDuration(300);
    dialog->setAutoClose(false);
    dialog->setAutoReset(false);
    connect(dialog, &QProgressDialog::canceled, files, [files, id] { files->cancel(id); });
    connect(files, &FileTransfers::progress, dialog, [dialog, id](const QString &which, qint64 done, qint64 total) {
        if (which == id && total > 0)
            dialog->setValue(int(done * 1000 / total));
    });
    auto finished = [dialog, id](const QString &which) {
        if (which == id)
            dialog->close();
    };
    connect(files, &FileTransfers::downloaded, dialog, [this, finished, id](const QString &which, const QString &saved) {
        finished(which);
        if (which == id)
            emit notice(tr("Saved %1").arg(QDir::toNativeSeparators(saved)));
    });
    connect(files, &FileTransfers::failed, dialog, finished);
}

void FileActions::showImage(const FileInfo &file)
{
    if (!m_client)
        return;
    auto *dialog = new QDialog(m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(file.name);
    auto *layout = new QVBoxLayout(dialog);
    auto *image = new QLabel(tr("Loading %1\u2026").arg(file.name));
    image->setAlignment(Qt::AlignCenter);
    image->setTextFormat(Qt::PlainText);
    auto *scroll = new QScrollArea;
    scroll->setWidget(image);
    scroll->setWidgetResizable(true);
    scroll->setAlignment(Qt::AlignCenter);
    layout->addWidget(scroll, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QPushButton *save = buttons->addButton(tr("Save as\u2026"), QDialogButtonBox::ActionRole);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    connect(save, &QPushButton::clicked, this, [this, file] { saveAs(file); });
    // As big as the image, within most of the screen.
    const QSize screen = (m_window->screen() ? m_window->screen()->availableSize() : QSize(1280, 800)) * 0.85;
    const QSize fitted = QSize(file.width, file.height).boundedTo(screen - QSize(40, 80)).expandedTo(QSize(240, 160));
    dialog->resize(fitted + QSize(40, 80));
    dialog->show();
    m_client->files()->fetch(file, kMaxViewBytes, image, [image, fitted](const QString &error, const QByteArray &bytes) {
        QImage picture;
        if (!error.isEmpty() || !picture.loadFromData(bytes)) {
            image->setText(error.isEmpty() ? QObject::tr("This image cannot be shown.") : error);
            return;
        }
        const QPixmap pixmap = QPixmap::fromImage(picture);
        image->setPixmap(pixmap.size().boundedTo(fitted) == pixmap.size()
                                 ? pixmap
                                 : pixmap.scaled(fitted, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    });
}

bool FileActions::eventFilter(QObject *watched, QEvent *event)
{
    if (m_dropTargets.contains(watched)) {
        if (event->type() == QEvent::DragEnter || event->type() == QEvent::DragMove) {
            auto *drag = static_cast<QDragMoveEvent *>(event);
            if (!m_room.isEmpty() && hasLocalFiles(drag->mimeData())) {
                drag->acceptProposedAction();
                return true;
            }
        } else if (event->type() == QEvent::Drop) {
            auto *drop = static_cast<QDropEvent *>(event);
            if (!m_room.isEmpty() && hasLocalFiles(drop->mimeData())) {
                drop->acceptProposedAction();
                send(drop->mimeData()->urls());
                return true;
            }
        }
    }
    return QObject::eventFilter(watched, event);
}
