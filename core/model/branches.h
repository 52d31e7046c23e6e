#pragma once
// MOSAIC's multi-branch forward pass over a FLUX transformer (mosaic-method.md §1.2-1.6):
// branches [text, target, ref_1 ... ref_N], each with its own tokens, position ids and modulation
// vector; the LoRA only on reference rows; references attend to text, target and themselves, never to
// each other; text and target attend to everything. Only the target branch is read out.
//
// Attention is computed per query group without materialising a dense mask: one call for
// [text; target] over all keys, and one call per reference over [text; target; itself].

#include "model/flux.h"
#include "model/lora.h"

#include <atomic>
#include <functional>
#include <vector>

namespace mosaic::model {

// Additive attention logits for region and point guidance, built once per generation (one bias for
// the whole batch) or per training batch (one per sample: a leading [B, 1], broadcast over the heads).
struct AttentionBias
{
    at::Tensor mainRows;              // [L_txt + L_tgt, L_all] or [B, 1, ...], or undefined
    std::vector<at::Tensor> refRows;  // per ref: [L_ref, L_txt + L_tgt + L_ref] or [B, 1, ...]
    bool empty() const { return !mainRows.defined(); }
};

// Region guidance as attention logits, per sample: signs[r] is [B, L_tgt] with +1 on the target tokens
// inside reference r's region, -1 outside, 0 where that sample has no region for it. Inside, the target
// queries favour reference r's keys by +strength and its queries favour those target keys by
// +strength; outside, -strength both ways. The same bias at sampling (region guidance) and in
// training with regions (TrainOptions::regionStrength). Returns [B, 1, L_txt + L_tgt, L_all] and per
// reference [B, 1, L_ref, L_txt + L_tgt + L_ref] (float32, on the signs' device).
AttentionBias regionBias(const std::vector<at::Tensor> &signs, int64_t lTxt, const std::vector<int64_t> &lRefs,
                         double strength);

// Accumulates attention maps during a forward pass (only on the chosen double blocks).
struct AttentionCapture
{
    std::vector<int64_t> doubleBlocks; // empty: every double block
    bool includeSingleBlocks = false;  // ownership shares from single blocks too
    // Sums over captured layers (and steps); divide by the matching count.
    std::vector<at::Tensor> refToTarget; // per ref: [B, L_ref, L_tgt], rows are distributions (softmax over target)
    std::vector<at::Tensor> targetShare; // per ref: [B, L_tgt], share of each target query's attention on that ref
    // Not MOSAIC's: target queries over one reference's keys only, softmax over that reference, per
    // ref [B, L_tgt, L_ref]; filled beside refToTarget when asked (the trainer's reverse term).
    bool wantTargetToRef = false;
    std::vector<at::Tensor> targetToRef;
    int64_t refMapLayers = 0;            // (layer, step) pairs summed into refToTarget
    int64_t shareLayers = 0;             // ... into targetShare
    int64_t chunkBytes = 128ll << 20;
    bool wantsDouble(int64_t index) const;
};

struct BranchInputs
{
    at::Tensor txt;                // [B, L_txt, context_in_dim]
    at::Tensor y;                  // [B, vec_in_dim]
    at::Tensor target;             // [B, L_tgt, in_channels]
    at::Tensor targetIds;          // [B, L_tgt, 3]
    std::vector<at::Tensor> refs;  // each [B, L_ref, in_channels] (clean latents, packed)
    std::vector<at::Tensor> refIds;
    at::Tensor timesteps;          // [B] for text and target
    at::Tensor guidance;           // [B] for text and target (guidance-distilled models)
    double refTimestep = 0.0;      // MOSAIC: references at t = 0
    double refGuidance = 1.0;      // and guidance 1
};

struct BranchOptions
{
    const LoraSet *lora = nullptr;
    const AttentionBias *bias = nullptr;
    AttentionCapture *capture = nullptr;
    const std::atomic<bool> *cancel = nullptr; // checked between blocks; throws Error(Cancelled)
    int64_t attentionChunkBytes = 12ll << 20; // see AttentionOptions::chunkBytes
    // Gradient checkpointing (training): runs a block's computation so that its activations are
    // recomputed in the backward pass instead of kept (train::checkpointed). Unset: run directly. A
    // double block whose attention maps are captured keeps its attention and checkpoints the rest
    // (projections and MLPs), since the losses read the maps with their graph.
    using BlockBody = std::function<std::vector<at::Tensor>(const std::vector<at::Tensor> &)>;
    std::function<std::vector<at::Tensor>(const BlockBody &, const std::vector<at::Tensor> &)> checkpoint;
};

// Cached per-generation state that does not change across steps (reference modulation and RoPE).
struct BranchCache
{
    at::Tensor peTxt, peTgt;
    std::vector<at::Tensor> peRefs;
    at::Tensor refVec; // [B, D]
    std::vector<at::Tensor> refEmbedded; // img_in(ref) with LoRA, per ref
    bool valid = false;
};

// Returns the target's prediction [B, L_tgt, out_channels].
at::Tensor forwardBranches(FluxImpl &model, const BranchInputs &in, const BranchOptions &options,
                           BranchCache *cache = nullptr);

// The hidden states of every branch after the last block (for tests: independence of references).
struct BranchStates
{
    at::Tensor txt, target;
    std::vector<at::Tensor> refs;
};
at::Tensor forwardBranches(FluxImpl &model, const BranchInputs &in, const BranchOptions &options, BranchCache *cache,
                           BranchStates *states);

} // namespace mosaic::model
