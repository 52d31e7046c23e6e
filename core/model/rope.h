#pragma once
// Position and time encodings of FLUX (black-forest-labs/flux src/flux/math.py, modules/layers.py).
//
// Rotary table layout: pe[b, 0, l, j, r, c] is the 2x2 rotation [[cos, -sin], [sin, cos]] of pair j
// at position l. Pairs are interleaved (x[2j], x[2j+1]), GPT-J style, not NeoX "rotate half".

#include <ATen/ATen.h>

#include <vector>

namespace mosaic::model {

// pos: [B, L] positions along one axis -> [B, L, dim/2, 2, 2] float32 (angles in float64).
at::Tensor rope(const at::Tensor &pos, int64_t dim, double theta);

// ids: [B, L, n_axes] -> pe [B, 1, L, sum(axes_dim)/2, 2, 2] float32 (EmbedND).
at::Tensor embedNd(const at::Tensor &ids, const std::vector<int64_t> &axesDim, double theta);

// x: [B, H, L, D] any float dtype; rotation in float32, result cast back to x's dtype.
at::Tensor applyRope(const at::Tensor &x, const at::Tensor &pe);

// FLUX's QK-norm followed by RoPE in one float32 pass: x * rsqrt(mean(x^2) + 1e-6) * scale, rotated,
// cast back to x's dtype once. (BFL rounds to the model dtype between the two; in float32 the
// result is identical, in bfloat16 one rounding fewer.)
at::Tensor rmsNormRope(const at::Tensor &x, const at::Tensor &scale, const at::Tensor &pe);

// t: [N] in [0, 1] -> [N, dim] float32: [cos(1000 t f), sin(1000 t f)], f_i = exp(-ln(max_period) i / half).
at::Tensor timestepEmbedding(const at::Tensor &t, int64_t dim = 256, double maxPeriod = 10000.0,
                             double timeFactor = 1000.0);

} // namespace mosaic::model
