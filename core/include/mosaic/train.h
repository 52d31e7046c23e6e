#pragma once
// `mosaic train --recipe FILE`: a training run described by a JSON recipe (resources/recipes/).

#include <mosaic/status.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace mosaic {

struct TrainRunOptions
{
    std::string recipePath;
    std::string outDir;  // empty: the recipe's "out", relative to the current folder
    int64_t steps = 0;   // > 0 overrides the recipe
    bool resume = false; // continue from <out>/checkpoint.pt when it exists
    std::string device;  // non-empty overrides the recipe's "device" (cpu, cuda, auto)
    // > 0: stop (save and export, as at the last step) once this many seconds of training have
    // passed, and end the cosine schedule at the step that the measured pace reaches by then.
    double seconds = 0;
    // Only render the recipe's toy pool ("data": {"pool": N, "pool_file": PATH}) and save it.
    bool poolOnly = false;
    int64_t poolSize = 0; // > 0 overrides the recipe's "data.pool" (examples per subject count)
};

struct TrainProgress
{
    int64_t step = 0, total = 0;
    bool autoencoder = false; // then `flow` holds the reconstruction term and `kl` the KL term
    double loss = 0, flow = 0, sca = 0, md = 0, reverseSca = 0, share = 0, kl = 0, learningRate = 0;
    double elapsedSeconds = 0, etaSeconds = 0;
};

struct TrainRunReport
{
    int64_t firstStep = 0, lastStep = 0;
    double seconds = 0;
    double firstLoss = 0, lastLoss = 0;
    std::string checkpoint, model, metrics;
    bool interrupted = false;
};

// Runs until the recipe's step count or until *stop becomes true (then a checkpoint is saved and the
// report says interrupted). Writes <out>/metrics.csv, <out>/checkpoint.pt and, at the end or when
// stopped, <out>/model.safetensors (a bundle with the EMA weights reached).
Status runTraining(const TrainRunOptions &options, TrainRunReport *report,
                   const std::function<void(const TrainProgress &)> &progress = {},
                   const std::atomic<bool> *stop = nullptr);

} // namespace mosaic
