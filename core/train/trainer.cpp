#include "train/trainer.h"

#include "data/toys.h"
#include "model/branches.h"
#include "pipeline/sampling.h"
#include "train/archive.h"
#include "util/error.h"
#include "util/strings.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/utils/clip_grad.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

namespace mosaic::train {

namespace {

uint64_t mix(uint64_t a, uint64_t b)
{
    uint64_t x = a * 0x9e3779b97f4a7c15ULL + b + 0x632be59bd9b4e019ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Reference token -> target token for one toy subject: the target token centres it covers, the
// first target per reference token (the dataset rule).
TokenPairs toyPairs(const data::ToySubject &s, int targetSize, int refGrid)
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
    return tokenPairs(sub, refGrid, grid, grid);
}

} // namespace

double learningRateAt(const TrainOptions &o, int64_t step)
{
    if (o.warmup > 0 && step < o.warmup)
        return o.learningRate * static_cast<double>(step + 1) / static_cast<double>(o.warmup);
    if (!o.cosine || o.totalSteps <= o.warmup)
        return o.learningRate;
    const double progress = std::min(1.0, static_cast<double>(step - o.warmup) / static_cast<double>(o.totalSteps - o.warmup));
    return o.learningRate * (0.1 + 0.9 * 0.5 * (1.0 + std::cos(M_PI * progress)));
}

Trainer::Trainer(pipeline::Bundle &bundle, const TrainOptions &options) : m_bundle(bundle), m_options(options)
{
    if (options.batch < 1)
        throw Error(StatusCode::InvalidArgument, "the batch size must be at least 1");
    if (options.data.size % 16 || options.data.refSize != bundle.defaults.refSize)
        throw Error(StatusCode::InvalidArgument, "the toys' sizes must match the bundle (reference size " +
                                                     std::to_string(bundle.defaults.refSize) + ")");
    for (auto &p : trainable())
        p.set_requires_grad(true);
    m_bundle.flux->train();
    m_bundle.text->train();
    torch::optim::AdamWOptions o(options.learningRate);
    o.weight_decay(options.weightDecay);
    m_optimizer = std::make_unique<torch::optim::AdamW>(trainable(), o);
    torch::NoGradGuard noGrad;
    for (const auto &p : trainable())
        m_ema.push_back(p.detach().clone());
}

std::vector<at::Tensor> Trainer::trainable() const
{
    std::vector<at::Tensor> ps = m_bundle.flux->parameters();
    for (const auto &p : m_bundle.text->parameters())
        ps.push_back(p);
    return ps;
}

StepLosses Trainer::step()
{
    auto &b = m_bundle;
    const int S = m_options.data.size, R = b.defaults.refSize, refGrid = R / 16;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(mix(m_options.seed, static_cast<uint64_t>(m_step)));
    // The batch: rendered from the stream at indices step * batch + i; all samples of one batch get
    // the same number of references (the smallest), so that branches stack.
    std::vector<data::ToySample> samples;
    size_t refs = 6;
    std::mt19937_64 rng(mix(m_options.seed ^ 0xd20d0u, static_cast<uint64_t>(m_step)));
    std::uniform_real_distribution<double> coin(0.0, 1.0);
    std::vector<bool> dropText, dropImage;
    for (int i = 0; i < m_options.batch; ++i) {
        samples.push_back(data::renderToySample(m_options.data, m_step * m_options.batch + i));
        refs = std::min(refs, samples.back().subjects.size());
        dropText.push_back(coin(rng) < m_options.textDropout);
        dropImage.push_back(coin(rng) < m_options.imageDropout);
    }
    std::vector<at::Tensor> x0, txt, ids;
    std::vector<std::vector<at::Tensor>> refLatents(refs);
    std::vector<std::vector<TokenPairs>> pairs;
    {
        torch::NoGradGuard noGrad; // the autoencoder is frozen
        for (size_t i = 0; i < samples.size(); ++i) {
            const auto &s = samples[i];
            x0.push_back(pipeline::pack(b.ae->encode(s.target.unsqueeze(0) * 2.0 - 1.0)));
            for (size_t r = 0; r < refs; ++r) {
                at::Tensor z = pipeline::pack(b.ae->encode(s.subjects[r].reference.unsqueeze(0) * 2.0 - 1.0));
                refLatents[r].push_back(dropImage[i] ? at::zeros_like(z) : z);
            }
            // (MOSAIC keeps the correspondence supervision on dropped references; so does this.)
            ids.push_back(at::tensor(b.tokenizer.encode(dropText[i] ? std::string() : s.prompt, b.text->config.max_length),
                                     at::kLong));
            std::vector<TokenPairs> p;
            for (size_t r = 0; r < refs; ++r)
                p.push_back(toyPairs(s.subjects[r], S, refGrid));
            pairs.push_back(p);
        }
    }
    const at::Tensor X0 = at::cat(x0, 0);
    const int64_t B = X0.size(0), lh = pipeline::latentSize(S);
    auto [txtEmb, y] = b.text->forward(at::stack(ids, 0));
    const at::Tensor t = sampleTimesteps(B, (lh / 2) * (lh / 2), gen);
    const at::Tensor noise = at::randn(X0.sizes(), gen, X0.options());
    const FlowTargets ft = flowMatchingTargets(X0, noise, t);

    model::BranchInputs in;
    in.txt = txtEmb;
    in.y = y;
    in.target = ft.xt;
    in.targetIds = pipeline::imageIds(B, lh, lh);
    for (size_t r = 0; r < refs; ++r) {
        in.refs.push_back(at::cat(refLatents[r], 0));
        in.refIds.push_back(pipeline::imageIds(B, R / 8, R / 8, 0, -refGrid * static_cast<int64_t>(r + 1)));
    }
    in.timesteps = t;
    in.guidance = at::ones({B}); // MOSAIC trains with guidance 1
    model::AttentionCapture capture;
    model::BranchOptions opt;
    opt.capture = refs > 0 ? &capture : nullptr;
    const at::Tensor pred = model::forwardBranches(*b.flux, in, opt);

    StepLosses out;
    out.step = m_step;
    at::Tensor flow = flowMatchingLoss(pred, ft.target);
    at::Tensor total = flow;
    std::vector<at::Tensor> maps;
    for (size_t r = 0; r < capture.refToTarget.size(); ++r)
        maps.push_back(capture.refToTarget[r] / static_cast<double>(std::max<int64_t>(1, capture.refMapLayers)));
    if (!maps.empty()) {
        const at::Tensor sca = correspondenceLoss(maps, pairs);
        const at::Tensor md = disentanglementLoss(maps);
        const double wmd = disentanglementWeight(m_step, m_options.mdStart, m_options.mdRamp, m_options.mdWeight);
        total = total + m_options.scaWeight * sca + wmd * md;
        out.sca = sca.item<double>();
        out.md = md.item<double>();
    }
    out.learningRate = learningRateAt(m_options, m_step);
    for (auto &group : m_optimizer->param_groups())
        static_cast<torch::optim::AdamWOptions &>(group.options()).lr(out.learningRate);
    m_optimizer->zero_grad();
    total.backward();
    out.gradNorm = torch::nn::utils::clip_grad_norm_(trainable(), m_options.clipNorm);
    m_optimizer->step();
    {
        torch::NoGradGuard noGrad;
        const auto ps = trainable();
        for (size_t i = 0; i < ps.size(); ++i)
            m_ema[i].mul_(m_options.emaDecay).add_(ps[i].detach(), 1.0 - m_options.emaDecay);
    }
    out.flow = flow.item<double>();
    out.total = total.item<double>();
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
