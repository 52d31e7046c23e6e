#include "model/rope.h"

#include <cmath>

namespace mosaic::model {

at::Tensor rope(const at::Tensor &pos, int64_t dim, double theta)
{
    TORCH_CHECK(dim % 2 == 0, "rope: the axis dimension must be even, got ", dim);
    const auto f64 = at::TensorOptions().dtype(at::kDouble).device(pos.device());
    at::Tensor scale = at::arange(0, dim, 2, f64) / static_cast<double>(dim);  // [dim/2]
    at::Tensor omega = 1.0 / at::pow(theta, scale);                            // [dim/2]
    at::Tensor angles = pos.to(at::kDouble).unsqueeze(-1) * omega;             // [B, L, dim/2]
    at::Tensor c = at::cos(angles), s = at::sin(angles);
    at::Tensor out = at::stack({c, -s, s, c}, -1);                             // [B, L, dim/2, 4]
    auto sizes = out.sizes().vec();
    sizes.pop_back();
    sizes.push_back(2);
    sizes.push_back(2);
    return out.view(sizes).to(at::kFloat);                                     // [B, L, dim/2, 2, 2]
}

at::Tensor embedNd(const at::Tensor &ids, const std::vector<int64_t> &axesDim, double theta)
{
    TORCH_CHECK(ids.dim() == 3 && ids.size(2) == static_cast<int64_t>(axesDim.size()),
                "embedNd: ids must be [B, L, ", axesDim.size(), "], got ", ids.sizes());
    std::vector<at::Tensor> parts;
    for (size_t i = 0; i < axesDim.size(); ++i)
        parts.push_back(rope(ids.select(2, static_cast<int64_t>(i)), axesDim[i], theta));
    return at::cat(parts, -3).unsqueeze(1); // [B, 1, L, sum/2, 2, 2]
}

at::Tensor applyRope(const at::Tensor &x, const at::Tensor &pe)
{
    auto sizes = x.sizes().vec();                                   // [B, H, L, D]
    at::Tensor xf = x.to(at::kFloat).reshape({sizes[0], sizes[1], sizes[2], sizes[3] / 2, 1, 2});
    // pe[..., 0] is the first column of each 2x2 block: out = col0 * x0 + col1 * x1.
    at::Tensor out = pe.select(-1, 0) * xf.select(-1, 0) + pe.select(-1, 1) * xf.select(-1, 1);
    return out.reshape(sizes).to(x.scalar_type());
}

at::Tensor rmsNormRope(const at::Tensor &x, const at::Tensor &scale, const at::Tensor &pe)
{
    auto sizes = x.sizes().vec();                                   // [B, H, L, D]
    const at::Tensor xf = x.to(at::kFloat);
    const at::Tensor normed = xf * at::rsqrt(xf.pow(2).mean(-1, true) + 1e-6) * scale.to(at::kFloat);
    const at::Tensor v = normed.reshape({sizes[0], sizes[1], sizes[2], sizes[3] / 2, 1, 2});
    const at::Tensor out = pe.select(-1, 0) * v.select(-1, 0) + pe.select(-1, 1) * v.select(-1, 1);
    return out.reshape(sizes).to(x.scalar_type());
}

at::Tensor timestepEmbedding(const at::Tensor &t, int64_t dim, double maxPeriod, double timeFactor)
{
    const int64_t half = dim / 2;
    const auto f32 = at::TensorOptions().dtype(at::kFloat).device(t.device());
    at::Tensor freqs = at::exp(-std::log(maxPeriod) * at::arange(0, half, f32) / static_cast<double>(half));
    at::Tensor args = (t.to(at::kFloat) * timeFactor).unsqueeze(1) * freqs.unsqueeze(0); // [N, half]
    at::Tensor emb = at::cat({at::cos(args), at::sin(args)}, -1);
    if (dim % 2)
        emb = at::cat({emb, at::zeros_like(emb.narrow(1, 0, 1))}, -1);
    return emb;
}

} // namespace mosaic::model
