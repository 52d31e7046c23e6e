#include "uibench.h"

#include "composition.h"
#include "gallery.h"
#include "generationservice.h"
#include "mainwindow.h"

#include <mosaic/annotate.h>

#include <QElapsedTimer>
#include <QFile>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>

#include <unistd.h>

namespace ui {

namespace {

// Times the event loop's longest stall while `start` runs something that ends by quitting `loop`.
template <typename Start> UiBenchRun timeStalls(QEventLoop &loop, Start start)
{
    UiBenchRun run;
    QElapsedTimer clock;
    qint64 last = 0;
    QTimer tick;
    tick.setInterval(2);
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        const qint64 now = clock.elapsed();
        run.longestStallMs = std::max(run.longestStallMs, now - last);
        last = now;
    });
    clock.start();
    tick.start();
    if (start())
        loop.exec();
    tick.stop();
    run.generationSeconds = clock.elapsed() / 1000.0;
    return run;
}

// The model suggester on the last result, with the composition's references and boxes, as the
// annotator runs it: on the generation thread with the loaded model.
bool benchSuggestions(MainWindow &window, QEventLoop &loop, int runs, QVector<UiBenchRun> *out, QString *error)
{
    if (window.gallery()->count() == 0) {
        *error = QStringLiteral("No image to suggest pairs on");
        return false;
    }
    QString unreadable;
    const auto last = window.gallery()->entry(window.gallery()->count() - 1, &unreadable);
    if (!last) {
        *error = unreadable;
        return false;
    }
    const mosaic::RgbaImage target = fromQImage(last->outcome.image);
    std::vector<mosaic::SuggestSubject> subjects;
    for (const auto &item : window.composition()->subjects()) {
        mosaic::SuggestSubject s;
        s.reference = fromQImage(item.image);
        s.box = item.box.isNull() ? mosaic::NormalizedBox{0, 0, 1, 1} : *toBox(item.box);
        subjects.push_back(std::move(s));
    }
    const std::string prompt = window.composition()->request().prompt;
    for (int r = 0; r < runs; ++r) {
        QString failure;
        UiBenchRun run = timeStalls(loop, [&] {
            window.service()->runJob(
                [&](mosaic::ModelBundle *model, const std::atomic<bool> *cancel) {
                    if (!model)
                        return QStringLiteral("no model");
                    mosaic::SuggestOptions o;
                    o.method = mosaic::SuggestMethod::Model;
                    o.cancel = cancel;
                    std::vector<std::vector<mosaic::Correspondence>> found;
                    const mosaic::Status st = mosaic::suggestWithModel(*model, target, prompt, subjects, o, &found);
                    return st.ok() ? QString() : QString::fromStdString(st.message);
                },
                &loop,
                [&](const QString &e, bool) {
                    failure = e;
                    loop.quit();
                });
            return true;
        });
        if (!failure.isEmpty()) {
            *error = QStringLiteral("The model suggester failed: %1").arg(failure);
            return false;
        }
        out->push_back(run);
    }
    return true;
}

} // namespace

bool runUiBenchmark(MainWindow &window, int runs, QVector<UiBenchRun> *out, QString *error, QVector<UiBenchRun> *suggestions)
{
    GenerationService *service = window.service();
    QEventLoop loop;
    QString failure;
    if (!service->modelReady()) {
        const auto ok = QObject::connect(service, &GenerationService::modelLoaded, &loop, [&] { loop.quit(); });
        const auto bad = QObject::connect(service, &GenerationService::modelFailed, &loop,
                                          [&](const QString &, const QString &message) {
                                              failure = message;
                                              loop.quit();
                                          });
        loop.exec();
        QObject::disconnect(ok);
        QObject::disconnect(bad);
        if (!failure.isEmpty()) {
            *error = QStringLiteral("The model could not be loaded: %1").arg(failure);
            return false;
        }
    }
    for (int r = 0; r < runs; ++r) {
        int progressUpdates = 0;
        bool refused = false;
        const auto progress = QObject::connect(service, &GenerationService::progress, &loop, [&] { ++progressUpdates; });
        const auto done = QObject::connect(service, &GenerationService::finished, &loop, [&] { loop.quit(); });
        const auto bad = QObject::connect(service, &GenerationService::failed, &loop, [&](quint64, const QString &m) {
            failure = m;
            loop.quit();
        });
        const auto stopped = QObject::connect(service, &GenerationService::cancelled, &loop, [&](quint64) {
            failure = QStringLiteral("cancelled");
            loop.quit();
        });
        UiBenchRun run = timeStalls(loop, [&] { return !(refused = window.generate() == 0); });
        run.progressUpdates = progressUpdates;
        run.residentBytes = residentMemoryBytes();
        QObject::disconnect(progress);
        QObject::disconnect(done);
        QObject::disconnect(bad);
        QObject::disconnect(stopped);
        if (refused) {
            *error = QStringLiteral("Nothing was generated: %1").arg(window.bannerText());
            return false;
        }
        if (!failure.isEmpty()) {
            *error = QStringLiteral("The generation failed: %1").arg(failure);
            return false;
        }
        out->push_back(run);
    }
    if (suggestions)
        return benchSuggestions(window, loop, std::min(runs, kMaxSuggestionRuns), suggestions, error);
    return true;
}

namespace {

QString stallSummary(const QVector<UiBenchRun> &runs, const QString &what)
{
    QVector<qint64> stalls;
    for (const auto &r : runs)
        stalls.push_back(r.longestStallMs);
    if (stalls.isEmpty())
        return {};
    std::sort(stalls.begin(), stalls.end());
    const qint64 median = stalls[stalls.size() / 2], worst = stalls.last();
    return QStringLiteral("longest stall%1: median %2 ms, max %3 ms (target < 50 ms: %4)\n")
        .arg(what)
        .arg(median)
        .arg(worst)
        .arg(worst < 50 ? QStringLiteral("met") : QStringLiteral("missed"));
}

} // namespace

qint64 residentMemoryBytes()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = f.readLine().split(' ');
    const long page = ::sysconf(_SC_PAGESIZE);
    return fields.size() >= 2 && page > 0 ? fields[1].toLongLong() * page : 0;
}

QString uiBenchReport(const QVector<UiBenchRun> &runs, const QVector<UiBenchRun> &suggestions)
{
    QString text;
    for (int i = 0; i < runs.size(); ++i) {
        const UiBenchRun &r = runs[i];
        text += QStringLiteral("run %1: generation %2 s, longest event-loop stall %3 ms, %4 progress updates\n")
                    .arg(i + 1)
                    .arg(r.generationSeconds, 0, 'f', 2)
                    .arg(r.longestStallMs)
                    .arg(r.progressUpdates);
    }
    text += stallSummary(runs, QString());
    QStringList memory;
    for (int i = 0; i < runs.size(); ++i)
        if ((i + 1 == 1 || i + 1 == 10 || i + 1 == 50 || i + 1 == 100 || i + 1 == runs.size()) && runs[i].residentBytes > 0)
            memory << QStringLiteral("after run %1: %2 MB").arg(i + 1).arg(runs[i].residentBytes / double(1 << 20), 0, 'f', 1);
    if (!memory.isEmpty())
        text += QStringLiteral("resident memory: %1\n").arg(memory.join(QStringLiteral(", ")));
    for (int i = 0; i < suggestions.size(); ++i)
        text += QStringLiteral("suggestion %1: model suggester %2 s, longest event-loop stall %3 ms\n")
                    .arg(i + 1)
                    .arg(suggestions[i].generationSeconds, 0, 'f', 2)
                    .arg(suggestions[i].longestStallMs);
    text += stallSummary(suggestions, QStringLiteral(" while suggesting"));
    return text;
}

} // namespace ui
