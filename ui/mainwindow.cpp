#include "mainwindow.h"

#include "logdock.h"
#include "loghub.h"

#include <mosaic/log.h>
#include <mosaic/runtime.h>
#include <mosaic/version.h>

#include <QAction>
#include <QApplication>
#include <QEvent>
#include <QIcon>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

namespace ui {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/mosaic-studio.svg")));
    m_logHub = new LogHub(this);
    m_logDock = new LogDock(m_logHub, this);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);

    m_welcome = new QLabel(this);
    m_welcome->setAlignment(Qt::AlignCenter);
    m_welcome->setWordWrap(true);
    m_welcome->setTextFormat(Qt::RichText);
    m_welcome->setMargin(24);
    setCentralWidget(m_welcome);

    m_engineStatus = new QLabel(this);
    statusBar()->addPermanentWidget(m_engineStatus);

    createActions();
    retranslateUi();
    resize(1100, 720);
    mosaic::logMessage(mosaic::LogLevel::Info, "ui", "main window ready: " + engineSummary().toStdString());
}

MainWindow::~MainWindow() = default;

QString MainWindow::engineSummary() const
{
    return tr("LibTorch %1 · threads: %2 · %3")
        .arg(QString::fromStdString(mosaic::torchVersionString()), QString::number(mosaic::threadCount()),
             mosaic::cudaAvailable() ? tr("CUDA") : tr("CPU"));
}

void MainWindow::createActions()
{
    m_fileMenu = menuBar()->addMenu(QString());
    m_quitAction = m_fileMenu->addAction(QString(), qApp, &QApplication::closeAllWindows);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setObjectName(QStringLiteral("quitAction"));

    m_viewMenu = menuBar()->addMenu(QString());
    QAction *toggleLog = m_logDock->toggleViewAction();
    toggleLog->setObjectName(QStringLiteral("toggleLogAction"));
    m_viewMenu->addAction(toggleLog);

    m_helpMenu = menuBar()->addMenu(QString());
    m_aboutAction = m_helpMenu->addAction(QString(), this, &MainWindow::showAbout);
    m_aboutAction->setObjectName(QStringLiteral("aboutAction"));
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
    setWindowTitle(tr("MOSAIC Studio %1").arg(QString::fromLatin1(mosaic::versionString())));
    m_fileMenu->setTitle(tr("&File"));
    m_quitAction->setText(tr("&Quit"));
    m_viewMenu->setTitle(tr("&View"));
    m_helpMenu->setTitle(tr("&Help"));
    m_aboutAction->setText(tr("&About MOSAIC Studio"));
    m_welcome->setText(tr("<h2>MOSAIC Studio</h2>"
                          "<p>Compose one image from several reference subjects, and see where each "
                          "subject's attention landed.</p>"
                          "<p><b>Engine:</b> %1</p>")
                           .arg(engineSummary().toHtmlEscaped()));
    m_engineStatus->setText(engineSummary());
}

} // namespace ui
