// The main window skeleton, offscreen: it shows the engine's facts, its menus exist, and a record
// logged by core on another thread reaches the log dock through the hub.
#include "testsupport.h"

#include "logdock.h"
#include "composition.h"
#include "mainwindow.h"

#include <mosaic/log.h>
#include <mosaic/runtime.h>
#include <mosaic/version.h>

#include <QAction>
#include <QCoreApplication>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QApplication>
#include <QCheckBox>
#include <QToolButton>
#include <QMenuBar>
#include <QSettings>
#include <QLabel>
#include <QTemporaryDir>
#include <QTranslator>
#include <QImage>

#include <thread>

class TstMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsEngineFacts()
    {
        mosaic::configureThreads(2);
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.windowTitle().contains(QString::fromLatin1(mosaic::versionString())));
        QVERIFY(w.engineSummary().contains(QString::fromStdString(mosaic::torchVersionString())));
        QVERIFY(w.engineSummary().contains(QStringLiteral("threads: 2")));
        QVERIFY(w.findChild<QAction *>(QStringLiteral("quitAction")));
        QVERIFY(w.findChild<QAction *>(QStringLiteral("aboutAction")));
    }

    void logRecordsReachTheDock()
    {
        ui::MainWindow w;
        const int before = w.logDock()->lineCount();
        std::thread worker([] {
            mosaic::logMessage(mosaic::LogLevel::Warn, "core.pipeline", "from a worker thread");
        });
        worker.join();
        QTRY_VERIFY(w.logDock()->text().contains(QStringLiteral("from a worker thread")));
        QVERIFY(w.logDock()->text().contains(QStringLiteral("[core.pipeline] [warning]")));
        QVERIFY(w.logDock()->lineCount() > before);
    }

    // The language choice applies at once and is remembered.
    void languageSwitches()
    {
        ui::MainWindow w;
        auto *fileMenu = w.menuBar()->actions().first();
        w.findChild<QAction *>(QStringLiteral("language_zh_CN"))->trigger();
        QTRY_COMPARE(fileMenu->text(), QStringLiteral("文件(&F)")); // (LanguageChange is posted)
        QVERIFY(w.engineSummary().contains(QStringLiteral("线程")));
        w.findChild<QAction *>(QStringLiteral("language_de"))->trigger();
        QTRY_COMPARE(fileMenu->text(), QStringLiteral("&Datei"));
        QCOMPARE(QSettings().value(QStringLiteral("ui/language")).toString(), QStringLiteral("de"));
        // Qt's own dialog buttons follow the chosen language, not the system's.
        if (QFileInfo::exists(QLibraryInfo::path(QLibraryInfo::TranslationsPath) + QStringLiteral("/qtbase_de.qm")))
            QCOMPARE(QCoreApplication::translate("QPlatformTheme", "&Yes"), QStringLiteral("&Ja"));
        w.findChild<QAction *>(QStringLiteral("language_en"))->trigger();
        QTRY_COMPARE(fileMenu->text(), QStringLiteral("&File"));
        QCOMPARE(QCoreApplication::translate("QPlatformTheme", "&Yes"), QStringLiteral("&Yes"));
        QSettings().remove(QStringLiteral("ui/language"));
    }

    // In every language the settings panel is wide enough for its rows: no button or check box is
    // squeezed below the width its text needs (the seed row holds three side by side).
    void settingsPanelFitsItsRows()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        for (const char *language : {"language_de", "language_zh_CN", "language_en"}) {
            w.findChild<QAction *>(QString::fromLatin1(language))->trigger();
            QCoreApplication::processEvents(); // LanguageChange is posted
            QCoreApplication::processEvents();
            for (QWidget *widget : {static_cast<QWidget *>(w.findChild<QToolButton *>(QStringLiteral("diceButton"))),
                                    static_cast<QWidget *>(w.findChild<QCheckBox *>(QStringLiteral("seedLock"))),
                                    static_cast<QWidget *>(w.findChild<QWidget *>(QStringLiteral("refCfgSpin"))),
                                    static_cast<QWidget *>(w.findChild<QWidget *>(QStringLiteral("collageSpin")))}) {
                QVERIFY(widget);
                const QWidget *panel = w.findChild<QWidget *>(QStringLiteral("settingsPanel"));
                QTRY_VERIFY2(widget->width() >= widget->sizeHint().width(),
                             qPrintable(QStringLiteral("%1 in %2: %3 px of %4 (the panel %5 px, at least %6, hint %7)")
                                            .arg(widget->objectName(), QLatin1String(language))
                                            .arg(widget->width()).arg(widget->sizeHint().width())
                                            .arg(panel->width()).arg(panel->minimumWidth()).arg(panel->sizeHint().width())));
            }
        }
        QSettings().remove(QStringLiteral("ui/language"));
    }

    void logDockToggles()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto *toggle = w.findChild<QAction *>(QStringLiteral("toggleLogAction"));
        QVERIFY(toggle);
        QVERIFY(w.logDock()->isVisible());
        toggle->trigger();
        QVERIFY(!w.logDock()->isVisible());
    }

    void retranslatesOnLanguageChange()
    {
        ui::MainWindow w;
        QTranslator de;
        QVERIFY(de.load(QStringLiteral(":/i18n/mosaic-studio_de.qm")));
        QApplication::installTranslator(&de);
        QTRY_COMPARE(w.logDock()->windowTitle(), QStringLiteral("Protokoll"));
        QApplication::removeTranslator(&de);
        QTRY_COMPARE(w.logDock()->windowTitle(), QStringLiteral("Log"));
    }

    // `mosaic-studio FILE...` and the desktop's "Open with": images become subjects, projects open,
    // and what cannot open is reported, the rest still opens.
    void opensFilesFromTheCommandLine()
    {
        QTemporaryDir dir;
        QImage img(48, 40, QImage::Format_RGB32);
        img.fill(Qt::red);
        const QString png = dir.filePath(QStringLiteral("red.png"));
        QVERIFY(img.save(png));
        ui::MainWindow w;
        QStringList errors;
        w.openFiles({png, dir.filePath(QStringLiteral("absent.png")), dir.filePath(QStringLiteral("absent.mosaic"))}, &errors);
        QCOMPARE(w.composition()->count(), 1);
        QCOMPARE(errors.size(), 2);
        QVERIFY(errors[0].contains(QStringLiteral("absent.png")));
        QVERIFY(errors[1].contains(QStringLiteral("absent.mosaic")));
        // A project saved from this window opens again from the command line.
        const QString project = dir.filePath(QStringLiteral("p.mosaic"));
        QString error;
        QVERIFY2(w.saveProjectAs(project, &error), qPrintable(error));
        ui::MainWindow other;
        errors.clear();
        other.openFiles({project}, &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QCOMPARE(other.composition()->count(), 1);
        QCOMPARE(other.projectPath(), project);
        // --demo with images: the demo's four subjects and the image, not the image alone.
        ui::MainWindow started;
        errors.clear();
        started.openStartup(true, {png}, QString(), &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QCOMPARE(started.composition()->count(), 5);
        QCOMPARE(started.composition()->subjects().back().name, QStringLiteral("red"));
    }
};

QTEST_MAIN(TstMainWindow)
#include "tst_mainwindow.moc"
