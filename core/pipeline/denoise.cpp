// The denoising loop (denoise.h).
#include "pipeline/denoise.h"

#include "image/convert.h"
#include "pipeline/maps.h"
#include "pipeline/sampling.h"
#include "util/error.h"
#include "util/strings.h"

#include <ATen/CPUGeneratorImpl.h>

namespace mosaic::pipeline {

double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

int firstStepAt(const std::vector<double> &schedule, int steps, float strength)
{
    int first = 0;
    while (first < steps - 1 && schedule[static_cast<size_t>(first)] > strength)
        ++first;
    return first;
}

namespace {

void throwIfCancelled(const GenerationCallbacks &callbacks)
{
    if (callbacks.cancel && callbacks.cancel->load(std::memory_order_relaxed))
        throw Error(StatusCode::Cancelled, "cancelled");
}

// Everything a pass conditions on, and the starting point of its loop.
struct PassSetup
{
    TextConditioning cond, uncond; // uncond: the negative prompt, with classifier-free guidance only
    ReferenceBranches refs;
    at::Tensor x;                  // [1, L_tgt, C·p·p] packed latents at firstStep
    at::Tensor ids;                // target token ids (scaled above the native size)
    std::vector<double> schedule;
    int firstStep = 0;
    int64_t lh = 0, lw = 0, gh = 0, gw = 0, rg = 0, patch = 0;
    std::vector<at::Tensor> regions;
    model::AttentionBias bias;
};

PassSetup setUp(Bundle &b, const GenerationRequest &request, const Resolved &v, const GenerationCallbacks &callbacks,
                bool reportUnknown)
{
    PassSetup p;
    p.patch = b.patch();
    p.rg = v.refSize / 16;
    std::vector<RgbaImage> prepared;
    for (size_t i = 0; i < request.subjects.size(); ++i)
        prepared.push_back(prepareSubject(request.subjects[i], i, v.refSize));
    p.refs = encodeReferences(b, prepared, v.refSize, callbacks.cancel);
    p.cond = encodeText(b, request.prompt, reportUnknown);
    if (v.cfg > 1.0f)
        p.uncond = encodeText(b, request.negativePrompt, false);

    // Noise from a CPU generator: the same seed gives the same image on the same build.
    p.lh = latentSize(v.height, p.patch);
    p.lw = latentSize(v.width, p.patch);
    const int64_t zc = b.ae->config.z_channels;
    p.gh = p.lh / p.patch;
    p.gw = p.lw / p.patch;
    if (!request.latents.empty()) {
        const int64_t tokens = p.gh * p.gw, width = zc * p.patch * p.patch;
        if (static_cast<int64_t>(request.latents.size()) != tokens * width)
            throw Error(StatusCode::InvalidArgument,
                        format("the given latents hold {} values; a {}x{} image takes {} tokens of {} ({} values)",
                               request.latents.size(), v.width, v.height, tokens, width, tokens * width));
        p.x = at::from_blob(const_cast<float *>(request.latents.data()), {1, tokens, width}, at::kFloat).clone();
    } else {
        auto gen = at::make_generator<at::CPUGeneratorImpl>(request.seed);
        p.x = pack(at::randn({1, zc, p.lh, p.lw}, gen, at::TensorOptions().dtype(at::kFloat)), p.patch);
    }
    // Above the size the model was trained at, the target's positions are scaled into the range it
    // learnt (position interpolation); otherwise it tiles its backgrounds.
    p.ids = tokenIds(1, p.gh, p.gw) * v.positionScale;
    p.schedule = getSchedule(v.steps, p.gh * p.gw);
    // Image to image: the starting image's latent noised to the first step at or below the strength
    // (rectified flow: x_t = (1 - t) x_0 + t noise); at least the last step runs.
    if (!request.initImage.isNull() && request.strength < 1.0f) {
        p.firstStep = firstStepAt(p.schedule, v.steps, request.strength);
        const double t = p.schedule[static_cast<size_t>(p.firstStep)];
        const at::Tensor x0 = pack(
            b.ae->encode(fitImage(request.initImage, v.width, v.height).to(b.device), nullptr, callbacks.cancel).cpu(),
            p.patch);
        p.x = (1.0 - t) * x0 + t * p.x;
    }
    p.regions = regionGrids(request, p.gh, p.gw);
    p.bias = buildBias(request, p.regions, p.cond.txt.size(1), p.gh, p.gw, p.rg);
    return p;
}

// The transformer's inputs on its device, once per pass (no-ops on the CPU).
void moveToDevice(PassSetup &p, at::Device device)
{
    auto move = [&](at::Tensor &t) {
        if (t.defined())
            t = t.to(device);
    };
    for (TextConditioning *c : {&p.cond, &p.uncond}) {
        move(c->txt);
        move(c->y);
    }
    for (auto &t : p.refs.latents)
        move(t);
    for (auto &t : p.refs.ids)
        move(t);
    move(p.x);
    move(p.ids);
    move(p.bias.mainRows);
    for (auto &t : p.bias.refRows)
        move(t);
}

model::AttentionCapture captureFor(const Bundle &b, const GenerationRequest &request)
{
    model::AttentionCapture capture;
    for (int blk : request.capture.doubleBlocks) {
        if (blk < 0 || blk >= b.flux->config.depth)
            throw Error(StatusCode::InvalidArgument,
                        format("capture block {} does not exist (the model has {} double blocks)", blk,
                               b.flux->config.depth));
        capture.doubleBlocks.push_back(blk);
    }
    return capture;
}

// One step's velocity with both guidances: text CFG against the negative prompt, then reference
// guidance against zeroed references (training's image dropout), whose conditional prediction is the
// full conditions' before text guidance.
struct Guided
{
    model::BranchCache cond, uncond, noRefs;
};

at::Tensor guidedVelocity(Bundle &b, const PassSetup &p, const Resolved &v, const model::BranchInputs &in,
                          const model::BranchOptions &opt, Guided *caches)
{
    at::Tensor pred = model::forwardBranches(*b.flux, in, opt, &caches->cond).to(at::kFloat);
    const at::Tensor predC = pred;
    if (v.cfg > 1.0f) {
        model::BranchInputs un = in;
        un.txt = p.uncond.txt;
        un.y = p.uncond.y;
        model::BranchOptions uo = opt;
        uo.capture = nullptr;
        const at::Tensor predU = model::forwardBranches(*b.flux, un, uo, &caches->uncond).to(at::kFloat);
        pred = predU + v.cfg * (pred - predU);
    }
    if (v.refCfg > 1.0f && !p.refs.latents.empty()) {
        model::BranchInputs noRefs = in;
        for (auto &r : noRefs.refs)
            r = at::zeros_like(r);
        model::BranchOptions ro = opt;
        ro.capture = nullptr;
        const at::Tensor predR = model::forwardBranches(*b.flux, noRefs, ro, &caches->noRefs).to(at::kFloat);
        pred = pred + (v.refCfg - 1.0f) * (predC - predR);
    }
    return pred;
}

} // namespace

void runPass(Bundle &b, const GenerationRequest &request, const Resolved &v, GenerationResult *result,
             const GenerationCallbacks &callbacks, bool reportUnknown)
{
    GenerationResult out;
    const auto t0 = Clock::now();
    PassSetup p = setUp(b, request, v, callbacks, reportUnknown);
    moveToDevice(p, b.device);
    out.prepareSeconds = secondsSince(t0);

    model::LoraSet *lora = b.lora.get();
    if (lora)
        lora->scale = request.loraScale;
    model::AttentionCapture capture = captureFor(b, request);
    const int lastCapture = request.capture.lastStep < 0 ? v.steps - 1 : request.capture.lastStep;

    model::BranchInputs in;
    in.y = p.cond.y;
    in.txt = p.cond.txt;
    in.targetIds = p.ids;
    in.refs = p.refs.latents;
    in.refIds = p.refs.ids;
    const auto onDevice = at::TensorOptions().dtype(at::kFloat).device(b.device);
    in.guidance = at::full({1}, static_cast<double>(v.guidance), onDevice);
    model::BranchOptions opt;
    opt.lora = lora;
    opt.bias = p.bias.empty() ? nullptr : &p.bias;
    opt.cancel = callbacks.cancel;
    Guided caches;

    const auto tDenoise = Clock::now();
    at::Tensor x = p.x;
    for (int step = p.firstStep; step < v.steps; ++step) {
        throwIfCancelled(callbacks);
        const auto tStep = Clock::now();
        const double tCur = p.schedule[static_cast<size_t>(step)],
                     tPrev = p.schedule[static_cast<size_t>(step) + 1];
        in.target = x;
        in.timesteps = at::full({1}, tCur, onDevice);
        const bool capStep = request.capture.enabled && !p.refs.latents.empty() &&
                             step >= request.capture.firstStep && step <= lastCapture;
        opt.capture = capStep ? &capture : nullptr;
        const at::Tensor pred = guidedVelocity(b, p, v, in, opt, &caches);
        RgbaImage preview;
        const bool wantPreview = request.previewEvery > 0 && callbacks.progress &&
                                 ((step + 1 - p.firstStep) % request.previewEvery == 0 || step + 1 == v.steps);
        if (wantPreview) // the predicted clean latent: x0 = x_t - t * v
            preview = image::fromTensor(b.ae->decode(unpack(x - tCur * pred, p.lh, p.lw, p.patch), callbacks.cancel));
        x = x + (tPrev - tCur) * pred;
        out.stepSeconds.push_back(secondsSince(tStep));
        if (callbacks.progress) {
            ProgressInfo info;
            info.step = step + 1 - p.firstStep;
            info.steps = v.steps - p.firstStep;
            info.passStep = step + 1; // in the schedule: a run from an image starts part-way
            info.passSteps = v.steps;
            info.elapsedSeconds = secondsSince(t0);
            info.preview = wantPreview ? &preview : nullptr;
            callbacks.progress(info);
        }
    }
    out.denoiseSeconds = secondsSince(tDenoise);

    const auto tDecode = Clock::now();
    throwIfCancelled(callbacks);
    out.image = image::fromTensor(b.ae->decode(unpack(x, p.lh, p.lw, p.patch), callbacks.cancel));
    out.decodeSeconds = secondsSince(tDecode);
    throwIfCancelled(callbacks);
    reduceAttentionMaps(capture, request, p.regions, p.cond.txt.size(1), p.gh, p.gw, p.rg, v.width, v.height, &out);
    *result = std::move(out);
}

} // namespace mosaic::pipeline
