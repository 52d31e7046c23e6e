// The main window's files: projects (open, save, autosave, recovery), recent files, the demo, dropped
// and pasted files, settings from a PNG, and the bridge to the annotator's dataset.
#include "mainwindow.h"

#include "annotatepanel.h"
#include "annotation.h"

#include "canvas.h"
#include "collagespinbox.h"
#include "composition.h"
#include "gallery.h"
#include "logdock.h"
#include "project.h"
#include "loghub.h"
#include "subjectspanel.h"
#include "teardown.h"

#include <mosaic/log.h>
#include <mosaic/runtime.h>
#include <mosaic/version.h>

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>

#include <tuple>

namespace ui {

QString MainWindow::findDemo()
{
    if (const std::string found = mosaic::findDataFile("demo/demo.json"); !found.empty())
        return QDir::cleanPath(QString::fromStdString(found));
    return QStringLiteral(MOSAIC_SOURCE_DIR "/resources/demo/demo.json"); // its error names this path
}

bool MainWindow::openDemo(const QString &demoJson, QString *error)
{
    QFile f(demoJson);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot open the demo %1: %2").arg(demoJson, f.errorString());
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(1 << 20), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = tr("The demo %1 is not valid JSON: %2").arg(demoJson, pe.errorString());
        return false;
    }
    const QJsonObject o = doc.object();
    const QDir dir = QFileInfo(demoJson).dir();
    QVector<SubjectItem> subjects;
    for (const auto &v : o.value(QStringLiteral("subjects")).toArray()) {
        const QJsonObject s = v.toObject();
        SubjectItem item;
        item.name = s.value(QStringLiteral("name")).toString();
        item.word = s.value(QStringLiteral("word")).toString();
        item.sourcePath = dir.filePath(s.value(QStringLiteral("image")).toString());
        mosaic::RgbaImage img;
        if (const auto st = mosaic::loadImage(item.sourcePath.toStdString(), &img); !st.ok()) {
            *error = QString::fromStdString(st.message);
            return false;
        }
        item.image = toQImage(img);
        item.color = subjectColor(subjects.size());
        const QJsonArray b = s.value(QStringLiteral("box")).toArray();
        if (b.size() == 4)
            item.box = QRectF(b[0].toDouble(), b[1].toDouble(), b[2].toDouble(), b[3].toDouble());
        subjects.push_back(item);
    }
    Settings settings;
    settings.prompt = o.value(QStringLiteral("prompt")).toString();
    settings.seed = static_cast<quint64>(o.value(QStringLiteral("seed")).toInteger(7));
    settings.seedLocked = true;
    m_composition->reset(subjects, settings);
    m_subjects->setCurrentIndex(0);
    m_tabs->setCurrentWidget(m_canvas);
    return true;
}

void MainWindow::pasteSubject()
{
    const QMimeData *mime = QApplication::clipboard()->mimeData();
    if (!mime)
        return;
    if (mime->hasUrls()) {
        QStringList paths;
        for (const QUrl &u : mime->urls())
            if (u.isLocalFile())
                paths << u.toLocalFile();
        m_subjects->addFiles(paths);
    } else if (mime->hasImage()) {
        QString error;
        if (!m_composition->addSubjectFromImage(qvariant_cast<QImage>(mime->imageData()), QString(), &error))
            showBanner(error, true, Banner::Topic::Subjects);
    }
}

void MainWindow::markDirty()
{
    if (m_tearingDown) {
        qWarning("MainWindow::markDirty() reached during teardown");
        return;
    }
    m_dirty = true;
    updateStatus();
}

QString MainWindow::autosavePath()
{
    QString dir = qEnvironmentVariable("XDG_DATA_HOME");
    dir = dir.isEmpty() ? QDir::homePath() + QStringLiteral("/.local/share/mosaic-studio") : dir + QStringLiteral("/mosaic-studio");
    QDir().mkpath(dir);
    return dir + QStringLiteral("/autosave.mosaic");
}

bool MainWindow::saveTo(const QString &path, QString *error)
{
    QJsonArray results;
    return m_gallery->resultsJson(&results, error) &&
           saveProjectJson(path, m_composition->subjects(), m_composition->settings(), results, error);
}

bool MainWindow::autosaveNow()
{
    QString error;
    if (!saveTo(autosavePath(), &error)) {
        mosaic::logMessage(mosaic::LogLevel::Warn, "ui", "autosave failed: " + error.toStdString());
        return false;
    }
    return true;
}

bool MainWindow::hasRecovery()
{
    return QFileInfo::exists(autosavePath());
}

bool MainWindow::recover(QString *error)
{
    if (!openProject(autosavePath(), error))
        return false;
    m_projectPath.clear(); // recovered work has no file yet
    m_dirty = true;
    updateStatus();
    return true;
}

bool MainWindow::saveProjectAs(const QString &path, QString *error)
{
    if (!saveTo(path, error))
        return false;
    m_projectPath = path;
    m_dirty = false;
    m_composition->undoStack()->setClean();
    addRecent(path);
    QFile::remove(autosavePath());
    updateStatus();
    m_banner->clear(Banner::Topic::Project);
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 8000);
    return true;
}

bool MainWindow::openDataset(const QString &dir, QString *error)
{
    if (!m_annotate->set()->open(dir, error))
        return false;
    m_tabs->setCurrentWidget(m_annotate);
    return true;
}

bool MainWindow::addCompositionToDataset(const QString &targetFile, QString *error)
{
    QImage target;
    if (!targetFile.isEmpty()) {
        target = QImage(targetFile);
        if (target.isNull()) {
            *error = tr("Cannot read the target image %1").arg(targetFile);
            return false;
        }
    } else if (const auto *entry = m_gallery->current()) {
        target = entry->outcome.image;
    } else {
        *error = tr("Select a result in the gallery or choose a target image.");
        return false;
    }
    QVector<QImage> refs;
    QStringList names;
    QVector<std::optional<mosaic::NormalizedBox>> boxes;
    for (int i = 0; i < m_composition->count(); ++i) {
        const auto &s = m_composition->subject(i);
        refs << s.image;
        names << s.name;
        boxes << toBox(s.box);
    }
    // The prompt as the model reads it: subject names become their words.
    const int i = m_annotate->set()->addSample(target, refs, names, m_composition->expandedPrompt(), boxes, error);
    if (i < 0)
        return false;
    m_annotate->setCurrentSample(i);
    return true;
}

void MainWindow::openStartup(bool demo, const QStringList &files, const QString &dataset, QStringList *errors)
{
    QString error;
    if (demo && !openDemo(findDemo(), &error))
        errors->append(error);
    if (!files.isEmpty())
        openFiles(files, errors);
    if (!dataset.isEmpty() && !openDataset(dataset, &error))
        errors->append(error);
}

void MainWindow::openFiles(const QStringList &paths, QStringList *errors)
{
    QStringList images;
    for (const auto &p : paths) {
        QString error;
        if (p.endsWith(QLatin1String(".mosaic"), Qt::CaseInsensitive)) {
            if (!openProject(p, &error))
                *errors << error;
        } else if (!QFileInfo::exists(p)) {
            *errors << tr("%1 does not exist").arg(p);
        } else if (p.endsWith(QLatin1String(".png"), Qt::CaseInsensitive) && restoreFromPng(p, &error)) {
            // a PNG written by MOSAIC Studio or the CLI: its settings and regions restored
        } else {
            images << p;
        }
    }
    if (!images.isEmpty())
        m_subjects->addFiles(images); // the panel reports images it cannot read
}

bool MainWindow::openProject(const QString &path, QString *error)
{
    // File › Open on an image MOSAIC wrote: its settings and regions, as a drop restores them.
    if (path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive))
        return restoreFromPng(path, error);
    ProjectContent c;
    if (!loadProject(path, &c, error))
        return false;
    m_composition->reset(c.subjects, c.settings);
    m_gallery->setEntries(c.results);
    for (const auto &r : c.results) // the next result is numbered after the project's, not #1 again
        m_service->continueNumberingAfter(r.outcome.id);
    m_projectPath = path;
    m_dirty = false;
    addRecent(path);
    updateStatus();
    m_banner->clear(Banner::Topic::Project);
    return true;
}

void MainWindow::saveProjectInteractive(bool askPath)
{
    QString path = m_projectPath;
    if (askPath || path.isEmpty()) {
        path = QFileDialog::getSaveFileName(this, tr("Save project"), path.isEmpty() ? tr("untitled.mosaic") : path,
                                            tr("MOSAIC Studio projects (*.mosaic)"));
        if (path.isEmpty())
            return;
        if (!path.endsWith(QLatin1String(".mosaic")))
            path += QLatin1String(".mosaic");
    }
    QString error;
    if (!saveProjectAs(path, &error))
        showBanner(error, true, Banner::Topic::Project);
}

void MainWindow::openProjectInteractive()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open project"), QString(),
                                                      tr("MOSAIC Studio projects and images (*.mosaic *.png)"));
    QString error;
    if (!path.isEmpty() && !openProject(path, &error))
        showBanner(error, true, Banner::Topic::Project);
}

void MainWindow::addRecent(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("files/recent")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > 8)
        recent.removeLast();
    settings.setValue(QStringLiteral("files/recent"), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("files/recent")).toStringList();
    for (const auto &path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] {
            QString error;
            if (!openProject(path, &error))
                showBanner(error, true, Banner::Topic::Project);
        })->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

bool MainWindow::restoreFromPng(const QString &path, QString *error)
{
    Settings s = m_composition->settings();
    QVector<QRectF> boxes;
    if (!settingsFromPng(path, &s, &boxes, error))
        return false;
    m_composition->undoStack()->beginMacro(tr("Restore settings from %1").arg(QFileInfo(path).fileName()));
    m_composition->setSettings(s);
    for (int i = 0; i < boxes.size() && i < m_composition->count(); ++i)
        m_composition->setBox(i, boxes[i]);
    m_composition->undoStack()->endMacro();
    // Say what happened to the subjects: the image's regions are theirs now, in order.
    QString text = tr("Settings restored from %1.").arg(QFileInfo(path).fileName());
    if (!boxes.isEmpty() && m_composition->count() > 0)
        text += QLatin1Char(' ') + tr("The subjects, in order, took the image's regions (images do not store the references).");
    if (boxes.size() > m_composition->count())
        text += QLatin1Char(' ') + tr("The image had %1 subjects and the composition has %2: add the others' references, "
                                      "then drop it again for their regions.")
                                       .arg(boxes.size())
                                       .arg(m_composition->count());
    showBanner(text, false, Banner::Topic::Project);
    return true;
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &u : event->mimeData()->urls())
        if (u.isLocalFile())
            paths << u.toLocalFile();
    QStringList errors;
    openFiles(paths, &errors);
    if (!errors.isEmpty())
        showBanner(errors.join(QLatin1Char('\n')), true, Banner::Topic::Subjects);
    event->acceptProposedAction();
}

// The annotator's requests for samples from the composition or from a result, and its messages.
void MainWindow::connectAnnotator()
{
    connect(m_annotate, &AnnotatePanel::errorOccurred, this,
            [this](const QString &m) { showBanner(m, true, Banner::Topic::Annotate); });
    // A dataset opened, created, saved or given a sample: the annotator's last message is over.
    auto annotateRecovered = [this] { m_banner->clear(Banner::Topic::Annotate); };
    connect(m_annotate->set(), &AnnotationSet::reset, this, annotateRecovered);
    connect(m_annotate->set(), &AnnotationSet::samplesChanged, this, annotateRecovered);
    connect(m_annotate->set(), &AnnotationSet::dirtyChanged, this, [annotateRecovered](bool dirty) {
        if (!dirty)
            annotateRecovered();
    });
    connect(m_annotate, &AnnotatePanel::statusMessage, this, [this](const QString &m) { statusBar()->showMessage(m, 8000); });
    connect(m_annotate, &AnnotatePanel::addFromResultRequested, this, [this] {
        QString error;
        if (!m_gallery->current()) {
            showBanner(tr("Select a result in the gallery first."), true, Banner::Topic::Annotate);
            return;
        }
        const int i = m_annotate->set()->addSampleFromResult(*m_gallery->current(), &error);
        if (i < 0)
            showBanner(error, true, Banner::Topic::Annotate);
        else
            m_annotate->setCurrentSample(i);
    });
    connect(m_annotate, &AnnotatePanel::addFromCompositionRequested, this, [this] {
        QString target;
        if (!m_gallery->current()) {
            target = QFileDialog::getOpenFileName(this, tr("The target image for this composition"), QString(),
                                                  tr("Images (*.png *.jpg *.jpeg *.webp *.bmp)"));
            if (target.isEmpty())
                return;
        }
        QString error;
        if (!addCompositionToDataset(target, &error))
            showBanner(error, true, Banner::Topic::Annotate);
    });
}

} // namespace ui
