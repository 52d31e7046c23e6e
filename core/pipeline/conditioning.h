#pragma once
// Conditioning: what a request becomes before the denoising loop, shared by generation and the model
// suggester (annotate/suggest.cpp). The request's settings resolved against the model's defaults; the
// prompt encoded; the references encoded, packed and placed as branches; the regions and point pins
// as an attention bias.

#include "model/branches.h"
#include "pipeline/bundle.h"

#include <mosaic/pipeline.h>

#include <ATen/ATen.h>

#include <string>
#include <vector>

namespace mosaic::pipeline {

// A request's settings with the model's defaults filled in, checked.
struct Resolved
{
    int width, height, steps, refSize;
    float guidance;
    float cfg, refCfg; // the guidance scales, the model's defaults where the request gave none (< 0)
    float collage;     // the reference collage's redraw strength (0: off)
    double positionScale = 1.0; // the target's RoPE positions scaled into the native grid (<= 1)
};

// Throws Error(InvalidArgument) naming what cannot be honoured.
Resolved resolve(const Bundle &bundle, const GenerationRequest &request);

// An image as [1, 3, height, width] in [-1, 1], stretched to that size: area-averaged where it shrinks
// (no aliasing from a large photo), bilinear where it grows.
at::Tensor fitImage(const RgbaImage &image, int width, int height);

struct TextConditioning
{
    at::Tensor txt, y; // [1, L_txt, context], [1, vec]
};
// The prompt through the bundle's text encoder; words it does not know are logged when `reportUnknown`.
TextConditioning encodeText(Bundle &bundle, const std::string &prompt, bool reportUnknown = true);

struct ReferenceBranches
{
    std::vector<at::Tensor> latents; // per reference: [1, rg*rg, C·p·p], packed
    std::vector<at::Tensor> ids;     // per reference: [1, rg*rg, 3], columns shifted by -rg·(i+1)
};
// References already prepared at `refSize` (RGBA8 on white), encoded with the autoencoder's posterior
// mean, packed, and placed to the left of the target. Checks `cancel` after each reference.
ReferenceBranches encodeReferences(Bundle &bundle, const std::vector<RgbaImage> &prepared, int refSize,
                                   const std::atomic<bool> *cancel = nullptr);

// A subject's reference prepared as MOSAIC prepares it (mosaic::prepareReference), or checked to be
// refSize x refSize where the caller says it is prepared already.
RgbaImage prepareSubject(const Subject &subject, size_t index, int refSize);

// Target-token coverage of each subject's region: [gh, gw] in {0, 1}, or undefined where it has none.
std::vector<at::Tensor> regionGrids(const GenerationRequest &request, int64_t gh, int64_t gw);

// The regions (+strength inside, -strength outside) and point pins as one attention bias for every
// pass; empty when there is nothing to bias.
model::AttentionBias buildBias(const GenerationRequest &request, const std::vector<at::Tensor> &regions,
                               int64_t lTxt, int64_t gh, int64_t gw, int64_t rg);

} // namespace mosaic::pipeline
