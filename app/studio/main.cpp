// `mosaic-studio`: the desktop application's composition root.
#include "mainwindow.h"
#include "uibench.h"

#include <mosaic/log.h>
#include <mosaic/runtime.h>
#include <mosaic/version.h>

#include <QApplication>
#include <QCoreApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QSettings>
#include <QMessageBox>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <cstdio>

namespace {

void setApplicationNames()
{
    QCoreApplication::setApplicationName(QStringLiteral("mosaic-studio"));
    QCoreApplication::setOrganizationName(QStringLiteral("MOSAIC Studio"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(mosaic::versionString()));
}

void addOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QCoreApplication::translate("main", "Multi-subject personalized image generation"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("threads"), QCoreApplication::translate("main", "LibTorch threads (default: all cores)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("demo"),
                      QCoreApplication::translate("main", "Open the prepared demo composition (bundled subjects, "
                                                          "prompt and regions): one click generates.")});
    parser.addOption({QStringLiteral("model"),
                      QCoreApplication::translate("main", "A model bundle to load instead of the bundled one."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("bench-ui"),
                      QCoreApplication::translate("main", "Benchmark: generate RUNS times from the demo composition (or the "
                                                          "given project) and print the longest event-loop stall of each "
                                                          "run, then quit. Runs without a display with "
                                                          "QT_QPA_PLATFORM=offscreen."),
                      QStringLiteral("RUNS")});
    parser.addOption({QStringLiteral("dataset"),
                      QCoreApplication::translate("main", "Open a correspondence dataset folder in Annotate mode."),
                      QStringLiteral("DIR")});
    parser.addPositionalArgument(QStringLiteral("files"),
                                 QCoreApplication::translate("main", "Projects (.mosaic) to open, or images to add as subjects."),
                                 QStringLiteral("[FILE...]"));
}

} // namespace

int main(int argc, char *argv[])
{
    // --help and --version answer without a display (a terminal, an SSH session, a package check).
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        if (a == "-h" || a == "--help" || a == "--help-all" || a == "-v" || a == "--version") {
            QCoreApplication core(argc, argv);
            setApplicationNames();
            QCommandLineParser parser;
            addOptions(parser);
            parser.process(core); // prints and exits
            return 0;
        }
    }

    QApplication app(argc, argv);
    setApplicationNames();
    QApplication::setApplicationDisplayName(QStringLiteral("MOSAIC Studio"));

    // Qt's own strings and ours (":/i18n/mosaic-studio_<lang>.qm") in the chosen language.
    ui::MainWindow::installLanguage(QSettings().value(QStringLiteral("ui/language")).toString());

    QCommandLineParser parser;
    addOptions(parser);
    parser.process(app);
    const QString threadsOption = QStringLiteral("threads"), demoOption = QStringLiteral("demo"),
                  modelOption = QStringLiteral("model");

    int benchRuns = 0;
    if (parser.isSet(QStringLiteral("bench-ui"))) {
        bool ok = false;
        benchRuns = parser.value(QStringLiteral("bench-ui")).toInt(&ok);
        if (!ok || benchRuns < 1) {
            std::fprintf(stderr, "mosaic-studio: --bench-ui expects a positive number of runs\n");
            return 2;
        }
    }

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
    if (benchRuns > 0) {
        window.setAutosaveEnabled(false);
        window.loadModel(parser.value(modelOption));
        QString error;
        bool opened = false;
        if (parser.positionalArguments().isEmpty()) {
            opened = window.openDemo(ui::MainWindow::findDemo(), &error);
        } else {
            QStringList errors;
            window.openFiles(parser.positionalArguments(), &errors);
            opened = errors.isEmpty();
            error = errors.join(QLatin1Char('\n'));
        }
        QVector<ui::UiBenchRun> runs, suggestions;
        if (!opened || !ui::runUiBenchmark(window, benchRuns, &runs, &error, &suggestions)) {
            std::fprintf(stderr, "mosaic-studio: %s\n", qPrintable(error.isEmpty() ? QStringLiteral("nothing to generate") : error));
            return 1;
        }
        std::printf("%s", qPrintable(ui::uiBenchReport(runs, suggestions)));
        return 0;
    }
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
    QStringList errors;
    window.openStartup(parser.isSet(demoOption), parser.positionalArguments(), parser.value(QStringLiteral("dataset")),
                       &errors);
    if (!errors.isEmpty())
        QMessageBox::warning(&window, QApplication::translate("main", "Cannot open"), errors.join(QLatin1Char('\n')));
    return app.exec();
}
