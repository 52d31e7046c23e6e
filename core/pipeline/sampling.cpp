#include "pipeline/sampling.h"

#include "util/error.h"
#include "util/strings.h"

#include <cmath>

namespace mosaic::pipeline {

int64_t patchSize(int64_t levels)
{
    if (levels != 3 && levels != 4)
        throw Error(StatusCode::InvalidArgument,
                    format("an autoencoder of {} levels: only 3 (4x, 4x4 patches) or 4 (8x, FLUX's 2x2 patches) make "
                           "16-px tokens",
                           levels));
    return 16 >> (levels - 1);
}

at::Tensor pack(const at::Tensor &latent, int64_t p)
{
    const int64_t B = latent.size(0), C = latent.size(1), H = latent.size(2), W = latent.size(3);
    if (p < 1 || H % p || W % p)
        throw Error(StatusCode::InvalidArgument, format("pack: latent size {}x{} is not a multiple of {}", W, H, p));
    return latent.view({B, C, H / p, p, W / p, p})
        .permute({0, 2, 4, 1, 3, 5})                 // [B, h, w, C, ph, pw]
        .reshape({B, (H / p) * (W / p), C * p * p});
}

at::Tensor unpack(const at::Tensor &tokens, int64_t h, int64_t w, int64_t p)
{
    if (p < 1)
        throw Error(StatusCode::InvalidArgument, format("unpack: a patch of {} latent pixels", p));
    const int64_t B = tokens.size(0), C = tokens.size(2) / (p * p);
    if (tokens.size(1) != (h / p) * (w / p) || h % p || w % p || tokens.size(2) != C * p * p)
        throw Error(StatusCode::InvalidArgument,
                    format("unpack: {} tokens of {} values do not fill a {}x{} latent in {}x{} patches", tokens.size(1),
                           tokens.size(2), w, h, p, p));
    return tokens.view({B, h / p, w / p, C, p, p})
        .permute({0, 3, 1, 4, 2, 5})                 // [B, C, h/p, ph, w/p, pw]
        .reshape({B, C, h, w});
}

at::Tensor imageIds(int64_t batch, int64_t h, int64_t w, int64_t rowOffset, int64_t colOffset)
{
    return tokenIds(batch, h / 2, w / 2, rowOffset, colOffset);
}

at::Tensor tokenIds(int64_t batch, int64_t gh, int64_t gw, int64_t rowOffset, int64_t colOffset)
{
    const auto f32 = at::TensorOptions().dtype(at::kFloat);
    at::Tensor ids = at::zeros({gh, gw, 3}, f32);
    ids.select(2, 1).add_(at::arange(gh, f32).unsqueeze(1) + static_cast<double>(rowOffset));
    ids.select(2, 2).add_(at::arange(gw, f32).unsqueeze(0) + static_cast<double>(colOffset));
    return ids.reshape({1, gh * gw, 3}).expand({batch, gh * gw, 3}).contiguous();
}

at::Tensor textIds(int64_t batch, int64_t length)
{
    return at::zeros({batch, length, 3}, at::TensorOptions().dtype(at::kFloat));
}

int64_t latentSize(int64_t pixels, int64_t p)
{
    return p * ((pixels + 15) / 16);
}

double linearMu(int64_t imageSeqLen, double x1, double y1, double x2, double y2)
{
    const double m = (y2 - y1) / (x2 - x1);
    const double b = y1 - m * x1;
    return m * static_cast<double>(imageSeqLen) + b;
}

double timeShift(double mu, double sigma, double t)
{
    if (t <= 0.0)
        return 0.0;
    return std::exp(mu) / (std::exp(mu) + std::pow(1.0 / t - 1.0, sigma));
}

std::vector<double> getSchedule(int numSteps, int64_t imageSeqLen, bool shift, double baseShift, double maxShift)
{
    if (numSteps < 1)
        throw Error(StatusCode::InvalidArgument, format("the number of steps must be at least 1, got {}", numSteps));
    std::vector<double> t(static_cast<size_t>(numSteps) + 1);
    for (int i = 0; i <= numSteps; ++i)
        t[static_cast<size_t>(i)] = 1.0 - static_cast<double>(i) / numSteps;
    if (shift) {
        const double mu = linearMu(imageSeqLen, 256, baseShift, 4096, maxShift);
        for (double &v : t)
            v = timeShift(mu, 1.0, v);
    }
    return t;
}

} // namespace mosaic::pipeline
