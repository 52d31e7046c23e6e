#include <mosaic/pipeline.h>
#include <mosaic/layout.h>

#include "image/convert.h"
#include "model/branches.h"
#include "pipeline/bundle.h"
#include "pipeline/collage.h"
#include "pipeline/sampling.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strings.h"

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>
#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace mosaic {

struct ModelBundle::Impl
{
    std::unique_ptr<pipeline::Bundle> bundle;
    BundleDescription description;
};

ModelBundle::ModelBundle(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

pipeline::Bundle &pipeline::bundleOf(ModelBundle &model)
{
    return *model.impl().bundle;
}
ModelBundle::~ModelBundle() = default;

const BundleDescription &ModelBundle::description() const
{
    return m_impl->description;
}

std::shared_ptr<ModelBundle> ModelBundle::load(const std::string &path, Status *status,
                                               const std::string &loraPath)
{
    std::shared_ptr<ModelBundle> out;
    const Status s = guarded([&] {
        auto impl = std::make_unique<Impl>();
        impl->bundle = pipeline::loadBundle(path);
        auto &b = *impl->bundle;
        if (!loraPath.empty())
            b.lora = std::make_unique<model::LoraSet>(model::LoraSet::fromFile(loraPath, *b.flux));
        BundleDescription &d = impl->description;
        d.path = path;
        d.name = b.name;
        d.configJson = pipeline::describeBundleJson(b);
        d.defaultSize = b.defaults.size;
        d.defaultSteps = b.defaults.steps;
        d.defaultGuidance = b.defaults.guidance;
        d.defaultCfg = b.defaults.cfg;
        d.defaultRefCfg = b.defaults.refCfg;
        d.defaultCollage = b.defaults.collage;
        d.refSize = b.defaults.refSize;
        d.maxSubjects = b.defaults.maxSubjects;
        d.guidanceDistilled = b.flux->config.guidance_embed;
        d.parameterCount = static_cast<uint64_t>(b.flux->config.parameterCount());
        d.hasLora = b.lora != nullptr;
        out.reset(new ModelBundle(std::move(impl)));
    });
    if (status)
        *status = s;
    return s.ok() ? out : nullptr;
}

namespace {

uint64_t fnv1a(const std::vector<uint8_t> &bytes)
{
    uint64_t h = 1469598103934665603ull;
    for (uint8_t c : bytes)
        h = (h ^ c) * 1099511628211ull;
    return h;
}

// An image as [1, 3, height, width] in [-1, 1], stretched to that size: area-averaged where it shrinks
// (no aliasing from a large photo), bilinear where it grows.
at::Tensor fitImage(const RgbaImage &img, int width, int height)
{
    at::Tensor t = image::toTensor(img);
    if (img.width > width || img.height > height)
        t = at::adaptive_avg_pool2d(t, {std::min(img.height, height), std::min(img.width, width)});
    if (t.size(2) != height || t.size(3) != width)
        t = at::upsample_bilinear2d(t, {height, width}, false);
    return t;
}

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

[[noreturn]] void invalid(const std::string &m)
{
    throw Error(StatusCode::InvalidArgument, m);
}

struct Resolved
{
    int width, height, steps, refSize;
    float guidance;
    float cfg, refCfg; // the guidance scales, the model's defaults where the request gave none (< 0)
    float collage;     // the reference collage's redraw strength (0: off)
    double positionScale = 1.0; // the target's RoPE positions scaled into the native grid (<= 1)
};

Resolved resolve(const pipeline::Bundle &b, const GenerationRequest &r)
{
    Resolved v{r.width > 0 ? r.width : b.defaults.size,
               r.height > 0 ? r.height : b.defaults.size,
               r.steps > 0 ? r.steps : b.defaults.steps,
               b.defaults.refSize,
               r.guidance >= 0 ? r.guidance : b.defaults.guidance,
               r.cfgScale < 0 ? b.defaults.cfg : r.cfgScale,
               r.refCfgScale < 0 ? b.defaults.refCfg : r.refCfgScale,
               r.collage < 0 ? b.defaults.collage : r.collage};
    if (v.width % 16 || v.height % 16 || v.width < 16 || v.height < 16 || v.width > 2048 || v.height > 2048)
        invalid(
            format("the image size {}x{} must be a multiple of 16 between 16 and 2048", v.width, v.height));
    if (v.steps > 500)
        invalid(format("{} steps is more than the 500 allowed", v.steps));
    if (static_cast<int>(r.subjects.size()) > b.defaults.maxSubjects)
        invalid(format("{} subjects is more than the {} this model supports", r.subjects.size(),
                       b.defaults.maxSubjects));
    if (v.cfg < 1.0f || v.refCfg < 1.0f || !std::isfinite(r.cfgScale) || !std::isfinite(r.refCfgScale) ||
        !std::isfinite(r.guidance))
        invalid(format(
            "the guidance scales must be finite, and the CFG scales at least 1 (or negative for the model's "
            "default): CFG {}, reference CFG {}",
            r.cfgScale, r.refCfgScale));
    // Only where the bundle records the size it was trained at (a model trained at many sizes, as FLUX,
    // records none and keeps its positions).
    const int side = std::max(v.width, v.height), native = b.defaults.nativeSize;
    if (native > 0 && side > native)
        v.positionScale = static_cast<double>(native) / side;
    if (!std::isfinite(r.collage) || !(v.collage >= 0.0f && v.collage < 1.0f))
        invalid(format(
            "the reference collage's strength {} must be at least 0 (off) and below 1 (or negative for the "
            "model's default)",
            r.collage));
    if (!(r.strength > 0.0f && r.strength <= 1.0f))
        invalid(format("the strength {} must be above 0 and at most 1", r.strength));
    if (!r.initImage.isNull() && r.initImage.pixels.size() != static_cast<size_t>(r.initImage.width) *
                                                                  static_cast<size_t>(r.initImage.height) * 4)
        invalid(format("the starting image's pixels do not fill its {}x{} size", r.initImage.width,
                       r.initImage.height));
    for (size_t i = 0; i < r.subjects.size(); ++i) {
        const Subject &s = r.subjects[i];
        const std::string who = format("subject {} ({})", i + 1, s.name.empty() ? "unnamed" : s.name);
        if (s.image.isNull())
            invalid(who + " has no image");
        if (s.box) {
            const auto &bx = *s.box;
            if (!(bx.w > 0 && bx.h > 0 && bx.x >= 0 && bx.y >= 0 && bx.x + bx.w <= 1.0001f &&
                  bx.y + bx.h <= 1.0001f))
                invalid(format("{}: the box ({}, {}, {}, {}) is not inside the canvas", who, bx.x, bx.y, bx.w,
                               bx.h));
        }
        for (const auto &p : s.points)
            if (!(p.refX >= 0 && p.refX <= 1 && p.refY >= 0 && p.refY <= 1 && p.tgtX >= 0 && p.tgtX <= 1 &&
                  p.tgtY >= 0 && p.tgtY <= 1))
                invalid(who + ": a point lies outside its image");
    }
    return v;
}

// Target-token coverage of each subject's region: [gh, gw] in {0, 1}, or undefined.
std::vector<at::Tensor> regionGrids(const GenerationRequest &r, int64_t gh, int64_t gw)
{
    std::vector<at::Tensor> grids;
    for (const auto &s : r.subjects) {
        at::Tensor g;
        if (s.mask.width > 0) {
            g = (image::maskToGrid(s.mask, gh, gw) > 0.5).to(at::kFloat);
        } else if (s.box) {
            const at::Tensor ys = (at::arange(gh, at::kFloat) + 0.5) / static_cast<double>(gh);
            const at::Tensor xs = (at::arange(gw, at::kFloat) + 0.5) / static_cast<double>(gw);
            const auto &b = *s.box;
            const at::Tensor iy = (ys >= b.y).logical_and(ys <= b.y + b.h).to(at::kFloat);
            const at::Tensor ix = (xs >= b.x).logical_and(xs <= b.x + b.w).to(at::kFloat);
            g = iy.unsqueeze(1) * ix.unsqueeze(0);
            if (g.sum().item<float>() == 0) // a box smaller than a token still claims its nearest token
                g[std::min<int64_t>(gh - 1, static_cast<int64_t>((b.y + b.h / 2) * gh))]
                 [std::min<int64_t>(gw - 1, static_cast<int64_t>((b.x + b.w / 2) * gw))] = 1.0;
        }
        grids.push_back(g);
    }
    return grids;
}

model::AttentionBias buildBias(const GenerationRequest &r, const std::vector<at::Tensor> &regions,
                               int64_t lTxt, int64_t gh, int64_t gw, int64_t rg)
{
    model::AttentionBias bias;
    bool any = false;
    for (size_t i = 0; i < r.subjects.size(); ++i)
        any = any || (regions[i].defined() && r.regionStrength != 0) ||
              (!r.subjects[i].points.empty() && r.pointStrength != 0);
    if (!any)
        return bias;
    const int64_t lTgt = gh * gw, lRef = rg * rg, n = static_cast<int64_t>(r.subjects.size());
    const int64_t lMain = lTxt + lTgt;
    // Regions: +1 inside, -1 outside, 0 for a subject without one (model::regionBias, as in training).
    std::vector<at::Tensor> signs;
    for (int64_t i = 0; i < n; ++i)
        signs.push_back(regions[i].defined() && r.regionStrength != 0
                            ? regions[i].reshape({1, lTgt}) * 2.0 - 1.0
                            : at::zeros({1, lTgt}, at::kFloat));
    bias =
        model::regionBias(signs, lTxt, std::vector<int64_t>(static_cast<size_t>(n), lRef), r.regionStrength);
    bias.mainRows = bias.mainRows[0][0]; // one bias for every pass: [L_main, L_all]
    for (auto &rr : bias.refRows)
        rr = rr[0][0];
    for (int64_t i = 0; i < n; ++i) {
        at::Tensor &rr = bias.refRows[static_cast<size_t>(i)];
        const int64_t refCol = lMain + i * lRef;
        for (const auto &p : r.subjects[static_cast<size_t>(i)].points) {
            const int64_t t = std::min<int64_t>(gh - 1, static_cast<int64_t>(p.tgtY * gh)) * gw +
                              std::min<int64_t>(gw - 1, static_cast<int64_t>(p.tgtX * gw));
            const int64_t q = std::min<int64_t>(rg - 1, static_cast<int64_t>(p.refY * rg)) * rg +
                              std::min<int64_t>(rg - 1, static_cast<int64_t>(p.refX * rg));
            bias.mainRows[lTxt + t][refCol + q] += r.pointStrength;
            rr[q][lTxt + t] += r.pointStrength;
        }
    }
    return bias;
}

struct Conditioning
{
    at::Tensor txt, y;
};

Conditioning encodeText(pipeline::Bundle &b, const std::string &prompt)
{
    int64_t unknown = 0;
    const auto ids = b.tokenizer.encode(prompt, b.text->config.max_length, &unknown);
    if (unknown > 0)
        log::info("core.pipeline", "{} word(s) of the prompt are not in the model's vocabulary", unknown);
    auto [txt, y] = b.text->forward(at::tensor(ids, at::kLong).unsqueeze(0));
    return {txt, y};
}

std::string a1111Parameters(const GenerationRequest &r, const Resolved &v, const std::string &model)
{
    std::string s = r.prompt;
    if (!r.negativePrompt.empty())
        s += "\nNegative prompt: " + r.negativePrompt;
    s += format("\nSteps: {}, Sampler: Euler, CFG scale: {}, Distilled guidance: {}, Seed: {}, Size: {}x{}, "
                "Model: {}",
                v.steps, v.cfg, v.guidance, r.seed, v.width, v.height, model);
    if (v.refCfg > 1.0f)
        s += format(", Reference CFG scale: {}", v.refCfg);
    if (!r.initImage.isNull() && r.strength < 1.0f)
        s += format(", Denoising strength: {}", r.strength);
    if (v.collage > 0.0f)
        s += format(", Reference collage: {}", v.collage);
    if (!r.subjects.empty()) {
        s += ", Subjects: ";
        for (size_t i = 0; i < r.subjects.size(); ++i)
            s += (i ? "; " : "") +
                 (r.subjects[i].name.empty() ? format("subject {}", i + 1) : r.subjects[i].name);
    }
    return s;
}

std::string parametersJson(const GenerationRequest &r, const Resolved &v, const BundleDescription &d,
                           const std::vector<uint64_t> &refHashes)
{
    nlohmann::json j;
    j["generator"] = "MOSAIC Studio";
    j["model"] = {{"name", d.name}, {"path", d.path}, {"lora", d.hasLora}};
    j["prompt"] = r.prompt;
    j["negative_prompt"] = r.negativePrompt;
    j["seed"] = r.seed;
    j["steps"] = v.steps;
    j["guidance"] = v.guidance;
    j["cfg_scale"] = v.cfg;
    j["ref_cfg_scale"] = v.refCfg;
    j["collage"] = v.collage;
    if (v.positionScale != 1.0)
        j["position_scale"] = v.positionScale;
    j["width"] = v.width;
    j["height"] = v.height;
    j["region_strength"] = r.regionStrength;
    j["point_strength"] = r.pointStrength;
    j["lora_scale"] = r.loraScale;
    if (!r.initImage.isNull() && r.strength < 1.0f) {
        j["strength"] = r.strength;
        j["init_image_hash"] = format("{}", fnv1a(r.initImage.pixels));
    }
    j["sampler"] = "euler (rectified flow, shifted schedule)";
    nlohmann::json subjects = nlohmann::json::array();
    if (r.autoLayout)
        j["auto_layout"] = true;
    for (size_t i = 0; i < r.subjects.size(); ++i) {
        const auto &s = r.subjects[i];
        nlohmann::json sj = {{"name", s.name}, {"image_hash", format("{}", refHashes[i])}};
        if (s.box)
            sj["box"] = {s.box->x, s.box->y, s.box->w, s.box->h};
        if (s.mask.width > 0)
            sj["mask"] = {{"width", s.mask.width}, {"height", s.mask.height}};
        nlohmann::json pts = nlohmann::json::array();
        for (const auto &p : s.points)
            pts.push_back({p.refX, p.refY, p.tgtX, p.tgtY});
        sj["points"] = pts;
        subjects.push_back(sj);
    }
    j["subjects"] = subjects;
    return j.dump();
}

} // namespace

Status generate(ModelBundle &handle, const GenerationRequest &request, GenerationResult *result,
                const GenerationCallbacks &callbacks)
{
    return pipeline::generateWithBundle(*handle.impl().bundle, handle.description(), request, result,
                                        callbacks);
}

namespace pipeline {

namespace {

// The first step of a schedule at or below `strength` (image to image); at least the last step runs.
int firstStepAt(const std::vector<double> &schedule, int steps, float strength)
{
    int first = 0;
    while (first < steps - 1 && schedule[static_cast<size_t>(first)] > strength)
        ++first;
    return first;
}

// One sampling run: everything of a generation but its parameter records.
void runPass(Bundle &b, const GenerationRequest &request, const Resolved &v, GenerationResult *result,
             const GenerationCallbacks &callbacks)
{
    GenerationResult out;
    auto t0 = Clock::now();
    auto cancelled = [&] { return callbacks.cancel && callbacks.cancel->load(std::memory_order_relaxed); };

    // References: prepared as MOSAIC prepares them, encoded with the posterior mean, packed, and
    // placed to the left of the target: columns shifted by -(ref width in tokens) * (i + 1).
    const int64_t rg = v.refSize / 16, patch = b.patch();
    std::vector<at::Tensor> refs, refIds;
    for (size_t i = 0; i < request.subjects.size(); ++i) {
        const Subject &s = request.subjects[i];
        RgbaImage prepared = s.image;
        if (!s.prepared) {
            if (Status st = prepareReference(s.image, v.refSize, &prepared); !st.ok())
                throw Error(st.code, format("subject {} ({}): {}", i + 1, s.name, st.message));
        } else if (s.image.width != v.refSize || s.image.height != v.refSize) {
            invalid(format("subject {}: a prepared reference must be {}x{}", i + 1, v.refSize, v.refSize));
        }
        at::Tensor z = b.ae->encode(image::toTensor(prepared)); // [1, z, ref/8, ref/8] (or /4)
        refs.push_back(pipeline::pack(z, patch));
        refIds.push_back(pipeline::tokenIds(1, rg, rg, 0, -rg * static_cast<int64_t>(i + 1)));
        if (cancelled())
            throw Error(StatusCode::Cancelled, "cancelled");
    }
    const Conditioning cond = encodeText(b, request.prompt);
    const bool cfg = v.cfg > 1.0f;
    Conditioning uncond;
    if (cfg)
        uncond = encodeText(b, request.negativePrompt);
    out.prepareSeconds = since(t0);

    // Noise from a CPU generator: the same seed gives the same image on the same build.
    const int64_t lh = pipeline::latentSize(v.height, patch), lw = pipeline::latentSize(v.width, patch);
    const int64_t zc = b.ae->config.z_channels;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(request.seed);
    at::Tensor x =
        pipeline::pack(at::randn({1, zc, lh, lw}, gen, at::TensorOptions().dtype(at::kFloat)), patch);
    const int64_t gh = lh / patch, gw = lw / patch;
    // Above the size the model was trained at, the target's positions are scaled into the range it
    // learnt (position interpolation); otherwise it tiles its backgrounds.
    const at::Tensor ids = pipeline::tokenIds(1, gh, gw) * v.positionScale;
    const auto schedule = pipeline::getSchedule(v.steps, gh * gw);
    // Image to image: the starting image's latent noised to the first step at or below the strength
    // (rectified flow: x_t = (1 - t) x_0 + t noise); at least the last step runs.
    int firstStep = 0;
    if (!request.initImage.isNull() && request.strength < 1.0f) {
        firstStep = firstStepAt(schedule, v.steps, request.strength);
        const double t = schedule[static_cast<size_t>(firstStep)];
        const at::Tensor x0 =
            pipeline::pack(b.ae->encode(fitImage(request.initImage, v.width, v.height)), patch);
        x = (1.0 - t) * x0 + t * x;
    }

    const auto regions = regionGrids(request, gh, gw);
    const model::AttentionBias bias = buildBias(request, regions, cond.txt.size(1), gh, gw, rg);
    model::LoraSet *lora = b.lora.get();
    if (lora)
        lora->scale = request.loraScale;

    model::AttentionCapture capture;
    for (int blk : request.capture.doubleBlocks) {
        if (blk < 0 || blk >= b.flux->config.depth)
            invalid(format("capture block {} does not exist (the model has {} double blocks)", blk,
                           b.flux->config.depth));
        capture.doubleBlocks.push_back(blk);
    }
    const int lastCapture = request.capture.lastStep < 0 ? v.steps - 1 : request.capture.lastStep;

    model::BranchInputs in;
    in.y = cond.y;
    in.txt = cond.txt;
    in.targetIds = ids;
    in.refs = refs;
    in.refIds = refIds;
    in.guidance = at::full({1}, static_cast<double>(v.guidance), at::kFloat);
    model::BranchOptions opt;
    opt.lora = lora;
    opt.bias = bias.empty() ? nullptr : &bias;
    opt.cancel = callbacks.cancel;
    model::BranchCache condCache, uncondCache, noRefsCache;
    const bool refCfg = v.refCfg > 1.0f && !refs.empty();

    const auto tDenoise = Clock::now();
    for (int step = firstStep; step < v.steps; ++step) {
        if (cancelled())
            throw Error(StatusCode::Cancelled, "cancelled");
        const auto tStep = Clock::now();
        const double tCur = schedule[static_cast<size_t>(step)],
                     tPrev = schedule[static_cast<size_t>(step) + 1];
        in.target = x;
        in.timesteps = at::full({1}, tCur, at::kFloat);
        const bool capStep = request.capture.enabled && !refs.empty() && step >= request.capture.firstStep &&
                             step <= lastCapture;
        opt.capture = capStep ? &capture : nullptr;
        at::Tensor pred = model::forwardBranches(*b.flux, in, opt, &condCache).to(at::kFloat);
        const at::Tensor predC = pred;
        if (cfg) {
            model::BranchInputs un = in;
            un.txt = uncond.txt;
            un.y = uncond.y;
            model::BranchOptions uo = opt;
            uo.capture = nullptr;
            const at::Tensor predU = model::forwardBranches(*b.flux, un, uo, &uncondCache).to(at::kFloat);
            pred = predU + v.cfg * (pred - predU);
        }
        if (refCfg) {
            // The prompt with zeroed references (training's image dropout); the conditional
            // prediction is that of the full conditions, before text guidance.
            model::BranchInputs noRefs = in;
            for (auto &r : noRefs.refs)
                r = at::zeros_like(r);
            model::BranchOptions ro = opt;
            ro.capture = nullptr;
            const at::Tensor predR = model::forwardBranches(*b.flux, noRefs, ro, &noRefsCache).to(at::kFloat);
            pred = pred + (v.refCfg - 1.0f) * (predC - predR);
        }
        RgbaImage preview;
        const bool wantPreview = request.previewEvery > 0 && callbacks.progress &&
                                 ((step + 1 - firstStep) % request.previewEvery == 0 || step + 1 == v.steps);
        if (wantPreview) // the predicted clean latent: x0 = x_t - t * v
            preview = image::fromTensor(b.ae->decode(pipeline::unpack(x - tCur * pred, lh, lw, patch)));
        x = x + (tPrev - tCur) * pred;
        out.stepSeconds.push_back(since(tStep));
        if (callbacks.progress) {
            ProgressInfo p;
            p.step = step + 1 - firstStep;
            p.steps = v.steps - firstStep;
            p.elapsedSeconds = since(t0);
            p.preview = wantPreview ? &preview : nullptr;
            callbacks.progress(p);
        }
    }
    out.denoiseSeconds = since(tDenoise);

    const auto tDecode = Clock::now();
    out.image = image::fromTensor(b.ae->decode(pipeline::unpack(x, lh, lw, patch)));
    out.decodeSeconds = since(tDecode);

    // Maps: token grids upsampled to pixels (nearest), so that sums are exact.
    const int64_t lRefTokens = rg * rg;
    const int64_t lAll = cond.txt.size(1) + gh * gw + static_cast<int64_t>(refs.size()) * lRefTokens;
    const int64_t px = v.width / gw; // pixels per token side (16)
    std::vector<at::Tensor> shares;
    for (size_t i = 0; i < request.subjects.size(); ++i) {
        SubjectMaps m;
        m.name = request.subjects[i].name;
        if (capture.refMapLayers > 0 && i < capture.refToTarget.size()) {
            at::Tensor dist = (capture.refToTarget[i] / static_cast<double>(capture.refMapLayers)).mean(1)[0];
            dist = dist.reshape({gh, gw}).repeat_interleave(px, 0).repeat_interleave(px, 1) /
                   static_cast<double>(px * px);
            m.attention = image::toFloatMap(dist, v.width, v.height);
        }
        if (capture.shareLayers > 0 && i < capture.targetShare.size()) {
            at::Tensor share = (capture.targetShare[i] / static_cast<double>(capture.shareLayers))[0];
            shares.push_back(share);
            if (regions[i].defined()) {
                const double total = share.sum().item<double>();
                m.massInRegion =
                    total > 0 ? (share * regions[i].reshape({-1})).sum().item<double>() / total : 0;
            }
            m.share = image::toFloatMap(
                share.reshape({gh, gw}).repeat_interleave(px, 0).repeat_interleave(px, 1), v.width, v.height);
        }
        out.subjects.push_back(std::move(m));
    }
    if (!shares.empty()) {
        // Argmax over subjects, where the winner holds at least 1.5x the share a uniform
        // attention would give it (L_ref / L_all); elsewhere -1 (text, background).
        at::Tensor s = at::stack(shares, 0); // [N, L_tgt]
        auto [best, idx] = s.max(0);
        const double uniform = static_cast<double>(lRefTokens) / static_cast<double>(lAll);
        idx = at::where(best >= 1.5 * uniform, idx, at::full_like(idx, -1));
        at::Tensor grid = idx.reshape({gh, gw})
                              .repeat_interleave(px, 0)
                              .repeat_interleave(px, 1)
                              .to(at::kShort)
                              .contiguous();
        out.ownership.width = v.width;
        out.ownership.height = v.height;
        out.ownership.values.assign(grid.data_ptr<int16_t>(), grid.data_ptr<int16_t>() + grid.numel());
    }
    *result = std::move(out);
}

// The reference collage (collage.h): a first full pass (without the references when every subject has
// a box or a mask), each subject's reference pasted into its place there, and a second pass that
// redraws the collage from the step at or below `v.collage`.
void runCollage(Bundle &b, const GenerationRequest &request, const Resolved &v, GenerationResult *result,
                const GenerationCallbacks &callbacks)
{
    GenerationRequest first = request;
    first.collage = 0.0f;
    // Subjects without a box or a mask are placed where their attention landed in the first image.
    const bool placeByAttention = std::any_of(request.subjects.begin(), request.subjects.end(),
                                              [](const Subject &s) { return !s.box && s.mask.width <= 0; });
    if (placeByAttention)
        first.capture.enabled = true;
    // Where every subject has its place, the first image is the scene alone: drawn with the references,
    // the model paints a patch of each subject's colours around its region, which the redraw keeps as a
    // speckled halo round the pasted subject (docs/results.md, "A first image without the references").
    if (!placeByAttention)
        first.subjects.clear();
    // For a model asked for more than the size it was trained at, the first image is drawn at that size
    // and scaled up: it draws its backgrounds best there (at twice it, with its positions scaled, the toy
    // model doubles the street's dashes and the beach's shore line), its attention places subjects
    // there (at twice it, scattered), and the redraw adds the detail. Not from a starting image, whose
    // detail the round trip through the smaller size would lose.
    Resolved firstSize = v;
    const bool atNative = v.positionScale < 1.0 && (request.initImage.isNull() || request.strength >= 1.0f);
    if (atNative) {
        firstSize.width = std::max(16, static_cast<int>(std::lround(v.width * v.positionScale / 16.0)) * 16);
        firstSize.height = std::max(16, static_cast<int>(std::lround(v.height * v.positionScale / 16.0)) * 16);
        firstSize.positionScale = 1.0;
    }
    const int64_t tokens = (v.height / 16) * (v.width / 16);
    const int secondSteps = v.steps - firstStepAt(pipeline::getSchedule(v.steps, tokens), v.steps, v.collage);
    const int total = v.steps -
                      (request.initImage.isNull() || request.strength >= 1.0f
                           ? 0
                           : firstStepAt(pipeline::getSchedule(v.steps, tokens), v.steps, request.strength)) +
                      secondSteps;
    // Progress counts the steps of both passes, and the time since the first began.
    const auto t0 = Clock::now();
    auto offsetProgress = [&](int offset) {
        GenerationCallbacks c = callbacks;
        if (callbacks.progress)
            c.progress = [&callbacks, offset, total, t0](const ProgressInfo &p) {
                ProgressInfo q = p;
                q.step = p.step + offset;
                q.steps = total;
                q.elapsedSeconds = since(t0);
                callbacks.progress(q);
            };
        return c;
    };
    GenerationResult pass1;
    runPass(b, first, firstSize, &pass1, offsetProgress(0));

    at::Tensor canvas = fitImage(pass1.image, v.width, v.height); // scaled up from the native size
    for (size_t i = 0; i < request.subjects.size(); ++i) {
        const Subject &s = request.subjects[i];
        const auto place = pipeline::subjectPlace(s, static_cast<int>(i), v.width, v.height,
                                                  placeByAttention ? &pass1.ownership : nullptr, 16);
        if (!place) {
            log::info("core.pipeline",
                      "reference collage: subject {} has no place in the first image; not pasted", i + 1);
            continue;
        }
        RgbaImage prepared = s.image;
        if (!s.prepared)
            if (Status st = prepareReference(s.image, v.refSize, &prepared); !st.ok())
                throw Error(st.code, format("subject {} ({}): {}", i + 1, s.name, st.message));
        pipeline::pasteSubject(canvas, prepared, pipeline::referenceSubjectMask(prepared), *place);
    }
    GenerationRequest second = request;
    second.collage = 0.0f;
    second.initImage = image::fromTensor(canvas);
    second.strength = v.collage;
    GenerationResult out;
    runPass(b, second, v, &out, offsetProgress(static_cast<int>(pass1.stepSeconds.size())));
    out.prepareSeconds += pass1.prepareSeconds;
    out.denoiseSeconds += pass1.denoiseSeconds;
    out.decodeSeconds += pass1.decodeSeconds;
    out.stepSeconds.insert(out.stepSeconds.begin(), pass1.stepSeconds.begin(), pass1.stepSeconds.end());
    *result = std::move(out);
}

// GenerationRequest::autoLayout: boxes from the prompt for the subjects that have neither a box nor a
// mask; the others stay where they are and are kept clear of.
GenerationRequest withPlannedLayout(const GenerationRequest &request, const Resolved &v)
{
    GenerationRequest out = request;
    if (!request.autoLayout ||
        std::all_of(request.subjects.begin(), request.subjects.end(), [](const Subject &s) { return s.box || s.mask.width > 0; }))
        return out;
    const auto planned = planRequestLayout(request, v.width, v.height);
    for (size_t i = 0; i < out.subjects.size(); ++i) {
        Subject &s = out.subjects[i];
        if (s.box || s.mask.width > 0)
            continue;
        s.box = planned[i].box;
        log::info("core.pipeline", "auto layout: subject {} ({}) at {},{} {}x{}{}", i + 1, s.name,
                  s.box->x, s.box->y, s.box->w, s.box->h,
                  planned[i].clause.empty() ? std::string(" (the prompt does not place it)")
                                            : format(" (\"{}\")", planned[i].clause));
    }
    return out;
}

std::vector<uint64_t> referenceHashes(const GenerationRequest &r)
{
    std::vector<uint64_t> hashes;
    for (const auto &s : r.subjects)
        hashes.push_back(fnv1a(s.image.pixels));
    return hashes;
}

} // namespace

Status generateWithBundle(Bundle &b, const BundleDescription &description, const GenerationRequest &original,
                          GenerationResult *result, const GenerationCallbacks &callbacks)
{
    return guarded([&] {
        std::lock_guard<std::mutex> runLock(b.runMutex);
        c10::InferenceMode inference;
        const auto t0 = Clock::now();
        const Resolved v = resolve(b, original);
        const GenerationRequest request = withPlannedLayout(original, v);
        GenerationResult out;
        if (v.collage > 0.0f && !request.subjects.empty())
            runCollage(b, request, v, &out, callbacks);
        else
            runPass(b, request, v, &out, callbacks);
        out.parametersText = a1111Parameters(request, v, description.name);
        out.parametersJson = parametersJson(request, v, description, referenceHashes(request));
        log::info("core.pipeline", "generated {}x{} with {} subject(s) in {} s ({} steps{})", v.width,
                  v.height, request.subjects.size(), since(t0), v.steps,
                  v.collage > 0.0f && !request.subjects.empty() ? format(", reference collage {}", v.collage)
                                                                : "");
        *result = std::move(out);
    });
}

} // namespace pipeline

Status writeRandomBundle(const std::string &path, const RandomBundleOptions &o)
{
    return guarded([&] {
        torch::NoGradGuard noGrad;
        at::manual_seed(o.seed);
        pipeline::Bundle b;
        b.name = o.name;
        model::FluxConfig fc;
        fc.hidden_size = o.hidden;
        fc.num_heads = o.heads;
        fc.depth = o.doubleBlocks;
        fc.depth_single_blocks = o.singleBlocks;
        if ((o.aeMultipliers.size() != 3 && o.aeMultipliers.size() != 4) || o.latentChannels < 1 ||
            o.aeChannels < 1)
            throw Error(StatusCode::InvalidArgument,
                        "the autoencoder needs three or four levels (a 4x or 8x "
                        "downsampling: 16-px tokens of 4x4 or 2x2 latent pixels) and "
                        "positive channel counts");
        const int64_t p = pipeline::patchSize(static_cast<int64_t>(o.aeMultipliers.size()));
        fc.in_channels = fc.out_channels = p * p * o.latentChannels;
        fc.vec_in_dim = fc.context_in_dim = o.hidden;
        if (o.hidden <= 0 || o.heads <= 0 || o.hidden % o.heads)
            throw Error(StatusCode::InvalidArgument,
                        format("hidden {} does not split into {} heads", o.hidden, o.heads));
        fc.axes_dim = model::FluxConfig::defaultAxes(o.hidden / o.heads);
        fc.guidance_embed = o.guidanceEmbed;
        model::AutoEncoderConfig ac;
        ac.ch = o.aeChannels;
        ac.ch_mult.assign(o.aeMultipliers.begin(), o.aeMultipliers.end());
        ac.num_res_blocks = o.aeResBlocks;
        ac.z_channels = o.latentChannels;
        b.flux = model::Flux(fc);
        b.ae = model::AutoEncoder(ac);
        std::vector<std::string> vocab{"<pad>", "<unk>"};
        if (o.vocabulary.empty())
            vocab.insert(vocab.end(), {"a", "and", "the", "cat", "dog", "bag", "clock", "on", "grass",
                                       "beach", "snow", "left", "right", "two", "three", "sitting"});
        for (const auto &w : o.vocabulary)
            if (w != "<pad>" && w != "<unk>" && std::find(vocab.begin(), vocab.end(), w) == vocab.end())
                vocab.push_back(w);
        b.tokenizer = model::Tokenizer(vocab);
        model::TextEncoderConfig tc;
        tc.vocab_size = static_cast<int64_t>(b.tokenizer.vocabulary().size());
        tc.max_length = o.maxWords;
        tc.context_dim = fc.context_in_dim;
        tc.vec_dim = fc.vec_in_dim;
        tc.layers = o.textLayers;
        tc.heads = o.textHeads;
        b.text = model::TextEncoder(tc);
        b.defaults.guidance = o.guidance;
        b.defaults.size = o.imageSize;
        b.defaults.refSize = o.refSize;
        b.defaults.steps = o.steps;
        b.defaults.cfg = o.cfg;
        b.defaults.refCfg = o.refCfg;
        b.defaults.collage = o.collage;
        pipeline::saveBundle(b, path);
    });
}

} // namespace mosaic
