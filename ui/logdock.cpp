#include "logdock.h"

#include <mosaic/log.h>

#include <QDesktopServices>
#include <QEvent>
#include <QFileInfo>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace ui {

LogDock::LogDock(LogHub *hub, QWidget *parent) : QDockWidget(parent)
{
    setObjectName(QStringLiteral("logDock"));
    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(4, 4, 4, 4);
    m_view = new QPlainTextEdit(content);
    m_view->setReadOnly(true);
    m_view->setMaximumBlockCount(5000);
    m_view->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_openFolder = new QPushButton(content);
    layout->addWidget(m_view);
    layout->addWidget(m_openFolder, 0, Qt::AlignRight);
    setWidget(content);
    connect(hub, &LogHub::entryAdded, this, &LogDock::append);
    connect(m_openFolder, &QPushButton::clicked, this, [] {
        const QString file = QString::fromStdString(mosaic::currentLogFile());
        const QString dir = file.isEmpty() ? QString::fromStdString(mosaic::defaultLogDirectory())
                                           : QFileInfo(file).absolutePath();
        QDesktopServices::openUrl(QUrl::fromLocalFile(dir));
    });
    retranslateUi();
}

int LogDock::lineCount() const
{
    return m_view->document()->blockCount() - (m_view->document()->isEmpty() ? 1 : 0);
}

QString LogDock::text() const
{
    return m_view->toPlainText();
}

void LogDock::append(const ui::LogEntry &entry)
{
    const char *level = mosaic::logLevelName(static_cast<mosaic::LogLevel>(entry.level));
    m_view->appendPlainText(QStringLiteral("[%1] [%2] %3").arg(entry.logger, QString::fromLatin1(level), entry.message));
}

void LogDock::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QDockWidget::changeEvent(event);
}

void LogDock::retranslateUi()
{
    setWindowTitle(tr("Log"));
    m_openFolder->setText(tr("Open Log Folder"));
}

} // namespace ui
