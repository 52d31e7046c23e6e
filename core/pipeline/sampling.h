#pragma once
// Latent packing, position ids and the shifted schedule (black-forest-labs/flux src/flux/sampling.py).

#include <ATen/ATen.h>

#include <vector>

namespace mosaic::pipeline {

// Every model here has 16-px tokens: FLUX's 8x autoencoder with 2x2 latent patches, or a 4x autoencoder
// (three levels) with 4x4 patches. patchSize gives the patch side for an autoencoder of `levels` levels
// (its downsampling is 2^(levels - 1)); 3 and 4 levels are supported.
int64_t patchSize(int64_t levels);

// "b c (h ph) (w pw) -> b (h w) (c ph pw)", ph = pw = p (2 for FLUX): [B, C, H, W] -> [B, H/p * W/p, p*p*C];
// inside a token, index = c * p*p + ph * p + pw. H and W must be multiples of p.
at::Tensor pack(const at::Tensor &latent, int64_t p = 2);
// Inverse of pack for a latent of height h and width w (in latent pixels).
at::Tensor unpack(const at::Tensor &tokens, int64_t h, int64_t w, int64_t p = 2);

// [B, (h/2)(w/2), 3] float32 ids (0, row + rowOffset, col + colOffset) in row-major token order,
// for a latent of h x w pixels.
at::Tensor imageIds(int64_t batch, int64_t h, int64_t w, int64_t rowOffset = 0, int64_t colOffset = 0);
// The same ids for a grid of gh x gw tokens (any patch size: a token is 16 px).
at::Tensor tokenIds(int64_t batch, int64_t gh, int64_t gw, int64_t rowOffset = 0, int64_t colOffset = 0);
at::Tensor textIds(int64_t batch, int64_t length); // zeros [B, L, 3]

// Latent size for an image: p * ceil(size / 16) (p = 2: FLUX's).
int64_t latentSize(int64_t pixels, int64_t p = 2);

// mu = m * seqLen + b through (256, 0.5) and (4096, 1.15).
double linearMu(int64_t imageSeqLen, double x1 = 256, double y1 = 0.5, double x2 = 4096, double y2 = 1.15);
// e^mu / (e^mu + (1/t - 1)^sigma); t = 0 maps to 0.
double timeShift(double mu, double sigma, double t);
// numSteps + 1 values from 1 to 0, shifted by mu(imageSeqLen) unless shift is false.
std::vector<double> getSchedule(int numSteps, int64_t imageSeqLen, bool shift = true, double baseShift = 0.5,
                                double maxShift = 1.15);

} // namespace mosaic::pipeline
