// The annotator's background jobs: the suggesters and GrabCut, run on the generation service's
// thread (the one that runs LibTorch, with the model it holds), their results applied here.
#include "annotatepanel.h"

#include "annotateview.h"
#include "annotation.h"
#include "composition.h"
#include "teardown.h"
#include "generationservice.h"

#include <mosaic/annotate.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QPushButton>

#include <memory>

namespace ui {

void AnnotatePanel::showBusy(bool busy, const QString &text)
{
    m_suggest->setEnabled(!busy);
    m_grabCut->setEnabled(!busy);
    m_suggest->setText(busy ? tr("Working…") : tr("Suggest"));
    if (busy)
        Q_EMIT statusMessage(text);
}

void AnnotatePanel::startJob(int sample, const QString &busyText,
                             std::function<QString(mosaic::ModelBundle *, const std::atomic<bool> *)> work,
                             std::function<void()> apply)
{
    const quint64 epoch = m_epoch;
    const std::string id = m_set->sample(sample).id;
    const size_t subjects = m_set->sample(sample).subjects.size();
    showBusy(true, busyText);
    m_job = m_service->runJob(work, this, [this, epoch, id, subjects, sample, apply](const QString &failure, bool cancelled) {
        m_job = 0;
        showBusy(false);
        if (cancelled) {
            Q_EMIT statusMessage(tr("Cancelled"));
            Q_EMIT suggestionsFinished(false);
            return;
        }
        if (!failure.isEmpty()) {
            Q_EMIT errorOccurred(failure);
            Q_EMIT suggestionsFinished(false);
            return;
        }
        // The user may have opened another dataset or deleted the sample meanwhile.
        if (epoch != m_epoch || sample >= m_set->count() || m_set->sample(sample).id != id ||
            m_set->sample(sample).subjects.size() != subjects) {
            Q_EMIT statusMessage(tr("The result was discarded: its sample changed while it was computed"));
            Q_EMIT suggestionsFinished(false);
            return;
        }
        apply();
        Q_EMIT suggestionsFinished(true);
    });
}

void AnnotatePanel::cancelJob()
{
    if (m_job)
        m_service->cancelJobs();
}

bool AnnotatePanel::grabCut(QString *error)
{
    const int s = currentSample(), k = m_view->subject();
    if (s < 0) {
        *error = tr("Choose a sample first");
        return false;
    }
    if (isBusy()) {
        *error = tr("Wait for the running suggestion or GrabCut to finish");
        return false;
    }
    const auto &box = m_set->sample(s).subjects[static_cast<size_t>(k)].box;
    if (!box) {
        *error = tr("Draw a box around the subject first (box tool), then GrabCut fills its mask.");
        return false;
    }
    const mosaic::RgbaImage target = fromQImage(m_set->target(s));
    const mosaic::NormalizedBox region = *box;
    auto mask = std::make_shared<mosaic::FloatMap>();
    startJob(
        s, tr("GrabCut is filling the mask…"),
        [target, region, mask](mosaic::ModelBundle *, const std::atomic<bool> *) {
            const auto st = mosaic::grabCut(target, region, 5, mask.get());
            return st.ok() ? QString() : QString::fromStdString(st.message);
        },
        [this, s, k, mask] {
            m_set->setMask(s, k, fromMask(*mask), tr("GrabCut region"));
        });
    return true;
}

bool AnnotatePanel::suggest(int method, QString *error)
{
    const int s = currentSample();
    if (s < 0) {
        *error = tr("Choose a sample first");
        return false;
    }
    if (isBusy()) {
        *error = tr("Wait for the running suggestion or GrabCut to finish");
        return false;
    }
    mosaic::SuggestOptions o;
    o.method = method == 1 ? mosaic::SuggestMethod::Features : method == 2 ? mosaic::SuggestMethod::Model : mosaic::SuggestMethod::Region;
    o.minConfidence = static_cast<float>(m_minConfidence->value());
    const auto &smp = m_set->sample(s);
    const int n = static_cast<int>(smp.subjects.size());
    std::vector<mosaic::SuggestSubject> subjects;
    for (int k = 0; k < n; ++k)
        subjects.push_back(m_set->suggestSubject(s, k));
    const mosaic::RgbaImage target = fromQImage(m_set->target(s));
    const std::string prompt = smp.prompt;
    const QString methodName = m_method->itemText(method);
    auto found = std::make_shared<std::vector<std::vector<mosaic::Correspondence>>>(static_cast<size_t>(n));
    startJob(
        s, tr("Suggesting pairs (%1)…").arg(methodName),
        [o, subjects, target, prompt, found](mosaic::ModelBundle *model, const std::atomic<bool> *cancel) {
            mosaic::Status st;
            if (o.method == mosaic::SuggestMethod::Model) {
                if (!model)
                    return tr("No model is loaded: the model suggester uses the model the app has loaded.");
                mosaic::SuggestOptions withCancel = o;
                withCancel.cancel = cancel;
                st = mosaic::suggestWithModel(*model, target, prompt, subjects, withCancel, found.get());
            } else {
                for (size_t k = 0; k < subjects.size() && st.ok(); ++k)
                    if (subjects[k].box || subjects[k].mask.width > 0 || o.method == mosaic::SuggestMethod::Features)
                        st = mosaic::suggestPairs(target, subjects[k], o, &(*found)[k]);
            }
            return st.ok() ? QString() : QString::fromStdString(st.message);
        },
        [this, s, n, o, methodName, found] {
            const mosaic::PointSource source = o.method == mosaic::SuggestMethod::Features ? mosaic::PointSource::FeatureMatch
                                               : o.method == mosaic::SuggestMethod::Model  ? mosaic::PointSource::Model
                                                                                           : mosaic::PointSource::Region;
            int total = 0;
            m_set->undoStack()->beginMacro(tr("Suggest pairs (%1)").arg(methodName));
            for (int k = 0; k < n; ++k) {
                m_set->replaceSuggestions(s, k, source, (*found)[static_cast<size_t>(k)]);
                total += static_cast<int>((*found)[static_cast<size_t>(k)].size());
            }
            m_set->undoStack()->endMacro();
            Q_EMIT statusMessage(tr("%n pair(s) suggested; review them on the right", nullptr, total));
        });
    return true;
}

} // namespace ui
