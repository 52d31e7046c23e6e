// estimateRun (mosaic/pipeline.h): a run's time and memory before it starts.
#include "pipeline/bundle.h"
#include "pipeline/conditioning.h"

#include "model/weights.h"
#include "util/error.h"
#include "util/memory.h"
#include "util/strings.h"
#include "train/device.h"

#include <mosaic/runtime.h>
#include <mosaic/text.h>

#include <c10/core/InferenceMode.h>

#include "pipeline/estimate.h"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace mosaic {

// GFLOP/s of [256, D] x [D, 4D] products in `dtype` on `device`: the shape of the transformer's work,
// measured after one warm-up.
double measureGflops(int64_t D, at::ScalarType dtype, const at::Device &device)
{
    const int64_t rows = 256;
    const auto opts = at::TensorOptions().dtype(dtype).device(device);
    const at::Tensor x = at::randn({rows, D}, opts), w = at::randn({4 * D, D}, opts);
    at::mm(x, w.t());
    train::synchronize(device);
    int iterations = 0;
    const auto t0 = std::chrono::steady_clock::now();
    double seconds = 0;
    while (iterations < 50 && seconds < 0.25) {
        at::mm(x, w.t());
        ++iterations;
        train::synchronize(device);
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    return 2.0 * rows * D * 4.0 * D * iterations / std::max(seconds, 1e-9) / 1e9;
}

double runSeconds(const RunShape &r, double gflops)
{
    const double D = static_cast<double>(r.hidden), M = r.mlpRatio * D;
    // Multiply-adds per token of one double block's two streams (qkv, proj, MLP, modulation aside) and of
    // a single block; the reference branches (at timestep 0) run through every block at every step, since
    // their keys and values at each block depend on it.
    const double perTokenDouble = 3 * D * D + D * D + 2 * D * M, perTokenSingle = D * (3 * D + M) + (D + M) * D;
    const double perToken = r.doubleBlocks * perTokenDouble + r.singleBlocks * perTokenSingle;
    const double main = r.textTokens + (r.width / 16.0) * (r.height / 16.0);
    const double all = main + r.references * (r.refSize / 16.0) * (r.refSize / 16.0);
    const double attention = (r.doubleBlocks + r.singleBlocks) * 2.0 * main * all * D;
    const double flops = 2.0 * r.passes * r.steps * (all * perToken + attention);
    // The rest of a step (norms, rotations, softmax, the autoencoder) measured on this project's
    // benchmarks at about a third on top of the products.
    return 1.35 * flops / (std::max(gflops, 1e-3) * 1e9);
}

std::string durationText(double s)
{
    if (s < 90)
        return format("{} s", static_cast<int>(std::ceil(s)));
    if (s < 5400)
        return format("{} min", static_cast<int>(std::ceil(s / 60)));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f h", s / 3600.0);
    return buf;
}


Status estimateRun(ModelBundle &model, const GenerationRequest &request, RunEstimate *e, double longSeconds)
{
    return guarded([&] {
        pipeline::Bundle &b = pipeline::bundleOf(model);
        std::lock_guard<std::mutex> lock(b.runMutex);
        c10::InferenceMode inference;
        const pipeline::Resolved v = pipeline::resolve(b, request);
        if (b.probeGflops <= 0)
            b.probeGflops = measureGflops(b.flux->config.hidden_size, b.flux->dtype(), b.device);
        const auto &c = b.flux->config;
        RunShape shape;
        shape.hidden = c.hidden_size;
        shape.mlpRatio = c.mlp_ratio;
        shape.doubleBlocks = c.depth;
        shape.singleBlocks = c.depth_single_blocks;
        shape.textTokens = b.fluxText ? b.fluxText->maxT5Tokens() : 64;
        shape.width = v.width;
        shape.height = v.height;
        shape.refSize = v.refSize;
        shape.references = static_cast<int>(request.subjects.size());
        shape.steps = v.steps;
        shape.passes = 1 + (v.cfg > 1.0f ? 1 : 0) + (v.refCfg > 1.0f ? 1 : 0);
        e->seconds = runSeconds(shape, b.probeGflops);
        const double D = static_cast<double>(c.hidden_size), M = static_cast<double>(c.mlpHidden());
        const double all = shape.textTokens + (v.width / 16.0) * (v.height / 16.0) +
                           shape.references * (v.refSize / 16.0) * (v.refSize / 16.0);
        const double passes = shape.passes;

        uint64_t weights = model::storedBytes(*b.flux) + model::storedBytes(*b.ae);
        if (b.flux->streamer)
            weights += b.flux->streamer->largestBlockBytes();
        const double activations = all * (D + M) * 4.0 * 8.0 * passes;
        const double decoder = static_cast<double>(v.width) * v.height * b.ae->config.ch * b.ae->config.ch_mult.back() * 4.0 * 4.0;
        e->memoryBytes = weights + static_cast<uint64_t>(activations + decoder);
        e->availableBytes = b.device.is_cuda() ? train::deviceMemoryBytes(b.device) : memoryLimitBytes();
        e->fits = e->availableBytes == 0 || e->memoryBytes <= e->availableBytes;
        e->worthSaying = !e->fits || e->seconds > longSeconds;
        e->text = format("about {} per image here ({}x{}, {} steps, {} reference(s), {}, {}); needs about {}{}",
                         durationText(e->seconds), v.width, v.height, v.steps, request.subjects.size(),
                         b.device.is_cuda() ? "on " + b.device.str() : format("{} thread(s)", threadCount()),
                         b.flux->dtype() == at::kBFloat16 ? "bf16" : b.flux->dtype() == at::kHalf ? "f16" : "f32", humanBytes(e->memoryBytes),
                         e->availableBytes ? format(" of the {} here", humanBytes(e->availableBytes)) : std::string());
        if (!e->fits)
            e->text += b.device.is_cuda() ? " — it would not fit: load the model with a GPU budget (--max-vram) so that "
                                            "its blocks stream from the host, or use a smaller size"
                                          : " — it would not fit: load the model with a memory budget (--max-memory) so "
                                            "that its blocks stream, or use a smaller size";
    });
}

} // namespace mosaic
