#pragma once
// A generation's captured attention reduced to what the gallery shows: per subject MOSAIC's
// reference -> target map and the share of each target pixel's attention that went to it (token grids
// upsampled to pixels, nearest, so that sums are exact), the share's mass inside the subject's region,
// and the ownership map (argmax of the shares where the winner holds 1.5x its uniform share).

#include "model/branches.h"

#include <mosaic/pipeline.h>

#include <ATen/ATen.h>

#include <vector>

namespace mosaic::pipeline {

// Fills out->subjects (one per request subject, in order) and out->ownership at width x height.
void reduceAttentionMaps(const model::AttentionCapture &capture, const GenerationRequest &request,
                         const std::vector<at::Tensor> &regions, int64_t lTxt, int64_t gh, int64_t gw, int64_t rg,
                         int width, int height, GenerationResult *out);

} // namespace mosaic::pipeline
