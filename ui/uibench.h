#pragma once
// `mosaic-studio --bench-ui`: how responsive the window stays while the worker generates. A 2 ms
// timer runs on the GUI thread during each generation; the longest gap between its ticks is the
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
};

// Generates `runs` times with the window's current composition (the demo's, from the command line)
// once its model is ready (the window must have been asked to load one). Fills `out`; false with
// `error` when the model fails, or a run is refused, fails or is cancelled.
bool runUiBenchmark(MainWindow &window, int runs, QVector<UiBenchRun> *out, QString *error);

// The report printed by the command line: one line per run, then the median and the maximum.
QString uiBenchReport(const QVector<UiBenchRun> &runs);

} // namespace ui
