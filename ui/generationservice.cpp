#include "generationservice.h"

#include "modelsdialog.h"

#include <mosaic/log.h>

#include <QCoreApplication>

#include <algorithm>
#include <QMetaObject>


namespace ui {

GenerationWorker::GenerationWorker() = default;
GenerationWorker::~GenerationWorker() = default;

void GenerationWorker::loadModel(const QString &path)
{
    mosaic::Status st;
    auto bundle = mosaic::ModelBundle::load(path.toStdString(), &st);
    if (!bundle) {
        Q_EMIT modelFailed(path, QString::fromStdString(st.message));
        return;
    }
    adopt(path, std::move(bundle));
}

void GenerationWorker::loadModelSet(const QString &entryJson)
{
    const ModelSetEntry entry = ModelSetEntry::fromJson(entryJson);
    const QString path = entry.bundled() ? QString::fromStdString(mosaic::findDefaultModel()) : entry.path;
    mosaic::Status st;
    auto bundle = mosaic::ModelBundle::load(entry.spec(), &st);
    if (!bundle) {
        Q_EMIT modelFailed(path, QString::fromStdString(st.message));
        return;
    }
    adopt(path, std::move(bundle));
}

void GenerationWorker::adopt(const QString &path, std::shared_ptr<mosaic::ModelBundle> bundle)
{
    m_bundle = std::move(bundle);
    const auto &d = m_bundle->description();
    Q_EMIT described(d);
    // The set and its LoRAs by name wherever the model is named (status bar, gallery records).
    Q_EMIT modelLoaded(path, QString::fromStdString(d.summary()),
                       tr("%1 · %2 px · %3 steps · up to %4 subjects")
                               .arg(QString::fromStdString(d.summary()))
                               .arg(d.defaultSize)
                               .arg(d.defaultSteps)
                               .arg(d.maxSubjects) +
                           (d.defaultCfg > 1.0f || d.defaultRefCfg > 1.0f
                                ? tr(" · guidance %1 (prompt), %2 (references)").arg(d.defaultCfg).arg(d.defaultRefCfg)
                                : QString()) +
                           (d.defaultCollage > 0.0f ? tr(" · reference collage %1").arg(d.defaultCollage) : QString()));
}

void GenerationWorker::generate(quint64 id, const mosaic::GenerationRequest &request)
{
    m_cancel = false;
    Q_EMIT started(id);
    if (!m_bundle) {
        Q_EMIT failed(id, tr("No model is loaded."));
        return;
    }
    mosaic::GenerationCallbacks cb;
    cb.cancel = &m_cancel;
    cb.progress = [this, id](const mosaic::ProgressInfo &p) {
        const StepProgress s{p.step, p.steps, p.pass, p.passes, p.passStep, p.passSteps, p.elapsedSeconds};
        Q_EMIT progress(id, s, p.preview ? toQImage(*p.preview) : QImage());
    };
    GenerationOutcome out;
    out.id = id;
    out.request = request;
    out.modelName = QString::fromStdString(m_bundle->description().summary());
    const mosaic::Status st = mosaic::generate(*m_bundle, request, &out.result, cb);
    if (st.code == mosaic::StatusCode::Cancelled) {
        Q_EMIT cancelled(id);
        return;
    }
    if (!st.ok()) {
        Q_EMIT failed(id, QString::fromStdString(st.message));
        return;
    }
    out.image = toQImage(out.result.image);
    Q_EMIT finished(out);
}

void GenerationWorker::runJob(quint64 id, const ModelJob &job)
{
    m_jobCancel = false;
    QString error;
    try {
        error = job(m_bundle.get(), &m_jobCancel);
    } catch (const std::exception &e) { // a job's own failure never takes the thread down
        error = QString::fromLocal8Bit(e.what());
    }
    Q_EMIT jobFinished(id, error, m_jobCancel.load());
}

QThread *GenerationService::generationThread()
{
    static QThread *thread = nullptr;
    if (!thread) {
        thread = new QThread;
        thread->setObjectName(QStringLiteral("generation"));
        thread->start();
        // Stopped (after the running request, which is cancelled) when the application object is
        // destroyed; its workers are deleted in it before it ends.
        qAddPostRoutine([] {
            thread->quit();
            thread->wait();
            delete thread;
            thread = nullptr;
        });
    }
    return thread;
}

GenerationService::GenerationService(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<ui::GenerationOutcome>();
    qRegisterMetaType<ui::StepProgress>();
    qRegisterMetaType<mosaic::BundleDescription>();
    qRegisterMetaType<mosaic::GenerationRequest>();
    m_worker = new GenerationWorker;
    m_worker->moveToThread(generationThread());
    connect(m_worker, &GenerationWorker::described, this, [this](const mosaic::BundleDescription &d) { m_description = d; });
    connect(m_worker, &GenerationWorker::modelLoaded, this, [this](const QString &path, const QString &name, const QString &summary) {
        m_loading = std::max(0, m_loading - 1);
        m_modelReady = true;
        m_modelName = name;
        m_modelPath = path;
        m_modelSummary = summary;
        Q_EMIT modelLoaded(path, name, summary);
    });
    // The worker keeps the model it had when a load fails: so does the service.
    connect(m_worker, &GenerationWorker::modelFailed, this, [this](const QString &path, const QString &message) {
        m_loading = std::max(0, m_loading - 1);
        Q_EMIT modelFailed(path, message);
    });
    connect(m_worker, &GenerationWorker::started, this, &GenerationService::started);
    connect(m_worker, &GenerationWorker::progress, this, &GenerationService::progress);
    auto done = [this] {
        m_running = 0;
        startNext();
        if (!m_running)
            Q_EMIT busyChanged(false);
    };
    connect(m_worker, &GenerationWorker::finished, this, [this, done](const GenerationOutcome &o) {
        Q_EMIT finished(o);
        done();
    });
    connect(m_worker, &GenerationWorker::failed, this, [this, done](quint64 id, const QString &m) {
        Q_EMIT failed(id, m);
        done();
    });
    connect(m_worker, &GenerationWorker::cancelled, this, [this, done](quint64 id) {
        Q_EMIT cancelled(id);
        done();
    });
    connect(m_worker, &GenerationWorker::jobFinished, this, [this](quint64 id, const QString &error, bool cancelled) {
        const PendingJob job = m_jobs.take(id);
        if (job.context && job.done)
            job.done(error, cancelled);
    });
}

GenerationService::~GenerationService()
{
    m_waiting.reset();
    m_jobs.clear();
    m_worker->requestJobCancel();
    // The worker finishes (cancelled) what it runs, then is deleted on its own thread, with its model.
    m_worker->requestCancel();
    disconnect(m_worker, nullptr, this, nullptr);
    m_worker->deleteLater();
}

void GenerationService::loadModel(const QString &path)
{
    ++m_loading;
    QMetaObject::invokeMethod(m_worker, "loadModel", Qt::QueuedConnection, Q_ARG(QString, path));
}

void GenerationService::loadModelSet(const QString &entryJson)
{
    ++m_loading;
    QMetaObject::invokeMethod(m_worker, "loadModelSet", Qt::QueuedConnection, Q_ARG(QString, entryJson));
}

quint64 GenerationService::submit(const mosaic::GenerationRequest &request, bool replaceRunning)
{
    const quint64 id = m_nextId++;
    m_waiting = std::make_unique<mosaic::GenerationRequest>(request);
    m_waitingId = id;
    if (m_running && replaceRunning)
        m_worker->requestCancel();
    if (!m_running)
        startNext();
    return id;
}

void GenerationService::cancel()
{
    m_waiting.reset();
    if (m_running)
        m_worker->requestCancel();
}

quint64 GenerationService::runJob(const ModelJob &work, QObject *context, const JobDone &done)
{
    const quint64 id = m_nextId++;
    m_jobs.insert(id, {context, done});
    GenerationWorker *worker = m_worker;
    QMetaObject::invokeMethod(worker, [worker, id, work] { worker->runJob(id, work); }, Qt::QueuedConnection);
    return id;
}

void GenerationService::cancelJobs()
{
    if (!m_jobs.isEmpty())
        m_worker->requestJobCancel();
}

void GenerationService::startNext()
{
    if (!m_waiting)
        return;
    const bool wasIdle = m_running == 0;
    m_running = m_waitingId;
    const mosaic::GenerationRequest req = *m_waiting;
    m_waiting.reset();
    QMetaObject::invokeMethod(m_worker, "generate", Qt::QueuedConnection, Q_ARG(quint64, m_running),
                              Q_ARG(mosaic::GenerationRequest, req));
    if (wasIdle)
        Q_EMIT busyChanged(true);
}

QStringList GenerationService::unknownWords(const QString &text) const
{
    QStringList out;
    for (const auto &w : mosaic::unknownWords(m_description, text.toStdString()))
        out << QString::fromStdString(w);
    return out;
}

} // namespace ui
