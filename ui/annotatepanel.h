#pragma once
// Annotate mode: the dataset (new, open, save, import, export, samples, problems), the dual view
// with its tools, suggestions, and review (per-pair status, filters, counts, thresholds, done).

#include <QWidget>

#include <atomic>
#include <functional>

namespace mosaic {
class ModelBundle;
}

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
class GenerationService;
struct GalleryEntry;

class AnnotatePanel : public QWidget
{
    Q_OBJECT

public:
    // The suggesters and GrabCut run on `service`'s generation thread, the model suggester with the
    // model it has loaded.
    explicit AnnotatePanel(GenerationService *service, QWidget *parent = nullptr);
    ~AnnotatePanel() override;
    AnnotationSet *set() const { return m_set; }
    AnnotateView *view() const { return m_view; }
    void setCurrentSample(int index);
    int currentSample() const;
    // Starts a suggester (0 region, 1 features, 2 model: the loaded model) over every subject of the
    // current sample on the generation thread; the window stays live. False (with the reason) when it cannot start: no sample,
    // or another suggestion or GrabCut still running. suggestionsFinished() follows a true return.
    bool suggest(int method, QString *error);
    // Fills the current subject's mask from its box with GrabCut, on the generation thread likewise.
    bool grabCut(QString *error);
    bool isBusy() const { return m_job != 0; }
    // Asks the running suggestion or GrabCut to stop (suggestionsFinished(false) follows).
    void cancelJob();
    QListWidget *problemList() const { return m_problems; }
    QTableWidget *pairTable() const { return m_table; }
    QString countsText() const;
    // Asks the user for a folder (new, open) — wired to the buttons; tests call the set directly.
    void chooseNew();
    void chooseOpen();

    // Creates a dataset in `dir`, making the folder when it does not exist yet (New…); refuses a folder
    // that holds other files.
    bool createDataset(const QString &dir, QString *error);

Q_SIGNALS:
    void addFromCompositionRequested();
    void addFromResultRequested();
    void errorOccurred(const QString &message);
    void statusMessage(const QString &message);
    // A background job ended: applied (true), or failed or outdated (false; errorOccurred or
    // statusMessage said why).
    void suggestionsFinished(bool applied);

protected:
    void changeEvent(QEvent *event) override;
    // A and X in the pairs table review its selected rows, as they review the selected pair in the view.
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void reviewSelected(bool accept); // the selected rows of the pairs table
    // The constructor's steps.
    QWidget *createDatasetColumn();
    QWidget *createCenter();
    QWidget *createReviewColumn();
    void connectSamplesAndTools();
    void connectReview();
    void connectDatasetButtons();
    void retranslateUi();
    void refreshSamples();
    void refreshSubjects();
    void refreshReview();
    QVector<int> selectedRows() const;
    // Runs `work` on the generation thread, then `apply` here if the job's sample is still the one it
    // read (same dataset, same sample id, same subject count). work returns an error or "".
    void startJob(int sample, const QString &busyText,
                  std::function<QString(mosaic::ModelBundle *, const std::atomic<bool> *)> work, std::function<void()> apply);
    void showBusy(bool busy, const QString &text = QString()); // the buttons and the status line

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
    quint64 m_epoch = 0; // counts datasets opened, created or imported (sample ids repeat across them)
    GenerationService *m_service;
    quint64 m_job = 0; // the running suggestion or GrabCut, if any
};

} // namespace ui
