#include "loghub.h"

#include <mosaic/log.h>

#include <QMetaObject>

namespace ui {

LogHub::LogHub(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<ui::LogEntry>();
    m_sinkId = mosaic::addLogSink([this](const mosaic::LogRecord &r) {
        LogEntry e{static_cast<int>(r.level), QString::fromStdString(r.logger), QString::fromStdString(r.message)};
        // Any thread -> the hub's thread; never touches widgets directly.
        QMetaObject::invokeMethod(this, [this, e] { Q_EMIT entryAdded(e); }, Qt::QueuedConnection);
    }, true);
}

LogHub::~LogHub()
{
    mosaic::removeLogSink(m_sinkId);
}

} // namespace ui
