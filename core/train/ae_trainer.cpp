#include "train/ae_trainer.h"

#include "data/toys.h"
#include "train/archive.h"
#include "train/device.h"
#include "util/error.h"
#include "util/strings.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/utils/clip_grad.h>

#include <cmath>
#include <cstdio>
#include <tuple>

namespace mosaic::train {

AutoEncoderTrainer::AutoEncoderTrainer(pipeline::Bundle &bundle, const AutoEncoderTrainOptions &options)
    : m_bundle(bundle), m_options(options)
{
    if (options.batch < 1 || options.data.size % bundle.ae->config.downsampleFactor())
        throw Error(StatusCode::InvalidArgument, "autoencoder training: bad batch or image size");
    if (!(options.subjectWeight > 0.0) || !std::isfinite(options.subjectWeight) || options.refSize < 0 ||
        options.refSize % bundle.ae->config.downsampleFactor())
        throw Error(StatusCode::InvalidArgument, "autoencoder training: the subject weight must be above 0 and the "
                                                 "reference size a multiple of the downsampling factor");
    if (!(options.latentNoise >= 0.0 && options.latentNoise <= 10.0))
        throw Error(StatusCode::InvalidArgument,
                    format("autoencoder training: the latent noise {} must be between 0 and 10 latent standard deviations",
                           options.latentNoise));
    m_device = trainingDevice(options.device);
    m_bundle.ae->to(m_device);
    for (auto &p : m_bundle.ae->parameters())
        p.set_requires_grad(true);
    if (options.decoderOnly)
        for (auto &p : m_bundle.ae->encoder->parameters())
            p.set_requires_grad(false);
    m_bundle.ae->train();
    m_optimizer = std::make_unique<torch::optim::AdamW>(trainable(),
                                                        torch::optim::AdamWOptions(options.learningRate).weight_decay(0.0));
}

at::Tensor AutoEncoderTrainer::images(int64_t firstIndex, int count) const
{
    // Targets and their references, alternately, at the target size.
    std::vector<at::Tensor> out;
    const int64_t S = m_options.data.size;
    for (int64_t i = firstIndex; static_cast<int>(out.size()) < count; ++i) {
        const data::ToySample s = data::renderToySample(m_options.data, i);
        out.push_back(s.target);
        if (static_cast<int>(out.size()) < count && !s.subjects.empty()) {
            at::Tensor ref = s.subjects[static_cast<size_t>(i) % s.subjects.size()].reference.unsqueeze(0);
            if (ref.size(2) != S)
                ref = at::upsample_bilinear2d(ref, {S, S}, false);
            out.push_back(ref[0]);
        }
    }
    return (at::stack(out, 0) * 2.0 - 1.0).to(m_device);
}

std::vector<at::Tensor> AutoEncoderTrainer::trainable() const
{
    return m_options.decoderOnly ? m_bundle.ae->decoder->parameters() : m_bundle.ae->parameters();
}

std::pair<at::Tensor, at::Tensor> AutoEncoderTrainer::reconstructionLoss(int64_t firstIndex, int count)
{
    auto &ae = *m_bundle.ae;
    ToysOptions refOptions = m_options.data;
    if (m_options.refSize > 0)
        refOptions.refSize = m_options.refSize;
    std::vector<at::Tensor> targets, weights, refs;
    for (int64_t i = firstIndex; i < firstIndex + count; ++i) {
        const data::ToySample s = data::renderToySample(m_options.refSize > 0 ? refOptions : m_options.data, i);
        targets.push_back(s.target);
        at::Tensor onToy = at::zeros({s.target.size(1), s.target.size(2)}, at::kBool);
        for (const auto &sub : s.subjects)
            onToy = onToy.logical_or(sub.mask);
        weights.push_back((1.0 + (m_options.subjectWeight - 1.0) * onToy.to(at::kFloat)).unsqueeze(0));
        if (m_options.refSize > 0 && !s.subjects.empty())
            refs.push_back(s.subjects[static_cast<size_t>(i) % s.subjects.size()].reference);
    }
    // The latent noise of image k of this batch (k counts the targets, then the references): a
    // standard deviation drawn from [0, latentNoise] and the noise itself, from a generator seeded by
    // the run's seed and the image's index.
    auto latentNoise = [&](const at::Tensor &mean, int64_t offset) {
        std::vector<at::Tensor> noise;
        const double latentStd = 1.0 / ae.config.scale_factor;
        for (int64_t k = 0; k < mean.size(0); ++k) {
            auto gen = at::make_generator<at::CPUGeneratorImpl>(
                m_options.seed * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(firstIndex) * 2 + static_cast<uint64_t>(offset + k) + 1);
            const double sigma = at::rand({1}, gen, at::kDouble).item<double>() * m_options.latentNoise * latentStd;
            noise.push_back(at::randn(mean[0].sizes(), gen, at::TensorOptions(at::kFloat)) * sigma);
        }
        return at::stack(noise, 0).to(mean.device());
    };
    int64_t noiseOffset = 0;
    auto pass = [&](const at::Tensor &x, const at::Tensor &w) {
        auto autocast = std::make_unique<AutocastScope>(m_options.autocast, m_device);
        at::Tensor mean, logvar;
        {
            std::unique_ptr<torch::NoGradGuard> frozen;
            if (m_options.decoderOnly)
                frozen = std::make_unique<torch::NoGradGuard>();
            auto moments = ae.encoder->forward(x).to(at::kFloat).chunk(2, 1);
            mean = moments[0];
            logvar = moments[1].clamp(-30.0, 20.0);
        }
        at::Tensor z = mean;
        if (m_options.latentNoise > 0.0) {
            z = mean + latentNoise(mean, noiseOffset);
            noiseOffset += mean.size(0);
        }
        const at::Tensor recon = ae.decoder->forward(z).to(at::kFloat);
        autocast.reset();
        const at::Tensor rec = ((recon - x).pow(2) * w).sum() / (w.sum() * x.size(1));
        const at::Tensor kl = m_options.decoderOnly ? at::zeros({}, rec.options())
                                                    : 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar).mean();
        return std::make_pair(rec, kl);
    };
    const at::Tensor x = (at::stack(targets, 0) * 2.0 - 1.0).to(m_device);
    auto [rec, kl] = pass(x, at::stack(weights, 0).to(m_device));
    if (!refs.empty()) {
        const at::Tensor r = (at::stack(refs, 0) * 2.0 - 1.0).to(m_device);
        // On white: the toy's own pixels (not white) weigh as the toys in the scenes do.
        const at::Tensor onToy = (r < 0.96).any(1, true).to(at::kFloat);
        const auto [recRef, klRef] = pass(r, 1.0 + (m_options.subjectWeight - 1.0) * onToy);
        rec = rec + recRef;
        kl = kl + klRef;
    }
    return {rec, kl};
}

AutoEncoderStep AutoEncoderTrainer::step()
{
    at::Tensor rec, kl;
    if (m_options.subjectWeight != 1.0 || m_options.refSize > 0 || m_options.decoderOnly || m_options.latentNoise > 0.0) {
        std::tie(rec, kl) = reconstructionLoss(m_step * m_options.batch, m_options.batch);
    } else {
        auto &ae = *m_bundle.ae;
        const at::Tensor x = images(m_step * m_options.batch, m_options.batch);
        auto autocast = std::make_unique<AutocastScope>(m_options.autocast, m_device);
        auto moments = ae.encoder->forward(x).to(at::kFloat).chunk(2, 1);
        const at::Tensor mean = moments[0], logvar = moments[1].clamp(-30.0, 20.0);
        // Decode the raw posterior mean (scale and shift cancel between encode and decode).
        const at::Tensor recon = ae.decoder->forward(mean).to(at::kFloat);
        autocast.reset();
        rec = (recon - x).pow(2).mean();
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar).mean();
    }
    const at::Tensor total = rec + m_options.klWeight * kl;
    m_optimizer->zero_grad();
    total.backward();
    torch::nn::utils::clip_grad_norm_(trainable(), m_options.clipNorm);
    m_optimizer->step();
    AutoEncoderStep s;
    s.step = m_step++;
    s.total = total.item<double>();
    s.reconstruction = rec.item<double>();
    s.kl = kl.item<double>();
    return s;
}

std::pair<double, double> AutoEncoderTrainer::calibrate(int samples)
{
    torch::NoGradGuard noGrad;
    auto &ae = *m_bundle.ae;
    if (m_options.decoderOnly) // the latent space is the one the transformer knows
        return {ae.config.shift_factor, ae.config.scale_factor};
    const at::Tensor x = images(1000000, samples); // images the training stream does not use first
    const at::Tensor mean = ae.encoder->forward(x).chunk(2, 1)[0];
    const double shift = mean.mean().item<double>();
    const double stdv = mean.std().item<double>();
    ae.config.shift_factor = shift;
    ae.config.scale_factor = stdv > 1e-6 ? 1.0 / stdv : 1.0;
    return {shift, ae.config.scale_factor};
}

void AutoEncoderTrainer::saveCheckpoint(const std::string &path) const
{
    saveTrainingState(path, {{"param", m_bundle.ae->parameters()}}, m_step, *m_optimizer);
}

void AutoEncoderTrainer::loadCheckpoint(const std::string &path)
{
    TensorLists into{{"param", m_bundle.ae->parameters()}};
    m_step = loadTrainingState(path, into, *m_optimizer);
}

} // namespace mosaic::train
