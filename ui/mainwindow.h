#pragma once
// The main window: subjects on the left, the canvas and the gallery in the middle, prompt and
// settings on the right, the log dock below; generation runs on the GenerationService's thread.

#include "banner.h"
#include "generationservice.h"

#include <QImage>
#include <QMainWindow>

class QAction;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QToolButton;
class QUndoGroup;

namespace ui {

class AnnotatePanel;
class CollageSpinBox;
class Canvas;
class Composition;
class Gallery;
class LogDock;
class LogHub;
class SubjectsPanel;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    LogDock *logDock() const { return m_logDock; }
    QString engineSummary() const;
    Composition *composition() const { return m_composition; }
    AnnotatePanel *annotatePanel() const { return m_annotate; }
    // Opens a dataset folder in Annotate mode and switches to it.
    bool openDataset(const QString &dir, QString *error);
    // Annotate mode: the current composition (subjects, regions, prompt) with the selected result,
    // or else a target image file, as a new sample of the open dataset.
    bool addCompositionToDataset(const QString &targetFile, QString *error);
    GenerationService *service() const { return m_service; }
    Gallery *gallery() const { return m_gallery; }
    Canvas *canvas() const { return m_canvas; }
    SubjectsPanel *subjectsPanel() const { return m_subjects; }
    QString bannerText() const;
    QString shortcutsText() const; // the F1 sheet

    // Loads a model bundle on the worker (the bundled model when path is empty).
    void loadModel(const QString &path = {});
    // Opens a prepared composition (resources/demo/demo.json layout); false with *error on failure.
    bool openDemo(const QString &demoJson, QString *error);
    static QString findDemo();
    // Starts a generation from the current composition and settings; returns its id (0: refused).
    // `start`: image to image from it, noised to `strength` (GenerationRequest::initImage).
    quint64 generate(const QImage &start = QImage(), double strength = 1.0);
    void cancel();
    void setReplaceRunning(bool replace);
    // The interface language: "" (the system's), "en", "de", "zh_CN"; stored in the settings and
    // applied at once (every widget retranslates on QEvent::LanguageChange).
    static bool installLanguage(const QString &code);
    // Why the language cannot be read on this machine (Chinese without a CJK font), "" when it can.
    static QString missingFont(const QString &code);
    void setLanguage(const QString &code);
    void setDarkTheme(bool dark);
    bool darkTheme() const { return m_dark; }

    // Project files (.mosaic).
    bool saveProjectAs(const QString &path, QString *error);
    bool openProject(const QString &path, QString *error);
    QString projectPath() const { return m_projectPath; }
    // Files given on the command line, by the desktop's "Open with" or dropped: projects open, PNGs
    // written by MOSAIC restore their settings, other images become subjects. Projects that cannot
    // open and missing files are collected in *errors.
    void openFiles(const QStringList &paths, QStringList *errors);
    // What the command line asks to open, in the order that keeps all of it: the demo (a composition of
    // its own), then the files (images join it as subjects; a project replaces it), then a dataset in
    // Annotate mode. What cannot open is collected in *errors.
    void openStartup(bool demo, const QStringList &files, const QString &dataset, QStringList *errors);
    bool isDirty() const { return m_dirty; }
    // Autosave and crash recovery: the autosave file exists while unsaved work exists and the
    // window has not been closed normally.
    static QString autosavePath();
    // Off for runs that must not touch the user's autosave (the --bench-ui benchmark).
    void setAutosaveEnabled(bool on) { m_autosave = on; }
    bool autosaveNow();
    static bool hasRecovery();
    bool recover(QString *error);
    // A dropped or opened PNG written by MOSAIC Studio or the CLI: its settings and regions.
    bool restoreFromPng(const QString &path, QString *error);
    // What a drop of these local files does: projects open, PNGs with parameters restore settings,
    // other images become subjects.

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    // The project as it is now, written to `path` (atomically); the gallery's results as they are kept.
    bool saveTo(const QString &path, QString *error);
    // Subjects without a region that the prompt places by name get that place in the request.
    void placeFromPrompt(mosaic::GenerationRequest *req);
    // The constructor's steps.
    void createActions();
    void createLayout();
    void connectService();
    void connectAnnotator();
    void restoreSettings(); // theme, geometry, queue mode from QSettings
    void createSettingsPanel();
    void retranslateUi();
    void showAbout();
    void showShortcuts();
    void showBanner(const QString &text, bool error = true, Banner::Topic topic = Banner::Topic::General);
    void syncSettingsFromComposition();
    void commitSettings();
    void pasteSubject();
    void chooseModel();
    void chooseModelSet(); // Models…
    void updateStatus();
    void updateModelLimits();
    void updateUnknownWords();
    void markDirty();
    void addRecent(const QString &path);
    void rebuildRecentMenu();
    void saveProjectInteractive(bool askPath);
    void openProjectInteractive();

    Composition *m_composition = nullptr;
    GenerationService *m_service = nullptr;
    LogHub *m_logHub = nullptr;
    LogDock *m_logDock = nullptr;
    SubjectsPanel *m_subjects = nullptr;
    Canvas *m_canvas = nullptr;
    Gallery *m_gallery = nullptr;
    QTabWidget *m_tabs = nullptr;
    AnnotatePanel *m_annotate = nullptr;
    QUndoGroup *m_undoGroup = nullptr;
    QWidget *m_settingsPanel = nullptr;
    Banner *m_banner = nullptr;

    QLabel *m_promptLabel = nullptr, *m_seedLabel = nullptr, *m_stepsLabel = nullptr, *m_guidanceLabel = nullptr, *m_cfgLabel = nullptr, *m_refCfgLabel = nullptr, *m_collageLabel = nullptr,
           *m_sizeLabel = nullptr, *m_regionLabel = nullptr, *m_modelTitle = nullptr, *m_modelInfo = nullptr,
           *m_busyLabel = nullptr, *m_modelLimits = nullptr, *m_unknownWords = nullptr;
    QPlainTextEdit *m_prompt = nullptr;
    QSpinBox *m_seed = nullptr, *m_steps = nullptr;
    QCheckBox *m_seedLock = nullptr;
    QToolButton *m_dice = nullptr;
    QDoubleSpinBox *m_guidance = nullptr, *m_cfg = nullptr, *m_refCfg = nullptr, *m_region = nullptr;
    CollageSpinBox *m_collage = nullptr;
    QComboBox *m_size = nullptr, *m_busyMode = nullptr;
    QPushButton *m_generate = nullptr, *m_cancel = nullptr, *m_autoLayout = nullptr, *m_loadModel = nullptr;

    QLabel *m_engineStatus = nullptr, *m_modelStatus = nullptr, *m_timingStatus = nullptr;
    QProgressBar *m_progress = nullptr;
    QMenu *m_fileMenu = nullptr, *m_editMenu = nullptr, *m_viewMenu = nullptr, *m_helpMenu = nullptr;
    QAction *m_quitAction = nullptr, *m_aboutAction = nullptr, *m_undoAction = nullptr, *m_redoAction = nullptr,
            *m_generateAction = nullptr, *m_cancelAction = nullptr, *m_pasteAction = nullptr, *m_loadModelAction = nullptr, *m_modelsAction = nullptr,
            *m_darkAction = nullptr, *m_shortcutsAction = nullptr, *m_demoAction = nullptr, *m_autoLayoutAction = nullptr;
    QMenu *m_recentMenu = nullptr, *m_languageMenu = nullptr;
    QAction *m_systemLanguageAction = nullptr;
    QAction *m_newAction = nullptr, *m_openAction = nullptr, *m_saveAction = nullptr, *m_saveAsAction = nullptr;
    QList<QAction *> m_toolActions;
    QString m_projectPath;
    bool m_dirty = false;
    bool m_tearingDown = false; // set first thing in the destructor
    bool m_autosave = true;
    bool m_syncing = false, m_dark = false;
    int m_defaultSize = 0;
    QString m_lastTiming;
};

} // namespace ui
