#pragma once
// Annotate mode: the dataset (new, open, save, import, export, samples, problems), the dual view
// with its tools, suggestions, and review (per-pair status, filters, counts, thresholds, done).

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTableWidget;
class QToolButton;

namespace ui {

class AnnotationSet;
class AnnotateView;
struct GalleryEntry;

class AnnotatePanel : public QWidget
{
    Q_OBJECT

public:
    explicit AnnotatePanel(QWidget *parent = nullptr);
    ~AnnotatePanel() override;
    AnnotationSet *set() const { return m_set; }
    AnnotateView *view() const { return m_view; }
    void setCurrentSample(int index);
    int currentSample() const;
    // Runs a suggester (0 region, 1 features, 2 model) over every subject of the current sample.
    bool suggest(int method, QString *error);
    QListWidget *problemList() const { return m_problems; }
    QTableWidget *pairTable() const { return m_table; }
    QString countsText() const;
    // Asks the user for a folder (new, open) — wired to the buttons; tests call the set directly.
    void chooseNew();
    void chooseOpen();

Q_SIGNALS:
    void addFromCompositionRequested();
    void addFromResultRequested();
    void errorOccurred(const QString &message);
    void statusMessage(const QString &message);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void refreshSamples();
    void refreshSubjects();
    void refreshReview();
    QVector<int> selectedRows() const;

    AnnotationSet *m_set;
    AnnotateView *m_view;
    QLabel *m_datasetLabel, *m_counts, *m_problemsLabel, *m_thresholdLabel;
    QPushButton *m_new, *m_open, *m_save, *m_import, *m_export, *m_addFiles, *m_addComposition, *m_addResult;
    QListWidget *m_samples, *m_problems;
    QComboBox *m_subject, *m_method, *m_filter;
    QToolButton *m_pairTool, *m_boxTool, *m_brushTool, *m_eraserTool, *m_polygonTool;
    QPushButton *m_grabCut, *m_suggest, *m_accept, *m_reject, *m_acceptAbove, *m_rejectBelow;
    QDoubleSpinBox *m_minConfidence, *m_threshold;
    QCheckBox *m_done;
    QTableWidget *m_table;
    bool m_updating = false;
};

} // namespace ui
