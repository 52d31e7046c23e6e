#include "model/attention.h"


#include <torch/version.h>

#include <algorithm>
#include <cmath>

namespace mosaic::model {

at::Tensor scaledDotProductAttention(const at::Tensor &q, const at::Tensor &k, const at::Tensor &v,
                                     const AttentionOptions &options, const at::Tensor &bias)
{
#if TORCH_VERSION_MAJOR >= 2
    if (!options.forceChunked)
        return bias.defined() ? at::scaled_dot_product_attention(q, k, v, bias.to(q.scalar_type()))
                              : at::scaled_dot_product_attention(q, k, v);
#endif
    const int64_t B = q.size(0), H = q.size(1), Lq = q.size(2), D = q.size(3), Lk = k.size(2);
    const double scale = 1.0 / std::sqrt(static_cast<double>(D));
    const int64_t rowBytes = B * H * Lk * static_cast<int64_t>(q.element_size());
    const int64_t chunk = std::max<int64_t>(1, std::min<int64_t>(Lq, options.chunkBytes / std::max<int64_t>(1, rowBytes)));
    // Made contiguous once here: otherwise every chunk's matmul copies them again.
    const at::Tensor kt = k.transpose(-2, -1).contiguous(); // [B, H, D, Lk]
    const at::Tensor vc = v.contiguous();

    const at::Tensor b = bias.defined() ? bias.to(q.scalar_type()) : bias;
    auto block = [&](const at::Tensor &qc, int64_t first) {
        at::Tensor scores = at::matmul(qc * scale, kt);       // [B, H, c, Lk]
        if (b.defined())
            scores = scores + b.narrow(-2, first, qc.size(2)); // [Lq, Lk] or [B, 1, Lq, Lk]
        at::Tensor probs = at::softmax(scores, -1);           // kernel accumulates in float for bf16
        return at::matmul(probs, vc);                         // [B, H, c, D]
    };
    if (chunk >= Lq)
        return block(q, 0);
    at::Tensor out = at::empty({B, H, Lq, D}, q.options());
    for (int64_t s = 0; s < Lq; s += chunk) {
        const int64_t n = std::min(chunk, Lq - s);
        out.narrow(2, s, n).copy_(block(q.narrow(2, s, n), s));
    }
    return out;
}

void forEachHeadMeanProbabilities(const at::Tensor &q, const at::Tensor &k, const at::Tensor &bias,
                                  int64_t chunkBytes, const std::function<void(int64_t, const at::Tensor &)> &consume)
{
    const int64_t B = q.size(0), H = q.size(1), Lq = q.size(2), D = q.size(3), Lk = k.size(2);
    const double scale = 1.0 / std::sqrt(static_cast<double>(D));
    const int64_t rowBytes = B * H * Lk * 4;
    const int64_t chunk = std::max<int64_t>(1, std::min<int64_t>(Lq, chunkBytes / std::max<int64_t>(1, rowBytes)));
    const at::Tensor kt = k.to(at::kFloat).transpose(-2, -1);
    for (int64_t s = 0; s < Lq; s += chunk) {
        const int64_t n = std::min(chunk, Lq - s);
        at::Tensor scores = at::matmul(q.narrow(2, s, n).to(at::kFloat) * scale, kt); // [B, H, n, Lk]
        if (bias.defined())
            scores = scores + bias.narrow(-2, s, n).to(at::kFloat);
        consume(s, at::softmax(scores, -1).mean(1));                                 // [B, n, Lk]
    }
}

at::Tensor fromHeads(const at::Tensor &x)
{
    return x.permute({0, 2, 1, 3}).reshape({x.size(0), x.size(2), x.size(1) * x.size(3)});
}

} // namespace mosaic::model
