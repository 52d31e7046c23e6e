// mosaic bench load (mosaic/tools.h).
#include <mosaic/tools.h>

#include "io/checkpoint.h"
#include "model/loader.h"
#include "model/weights.h"
#include "pipeline/model_set.h"
#include "util/error.h"
#include "util/memory.h"
#include "util/strings.h"

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>

#include <chrono>

namespace mosaic {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// Fixed inputs for one forward pass at the model's widths.
model::FluxInputs inputs(const model::FluxConfig &c, int imageTokens, int textTokens)
{
    auto gen = at::make_generator<at::CPUGeneratorImpl>(11);
    const auto f = at::TensorOptions().dtype(at::kFloat);
    model::FluxInputs in;
    in.img = at::randn({1, imageTokens, c.in_channels}, gen, f);
    in.img_ids = at::zeros({1, imageTokens, 3}, f);
    const int64_t side = std::max<int64_t>(1, static_cast<int64_t>(std::sqrt(static_cast<double>(imageTokens))));
    for (int64_t i = 0; i < imageTokens; ++i) {
        in.img_ids[0][i][1] = static_cast<float>(i / side);
        in.img_ids[0][i][2] = static_cast<float>(i % side);
    }
    in.txt = at::randn({1, textTokens, c.context_in_dim}, gen, f);
    in.txt_ids = at::zeros({1, textTokens, 3}, f);
    in.y = at::randn({1, c.vec_in_dim}, gen, f);
    in.timesteps = at::full({1}, 0.5, f);
    in.guidance = at::full({1}, 3.5, f);
    return in;
}

} // namespace

Status benchLoad(const LoadBenchOptions &o, LoadBenchResult *r, const ProgressText &progress)
{
    return guarded([&] {
        auto say = [&](const std::string &s) {
            if (progress)
                progress(s);
        };
        if (o.dtype != "f32" && o.dtype != "bf16")
            throw Error(StatusCode::InvalidArgument, "--dtype: f32 or bf16");
        const at::ScalarType compute = o.dtype == "bf16" ? at::kBFloat16 : at::kFloat;
        std::string file = o.path;
        if (pipeline::classifyFile(o.path).role != pipeline::FileRole::Transformer) {
            ModelSetSpec spec;
            spec.model = o.path;
            const auto found = pipeline::findModelSet(spec);
            if (found.transformer.empty())
                throw Error(StatusCode::NotFound, o.path + ": no FLUX transformer found");
            file = found.transformer;
        }
        r->file = file;
        c10::InferenceMode inference;
        r->baselineRss = residentBytes();
        const model::FluxInputs in = inputs(model::fluxConfigOf(Checkpoint::open(file)), o.imageTokens, o.textTokens);
        at::Tensor streamedOut;
        if (o.maxMemory > 0) {
            // First, while nothing else is resident: the streamed load and pass under the budget.
            say(format("streamed: loading under a budget of {}", humanBytes(o.maxMemory)));
            resetPeakResident();
            const auto t0 = Clock::now();
            model::FluxLoadOptions lo;
            lo.compute = compute;
            lo.budget = o.maxMemory;
            auto loaded = model::loadFlux(Checkpoint::open(file), lo);
            r->streamedBlocks = loaded.streamedBlocks;
            r->largestBlockBytes = loaded.largestBlockBytes;
            r->streamedResidentBytes = loaded.residentBytes;
            r->layout = model::fluxLayoutName(loaded.layout);
            r->precision = loaded.precision;
            r->storedBytes = loaded.storedBytes;
            say(format("streamed: {} blocks stream; one forward pass", loaded.streamedBlocks));
            streamedOut = loaded.model->forward(in).to(at::kFloat);
            r->streamedSeconds = since(t0);
            r->streamedPeakRss = peakResidentBytes();
        }
        if (o.streamedOnly && o.maxMemory > 0)
            return;
        say("resident: loading every weight");
        resetPeakResident();
        const auto t0 = Clock::now();
        model::FluxLoadOptions lo;
        lo.compute = compute;
        lo.prefault = true;
        auto loaded = model::loadFlux(Checkpoint::open(file), lo);
        r->seconds = since(t0);
        r->peakRss = peakResidentBytes();
        r->layout = model::fluxLayoutName(loaded.layout);
        r->precision = loaded.precision;
        r->storedBytes = loaded.storedBytes;
        r->residentBytes = loaded.residentBytes;
        if (o.maxMemory > 0) {
            say("resident: one forward pass");
            const auto t1 = Clock::now();
            const at::Tensor out = loaded.model->forward(in).to(at::kFloat);
            r->residentForwardSeconds = since(t1);
            r->maxAbsDifference = (out - streamedOut).abs().max().item<double>();
        }
    });
}

} // namespace mosaic
