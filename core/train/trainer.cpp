#include "train/trainer.h"

#include "data/toys.h"
#include "model/branches.h"
#include "pipeline/sampling.h"
#include "train/archive.h"
#include "train/checkpointing.h"
#include "train/device.h"
#include "train/distributed.h"
#include "train/pool.h"
#include "util/error.h"
#include "util/log.h"
#include "util/parallel.h"
#include "util/strings.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/utils/clip_grad.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <future>
#include <random>
#include <set>

namespace mosaic::train {

namespace {

uint64_t mix(uint64_t a, uint64_t b)
{
    uint64_t x = a * 0x9e3779b97f4a7c15ULL + b + 0x632be59bd9b4e019ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// A toy subject's correspondences: at every target token centre it covers, the exact reference point.
DatasetSubject toyPoints(const data::ToySubject &s, int targetSize)
{
    const int grid = targetSize / 16;
    DatasetSubject sub;
    const auto rc = s.refCoords.accessor<float, 3>();
    for (int gy = 0; gy < grid; ++gy)
        for (int gx = 0; gx < grid; ++gx) {
            const int y = gy * 16 + 8, x = gx * 16 + 8;
            if (rc[y][x][0] < 0)
                continue;
            sub.points.push_back({std::clamp(rc[y][x][0], 0.0f, 1.0f), std::clamp(rc[y][x][1], 0.0f, 1.0f),
                                  (x + 0.5f) / targetSize, (y + 0.5f) / targetSize, PointSource::Synthetic, 1.0f,
                                  ReviewStatus::Accepted});
        }
    return sub;
}

} // namespace

ExampleSource toyExamples(const ToysOptions &options)
{
    return [options](int64_t index) {
        data::ToySample s = data::renderToySample(options, index);
        TrainingExample e;
        e.target = s.target;
        e.prompt = s.prompt;
        for (const auto &sub : s.subjects) {
            e.references.push_back(sub.reference);
            e.subjects.push_back(toyPoints(sub, options.size));
        }
        return e;
    };
}

double learningRateAt(const TrainOptions &o, int64_t step)
{
    if (o.warmup > 0 && step < o.warmup)
        return o.learningRate * static_cast<double>(step + 1) / static_cast<double>(o.warmup);
    if (!o.cosine || o.totalSteps <= o.warmup)
        return o.learningRate;
    const double progress = std::min(1.0, static_cast<double>(step - o.warmup) / static_cast<double>(o.totalSteps - o.warmup));
    return o.learningRate * (0.1 + 0.9 * 0.5 * (1.0 + std::cos(M_PI * progress)));
}

double emaDecayAt(double decay, int64_t step)
{
    return std::min(decay, static_cast<double>(step + 1) / static_cast<double>(step + 10));
}

int64_t budgetedTotalSteps(int64_t step, int64_t paced, double elapsed, double paceStart, double seconds, int64_t cap)
{
    if (paced <= 0 || !(elapsed > paceStart))
        return std::max(step + 1, cap);
    const double pace = static_cast<double>(paced) / (elapsed - paceStart);
    const double reach = static_cast<double>(step) + pace * std::max(0.0, seconds - elapsed);
    return std::clamp<int64_t>(static_cast<int64_t>(std::min(reach, 9e18)), step + 1, std::max(step + 1, cap));
}

std::vector<at::Tensor> regionSigns(const std::vector<std::vector<TokenPairs>> &pairs, int64_t grid, double dropout,
                                    uint64_t seed, int64_t offset)
{
    const int64_t B = static_cast<int64_t>(pairs.size()), L = grid * grid;
    const size_t refs = pairs.empty() ? 0 : pairs[0].size();
    std::mt19937_64 rng(seed); // its own stream: runs without regions draw what they drew before
    std::uniform_real_distribution<double> coin(0.0, 1.0);
    if (dropout > 0.0)
        for (int64_t i = 0; i < offset; ++i)
            coin(rng);
    std::vector<at::Tensor> signs(refs);
    for (auto &s : signs)
        s = at::zeros({B, L}, at::kFloat);
    for (int64_t i = 0; i < B; ++i) {
        if (dropout > 0.0 && coin(rng) < dropout)
            continue; // trained without regions: zeros
        for (size_t r = 0; r < refs; ++r) {
            // The region: the bounding box of the target tokens that hold this reference's points.
            int64_t x0 = grid, y0 = grid, x1 = -1, y1 = -1;
            for (const auto &pair : pairs[static_cast<size_t>(i)][r]) {
                if (pair.second < 0 || pair.second >= L)
                    throw Error(StatusCode::InvalidArgument, format("target token {} is outside the {} tokens", pair.second, L));
                x0 = std::min<int64_t>(x0, pair.second % grid);
                x1 = std::max<int64_t>(x1, pair.second % grid);
                y0 = std::min<int64_t>(y0, pair.second / grid);
                y1 = std::max<int64_t>(y1, pair.second / grid);
            }
            if (x1 < 0)
                continue; // no points: no region for this reference
            at::Tensor g = at::full({grid, grid}, -1.0f);
            g.narrow(0, y0, y1 - y0 + 1).narrow(1, x0, x1 - x0 + 1).fill_(1.0f);
            signs[r][i].copy_(g.reshape({L}));
        }
    }
    return signs;
}

Trainer::Trainer(pipeline::Bundle &bundle, const TrainOptions &options, ExampleSource source)
    : m_bundle(bundle), m_options(options), m_source(source ? source : toyExamples(options.data)), m_toys(!source)
{
    if (options.batch < 1)
        throw Error(StatusCode::InvalidArgument, "the batch size must be at least 1");
    if (!(options.reverseScaWeight >= 0.0) || !(options.subjectWeight > 0.0) || !std::isfinite(options.subjectWeight) ||
        !std::isfinite(options.reverseScaWeight) || !(options.shareWeight >= 0.0) || !std::isfinite(options.shareWeight))
        throw Error(StatusCode::InvalidArgument, "the reverse correspondence and reference-share weights must be at least 0 "
                                                 "and the subject weight above 0");
    if (!(options.regionStrength >= 0.0) || !std::isfinite(options.regionStrength) || !(options.regionDropout >= 0.0) ||
        !(options.regionDropout <= 1.0))
        throw Error(StatusCode::InvalidArgument, "the region strength must be at least 0 and the region dropout in [0, 1]");
    if (options.data.size % 16 || options.data.refSize != bundle.defaults.refSize)
        throw Error(StatusCode::InvalidArgument, "the toys' sizes must match the bundle (reference size " +
                                                     std::to_string(bundle.defaults.refSize) + ")");
    m_device = trainingDevice(options.device);
    if (m_options.prefetch < 0)
        m_options.prefetch = m_device.is_cuda() ? 1 : 0;
    m_bundle.flux->to(m_device);
    m_bundle.ae->to(m_device);
    m_bundle.text->to(m_device);
    if (options.loraRank > 0) {
        m_lora = std::make_unique<model::LoraSet>(model::LoraSet::create(
            *m_bundle.flux, options.loraRank, options.loraAlpha > 0 ? options.loraAlpha : static_cast<double>(options.loraRank),
            options.loraTargets, mix(options.seed, 0x10aaULL)));
        m_lora->to(at::kFloat, m_device);
        for (auto &p : m_bundle.flux->parameters())
            p.set_requires_grad(false);
        for (auto &p : m_bundle.text->parameters())
            p.set_requires_grad(false);
    }
    for (auto &p : trainable())
        p.set_requires_grad(true);
    if (!m_lora) {
        m_bundle.flux->train();
        m_bundle.text->train();
    }
    if (ProcessGroup *group = m_options.group) {
        // The same starting point on every rank: rank 0's trained weights, and the frozen ones (read
        // by each rank from its own files) checked equal.
        group->broadcast(trainable());
        std::set<const void *> trained;
        for (const auto &p : trainable())
            trained.insert(p.unsafeGetTensorImpl());
        std::vector<at::Tensor> frozen;
        for (const auto &list : {m_bundle.flux->parameters(), m_bundle.text->parameters(), m_bundle.ae->parameters()})
            for (const auto &p : list)
                if (!trained.count(p.unsafeGetTensorImpl()))
                    frozen.push_back(p);
        group->checkSame(frozen, "frozen weights");
        m_averager = std::make_unique<GradientAverager>(*group, trainable(), m_options.bucketBytes);
        log::info("core.train", "rank {} of {}: gradients in {} buckets of up to {} MiB", group->rank(), group->size(),
                  m_averager->bucketCount(), m_options.bucketBytes >> 20);
    }
    torch::optim::AdamWOptions o(options.learningRate);
    o.weight_decay(options.weightDecay);
    m_optimizer = std::make_unique<torch::optim::AdamW>(trainable(), o);
    torch::NoGradGuard noGrad;
    for (const auto &p : trainable())
        m_ema.push_back(p.detach().clone());
}

Trainer::~Trainer() = default;

std::vector<at::Tensor> Trainer::trainable() const
{
    if (m_lora)
        return m_lora->parameters();
    std::vector<at::Tensor> ps = m_bundle.flux->parameters();
    for (const auto &p : m_bundle.text->parameters())
        ps.push_back(p);
    return ps;
}

Trainer::Examples Trainer::fetchExamples(int64_t step, int64_t count, const ExampleSource &stream, const ToysOptions *toys,
                                         bool usePool, int64_t offset, int64_t global) const
{
    // The batch: rendered from the stream at indices step * batch + i; all samples of one batch get
    // the same number of references (the smallest), so that branches stack.
    Examples out;
    out.step = step;
    out.rng.seed(mix(m_options.seed ^ 0xd20d0u, static_cast<uint64_t>(step)));
    // MOSAIC-Toys batches share one subject count, drawn per step, so that every sample brings all
    // its references (the branches of a batch stack); other sources use the smallest count.
    ExampleSource source = stream;
    if (toys) {
        ToysOptions o = *toys;
        std::uniform_int_distribution<int> subjects(o.minSubjects, std::max(o.minSubjects, o.maxSubjects));
        o.minSubjects = o.maxSubjects = subjects(out.rng);
        source = usePool && m_options.pool ? m_options.pool->source(o.minSubjects) : toyExamples(o);
    }
    // Toys are rendered (or taken from the pool) on all intra-op threads; other sources, which may
    // read files, one after another.
    out.samples.resize(static_cast<size_t>(count));
    out.offset = offset;
    out.global = global;
    const int64_t first = step * (global > 0 ? global : count) + offset;
    const auto start = std::chrono::steady_clock::now();
    if (toys)
        parallelFor(count, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i)
                out.samples[static_cast<size_t>(i)] = source(first + i);
        });
    else
        for (int64_t i = 0; i < count; ++i)
            out.samples[static_cast<size_t>(i)] = source(first + i);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

Trainer::Batch Trainer::prepareBatch(int64_t step, int64_t count, const ExampleSource &stream, const ToysOptions *toys,
                                      bool usePool, bool dropouts)
{
    return encodeBatch(fetchExamples(step, count, stream, toys, usePool), dropouts);
}

Trainer::Examples Trainer::trainingExamples(int64_t step)
{
    const ToysOptions *toys = m_toys ? &m_options.data : nullptr;
    Examples e;
    if (m_prefetch.valid()) {
        if (m_prefetchStep == step)
            e = m_prefetch.get(); // (its exception, if fetching failed, is this step's)
        else
            m_prefetch.wait(); // another step's (a checkpoint was loaded since): dropped, failed or not
        m_prefetch = {};
    }
    // This rank's share of the group's batch.
    const int64_t ranks = m_options.group ? m_options.group->size() : 1;
    const int64_t offset = m_options.group ? m_options.group->rank() * int64_t{m_options.batch} : 0;
    const int64_t global = ranks > 1 ? ranks * m_options.batch : 0;
    if (e.step != step)
        e = fetchExamples(step, m_options.batch, m_source, toys, true, offset, global);
    if (m_options.prefetch > 0) {
        m_prefetchStep = step + 1;
        m_prefetch = std::async(std::launch::async, [this, toys, next = step + 1, offset, global] {
            return fetchExamples(next, m_options.batch, m_source, toys, true, offset, global);
        });
    }
    return e;
}

Trainer::Batch Trainer::encodeBatch(Examples examples, bool dropouts)
{
    auto &b = m_bundle;
    const int S = m_options.data.size, R = b.defaults.refSize, refGrid = R / 16;
    const int64_t step = examples.step;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(mix(m_options.seed, static_cast<uint64_t>(step)));
    const std::vector<TrainingExample> &samples = examples.samples;
    std::mt19937_64 &rng = examples.rng;
    size_t refs = 64;
    std::uniform_real_distribution<double> coin(0.0, 1.0);
    std::vector<bool> dropText, dropImage;
    // A rank's share of a group's batch draws what one process draws for those samples: the draws of
    // the samples before it are skipped, and t and the noise are drawn for the whole batch.
    const int64_t offset = examples.offset, global = examples.global > 0 ? examples.global : int64_t(samples.size());
    if (dropouts)
        for (int64_t i = 0; i < 2 * offset; ++i)
            coin(rng);
    for (size_t i = 0; i < samples.size(); ++i) {
        const auto &e = samples[i];
        if (e.target.dim() != 3 || e.target.size(1) != S || e.target.size(2) != S || e.references.size() != e.subjects.size())
            throw Error(StatusCode::InvalidArgument, format("a training example must be a {}x{} target with one point "
                                                            "list per reference", S, S));
        for (const auto &r : e.references)
            if (r.dim() != 3 || r.size(1) != R || r.size(2) != R)
                throw Error(StatusCode::InvalidArgument, format("training references must be {}x{}", R, R));
        refs = std::min(refs, e.references.size());
        dropText.push_back(dropouts && coin(rng) < m_options.textDropout);
        dropImage.push_back(dropouts && coin(rng) < m_options.imageDropout);
    }
    if (examples.global > 0 && m_options.group) { // every rank's samples bring the group's smallest count
        at::Tensor least = at::tensor({static_cast<int64_t>(samples.empty() ? 0 : refs)}, at::kLong);
        m_options.group->min(least);
        refs = static_cast<size_t>(least.item<int64_t>());
    }
    Batch out;
    out.fetchSeconds = examples.seconds;
    std::vector<at::Tensor> ids;
    out.refLatents.resize(refs);
    {
        torch::NoGradGuard noGrad; // the autoencoder is frozen
        // One encoder pass for the batch's targets and one per reference slot.
        std::vector<at::Tensor> targets;
        std::vector<float> keep;
        for (size_t i = 0; i < samples.size(); ++i) {
            const auto &s = samples[i];
            targets.push_back(s.target);
            keep.push_back(dropImage[i] ? 0.0f : 1.0f);
            ids.push_back(at::tensor(b.tokenizer.encode(dropText[i] ? std::string() : s.prompt, b.text->config.max_length),
                                     at::kLong));
            std::vector<TokenPairs> p;
            for (size_t r = 0; r < refs; ++r)
                p.push_back(tokenPairs(s.subjects[r], refGrid, S / 16, S / 16));
            out.pairs.push_back(p);
        }
        out.x0 = pipeline::pack(b.ae->encode(at::stack(targets, 0).to(m_device) * 2.0 - 1.0), b.patch());
        // (MOSAIC keeps the correspondence supervision on dropped references; so does this.)
        const at::Tensor keepMask = at::tensor(keep, at::kFloat).view({-1, 1, 1}).to(m_device);
        for (size_t r = 0; r < refs; ++r) {
            std::vector<at::Tensor> images;
            for (const auto &s : samples)
                images.push_back(s.references[r]);
            out.refLatents[r] =
                pipeline::pack(b.ae->encode(at::stack(images, 0).to(m_device) * 2.0 - 1.0), b.patch()) * keepMask;
        }
    }
    out.textIds = at::stack(ids, 0).to(m_device);
    const int64_t B = out.x0.size(0), grid = S / 16; // target tokens per side
    if (m_options.regionStrength > 0.0 && refs > 0)
        for (const auto &signs : regionSigns(out.pairs, grid, dropouts ? m_options.regionDropout : 0.0,
                                             mix(m_options.seed ^ 0x5e610u, static_cast<uint64_t>(step)), offset))
            out.regionSigns.push_back(signs.to(m_device));
    out.t = sampleTimesteps(global, grid * grid, gen, dropouts ? m_options.uniformTimesteps : 0.0).narrow(0, offset, B).to(m_device);
    std::vector<int64_t> noiseShape = out.x0.sizes().vec();
    noiseShape[0] = global;
    out.noise = at::randn(noiseShape, gen, out.x0.options().device(at::kCPU)).narrow(0, offset, B).contiguous().to(m_device);
    return out;
}

at::Tensor Trainer::forward(const Batch &batch, const std::vector<at::Tensor> &refLatents, at::Tensor *target,
                            model::AttentionCapture *capture, const std::pair<at::Tensor, at::Tensor> *text)
{
    auto &b = m_bundle;
    const int S = m_options.data.size, R = b.defaults.refSize, refGrid = R / 16;
    const int64_t B = batch.x0.size(0), grid = S / 16;
    const auto [txtEmb, y] = text ? *text : b.text->forward(batch.textIds);
    const FlowTargets ft = flowMatchingTargets(batch.x0, batch.noise, batch.t);
    *target = ft.target;
    model::BranchInputs in;
    in.txt = txtEmb;
    in.y = y;
    in.target = ft.xt;
    in.targetIds = pipeline::tokenIds(B, grid, grid).to(m_device);
    for (size_t r = 0; r < refLatents.size(); ++r) {
        in.refs.push_back(refLatents[r]);
        in.refIds.push_back(
            pipeline::tokenIds(B, refGrid, refGrid, 0, -refGrid * static_cast<int64_t>(r + 1)).to(m_device));
    }
    in.timesteps = batch.t;
    in.guidance = at::ones({B}, batch.x0.options()); // MOSAIC trains with guidance 1
    model::BranchOptions opt;
    opt.capture = !refLatents.empty() ? capture : nullptr;
    opt.lora = m_lora.get();
    if (m_options.checkpointBlocks)
        opt.checkpoint = [this](const model::BranchOptions::BlockBody &body, const std::vector<at::Tensor> &x) {
            return checkpointed(body, x, m_options.autocast, m_device);
        };
    model::AttentionBias bias;
    if (!batch.regionSigns.empty() && !refLatents.empty()) {
        std::vector<int64_t> lRefs;
        for (const auto &z : refLatents)
            lRefs.push_back(z.size(1));
        bias = model::regionBias(batch.regionSigns, txtEmb.size(1), lRefs, m_options.regionStrength);
        opt.bias = &bias;
    }
    return model::forwardBranches(*b.flux, in, opt);
}

// Per target token of the batch: `inside` where the token holds an annotated point, `outside` elsewhere.
at::Tensor Trainer::subjectTokenWeights(const Batch &batch, double inside, double outside) const
{
    const int64_t B = batch.x0.size(0), L = batch.x0.size(1);
    at::Tensor weights = at::full({B, L}, outside, at::kFloat);
    auto w = weights.accessor<float, 2>();
    for (int64_t i = 0; i < B; ++i)
        for (const auto &perRef : batch.pairs[static_cast<size_t>(i)])
            for (const auto &pair : perRef) {
                if (pair.second < 0 || pair.second >= L)
                    throw Error(StatusCode::InvalidArgument, format("target token {} is outside the {} tokens", pair.second, L));
                w[i][pair.second] = static_cast<float>(inside);
            }
    return weights.to(m_device);
}

ReferenceUse Trainer::referenceUse(int batches, int samples)
{
    if (batches < 1 || samples < 2)
        throw Error(StatusCode::InvalidArgument, "measuring the use of the references needs batches of at least 2 samples");
    if (m_prefetch.valid()) // (a dataset's source is not called from two threads at once)
        m_prefetch.wait();
    torch::NoGradGuard noGrad;
    // Held-out identities for the toys (another seed of the test split); another source's own examples.
    ToysOptions heldOut = m_options.data;
    heldOut.split = "test";
    heldOut.seed = m_options.data.seed + 4242;
    ReferenceUse out;
    for (int i = 0; i < batches; ++i) {
        // Fixed batches, far beyond any run's steps (a dataset's source takes non-negative indices
        // only), so that the figure is comparable from one call to the next.
        const Batch batch = prepareBatch((int64_t{1} << 40) + i, samples, m_source, m_toys ? &heldOut : nullptr, false, false);
        if (batch.refLatents.empty())
            continue;
        const at::Tensor weights = subjectTokenWeights(batch, 1.0, 0.0);
        if (!(weights.sum().item<double>() > 0))
            continue;
        std::vector<at::Tensor> others;
        for (const auto &z : batch.refLatents)
            others.push_back(z.roll(1, 0)); // sample i gets sample i - 1's reference
        at::Tensor target;
        const auto text = m_bundle.text->forward(batch.textIds); // one encoding for both passes
        const at::Tensor own = forward(batch, batch.refLatents, &target, nullptr, &text);
        const at::Tensor other = forward(batch, others, &target, nullptr, &text);
        out.own += flowMatchingLoss(own.to(at::kFloat), target, weights).item<double>();
        out.other += flowMatchingLoss(other.to(at::kFloat), target, weights).item<double>();
        ++out.batches;
    }
    if (out.batches > 0) {
        out.own /= out.batches;
        out.other /= out.batches;
    }
    return out;
}

StepLosses Trainer::step()
{
    ProcessGroup *group = m_options.group;
    if (group)
        group->setStep(m_step);
    const Batch batch = encodeBatch(trainingExamples(m_step), true);
    const auto &pairs = batch.pairs;
    auto autocast = std::make_unique<AutocastScope>(m_options.autocast, m_device); // the forward pass only
    model::AttentionCapture capture;
    capture.wantTargetToRef = m_options.reverseScaWeight > 0.0;
    at::Tensor flowTarget;
    const at::Tensor pred = forward(batch, batch.refLatents, &flowTarget, &capture);

    StepLosses out;
    out.step = m_step;
    out.dataSeconds = batch.fetchSeconds;
    autocast.reset();
    const at::Tensor weights = m_options.subjectWeight != 1.0 ? subjectTokenWeights(batch, m_options.subjectWeight, 1.0) : at::Tensor();
    // With a group, the losses that average over a count (pairs, annotated tokens, token weights)
    // divide by the whole batch's count over the ranks, so that the mean of the ranks' gradients is
    // the whole batch's gradient.
    double weightDenominator = 0, scaDenominator = 0, shareDenominator = 0;
    if (group) {
        at::Tensor counts = at::tensor({static_cast<double>(correspondenceCount(pairs)), static_cast<double>(referenceShareCount(pairs)),
                                        weights.defined() ? weights.sum().item<double>() : 0.0},
                                       at::kDouble);
        group->sum(counts);
        const double ranks = static_cast<double>(group->size());
        scaDenominator = counts[0].item<double>() / ranks;
        shareDenominator = counts[1].item<double>() / ranks;
        weightDenominator = counts[2].item<double>() / ranks;
    }
    at::Tensor flow = flowMatchingLoss(pred.to(at::kFloat), flowTarget, weights, weightDenominator);
    at::Tensor total = flow;
    std::vector<at::Tensor> scalars(6); // flow, sca, md, reverse, share, total
    scalars[0] = flow.detach();
    const double layers = static_cast<double>(std::max<int64_t>(1, capture.refMapLayers));
    std::vector<at::Tensor> maps, reverse;
    for (size_t r = 0; r < capture.refToTarget.size(); ++r)
        maps.push_back(capture.refToTarget[r].to(at::kFloat) / layers);
    // The reverse maps transposed to [B, L_ref, L_tgt], so that the same pairs index them.
    for (size_t r = 0; r < capture.targetToRef.size(); ++r)
        reverse.push_back(capture.targetToRef[r].to(at::kFloat).transpose(1, 2) / layers);
    if (!maps.empty()) {
        const at::Tensor sca = correspondenceLoss(maps, pairs, scaDenominator);
        const at::Tensor md = disentanglementLoss(maps);
        const double wmd = disentanglementWeight(m_step, m_options.mdStart, m_options.mdRamp, m_options.mdWeight);
        total = total + m_options.scaWeight * sca + wmd * md;
        scalars[1] = sca.detach();
        scalars[2] = md.detach();
    }
    if (!reverse.empty()) {
        const at::Tensor rsca = correspondenceLoss(reverse, pairs, scaDenominator);
        total = total + m_options.reverseScaWeight * rsca;
        scalars[3] = rsca.detach();
    }
    if (m_options.shareWeight > 0.0 && !capture.targetShare.empty()) {
        const double shareLayers = static_cast<double>(std::max<int64_t>(1, capture.shareLayers));
        std::vector<at::Tensor> shares;
        for (const auto &s : capture.targetShare)
            shares.push_back(s.to(at::kFloat) / shareLayers);
        const at::Tensor share = referenceShareLoss(shares, pairs, shareDenominator);
        total = total + m_options.shareWeight * share;
        scalars[4] = share.detach();
    }
    out.learningRate = learningRateAt(m_options, m_step);
    for (auto &group : m_optimizer->param_groups())
        static_cast<torch::optim::AdamWOptions &>(group.options()).lr(out.learningRate);
    m_optimizer->zero_grad();
    total.backward();
    if (m_averager)
        m_averager->finish(); // the group's mean gradients
    out.gradNorm = torch::nn::utils::clip_grad_norm_(trainable(), m_options.clipNorm);
    // The loss terms come to the host in one copy, after the backward pass was queued (each .item()
    // waits for the device to finish what it was given).
    scalars[5] = total.detach();
    for (auto &x : scalars)
        x = x.defined() ? x.to(total.device(), at::kFloat) : at::zeros({}, total.options().dtype(at::kFloat));
    at::Tensor host = at::stack(scalars).to(at::kCPU, at::kDouble);
    if (group) { // the whole batch's losses: the mean of the ranks'
        group->sum(host);
        host /= static_cast<double>(group->size());
    }
    const double *h = host.data_ptr<double>();
    out.flow = h[0];
    out.sca = h[1];
    out.md = h[2];
    out.reverseSca = h[3];
    out.share = h[4];
    out.total = h[5];
    // A non-finite loss or gradient would poison the weights, the EMA and every later checkpoint:
    // stop before the optimizer step, so that the last checkpoint stays the last good state.
    if (!std::isfinite(out.total) || !std::isfinite(out.gradNorm))
        throw Error(StatusCode::Internal,
                    format("step {}: the loss ({}) or its gradient norm ({}) is not finite; nothing was updated{}", m_step,
                           out.total, out.gradNorm,
                           m_options.autocast ? " (bfloat16 autocast is on: try the recipe with \"autocast\": false)" : ""));
    m_optimizer->step();
    {
        torch::NoGradGuard noGrad;
        const auto ps = trainable();
        const double decay = emaDecayAt(m_options.emaDecay, m_step);
        for (size_t i = 0; i < ps.size(); ++i)
            m_ema[i].mul_(decay).add_(ps[i].detach(), 1.0 - decay);
    }
    ++m_step;
    return out;
}

void Trainer::saveCheckpoint(const std::string &path) const
{
    saveTrainingState(path, {{"param", trainable()}, {"ema", m_ema}}, m_step, *m_optimizer);
}

void Trainer::loadCheckpoint(const std::string &path)
{
    TensorLists into{{"param", trainable()}, {"ema", m_ema}}; // tensors share storage: loaded in place
    m_step = loadTrainingState(path, into, *m_optimizer);
}

void Trainer::applyEma()
{
    torch::NoGradGuard noGrad;
    auto ps = trainable();
    for (size_t i = 0; i < ps.size(); ++i)
        ps[i].copy_(m_ema[i]);
}

} // namespace mosaic::train
