#include <mosaic/runtime.h>
#include <mosaic/tools.h>

#include "model/flux.h"
#include "pipeline/sampling.h"
#include "util/error.h"
#include "util/strings.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace mosaic {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

at::ScalarType benchDType(const std::string &name)
{
    if (name == "f32")
        return at::kFloat;
    if (name == "bf16")
        return at::kBFloat16;
    if (name == "f16")
        return at::kHalf;
    throw Error(StatusCode::InvalidArgument, "unknown bench dtype '" + name + "' (f32, bf16, f16)");
}

// FLOPs of one forward (multiply-add = 2), linears + attention + embedders; modulation included.
struct FlopCount
{
    double linear = 0, attention = 0;
    double total() const { return linear + attention; }
};

FlopCount countFlops(const model::FluxConfig &c, int64_t nImg, int64_t nTxt)
{
    const double D = static_cast<double>(c.hidden_size), M = static_cast<double>(c.mlpHidden());
    const double N = static_cast<double>(nImg + nTxt);
    FlopCount f;
    const double perTokenBlock = 2.0 * (3 * D * D + D * D + 2 * D * M); // qkv + proj + mlp (double)
    const double perTokenSingle = 2.0 * (D * (3 * D + M) + (D + M) * D);
    f.linear += c.depth * (N * perTokenBlock + 2 * 2.0 * D * 6 * D);
    f.linear += c.depth_single_blocks * (N * perTokenSingle + 2.0 * D * 3 * D);
    f.attention += (c.depth + c.depth_single_blocks) * 4.0 * N * N * D;
    f.linear += 2.0 * nImg * c.in_channels * D + 2.0 * nTxt * c.context_in_dim * D + 2.0 * nImg * D * c.out_channels;
    return f;
}

// The machine's own rate for the dominant shape: [N x D] . [D x D]^T + bias, timed over about
// `window` seconds per run so that it is measured like one forward pass. Run interleaved with the
// forward passes (this machine is a VM whose speed drifts), and the best run of each is kept.
struct MatmulProbe
{
    at::Tensor x, w, b;
    double flop = 0;
    int reps = 1;

    MatmulProbe(int64_t rows, int64_t d, at::ScalarType dtype, double window)
    {
        const auto opt = at::TensorOptions().dtype(dtype);
        x = at::randn({rows, d}, opt);
        w = at::randn({d, d}, opt) * 0.02;
        b = at::zeros({d}, opt);
        flop = 2.0 * rows * d * d;
        auto t0 = Clock::now();
        at::linear(x, w, b); // oneDNN JITs its kernels on the first calls
        at::linear(x, w, b);
        const double once = std::max(1e-4, seconds(t0, Clock::now()) / 2);
        reps = std::max(1, static_cast<int>(window / once));
    }

    double run() const // GFLOP/s
    {
        const auto t0 = Clock::now();
        for (int i = 0; i < reps; ++i)
            at::linear(x, w, b);
        return flop * reps / seconds(t0, Clock::now()) / 1e9;
    }
};

} // namespace

Status benchTransformer(const TransformerBenchOptions &o, std::vector<TransformerBenchRow> *rows,
                        const ProgressText &progress)
{
    return guarded([&] {
        c10::InferenceMode inference;
        if (o.hidden <= 0 || o.heads <= 0 || o.hidden % o.heads != 0 || (o.hidden / o.heads) % 16 != 0)
            throw Error(StatusCode::InvalidArgument,
                        format("hidden {} must split into heads {} of a head size divisible by 16", o.hidden, o.heads));
        if (o.imageTokens <= 0 || o.textTokens < 0 || o.iterations <= 0)
            throw Error(StatusCode::InvalidArgument, "token counts and iterations must be positive");
        model::FluxConfig c = model::FluxConfig::dev();
        c.hidden_size = o.hidden;
        c.num_heads = o.heads;
        c.depth = o.doubleBlocks;
        c.depth_single_blocks = o.singleBlocks;
        c.axes_dim = model::FluxConfig::defaultAxes(o.hidden / o.heads);
        const FlopCount flops = countFlops(c, o.imageTokens, o.textTokens);

        // Where the CPU has no bfloat16 instructions LibTorch's bf16 matrix products run on a fallback
        // kernel (one core, minutes per forward pass at FLUX's width on a 2-core AMD EPYC): float32 is
        // measured instead, and said.
        std::vector<std::string> dtypes;
        for (const auto &name : o.dtypes) {
            if (name == "bf16" && !cpuComputesBf16()) {
                if (progress)
                    progress("bf16: this CPU has no native bfloat16 (no AVX-512 BF16, no AMX), where LibTorch's bf16 "
                             "products are far slower than float32: float32 is measured instead (MOSAIC_CPU_BF16=1 "
                             "forces bf16)");
                if (std::find(o.dtypes.begin(), o.dtypes.end(), "f32") == o.dtypes.end() &&
                    std::find(dtypes.begin(), dtypes.end(), "f32") == dtypes.end())
                    dtypes.push_back("f32");
                continue;
            }
            dtypes.push_back(name);
        }
        for (const auto &name : dtypes) {
            const auto dtype = benchDType(name);
            if (progress)
                progress(format("{}: building {} double + {} single blocks at hidden {} ({} parameters)", name, c.depth,
                                c.depth_single_blocks, c.hidden_size, humanCount(c.parameterCount())));
            model::Flux flux(c);
            flux->to(dtype);
            model::FluxInputs in;
            // A square-ish token grid for the image ids.
            int64_t gw = 1;
            while (gw * gw < o.imageTokens)
                ++gw;
            in.img = at::randn({1, o.imageTokens, c.in_channels});
            at::Tensor ids = pipeline::imageIds(1, 2 * gw, 2 * gw);
            in.img_ids = ids.narrow(1, 0, o.imageTokens).contiguous();
            in.txt = at::randn({1, o.textTokens, c.context_in_dim});
            in.txt_ids = pipeline::textIds(1, o.textTokens);
            in.y = at::randn({1, c.vec_in_dim});
            in.timesteps = at::full({1}, 0.5);
            in.guidance = at::full({1}, 3.5);

            // The warm-up passes are said too: on a CPU whose bf16 products are slow, this is where the time
            // goes (building the blocks takes seconds).
            if (progress)
                progress(format("{}: {} warm-up forward pass(es)", name, std::max(1, o.warmup)));
            auto t0 = Clock::now();
            for (int i = 0; i < std::max(1, o.warmup); ++i)
                flux->forward(in);
            const double window = seconds(t0, Clock::now()) / std::max(1, o.warmup);
            const MatmulProbe probe(o.imageTokens + o.textTokens, c.hidden_size, dtype, window);
            // Each forward pass is paired with a probe run right after it; the ratio is the median of
            // the pairs' ratios, so that the VM's speed drifts cancel within a pair.
            std::vector<double> forwardTimes, probeRates, ratios;
            for (int i = 0; i < o.iterations; ++i) {
                t0 = Clock::now();
                flux->forward(in);
                forwardTimes.push_back(seconds(t0, Clock::now()));
                probeRates.push_back(probe.run());
                ratios.push_back(flops.total() / 1e9 / forwardTimes.back() / probeRates.back());
                if (progress)
                    progress(format("{}: forward {}/{}", name, i + 1, o.iterations));
            }
            auto median = [](std::vector<double> v) {
                std::sort(v.begin(), v.end());
                return v[v.size() / 2];
            };
            TransformerBenchRow row;
            row.dtype = name;
            row.secondsPerForward = median(forwardTimes);
            row.gflopPerForward = flops.total() / 1e9;
            row.gflopPerSecond = row.gflopPerForward / row.secondsPerForward;
            row.matmulGflopPerSecond = median(probeRates);
            row.ratio = median(ratios);
            row.attentionShare = flops.attention / flops.total();
            rows->push_back(row);
        }
    });
}

} // namespace mosaic
