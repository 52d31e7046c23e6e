#pragma once
// The generation service: one long-lived QThread owns the loaded model bundle (loading happens there
// too) and runs everything that uses LibTorch — generations, one at a time, and the annotator's model
// suggester and GrabCut as jobs on the same thread with the same model; the GUI thread only posts
// requests and receives queued signals, so it never blocks on LibTorch. Cancel is an atomic flag the
// pipeline polls between steps and blocks.

#include "convert.h"

#include <mosaic/pipeline.h>

#include <QImage>
#include <QObject>

#include <algorithm>
#include <QString>
#include <QThread>

#include <QHash>
#include <QPointer>

#include <atomic>
#include <functional>
#include <memory>

namespace ui {

// What the GUI keeps of a finished run (plain Qt types plus the core's maps).
struct GenerationOutcome
{
    quint64 id = 0;
    QImage image;
    mosaic::GenerationRequest request;
    mosaic::GenerationResult result;
    QString modelName;
};

// One step of a run as the window shows it (mosaic::ProgressInfo): the bar runs over `step` of
// `steps`, the text names the pass's own step (the panel's steps in pass 1; with the reference
// collage, pass 2 refines the pasted references).
struct StepProgress
{
    int step = 0, steps = 0;
    int pass = 1, passes = 1, passStep = 0, passSteps = 0;
    double seconds = 0;
};

// Work for the generation thread: it gets the loaded model (nullptr when none is) and a cancel flag,
// and returns an error message ("" when it succeeded).
using ModelJob = std::function<QString(mosaic::ModelBundle *model, const std::atomic<bool> *cancel)>;

class GenerationWorker : public QObject
{
    Q_OBJECT

public:
    GenerationWorker();
    ~GenerationWorker() override;
    // Thread-safe: asks the running generation (if any) to stop at the next step.
    void requestCancel() { m_cancel = true; }
    void requestJobCancel() { m_jobCancel = true; }
    // Runs on the worker's thread (posted there by the service).
    void runJob(quint64 id, const ModelJob &job);

public Q_SLOTS:
    void loadModel(const QString &path);
    // A model set as ModelSetEntry::toJson() (modelsdialog.h) writes it.
    void loadModelSet(const QString &entryJson);
    void generate(quint64 id, const mosaic::GenerationRequest &request);

Q_SIGNALS:
    void described(const mosaic::BundleDescription &description); // just before modelLoaded
    void modelLoaded(const QString &path, const QString &name, const QString &summary);
    void modelFailed(const QString &path, const QString &message);
    void started(quint64 id);
    void progress(quint64 id, const ui::StepProgress &progress, const QImage &preview);
    void finished(const ui::GenerationOutcome &outcome);
    void failed(quint64 id, const QString &message);
    void cancelled(quint64 id);
    void jobFinished(quint64 id, const QString &error, bool cancelled);

private:
    void adopt(const QString &path, std::shared_ptr<mosaic::ModelBundle> bundle);
    std::shared_ptr<mosaic::ModelBundle> m_bundle;
    std::atomic<bool> m_cancel{false}, m_jobCancel{false};
};

// The GUI's single entry point. Its worker lives on the process-wide generation thread (started on
// first use, stopped when the application object goes away), so that LibTorch runs on one
// long-lived thread for the whole session. A request while one runs either
// waits in a queue of one (the newest replaces a waiting one) or cancels the running one first, as
// the user chooses (replaceRunning).
class GenerationService : public QObject
{
    Q_OBJECT

public:
    explicit GenerationService(QObject *parent = nullptr);
    ~GenerationService() override;

    void loadModel(const QString &path);
    void loadModelSet(const QString &entryJson);
    // Results already numbered up to `id` (a reopened project, a recovered autosave): new ones follow them.
    void continueNumberingAfter(quint64 id) { m_nextId = std::max(m_nextId, id + 1); }
    // Returns the request's id.
    quint64 submit(const mosaic::GenerationRequest &request, bool replaceRunning = false);
    void cancel();
    // Runs `work` on the generation thread with the loaded model, after what was posted there before
    // it; `done` is then called on this thread with its error ("" on success) and whether it was
    // cancelled — unless `context` was destroyed meanwhile.
    using JobDone = std::function<void(const QString &error, bool cancelled)>;
    quint64 runJob(const ModelJob &work, QObject *context, const JobDone &done);
    void cancelJobs();
    bool jobRunning() const { return !m_jobs.isEmpty(); }
    bool busy() const { return m_running != 0; }
    // A model stays ready while another loads, and stays loaded when that one fails.
    bool modelReady() const { return m_modelReady; }
    bool modelLoading() const { return m_loading > 0; }
    QString modelName() const { return m_modelName; }
    QString modelSummary() const { return m_modelSummary; }
    // The loaded model's description (its words, its card); empty while none is loaded.
    const mosaic::BundleDescription &modelDescription() const { return m_description; }
    // The words of `text` the loaded model does not know (a word-level model's; none for T5 and CLIP).
    QStringList unknownWords(const QString &text) const;
    QString modelPath() const { return m_modelPath; }

Q_SIGNALS:
    void modelLoaded(const QString &path, const QString &name, const QString &summary);
    void modelFailed(const QString &path, const QString &message);
    void started(quint64 id);
    void progress(quint64 id, const ui::StepProgress &progress, const QImage &preview);
    void finished(const ui::GenerationOutcome &outcome);
    void failed(quint64 id, const QString &message);
    void cancelled(quint64 id);
    void busyChanged(bool busy);

private:
    void startNext();
    static QThread *generationThread();
    GenerationWorker *m_worker = nullptr;
    quint64 m_nextId = 1, m_running = 0, m_waitingId = 0;
    std::unique_ptr<mosaic::GenerationRequest> m_waiting;
    struct PendingJob
    {
        QPointer<QObject> context;
        JobDone done;
    };
    QHash<quint64, PendingJob> m_jobs;
    bool m_modelReady = false;
    int m_loading = 0; // loads posted and not yet answered
    QString m_modelSummary;
    mosaic::BundleDescription m_description;
    QString m_modelName, m_modelPath;
};

} // namespace ui

Q_DECLARE_METATYPE(ui::GenerationOutcome)
Q_DECLARE_METATYPE(ui::StepProgress)
Q_DECLARE_METATYPE(mosaic::BundleDescription)
Q_DECLARE_METATYPE(mosaic::GenerationRequest)
