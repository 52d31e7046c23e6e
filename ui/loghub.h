#pragma once
// Receives core's log records on any thread and re-emits them in the GUI thread (queued), as
// Tiled's LoggingInterface feeds its console dock.

#include <QObject>
#include <QString>

namespace ui {

struct LogEntry
{
    int level = 0; // mosaic::LogLevel as int
    QString logger;
    QString message;
};

class LogHub : public QObject
{
    Q_OBJECT

public:
    explicit LogHub(QObject *parent = nullptr);
    ~LogHub() override;

Q_SIGNALS:
    void entryAdded(const ui::LogEntry &entry);

private:
    int m_sinkId = 0;
};

} // namespace ui

Q_DECLARE_METATYPE(ui::LogEntry)
