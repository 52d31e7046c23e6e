#pragma once
// Scaled dot-product attention with bounded memory.
//
// LibTorch >= 2.0: at::scaled_dot_product_attention (flash / memory-efficient kernels on CUDA,
// flash on CPU from 2.1). LibTorch 1.13 has no public fused kernel, so the score matrix is built
// in chunks of queries: peak extra memory is one [B, H, chunk, Lk] block, not [B, H, Lq, Lk]
// (7680 tokens x 24 heads would be 5.7 GB in float32).

#include <ATen/ATen.h>

#include <cstdint>
#include <functional>

namespace mosaic::model {

struct AttentionOptions
{
    // Upper bound for one chunk's score block, in bytes. Small enough that a block of scores stays
    // in cache between the QK^T product, the softmax and the product with V: measured here for 24
    // heads x 1536 tokens in bfloat16, 134 ms in one block vs 61-66 ms in blocks of 9-12 MB.
    int64_t chunkBytes = 12ll << 20;
    // Force the chunked path even where a fused kernel exists (tests compare the two).
    bool forceChunked = false;
};

// q: [B, H, Lq, D], k and v: [B, H, Lk, D] -> [B, H, Lq, D]; scale 1/sqrt(D).
// bias: optional additive logits [Lq, Lk] (float), broadcast over batch and heads.
at::Tensor scaledDotProductAttention(const at::Tensor &q, const at::Tensor &k, const at::Tensor &v,
                                     const AttentionOptions &options = {}, const at::Tensor &bias = {});

// Attention probabilities averaged over heads, handed out in row chunks so that memory stays
// bounded: consume(firstRow, probs [B, rows, Lk] float32). Softmax over all Lk keys (+ bias).
void forEachHeadMeanProbabilities(const at::Tensor &q, const at::Tensor &k, const at::Tensor &bias,
                                  int64_t chunkBytes,
                                  const std::function<void(int64_t, const at::Tensor &)> &consume);

// [B, H, L, D] -> [B, L, H*D] (BFL's "B H L D -> B L (H D)").
at::Tensor fromHeads(const at::Tensor &x);

} // namespace mosaic::model
