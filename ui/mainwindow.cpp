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

#include <QAction>
#include <QActionGroup>
#include <QLocale>
#include <QTranslator>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QIcon>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPalette>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QStyleFactory>
#include <QTabWidget>
#include <QToolButton>
#include <QTimer>
#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>
#include <QUndoGroup>
#include <QUndoStack>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QStandardPaths>
#include <QVBoxLayout>

#include <tuple>

namespace ui {

namespace {

// Subject names in the prompt, in their subjects' colours: the names the model will be given the
// subjects' words for.
class PromptHighlighter : public QSyntaxHighlighter
{
public:
    PromptHighlighter(QTextDocument *doc, const Composition *composition) : QSyntaxHighlighter(doc), m_composition(composition) {}

protected:
    void highlightBlock(const QString &text) override
    {
        for (const auto &s : m_composition->subjects()) {
            if (s.name.isEmpty())
                continue;
            const QRegularExpression re(QStringLiteral("(?<![\\w])%1(?![\\w])").arg(QRegularExpression::escape(s.name)),
                                        QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption);
            QTextCharFormat f;
            f.setFontWeight(QFont::Bold);
            f.setForeground(s.color.darker(120));
            if (!s.word.isEmpty())
                f.setToolTip(s.word);
            for (auto it = re.globalMatch(text); it.hasNext();) {
                const auto m = it.next();
                setFormat(static_cast<int>(m.capturedStart()), static_cast<int>(m.capturedLength()), f);
            }
        }
    }

private:
    const Composition *m_composition;
};

} // namespace

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
    m_annotate = new AnnotatePanel(this);
    // The tabs share one minimum size: annotate mode, which hides the side panels, must not widen
    // the window in compose mode (1280 px screens, and 2x HiDPI at 2560).
    m_annotate->setMinimumSize(240, 200);
    m_tabs->addTab(m_annotate, QString());
    connect(m_annotate, &AnnotatePanel::errorOccurred, this, [this](const QString &m) { showBanner(m); });
    connect(m_annotate, &AnnotatePanel::statusMessage, this, [this](const QString &m) { statusBar()->showMessage(m, 8000); });
    connect(m_annotate, &AnnotatePanel::addFromResultRequested, this, [this] {
        QString error;
        if (!m_gallery->current()) {
            showBanner(tr("Select a result in the gallery first."));
            return;
        }
        const int i = m_annotate->set()->addSampleFromResult(*m_gallery->current(), &error);
        if (i < 0)
            showBanner(error);
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
            showBanner(error);
    });
    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("banner"));
    m_banner->setWordWrap(true);
    m_banner->setVisible(false);
    m_banner->setMargin(8);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);

    createSettingsPanel();
    auto *center = new QWidget(this);
    auto *centerLayout = new QVBoxLayout(center);
    centerLayout->setContentsMargins(0, 0, 0, 0);
    centerLayout->addWidget(m_banner);
    centerLayout->addWidget(m_tabs, 1);
    auto *settingsWidget = new QWidget(this);
    auto *form = new QFormLayout;
    form->addRow(m_promptLabel);
    form->addRow(m_prompt);
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
    connect(m_subjects, &SubjectsPanel::errorOccurred, this, [this](const QString &m) { showBanner(m); });
    connect(m_gallery, &Gallery::errorOccurred, this, [this](const QString &m) { showBanner(m); });
    connect(m_composition, &Composition::settingsChanged, this, &MainWindow::syncSettingsFromComposition);
    connect(m_gallery, &Gallery::varyRequested, this, [this](const QImage &image, double strength) { generate(image, strength); });
    connect(m_gallery, &Gallery::reuseRequested, this, [this](const mosaic::GenerationRequest &r) {
        Settings s = m_composition->settings();
        s.prompt = QString::fromStdString(r.prompt);
        s.seed = r.seed;
        s.seedLocked = true;
        s.steps = r.steps;
        s.guidance = r.guidance;
        s.cfg = r.cfgScale;
        s.refCfg = r.refCfgScale;
        s.collage = r.collage;
        s.size = r.width;
        s.regionStrength = r.regionStrength;
        m_composition->setSettings(s);
        m_tabs->setCurrentWidget(m_canvas);
    });

    connect(m_service, &GenerationService::modelLoaded, this, [this](const QString &path, const QString &, const QString &summary) {
        m_modelInfo->setText(summary);
        m_modelInfo->setToolTip(path);
        updateStatus();
        QSettings().setValue(QStringLiteral("model/path"), path);
        mosaic::logMessage(mosaic::LogLevel::Info, "ui", "model ready: " + summary.toStdString() + " (from " + path.toStdString() + ")");
    });
    connect(m_service, &GenerationService::modelFailed, this, [this](const QString &path, const QString &message) {
        showBanner(tr("The model %1 could not be loaded: %2").arg(path, message));
        updateStatus();
    });
    connect(m_service, &GenerationService::busyChanged, this, [this](bool busy) {
        m_cancel->setEnabled(busy);
        m_cancelAction->setEnabled(busy);
        m_progress->setVisible(busy);
        if (!busy)
            m_canvas->setBackdrop(QImage());
    });
    connect(m_service, &GenerationService::progress, this,
            [this](quint64, int step, int steps, double seconds, const QImage &preview) {
                m_progress->setRange(0, steps);
                m_progress->setValue(step);
                m_progress->setFormat(tr("step %1/%2 · %3 s").arg(step).arg(steps).arg(seconds, 0, 'f', 1));
                if (!preview.isNull())
                    m_canvas->setBackdrop(preview);
            });
    connect(m_service, &GenerationService::finished, this, [this](const GenerationOutcome &o) {
        GalleryEntry e;
        e.outcome = o;
        for (const auto &s : m_composition->subjects()) {
            e.colors.push_back(s.color);
            e.references.push_back(s.prepared);
        }
        m_gallery->add(e);
        m_tabs->setCurrentWidget(m_gallery);
        const auto &r = o.result;
        m_lastTiming = tr("last image: %1 s (denoise %2 s)")
                           .arg(r.prepareSeconds + r.denoiseSeconds + r.decodeSeconds, 0, 'f', 1)
                           .arg(r.denoiseSeconds, 0, 'f', 1);
        updateStatus();
    });
    connect(m_service, &GenerationService::failed, this, [this](quint64, const QString &message) {
        showBanner(tr("The generation failed: %1").arg(message));
    });
    connect(m_service, &GenerationService::cancelled, this, [this](quint64) {
        statusBar()->showMessage(tr("Generation cancelled."), 4000);
    });

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
    mosaic::logMessage(mosaic::LogLevel::Info, "ui", "main window ready: " + engineSummary().toStdString());
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
    return m_banner->isHidden() ? QString() : m_banner->text();
}

void MainWindow::createSettingsPanel()
{
    m_promptLabel = new QLabel(this);
    m_promptLabel->setWordWrap(true);
    m_prompt = new QPlainTextEdit(this);
    auto *highlighter = new PromptHighlighter(m_prompt->document(), m_composition);
    // Re-colouring changes only formats, but QPlainTextEdit reports it as a text change: it must not
    // be taken for an edit of the prompt.
    auto rehighlight = [this, highlighter] {
        const bool was = m_syncing;
        m_syncing = true;
        highlighter->rehighlight();
        m_syncing = was;
    };
    connect(m_composition, &Composition::subjectsChanged, this, rehighlight);
    connect(m_composition, &Composition::subjectChanged, this, rehighlight);
    m_prompt->setObjectName(QStringLiteral("promptEdit"));
    m_prompt->setMaximumHeight(110);
    m_seedLabel = new QLabel(this);
    m_seed = new QSpinBox(this);
    m_seed->setObjectName(QStringLiteral("seedSpin"));
    m_seed->setRange(0, 2147483647);
    m_seedLock = new QCheckBox(this);
    m_seedLock->setObjectName(QStringLiteral("seedLock"));
    m_dice = new QToolButton(this);
    m_dice->setObjectName(QStringLiteral("diceButton"));
    m_stepsLabel = new QLabel(this);
    m_steps = new QSpinBox(this);
    m_steps->setRange(0, 100);
    m_guidanceLabel = new QLabel(this);
    m_guidance = new QDoubleSpinBox(this);
    m_guidance->setRange(-1, 20);
    m_guidance->setSingleStep(0.5);
    // The CFG scales: 0 shows "model default" (stored as -1); from 1 up, 1 being off.
    m_cfgLabel = new QLabel(this);
    m_cfg = new QDoubleSpinBox(this);
    m_cfg->setObjectName(QStringLiteral("cfgSpin"));
    m_refCfgLabel = new QLabel(this);
    m_refCfg = new QDoubleSpinBox(this);
    m_refCfg->setObjectName(QStringLiteral("refCfgSpin"));
    for (auto *spin : {m_cfg, m_refCfg}) {
        spin->setRange(0, 20);
        spin->setSingleStep(0.5);
        spin->setDecimals(1);
    }
    // The reference collage: "model default" below 0 (stored as -1), "off" at 0, else the redraw strength.
    m_collageLabel = new QLabel(this);
    m_collage = new CollageSpinBox(this);
    m_collage->setObjectName(QStringLiteral("collageSpin"));
    m_sizeLabel = new QLabel(this);
    m_size = new QComboBox(this);
    m_size->setObjectName(QStringLiteral("sizeCombo"));
    m_regionLabel = new QLabel(this);
    m_region = new QDoubleSpinBox(this);
    m_region->setRange(0, 10);
    m_region->setSingleStep(0.5);
    m_busyLabel = new QLabel(this);
    m_busyMode = new QComboBox(this);
    m_busyMode->setObjectName(QStringLiteral("busyMode"));
    m_busyMode->addItems({QString(), QString()});
    m_autoLayout = new QPushButton(this);
    m_autoLayout->setObjectName(QStringLiteral("autoLayoutButton"));
    m_generate = new QPushButton(this);
    m_generate->setObjectName(QStringLiteral("generateButton"));
    m_generate->setDefault(true);
    m_cancel = new QPushButton(this);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_modelTitle = new QLabel(this);
    m_modelInfo = new QLabel(this);
    m_modelInfo->setObjectName(QStringLiteral("modelInfo"));
    m_modelInfo->setWordWrap(true);
    m_loadModel = new QPushButton(this);

    connect(m_prompt, &QPlainTextEdit::textChanged, this, &MainWindow::commitSettings);
    for (auto *spin : {m_seed, m_steps})
        connect(spin, qOverload<int>(&QSpinBox::valueChanged), this, &MainWindow::commitSettings);
    for (auto *spin : {m_guidance, m_cfg, m_refCfg, static_cast<QDoubleSpinBox *>(m_collage), m_region})
        connect(spin, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &MainWindow::commitSettings);
    connect(m_seedLock, &QCheckBox::toggled, this, &MainWindow::commitSettings);
    connect(m_size, qOverload<int>(&QComboBox::currentIndexChanged), this, &MainWindow::commitSettings);
    connect(m_dice, &QToolButton::clicked, this, [this] { m_seed->setValue(QRandomGenerator::global()->bounded(2147483647)); });
    connect(m_busyMode, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [](int i) { QSettings().setValue(QStringLiteral("generation/replaceRunning"), i == 1); });
    connect(m_autoLayout, &QPushButton::clicked, m_composition, &Composition::autoLayout);
    connect(m_generate, &QPushButton::clicked, this, [this] { generate(); });
    connect(m_cancel, &QPushButton::clicked, this, &MainWindow::cancel);
    connect(m_loadModel, &QPushButton::clicked, this, &MainWindow::chooseModel);
}

void MainWindow::createActions()
{
    m_fileMenu = menuBar()->addMenu(QString());
    m_newAction = m_fileMenu->addAction(QString(), this, [this] {
        m_composition->reset({}, Settings());
        m_gallery->setEntries({});
        m_projectPath.clear();
        m_dirty = false;
        updateStatus();
    });
    m_newAction->setShortcut(QKeySequence::New);
    m_openAction = m_fileMenu->addAction(QString(), this, &MainWindow::openProjectInteractive);
    m_openAction->setShortcut(QKeySequence::Open);
    m_recentMenu = m_fileMenu->addMenu(QString());
    m_saveAction = m_fileMenu->addAction(QString(), this, [this] { saveProjectInteractive(false); });
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAsAction = m_fileMenu->addAction(QString(), this, [this] { saveProjectInteractive(true); });
    m_saveAsAction->setShortcut(QKeySequence::SaveAs);
    m_fileMenu->addSeparator();
    m_demoAction = m_fileMenu->addAction(QString(), this, [this] {
        QString error;
        if (!openDemo(findDemo(), &error))
            showBanner(error);
    });
    m_loadModelAction = m_fileMenu->addAction(QString(), this, &MainWindow::chooseModel);
    m_fileMenu->addSeparator();
    m_quitAction = m_fileMenu->addAction(QString(), qApp, &QApplication::closeAllWindows);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setObjectName(QStringLiteral("quitAction"));

    m_editMenu = menuBar()->addMenu(QString());
    // Undo follows the mode: the composition's stack, or the annotator's in Annotate mode.
    m_undoGroup = new QUndoGroup(this);
    m_undoGroup->addStack(m_composition->undoStack());
    m_undoGroup->addStack(m_annotate->set()->undoStack());
    m_undoGroup->setActiveStack(m_composition->undoStack());
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        const bool annotating = m_tabs->currentWidget() == m_annotate;
        m_undoGroup->setActiveStack(annotating ? m_annotate->set()->undoStack() : m_composition->undoStack());
        // Annotate mode has its own side panels; the composition's step aside.
        m_subjects->setVisible(!annotating);
        if (m_settingsPanel)
            m_settingsPanel->setVisible(!annotating);
    });
    m_undoAction = m_undoGroup->createUndoAction(this);
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_undoAction->setObjectName(QStringLiteral("undoAction"));
    m_redoAction = m_undoGroup->createRedoAction(this);
    m_redoAction->setShortcut(QKeySequence::Redo);
    m_redoAction->setObjectName(QStringLiteral("redoAction"));
    m_editMenu->addAction(m_undoAction);
    m_editMenu->addAction(m_redoAction);
    m_editMenu->addSeparator();
    m_pasteAction = m_editMenu->addAction(QString(), this, &MainWindow::pasteSubject);
    m_pasteAction->setShortcut(QKeySequence::Paste);
    m_autoLayoutAction = m_editMenu->addAction(QString(), m_composition, &Composition::autoLayout);
    m_editMenu->addSeparator();
    auto *tools = new QActionGroup(this);
    for (auto [tool, name, key] : {std::tuple{Canvas::Tool::Box, "boxTool", Qt::Key_R}, std::tuple{Canvas::Tool::Brush, "brushTool", Qt::Key_B},
                                   std::tuple{Canvas::Tool::Eraser, "eraserTool", Qt::Key_E},
                                   std::tuple{Canvas::Tool::Point, "pointTool", Qt::Key_P}}) {
        QAction *a = m_editMenu->addAction(QString(), this, [this, tool = tool] { m_canvas->setTool(tool); });
        a->setCheckable(true);
        a->setChecked(tool == Canvas::Tool::Box);
        a->setShortcut(QKeySequence(key));
        a->setObjectName(QString::fromLatin1(name));
        tools->addAction(a);
        m_toolActions.push_back(a);
    }
    m_editMenu->addSeparator();
    m_generateAction = m_editMenu->addAction(QString(), this, [this] { generate(); });
    m_generateAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    m_generateAction->setObjectName(QStringLiteral("generateAction"));
    m_cancelAction = m_editMenu->addAction(QString(), this, &MainWindow::cancel);
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancelAction->setObjectName(QStringLiteral("cancelAction"));

    m_viewMenu = menuBar()->addMenu(QString());
    QAction *toggleLog = m_logDock->toggleViewAction();
    toggleLog->setObjectName(QStringLiteral("toggleLogAction"));
    m_viewMenu->addAction(toggleLog);
    m_darkAction = m_viewMenu->addAction(QString(), this, [this](bool on) { setDarkTheme(on); });
    m_darkAction->setCheckable(true);
    m_darkAction->setObjectName(QStringLiteral("darkThemeAction"));

    m_languageMenu = m_viewMenu->addMenu(QString());
    auto *languages = new QActionGroup(this);
    const QString current = QSettings().value(QStringLiteral("ui/language")).toString();
    for (const auto &[code, name] : std::initializer_list<std::pair<QString, QString>>{
             {QString(), QString()}, {QStringLiteral("en"), QStringLiteral("English")},
             {QStringLiteral("de"), QStringLiteral("Deutsch")}, {QStringLiteral("zh_CN"), QStringLiteral("简体中文")}}) {
        QAction *a = m_languageMenu->addAction(name, this, [this, code = code] { setLanguage(code); });
        a->setCheckable(true);
        a->setChecked(code == current);
        a->setObjectName(QStringLiteral("language_") + (code.isEmpty() ? QStringLiteral("system") : code));
        languages->addAction(a);
        if (code.isEmpty())
            m_systemLanguageAction = a;
    }

    m_helpMenu = menuBar()->addMenu(QString());
    m_shortcutsAction = m_helpMenu->addAction(QString(), this, &MainWindow::showShortcuts);
    m_shortcutsAction->setShortcut(QKeySequence(Qt::Key_F1));
    m_aboutAction = m_helpMenu->addAction(QString(), this, &MainWindow::showAbout);
    m_aboutAction->setObjectName(QStringLiteral("aboutAction"));
}

void MainWindow::loadModel(const QString &path)
{
    QString p = path;
    if (p.isEmpty()) {
        p = QString::fromStdString(mosaic::findDefaultModel());
        if (p.isEmpty()) {
            QStringList where;
            for (const auto &c : mosaic::defaultModelCandidates())
                where << QString::fromStdString(c);
            showBanner(tr("The bundled model was not found (looked in %1). Load a model with File › Load model….")
                           .arg(where.join(QStringLiteral(", "))));
            return;
        }
    }
    m_modelInfo->setText(tr("Loading %1…").arg(QFileInfo(p).fileName()));
    m_service->loadModel(p);
}

void MainWindow::chooseModel()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Load a model bundle"), QString(),
                                                      tr("MOSAIC Studio bundles (*.safetensors)"));
    if (!path.isEmpty())
        loadModel(path);
}

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
        item.color = Composition::defaultColor(subjects.size());
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

quint64 MainWindow::generate(const QImage &start, double strength)
{
    if (!m_service->modelReady()) {
        showBanner(tr("No model is loaded yet."));
        return 0;
    }
    const Settings s = m_composition->settings();
    if (!s.seedLocked && m_gallery->count() > 0) // a fresh seed per image unless locked
        m_seed->setValue(QRandomGenerator::global()->bounded(2147483647));
    mosaic::GenerationRequest req;
    req.prompt = m_composition->expandedPrompt().toStdString(); // subject names become their words
    req.seed = m_composition->settings().seed;
    req.steps = s.steps;
    req.guidance = static_cast<float>(s.guidance);
    req.cfgScale = static_cast<float>(s.cfg);
    req.refCfgScale = static_cast<float>(s.refCfg);
    req.collage = static_cast<float>(s.collage);
    req.width = req.height = s.size;
    req.regionStrength = static_cast<float>(s.regionStrength);
    if (!start.isNull() && strength < 1.0) {
        req.initImage = fromQImage(start);
        req.strength = static_cast<float>(strength);
    }
    req.capture.enabled = true;
    req.previewEvery = 1;
    for (const auto &item : m_composition->subjects()) {
        mosaic::Subject sub;
        sub.name = item.name.toStdString();
        sub.image = fromQImage(item.image);
        if (!item.mask.isNull()) {
            sub.mask.width = item.mask.width();
            sub.mask.height = item.mask.height();
            for (int y = 0; y < item.mask.height(); ++y) {
                const uchar *row = item.mask.constScanLine(y);
                for (int x = 0; x < item.mask.width(); ++x)
                    sub.mask.values.push_back(row[x] > 127 ? 1.0f : 0.0f);
            }
        }
        for (const auto &pt : item.points)
            sub.points.push_back({float(pt.first.x()), float(pt.first.y()), float(pt.second.x()), float(pt.second.y())});
        if (!item.box.isNull())
            sub.box = mosaic::NormalizedBox{static_cast<float>(item.box.x()), static_cast<float>(item.box.y()),
                                            static_cast<float>(item.box.width()), static_cast<float>(item.box.height())};
        req.subjects.push_back(std::move(sub));
    }
    placeFromPrompt(&req);
    m_banner->setVisible(false);
    return m_service->submit(req, m_busyMode->currentIndex() == 1);
}

void MainWindow::placeFromPrompt(mosaic::GenerationRequest *req)
{
    // A subject with no region that the prompt places by its name or word ("Pip on the left") goes
    // there, as the canvas outlines it; the composition is not changed, and subjects the prompt does
    // not place are left to the model.
    QStringList clauses;
    const QVector<QRectF> places = m_composition->promptPlaces(&clauses);
    QStringList placed;
    for (int i = 0; i < places.size() && i < static_cast<int>(req->subjects.size()); ++i)
        if (!places[i].isNull()) {
            req->subjects[static_cast<size_t>(i)].box = mosaic::NormalizedBox{
                float(places[i].x()), float(places[i].y()), float(places[i].width()), float(places[i].height())};
            placed << tr("%1 (“%2”)").arg(m_composition->subject(i).name, clauses[i]);
        }
    if (placed.isEmpty())
        return;
    const QString text = tr("Placed by the prompt, as they have no region: %1").arg(placed.join(QStringLiteral(", ")));
    statusBar()->showMessage(text, 8000);
    mosaic::logMessage(mosaic::LogLevel::Info, "ui", text.toStdString());
}

void MainWindow::cancel()
{
    m_service->cancel();
}

void MainWindow::setReplaceRunning(bool replace)
{
    m_busyMode->setCurrentIndex(replace ? 1 : 0);
}

bool MainWindow::installLanguage(const QString &code)
{
    static QTranslator *translator = nullptr;
    if (translator) {
        QCoreApplication::removeTranslator(translator);
        delete translator;
        translator = nullptr;
    }
    if (code == QLatin1String("en"))
        return true;
    // The installed .qm files first (<prefix>/share/mosaic-studio/translations: an updated
    // translation can be dropped in), then the copies compiled into the program.
    auto *t = new QTranslator;
    QStringList dirs;
    if (const std::string installed = mosaic::findDataFile("translations"); !installed.empty())
        dirs << QString::fromStdString(installed);
    dirs << QStringLiteral(":/i18n");
    bool ok = false;
    for (const auto &dir : dirs) {
        ok = code.isEmpty() ? t->load(QLocale(), QStringLiteral("mosaic-studio"), QStringLiteral("_"), dir)
                            : t->load(QStringLiteral("mosaic-studio_") + code, dir);
        if (ok)
            break;
    }
    if (!ok) {
        delete t;
        return code.isEmpty();
    }
    QCoreApplication::installTranslator(t);
    translator = t;
    return true;
}

void MainWindow::setLanguage(const QString &code)
{
    QSettings().setValue(QStringLiteral("ui/language"), code);
    if (!installLanguage(code))
        showBanner(tr("No translation for %1 is built into this program.").arg(code));
}

void MainWindow::setDarkTheme(bool dark)
{
    m_dark = dark;
    if (m_darkAction->isChecked() != dark)
        m_darkAction->setChecked(dark);
    QSettings().setValue(QStringLiteral("ui/dark"), dark);
    if (!qApp)
        return;
    // The style is set once per process: replacing the application style while widgets exist leaves
    // Qt's style caches pointing at the deleted style. Themes change only the palette.
    if (QApplication::style()->name().compare(QLatin1String("fusion"), Qt::CaseInsensitive) != 0)
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p = QApplication::style()->standardPalette();
    if (dark) {
        p.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x30));
        p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Base, QColor(0x1f, 0x20, 0x22));
        p.setColor(QPalette::AlternateBase, QColor(0x2b, 0x2d, 0x30));
        p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
        p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::ToolTipBase, QColor(0x35, 0x37, 0x3b));
        p.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xdb));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x70, 0x70, 0x70));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x70, 0x70, 0x70));
    }
    QApplication::setPalette(p);
}

void MainWindow::showBanner(const QString &text, bool error)
{
    m_banner->setText(text);
    // A palette, not a style sheet (style sheets and a later QApplication::setStyle do not mix).
    QPalette p = m_banner->palette();
    p.setColor(QPalette::Window, error ? QColor(0xfd, 0xe2, 0xe1) : QColor(0xe3, 0xef, 0xfd));
    p.setColor(QPalette::WindowText, error ? QColor(0x7a, 0x17, 0x12) : QColor(0x12, 0x3f, 0x7a));
    m_banner->setPalette(p);
    m_banner->setAutoFillBackground(true);
    m_banner->setFrameShape(QFrame::Box);
    m_banner->setVisible(true);
    mosaic::logMessage(error ? mosaic::LogLevel::Warn : mosaic::LogLevel::Info, "ui", text.toStdString());
}

void MainWindow::syncSettingsFromComposition()
{
    m_syncing = true;
    const Settings &s = m_composition->settings();
    if (m_prompt->toPlainText() != s.prompt)
        m_prompt->setPlainText(s.prompt);
    m_seed->setValue(static_cast<int>(s.seed & 0x7fffffff));
    m_seedLock->setChecked(s.seedLocked);
    m_steps->setValue(s.steps);
    m_guidance->setValue(s.guidance);
    m_cfg->setValue(s.cfg < 0 ? 0.0 : s.cfg);
    m_refCfg->setValue(s.refCfg < 0 ? 0.0 : s.refCfg);
    m_collage->setValue(s.collage < 0 ? m_collage->minimum() : std::min(s.collage, m_collage->maximum()));
    const int sizeIndex = m_size->findData(s.size);
    m_size->setCurrentIndex(sizeIndex < 0 ? 0 : sizeIndex);
    m_region->setValue(s.regionStrength);
    m_syncing = false;
}

void MainWindow::commitSettings()
{
    if (m_syncing)
        return;
    Settings s = m_composition->settings();
    s.prompt = m_prompt->toPlainText();
    s.seed = static_cast<quint64>(m_seed->value());
    s.seedLocked = m_seedLock->isChecked();
    s.steps = m_steps->value();
    s.guidance = m_guidance->value();
    // 0 is the model's default; a value between 0 and 1, which no scale can be, becomes 1 (off).
    s.cfg = m_cfg->value() <= 0.0 ? -1.0 : std::max(1.0, m_cfg->value());
    s.refCfg = m_refCfg->value() <= 0.0 ? -1.0 : std::max(1.0, m_refCfg->value());
    s.collage = m_collage->value() < 0.0 ? -1.0 : m_collage->value();
    s.size = m_size->currentData().toInt();
    s.regionStrength = m_region->value();
    m_composition->setSettings(s);
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
            showBanner(error);
    }
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

void MainWindow::showShortcuts()
{
    QMessageBox::information(this, tr("Keyboard shortcuts"),
                             tr("<table>"
                                "<tr><td><b>Ctrl+Enter</b></td><td>Generate</td></tr>"
                                "<tr><td><b>Esc</b></td><td>Cancel the generation</td></tr>"
                                "<tr><td><b>Ctrl+Z / Ctrl+Shift+Z</b></td><td>Undo / redo</td></tr>"
                                "<tr><td><b>Ctrl+V</b></td><td>Paste an image or files as subjects</td></tr>"
                                "<tr><td><b>R / B / E / P</b></td><td>Box, brush, eraser, point tool</td></tr>"
                                "<tr><td><b>Delete</b></td><td>Remove the selected region</td></tr>"
                                "<tr><td><b>Ctrl+wheel</b></td><td>Zoom the canvas</td></tr>"
                                "<tr><td><b>F1</b></td><td>This sheet</td></tr></table>"));
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About MOSAIC Studio"),
                       tr("<h3>MOSAIC Studio %1</h3><p>Multi-subject personalized image generation.</p>"
                          "<p>%2</p><p>Log file: %3</p>")
                           .arg(QString::fromLatin1(mosaic::versionString()),
                                QString::fromStdString(mosaic::buildSummary()).toHtmlEscaped(),
                                QString::fromStdString(mosaic::currentLogFile()).toHtmlEscaped()));
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

bool MainWindow::autosaveNow()
{
    ProjectContent c{m_composition->subjects(), m_composition->settings(), m_gallery->entries()};
    QString error;
    if (!saveProject(autosavePath(), c, &error)) {
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
    ProjectContent c{m_composition->subjects(), m_composition->settings(), m_gallery->entries()};
    if (!saveProject(path, c, error))
        return false;
    m_projectPath = path;
    m_dirty = false;
    m_composition->undoStack()->setClean();
    addRecent(path);
    QFile::remove(autosavePath());
    updateStatus();
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
        if (s.box.isNull())
            boxes << std::nullopt;
        else
            boxes << mosaic::NormalizedBox{static_cast<float>(s.box.x()), static_cast<float>(s.box.y()),
                                           static_cast<float>(s.box.width()), static_cast<float>(s.box.height())};
    }
    // The prompt as the model reads it: subject names become their words.
    const int i = m_annotate->set()->addSample(target, refs, names, m_composition->expandedPrompt(), boxes, error);
    if (i < 0)
        return false;
    m_annotate->setCurrentSample(i);
    return true;
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
    ProjectContent c;
    if (!loadProject(path, &c, error))
        return false;
    m_composition->reset(c.subjects, c.settings);
    m_gallery->setEntries(c.results);
    m_projectPath = path;
    m_dirty = false;
    addRecent(path);
    updateStatus();
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
        showBanner(error);
}

void MainWindow::openProjectInteractive()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open project"), QString(),
                                                      tr("MOSAIC Studio projects (*.mosaic)"));
    QString error;
    if (!path.isEmpty() && !openProject(path, &error))
        showBanner(error);
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
                showBanner(error);
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
    showBanner(tr("Settings restored from %1 (the references are not stored in images; the current subjects keep "
                  "their places in order).").arg(QFileInfo(path).fileName()), false);
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
        showBanner(errors.join(QLatin1Char('\n')));
    event->acceptProposedAction();
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QMainWindow::changeEvent(event);
}

void MainWindow::retranslateUi()
{
    m_fileMenu->setTitle(tr("&File"));
    m_newAction->setText(tr("&New composition"));
    m_openAction->setText(tr("&Open project…"));
    m_recentMenu->setTitle(tr("Open &recent"));
    m_saveAction->setText(tr("&Save project"));
    m_saveAsAction->setText(tr("Save project &as…"));
    m_demoAction->setText(tr("Open the &demo composition"));
    m_loadModelAction->setText(tr("&Load model…"));
    m_quitAction->setText(tr("&Quit"));
    m_editMenu->setTitle(tr("&Edit"));
    m_pasteAction->setText(tr("&Paste subject"));
    m_autoLayoutAction->setText(tr("&Auto layout"));
    m_toolActions[0]->setText(tr("&Box tool"));
    m_toolActions[1]->setText(tr("B&rush tool"));
    m_toolActions[2]->setText(tr("&Eraser tool"));
    m_toolActions[3]->setText(tr("&Point tool"));
    m_generateAction->setText(tr("&Generate"));
    m_cancelAction->setText(tr("&Cancel generation"));
    m_viewMenu->setTitle(tr("&View"));
    m_darkAction->setText(tr("&Dark theme"));
    m_languageMenu->setTitle(tr("&Language"));
    m_systemLanguageAction->setText(tr("System language"));
    m_helpMenu->setTitle(tr("&Help"));
    m_shortcutsAction->setText(tr("&Keyboard shortcuts"));
    m_aboutAction->setText(tr("&About MOSAIC Studio"));
    m_tabs->setTabText(0, tr("Compose"));
    m_tabs->setTabText(1, tr("Gallery"));
    m_tabs->setTabText(2, tr("Annotate"));
    m_promptLabel->setText(tr("<b>Prompt</b> (name subjects by their card names)"));
    m_promptLabel->setToolTip(tr("Subject names in the prompt are shown in their colours; the model is given each "
                                 "subject's word (under its preview) in place of its name."));
    m_prompt->setPlaceholderText(tr("e.g. three toys on the beach: a blob on the left, …"));
    m_seedLabel->setText(tr("Seed"));
    m_seedLock->setText(tr("Lock"));
    m_seedLock->setToolTip(tr("Unlocked, every generation draws a new seed"));
    m_dice->setText(tr("Random"));
    m_dice->setToolTip(tr("Draw a random seed"));
    m_stepsLabel->setText(tr("Steps"));
    m_steps->setSpecialValueText(tr("model default"));
    m_guidanceLabel->setText(tr("Guidance"));
    m_guidance->setSpecialValueText(tr("model default"));
    m_cfgLabel->setText(tr("Prompt guidance"));
    m_cfg->setSpecialValueText(tr("model default"));
    m_cfg->setToolTip(tr("Classifier-free guidance on the prompt: above 1 follows the prompt more closely, at the cost of "
                         "one more model pass per step (1: off)"));
    m_refCfgLabel->setText(tr("Reference guidance"));
    m_refCfg->setSpecialValueText(tr("model default"));
    m_refCfg->setToolTip(tr("Guidance on the references: above 1 keeps each subject closer to its reference, at the cost "
                            "of one more model pass per step (1: off)"));
    m_collageLabel->setText(tr("Reference collage"));
    m_collage->setTexts(tr("model default"), tr("off"));
    m_collage->setToolTip(tr("Pastes each reference, cut from its white ground, into its region (without one: where its "
                             "attention landed) in a first image, then redraws that image at this strength: lower keeps "
                             "more of the reference, higher blends it more. Costs the redrawn steps once more. Off: "
                             "MOSAIC alone."));
    m_sizeLabel->setText(tr("Size"));
    {
        const int keep = m_size->currentIndex();
        m_syncing = true;
        m_size->clear();
        m_size->addItem(tr("model default"), 0);
        for (int s : {128, 192, 256, 384, 512})
            m_size->addItem(tr("%1 × %1 px").arg(s), s);
        m_size->setCurrentIndex(std::max(0, keep));
        m_syncing = false;
    }
    m_regionLabel->setText(tr("Region strength"));
    m_region->setToolTip(tr("How strongly each subject's attention is steered into its drawn region (0: off)"));
    m_busyLabel->setText(tr("While busy"));
    m_busyMode->setItemText(0, tr("queue the new request"));
    m_busyMode->setItemText(1, tr("replace the running one"));
    m_autoLayout->setText(tr("Auto layout"));
    m_autoLayout->setToolTip(tr("Gives every subject a region where the prompt puts it by its name (“Pip on the left”, "
                                "“Tock at the top right”); subjects the prompt does not place go where there is room"));
    m_autoLayoutAction->setStatusTip(m_autoLayout->toolTip());
    m_generate->setText(tr("Generate (Ctrl+Enter)"));
    m_cancel->setText(tr("Cancel (Esc)"));
    m_modelTitle->setText(tr("<b>Model</b>"));
    if (!m_service->modelReady())
        m_modelInfo->setText(tr("none loaded"));
    m_loadModel->setText(tr("Load model…"));
    // The panel is at least as wide as its rows ask in this language (the seed row: number, "Random"
    // and "Lock" side by side), so that the splitter never clips a button's text.
    // Once the new texts have reached the widgets' size hints (some are computed lazily).
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_settingsPanel->layout()->invalidate();
            m_settingsPanel->setMinimumWidth(std::max(260, m_settingsPanel->sizeHint().width()));
        },
        Qt::QueuedConnection);
    updateStatus();
}

} // namespace ui
