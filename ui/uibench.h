#pragma once
// `mosaic-studio --bench-ui`: how responsive the window stays while the generation thread works. A 2 ms
// timer runs on the GUI thread during each generation, and during each run of the annotator's model
// suggester (on the same thread, with the same model); the longest gap between its ticks is the
// longest event-loop stall the user would feel (target: under 50 ms).

#include <QString>
#include <QVector>

namespace ui {

class MainWindow;

struct UiBenchRun
{
    double generationSeconds = 0;
    qint64 longestStallMs = 0;
    int progressUpdates = 0;
    qint64 residentBytes = 0; // the process's resident memory after the run (0 where unknown)
};

// Generates `runs` times with the window's current composition (the demo's, from the command line)
// once its model is ready (the window must have been asked to load one). Fills `out`; false with
// `error` when the model fails, or a run is refused, fails or is cancelled. With `suggestions`, then
// as many runs (at most kMaxSuggestionRuns) of the model suggester on the last image with the
// composition's references and boxes.
constexpr int kMaxSuggestionRuns = 5;
bool runUiBenchmark(MainWindow &window, int runs, QVector<UiBenchRun> *out, QString *error,
                    QVector<UiBenchRun> *suggestions = nullptr);

// The process's resident memory now, in bytes (Linux: /proc/self/statm; 0 elsewhere).
qint64 residentMemoryBytes();

// The report printed by the command line: one line per run, then the median and the maximum of the
// stalls, and the resident memory after runs 1, 10, 50, 100 (those there are) and the last.
QString uiBenchReport(const QVector<UiBenchRun> &runs, const QVector<UiBenchRun> &suggestions = {});

} // namespace ui
