#pragma once

#include "loghub.h"

#include <QDockWidget>

class QPlainTextEdit;
class QPushButton;

namespace ui {

// Shows the log records of this session and opens the folder of the log file.
class LogDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit LogDock(LogHub *hub, QWidget *parent = nullptr);
    int lineCount() const;
    QString text() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void append(const ui::LogEntry &entry);
    void retranslateUi();
    QPlainTextEdit *m_view = nullptr;
    QPushButton *m_openFolder = nullptr;
};

} // namespace ui
