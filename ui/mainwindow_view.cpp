// The main window's menus and actions, language, theme, the About box and the shortcut sheet.
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
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QEvent>
#include <QKeySequence>
#include <QLabel>
#include <QLayout>
#include <QFontDatabase>
#include <QLibraryInfo>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPalette>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>
#include <QToolButton>
#include <QTranslator>
#include <QUndoGroup>

#include <tuple>

namespace ui {

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
            showBanner(error, true, Banner::Topic::Project);
    });
    m_loadModelAction = m_fileMenu->addAction(QString(), this, &MainWindow::chooseModel);
    m_modelsAction = m_fileMenu->addAction(QString(), this, &MainWindow::chooseModelSet);
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

QString MainWindow::missingFont(const QString &code)
{
    // Chinese without a font that has its characters shows empty boxes.
    const QLocale locale = code.isEmpty() ? QLocale() : QLocale(code);
    if (locale.language() != QLocale::Chinese || !QFontDatabase::families(QFontDatabase::SimplifiedChinese).isEmpty())
        return QString();
    return tr("No font with Chinese characters is installed, so the text shows as empty boxes: install one (on Debian: "
              "apt install fonts-noto-cjk) and restart.");
}

bool MainWindow::installLanguage(const QString &code)
{
    if (const QString missing = missingFont(code); !missing.isEmpty())
        mosaic::logMessage(mosaic::LogLevel::Warn, "ui", missing.toStdString());
    static QTranslator *translator = nullptr, *qtTranslator = nullptr;
    for (QTranslator **old : {&translator, &qtTranslator})
        if (*old) {
            QCoreApplication::removeTranslator(*old);
            delete *old;
            *old = nullptr;
        }
    if (code == QLatin1String("en"))
        return true;
    // Qt's own strings (dialog buttons, the file dialog) in the same language as ours, not the system's.
    auto *qt = new QTranslator;
    const QString qtDir = QLibraryInfo::path(QLibraryInfo::TranslationsPath);
    if (code.isEmpty() ? qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"), qtDir)
                       : qt->load(QStringLiteral("qtbase_") + code, qtDir)) {
        QCoreApplication::installTranslator(qt);
        qtTranslator = qt;
    } else {
        delete qt;
    }
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
    if (const QString missing = missingFont(code); !missing.isEmpty())
        showBanner(missing, true); // (installLanguage logged it)
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
        // Lighter than the window: Fusion outlines check boxes and fields in the window's colour darkened,
        // which vanished against the darker base this theme had (unchecked boxes could not be seen).
        p.setColor(QPalette::Base, QColor(0x3a, 0x3d, 0x41));
        p.setColor(QPalette::AlternateBase, QColor(0x2b, 0x2d, 0x30));
        p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
        p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::ToolTipBase, QColor(0x35, 0x37, 0x3b));
        p.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xdb));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
        p.setColor(QPalette::Link, QColor(0x8a, 0xb4, 0xf8));
        p.setColor(QPalette::LinkVisited, QColor(0xc5, 0x8a, 0xf9));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x70, 0x70, 0x70));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x70, 0x70, 0x70));
    }
    QApplication::setPalette(p);
}

QString MainWindow::shortcutsText() const
{
    return tr("<h4>Compose</h4><table>"
              "<tr><td><b>Ctrl+Enter</b></td><td>Generate</td></tr>"
              "<tr><td><b>Esc</b></td><td>Cancel the generation</td></tr>"
              "<tr><td><b>Ctrl+Z / Ctrl+Shift+Z</b></td><td>Undo / redo</td></tr>"
              "<tr><td><b>Ctrl+V</b></td><td>Paste an image or files as subjects</td></tr>"
              "<tr><td><b>R / B / E / P</b></td><td>Box, brush, eraser, point tool</td></tr>"
              "<tr><td><b>Delete</b></td><td>Remove the selected region</td></tr>"
              "<tr><td><b>Ctrl+wheel</b></td><td>Zoom the canvas</td></tr></table>"
              "<h4>Annotate</h4><table>"
              "<tr><td><b>1 / 2 / 3 / 4 / 5</b></td><td>Pair, box, brush, eraser, polygon tool</td></tr>"
              "<tr><td><b>A / X</b></td><td>Accept / reject the selected pairs (in the view or the table)</td></tr>"
              "<tr><td><b>N or Tab / P or Shift+Tab</b></td><td>Next / previous pair</td></tr>"
              "<tr><td><b>Delete</b></td><td>Remove the selected pair</td></tr>"
              "<tr><td><b>Enter</b></td><td>Close the polygon</td></tr>"
              "<tr><td><b>Esc</b></td><td>Drop the pair or polygon being drawn</td></tr></table>"
              "<p><b>F1</b>: this sheet</p>");
}

void MainWindow::showShortcuts()
{
    QMessageBox::information(this, tr("Keyboard shortcuts"), shortcutsText());
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
    m_modelsAction->setText(tr("&Models…"));
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
    updateModelLimits(); // in the new language too
    updateUnknownWords();
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
