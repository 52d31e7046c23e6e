#pragma once
// Training the bundle's autoencoder on MOSAIC-Toys images (targets and references): reconstruction
// MSE plus a small KL term on the posterior, then a calibration of the latent scale and shift so that
// the transformer sees latents of about unit variance (FLUX's 0.3611 / 0.1159 are for its own AE).

#include "pipeline/bundle.h"

#include <mosaic/dataset.h>

#include <torch/optim/adamw.h>

#include <memory>

namespace mosaic::train {

struct AutoEncoderTrainOptions
{
    uint64_t seed = 1;
    int batch = 4;
    double learningRate = 1e-3;
    double klWeight = 1e-6;
    double clipNorm = 1.0;
    ToysOptions data;
    std::string device = "cpu"; // cpu, cuda, auto
    bool autocast = false;      // bfloat16 autocast for the forward pass
    // Fine-tuning for the subjects (0 / 1 / false: the plain stage-1 training). subjectWeight: the
    // reconstruction error on the toys' pixels weighs this many times the background's (the toys
    // are a few per cent of a scene). refSize > 0: each batch also reconstructs one reference per
    // target at this size (the size the pipeline encodes references at), in its own pass, instead of
    // references at the target size in place of half the targets. decoderOnly: the encoder, and so
    // the latent space and its scale and shift, stay as they are (a transformer trained over them
    // keeps working); only the decoder learns.
    double subjectWeight = 1.0;
    int refSize = 0;
    bool decoderOnly = false;
    // > 0: the decoder learns from noisy latents too: each image's latent gets Gaussian noise of a
    // standard deviation drawn uniformly from [0, latentNoise] latent standard deviations (1 /
    // config.scale_factor), so that it decodes a latent a little off what the encoder makes into a
    // plausible image rather than into speckles (a transformer's imperfect prediction is such a
    // latent). The noise depends on the seed and the image's index alone (resuming draws it again).
    double latentNoise = 0.0;
};

struct AutoEncoderStep
{
    int64_t step = 0;
    double total = 0, reconstruction = 0, kl = 0;
};

class AutoEncoderTrainer
{
public:
    AutoEncoderTrainer(pipeline::Bundle &bundle, const AutoEncoderTrainOptions &options);
    AutoEncoderStep step();
    int64_t stepCount() const { return m_step; }
    // Sets config.shift_factor / scale_factor from the latent mean and standard deviation of
    // `samples` rendered images; returns {shift, scale}. With decoderOnly, leaves them and returns them.
    std::pair<double, double> calibrate(int samples = 16);
    void saveCheckpoint(const std::string &path) const;
    void loadCheckpoint(const std::string &path);

private:
    at::Tensor images(int64_t firstIndex, int count) const; // [N, 3, S, S] in [-1, 1]
    // The fine-tuning modes' weighted reconstruction error and KL term (zero with decoderOnly).
    std::pair<at::Tensor, at::Tensor> reconstructionLoss(int64_t firstIndex, int count);
    std::vector<at::Tensor> trainable() const;
    pipeline::Bundle &m_bundle;
    AutoEncoderTrainOptions m_options;
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    int64_t m_step = 0;
    at::Device m_device = at::kCPU;
};

} // namespace mosaic::train
