#pragma once
// The subjects panel: a card per subject (prepared-reference thumbnail framed in the subject's
// colour, editable name), add by file dialog, drag-and-drop from the file manager or paste; reorder
// by dragging; remove; recolour; a preview of the selected subject's prepared reference.

#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace ui {

class Composition;

class SubjectsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit SubjectsPanel(Composition *composition, QWidget *parent = nullptr);
    ~SubjectsPanel() override;
    int currentIndex() const;
    void setCurrentIndex(int index);
    QListWidget *list() const { return m_list; }
    // Adds files (as from a drop); errors are collected and shown once. Returns how many were added.
    int addFiles(const QStringList &paths);

Q_SIGNALS:
    void currentChanged(int index);
    void errorOccurred(const QString &message);
    void referencePointPicked(const QPointF &point); // a click on the prepared preview, in [0, 1]

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void rebuild();
    void refresh(int index);
    void updatePreview();
    void retranslateUi();
    void chooseFiles();
    void chooseColor();

    Composition *m_composition;
    QListWidget *m_list;
    QLabel *m_title, *m_preview, *m_hint, *m_wordLabel;
    QLineEdit *m_word;
    QPushButton *m_add, *m_remove, *m_color;
    bool m_rebuilding = false;
};

} // namespace ui
