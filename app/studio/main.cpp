// `mosaic-studio`: the desktop application's composition root.
#include "mainwindow.h"

#include <mosaic/log.h>
#include <mosaic/runtime.h>
#include <mosaic/version.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QSettings>
#include <QMessageBox>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("mosaic-studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("MOSAIC Studio"));
    QApplication::setOrganizationName(QStringLiteral("MOSAIC Studio"));
    QApplication::setApplicationVersion(QString::fromLatin1(mosaic::versionString()));

    // Qt's own strings, then ours (":/i18n/mosaic-studio_<lang>.qm").
    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    ui::MainWindow::installLanguage(QSettings().value(QStringLiteral("ui/language")).toString());

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Multi-subject personalized image generation"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption threadsOption(QStringLiteral("threads"),
                                     QApplication::translate("main", "LibTorch threads (default: all cores)."),
                                     QStringLiteral("N"));
    parser.addOption(threadsOption);
    QCommandLineOption demoOption(QStringLiteral("demo"),
                                  QApplication::translate("main", "Open the prepared demo composition (bundled subjects, "
                                                                  "prompt and regions): one click generates."));
    parser.addOption(demoOption);
    QCommandLineOption modelOption(QStringLiteral("model"),
                                   QApplication::translate("main", "A model bundle to load instead of the bundled one."),
                                   QStringLiteral("FILE"));
    parser.addOption(modelOption);
    parser.process(app);

    int threads = 0;
    if (parser.isSet(threadsOption)) {
        bool ok = false;
        threads = parser.value(threadsOption).toInt(&ok);
        if (!ok || threads < 1) {
            std::fprintf(stderr, "mosaic-studio: --threads expects a positive number\n");
            return 2;
        }
    }

    mosaic::LogOptions logOptions;
    if (auto st = mosaic::initLogging(logOptions); !st.ok()) {
        std::fprintf(stderr, "mosaic-studio: warning: %s\n", st.message.c_str());
        logOptions.file = false;
        mosaic::initLogging(logOptions);
    }
    mosaic::configureThreads(threads);
    mosaic::logMessage(mosaic::LogLevel::Info, "app", mosaic::buildSummary());

    ui::MainWindow window;
    window.show();
    if (ui::MainWindow::hasRecovery()) {
        const auto answer = QMessageBox::question(
            &window, QApplication::translate("main", "Recover unsaved work?"),
            QApplication::translate("main", "MOSAIC Studio did not close normally last time. Recover the composition "
                                            "and results from the last autosave?"));
        QString error;
        if (answer == QMessageBox::Yes && !window.recover(&error))
            QMessageBox::warning(&window, QApplication::translate("main", "Recovery failed"), error);
        else if (answer != QMessageBox::Yes)
            QFile::remove(ui::MainWindow::autosavePath());
    }
    window.loadModel(parser.value(modelOption));
    if (parser.isSet(demoOption)) {
        QString error;
        if (!window.openDemo(ui::MainWindow::findDemo(), &error))
            std::fprintf(stderr, "mosaic-studio: %s\n", error.toLocal8Bit().constData());
    }
    return app.exec();
}
