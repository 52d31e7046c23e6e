#pragma once
// One MOSAIC training step and its bookkeeping (issue 5, first part): batches rendered in memory from
// MOSAIC-Toys, flow matching + 0.1 L_SCA + ramped L_MD, AdamW with gradient clipping that is applied,
// EMA weights, checkpoints with the optimizer state. Every random draw derives from (seed, step), so
// a resumed run repeats an uninterrupted one.
//
// Not yet here: LoRA-only training, bfloat16 autocast, CUDA, the autoencoder training of the
// bundled model.

#include "pipeline/bundle.h"
#include "train/losses.h"

#include <mosaic/dataset.h>

#include <torch/optim/adamw.h>

#include <memory>
#include <string>
#include <vector>

namespace mosaic::train {

struct TrainOptions
{
    uint64_t seed = 1;
    int batch = 2;
    double learningRate = 1e-3;
    double weightDecay = 1e-2;
    double clipNorm = 1.0;
    double emaDecay = 0.99;
    double scaWeight = 0.1;
    double mdWeight = 1.0;
    int64_t mdStart = 0, mdRamp = 0; // MOSAIC: 10000 and 1000 steps
    // Learning rate: linear warm-up over `warmup` steps, then constant or cosine down to 10 % at
    // `totalSteps`.
    int64_t warmup = 0;
    int64_t totalSteps = 0;
    bool cosine = false;
    // Per-sample dropout as MOSAIC trains (for guidance at inference): the caption replaced by "",
    // the reference latents by zeros.
    double textDropout = 0.0, imageDropout = 0.0;
    ToysOptions data;                // the in-memory MOSAIC-Toys stream
};

struct StepLosses
{
    double total = 0, flow = 0, sca = 0, md = 0, gradNorm = 0, learningRate = 0;
    int64_t step = 0;
};

double learningRateAt(const TrainOptions &o, int64_t step);

class Trainer
{
public:
    // Trains the bundle's transformer and text encoder; the autoencoder stays frozen.
    Trainer(pipeline::Bundle &bundle, const TrainOptions &options);
    StepLosses step();
    int64_t stepCount() const { return m_step; }
    // Parameters, EMA weights, optimizer state and the step counter.
    void saveCheckpoint(const std::string &path) const;
    void loadCheckpoint(const std::string &path);
    // Copies the EMA weights into the bundle (for sampling and for shipping).
    void applyEma();

private:
    std::vector<at::Tensor> trainable() const;
    pipeline::Bundle &m_bundle;
    TrainOptions m_options;
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    std::vector<at::Tensor> m_ema;
    int64_t m_step = 0;
};

} // namespace mosaic::train
