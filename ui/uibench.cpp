#include "uibench.h"

#include "mainwindow.h"
#include "generationservice.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>

namespace ui {

bool runUiBenchmark(MainWindow &window, int runs, QVector<UiBenchRun> *out, QString *error)
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
        const auto progress = QObject::connect(service, &GenerationService::progress, &loop, [&] { ++run.progressUpdates; });
        const auto done = QObject::connect(service, &GenerationService::finished, &loop, [&] { loop.quit(); });
        const auto bad = QObject::connect(service, &GenerationService::failed, &loop, [&](quint64, const QString &m) {
            failure = m;
            loop.quit();
        });
        const auto stopped = QObject::connect(service, &GenerationService::cancelled, &loop, [&](quint64) {
            failure = QStringLiteral("cancelled");
            loop.quit();
        });
        clock.start();
        tick.start();
        if (window.generate() == 0) {
            *error = QStringLiteral("Nothing was generated: %1").arg(window.bannerText());
            return false;
        }
        loop.exec();
        tick.stop();
        run.generationSeconds = clock.elapsed() / 1000.0;
        QObject::disconnect(progress);
        QObject::disconnect(done);
        QObject::disconnect(bad);
        QObject::disconnect(stopped);
        if (!failure.isEmpty()) {
            *error = QStringLiteral("The generation failed: %1").arg(failure);
            return false;
        }
        out->push_back(run);
    }
    return true;
}

QString uiBenchReport(const QVector<UiBenchRun> &runs)
{
    QString text;
    QVector<qint64> stalls;
    for (int i = 0; i < runs.size(); ++i) {
        const UiBenchRun &r = runs[i];
        text += QStringLiteral("run %1: generation %2 s, longest event-loop stall %3 ms, %4 progress updates\n")
                    .arg(i + 1)
                    .arg(r.generationSeconds, 0, 'f', 2)
                    .arg(r.longestStallMs)
                    .arg(r.progressUpdates);
        stalls.push_back(r.longestStallMs);
    }
    if (!stalls.isEmpty()) {
        std::sort(stalls.begin(), stalls.end());
        const qint64 median = stalls[stalls.size() / 2], worst = stalls.last();
        text += QStringLiteral("longest stall: median %1 ms, max %2 ms (target < 50 ms: %3)\n")
                    .arg(median)
                    .arg(worst)
                    .arg(worst < 50 ? QStringLiteral("met") : QStringLiteral("missed"));
    }
    return text;
}

} // namespace ui
