#pragma once
// The reference collage: each subject's reference, cut from its white ground, pasted into its place in
// a first generated image, which a second, shorter pass then redraws (image to image). The transformer
// places and blends the subjects; the paste carries the shapes that a small model cannot draw from a
// reference it has not seen (docs/pipeline.md, "Reference collage").

#include "pipeline/conditioning.h"

#include <mosaic/pipeline.h>

#include <ATen/ATen.h>

#include <optional>
#include <vector>

namespace mosaic::pipeline {

struct PixelBox
{
    int x = 0, y = 0, w = 0, h = 0;
    bool empty() const { return w <= 0 || h <= 0; }
};

// The subject of a prepared reference (RGBA8 on white, as prepareReference writes it): every pixel that a
// flood fill from the border through near-white pixels (all channels at least 255 - tolerance) does not
// reach, so white parts inside the subject stay. [H, W] float32 in {0, 1}.
at::Tensor referenceSubjectMask(const RgbaImage &reference, int tolerance = 24);

// The tight box of the mask's nonzero pixels; empty when there are none.
PixelBox maskBox(const at::Tensor &mask);

// Pastes the masked part of `reference` into `canvas` ([1, 3, H, W] float32 in [-1, 1], changed in place):
// the mask's box scaled to fit `box` with its aspect kept, centred in it, alpha-blended with the mask
// (colours averaged over the mask only, so no white fringe). Nothing happens for an empty mask or box.
void pasteSubject(at::Tensor &canvas, const RgbaImage &reference, const at::Tensor &mask, const PixelBox &box);

// Where a subject goes: its box, else its mask's box (both scaled to the canvas), else — when `ownership`
// (a generated image's argmax of the attention shares) is given — the box of the largest 4-connected
// group of tokens it owns there (`tokenSide` pixels of the map per token), scaled from the map's size to
// the canvas. nullopt when none of these exists.
std::optional<PixelBox> subjectPlace(const Subject &subject, int index, int width, int height,
                                     const IndexMap *ownership, int tokenSide);

// The whole collage: a first full pass (without the references when every subject has a box or a
// mask; at the model's native size when the output is larger), each subject's reference pasted into
// its place there, and a second pass that redraws the collage from the step at or below
// resolved.collage. Progress counts the steps of both passes.
void runCollage(Bundle &bundle, const GenerationRequest &request, const Resolved &resolved, GenerationResult *result,
                const GenerationCallbacks &callbacks);

} // namespace mosaic::pipeline
