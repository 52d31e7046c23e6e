#pragma once
// How long a FLUX run takes here, from a measured product rate (estimateRun in mosaic/pipeline.h, and
// the model-set report's time per image).

#include <ATen/ATen.h>

#include <string>

namespace mosaic {

struct RunShape
{
    int64_t hidden = 3072;
    double mlpRatio = 4.0;
    int64_t doubleBlocks = 19, singleBlocks = 38;
    int textTokens = 512, width = 512, height = 512, refSize = 512, references = 0, steps = 28, passes = 1;
};

// GFLOP/s of hidden-wide products in `dtype` on `device` (a quarter of a second at most).
double measureGflops(int64_t hidden, at::ScalarType dtype, const at::Device &device);
double runSeconds(const RunShape &shape, double gflops);
std::string durationText(double seconds); // "40 s", "12 min", "1.5 h"

} // namespace mosaic
