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
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QIcon>
#include <QLabel>
#include <QLayout>
#include <QMessageBox>
#include <QPalette>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QDir>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include <tuple>

namespace ui {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/mosaic-studio.svg")));
    m_composition = new Composition(this);
    m_service = new GenerationService(this);
    m_logHub = new LogHub(this);
    m_logDock = new LogDock(m_logHub, this);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    resizeDocks({m_logDock}, {140}, Qt::Vertical);

    m_subjects = new SubjectsPanel(m_composition, this);
    m_canvas = new Canvas(m_composition, this);
    m_gallery = new Gallery(this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("centralTabs"));
    m_tabs->addTab(m_canvas, QString());
    m_tabs->addTab(m_gallery, QString());
    m_annotate = new AnnotatePanel(m_service, this);
    // The tabs share one minimum size: annotate mode, which hides the side panels, must not widen
    // the window in compose mode (1280 px screens, and 2x HiDPI at 2560).
    m_annotate->setMinimumSize(240, 200);
    m_tabs->addTab(m_annotate, QString());
    m_banner = new Banner(this);

    createSettingsPanel();
    createLayout();
    createActions();

    connect(m_subjects, &SubjectsPanel::currentChanged, m_canvas, &Canvas::setCurrentSubject);
    connect(m_canvas, &Canvas::subjectPicked, m_subjects, &SubjectsPanel::setCurrentIndex);
    connect(m_subjects, &SubjectsPanel::referencePointPicked, this, [this](const QPointF &p) {
        m_canvas->setReferencePoint(p);
        m_canvas->setTool(Canvas::Tool::Point);
        m_toolActions[3]->setChecked(true);
        statusBar()->showMessage(tr("Reference point (%1, %2) picked: click the canvas to pin where it goes.")
                                     .arg(p.x(), 0, 'f', 2).arg(p.y(), 0, 'f', 2), 5000);
    });
    connect(m_subjects, &SubjectsPanel::errorOccurred, this,
            [this](const QString &m) { showBanner(m, true, Banner::Topic::Subjects); });
    // A subject added or removed: a message about a file that could not be added is over.
    connect(m_composition, &Composition::subjectsChanged, this, [this] { m_banner->clear(Banner::Topic::Subjects); });
    connect(m_gallery, &Gallery::errorOccurred, this, [this](const QString &m) { showBanner(m); });
    connect(m_gallery, &Gallery::saved, this,
            [this](const QString &path) { statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 8000); });
    connect(m_composition, &Composition::settingsChanged, this, &MainWindow::syncSettingsFromComposition);
    connect(m_gallery, &Gallery::varyRequested, this, [this](const QImage &image, double strength) { generate(image, strength); });
    connect(m_gallery, &Gallery::reuseRequested, this, [this](const mosaic::GenerationRequest &r) {
        m_composition->setSettings(Settings::fromRequest(r, true));
        m_tabs->setCurrentWidget(m_canvas);
    });

    connectService();
    connectAnnotator();

    connect(m_composition->undoStack(), &QUndoStack::indexChanged, this, &MainWindow::markDirty);
    connect(m_composition, &Composition::subjectsChanged, this, &MainWindow::markDirty);
    connect(m_gallery, &Gallery::countChanged, this, &MainWindow::markDirty);
    auto *autosave = new QTimer(this);
    autosave->setInterval(60 * 1000);
    connect(autosave, &QTimer::timeout, this, [this] {
        if (m_dirty && m_autosave)
            autosaveNow();
    });
    autosave->start();
    setAcceptDrops(true);

    restoreSettings();
    mosaic::logMessage(mosaic::LogLevel::Info, "ui", "main window ready: " + engineSummary().toStdString());
}

void MainWindow::createLayout()
{
    auto *center = new QWidget(this);
    auto *centerLayout = new QVBoxLayout(center);
    centerLayout->setContentsMargins(0, 0, 0, 0);
    centerLayout->addWidget(m_banner);
    centerLayout->addWidget(m_tabs, 1);
    auto *settingsWidget = new QWidget(this);
    auto *form = new QFormLayout;
    form->addRow(m_promptLabel);
    form->addRow(m_prompt);
    form->addRow(m_unknownWords);
    auto *seedRow = new QHBoxLayout;
    seedRow->addWidget(m_seed, 1);
    seedRow->addWidget(m_dice);
    seedRow->addWidget(m_seedLock);
    form->addRow(m_seedLabel, seedRow);
    form->addRow(m_stepsLabel, m_steps);
    form->addRow(m_guidanceLabel, m_guidance);
    form->addRow(m_cfgLabel, m_cfg);
    form->addRow(m_refCfgLabel, m_refCfg);
    form->addRow(m_collageLabel, m_collage);
    form->addRow(m_sizeLabel, m_size);
    form->addRow(m_regionLabel, m_region);
    form->addRow(m_busyLabel, m_busyMode);
    form->addRow(m_autoLayout);
    form->addRow(m_generate);
    form->addRow(m_cancel);
    form->addRow(m_modelTitle);
    form->addRow(m_modelInfo);
    form->addRow(m_modelLimits);
    form->addRow(m_loadModel);
    auto *settingsColumn = new QVBoxLayout(settingsWidget);
    settingsColumn->addLayout(form);
    settingsColumn->addStretch(1);
    settingsWidget->setMinimumWidth(260);

    auto *split = new QSplitter(this);
    split->addWidget(m_subjects);
    split->addWidget(center);
    split->addWidget(settingsWidget);
    m_settingsPanel = settingsWidget;
    m_settingsPanel->setObjectName(QStringLiteral("settingsPanel"));
    split->setStretchFactor(1, 1);
    setCentralWidget(split);

    m_engineStatus = new QLabel(this);
    m_modelStatus = new QLabel(this);
    m_modelStatus->setObjectName(QStringLiteral("modelStatus"));
    m_timingStatus = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("generationProgress"));
    m_progress->setMaximumWidth(220);
    m_progress->setVisible(false);
    statusBar()->addWidget(m_progress);
    statusBar()->addWidget(m_timingStatus);
    statusBar()->addPermanentWidget(m_modelStatus);
    statusBar()->addPermanentWidget(m_engineStatus);

}

void MainWindow::restoreSettings()
{
    retranslateUi();
    rebuildRecentMenu();
    syncSettingsFromComposition();
    QSettings settings;
    m_busyMode->setCurrentIndex(settings.value(QStringLiteral("generation/replaceRunning"), false).toBool() ? 1 : 0);
    setDarkTheme(settings.value(QStringLiteral("ui/dark"), false).toBool());
    if (!restoreGeometry(settings.value(QStringLiteral("ui/geometry")).toByteArray()))
        resize(1280, 800);
    m_cancel->setEnabled(false);
    m_cancelAction->setEnabled(false);
    updateStatus();
}

MainWindow::~MainWindow()
{
    // The composition's undo stack clears itself as the composition goes, after this window's members
    // are gone: its indexChanged must not reach markDirty() then.
    m_tearingDown = true;
    disconnectIncoming(this, {m_composition->undoStack(), m_annotate->set()->undoStack()});
}

QString MainWindow::engineSummary() const
{
    return tr("LibTorch %1 · threads: %2 · %3")
        .arg(QString::fromStdString(mosaic::torchVersionString()), QString::number(mosaic::threadCount()),
             mosaic::cudaAvailable() ? tr("CUDA") : tr("CPU"));
}

QString MainWindow::bannerText() const
{
    return m_banner->text();
}

void MainWindow::showBanner(const QString &text, bool error, Banner::Topic topic)
{
    m_banner->showMessage(text, error, topic);
    mosaic::logMessage(error ? mosaic::LogLevel::Warn : mosaic::LogLevel::Info, "ui", text.toStdString());
}

void MainWindow::updateStatus()
{
    m_engineStatus->setText(engineSummary());
    m_modelStatus->setText(m_service->modelReady() ? tr("Model: %1").arg(m_service->modelName()) : tr("No model loaded"));
    if (m_service->modelReady() && m_service->modelName().startsWith(QStringLiteral("mosaic-toys")))
        m_modelStatus->setToolTip(tr("The bundled MOSAIC-Toys model is small and trained on procedural toys: it makes "
                                     "toy scenes, not photographs. Load FLUX-architecture bundles with File › Load model…."));
    m_timingStatus->setText(m_lastTiming);
    const QString file = m_projectPath.isEmpty() ? tr("untitled") : QFileInfo(m_projectPath).fileName();
    setWindowTitle(tr("%1%2 — MOSAIC Studio %3").arg(file, m_dirty ? QStringLiteral("*") : QString(),
                                                    QString::fromLatin1(mosaic::versionString())));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_dirty && (m_composition->count() > 0 || m_gallery->count() > 0) && isVisible() &&
        !qEnvironmentVariableIsSet("MOSAIC_NO_CLOSE_PROMPT")) {
        const auto answer = QMessageBox::question(this, tr("Unsaved work"),
                                                  tr("The composition has unsaved changes. Save them before closing?"),
                                                  QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
        if (answer == QMessageBox::Cancel) {
            event->ignore();
            return;
        }
        if (answer == QMessageBox::Save) {
            saveProjectInteractive(false);
            if (m_dirty) {
                event->ignore();
                return;
            }
        }
    }
    QSettings().setValue(QStringLiteral("ui/geometry"), saveGeometry());
    m_service->cancel();
    QFile::remove(autosavePath()); // a normal close: nothing to recover
    QMainWindow::closeEvent(event);
}

} // namespace ui
