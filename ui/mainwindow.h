#pragma once
// The main window. For now a skeleton: engine information, the log dock, menus; the subjects panel,
// canvas and gallery arrive with the pipeline (see the issues).

#include <QMainWindow>

class QAction;
class QLabel;
class QMenu;

namespace ui {

class LogDock;
class LogHub;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    LogDock *logDock() const { return m_logDock; }
    QString engineSummary() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void createActions();
    void retranslateUi();
    void showAbout();

    LogHub *m_logHub = nullptr;
    LogDock *m_logDock = nullptr;
    QLabel *m_welcome = nullptr;
    QLabel *m_engineStatus = nullptr;
    QMenu *m_fileMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_helpMenu = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_aboutAction = nullptr;
};

} // namespace ui
