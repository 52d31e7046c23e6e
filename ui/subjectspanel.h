#pragma once
// The subjects panel: a card per subject (prepared-reference thumbnail framed in the subject's
// colour, editable name), add by file dialog, drag-and-drop from the file manager or paste; reorder
// by dragging; remove; recolour; a preview of the selected subject's prepared reference.

#include <QWidget>

#include <functional>

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
    // The loaded model's words: `unknown` lists the words of a text the model does not know (the Word
    // field is marked when it has any), `example` is one of its subject words for the placeholder.
    void setModelWords(std::function<QStringList(const QString &)> unknown, const QString &example);
    QString wordProblem() const; // what the Word field's marking says, "" when none

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
    void checkWord();

    Composition *m_composition;
    QListWidget *m_list;
    QLabel *m_title, *m_preview, *m_hint, *m_wordLabel;
    QLineEdit *m_word;
    QPushButton *m_add, *m_remove, *m_color;
    bool m_rebuilding = false;
    std::function<QStringList(const QString &)> m_unknown;
    QString m_example, m_wordProblem;
};

} // namespace ui
