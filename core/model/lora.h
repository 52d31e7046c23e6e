#pragma once
// LoRA adapters for the FLUX transformer, applied to reference-branch rows only (MOSAIC §1.7):
// y = W x + b + scale * B (A x) for reference tokens; text and target tokens use the base weights.
// The deltas are never merged into W.
//
// Accepted key layouts (see docs/checkpoint-layouts.md):
//   PEFT, diffusers names:  [transformer.]transformer_blocks.N.attn.to_q.lora_A.weight / lora_B.weight [/ alpha]
//   PEFT, BFL names:        [diffusion_model.]double_blocks.N.img_attn.qkv.lora_A.weight / lora_B.weight
//   kohya:                  lora_unet_double_blocks_0_img_attn_qkv.lora_down.weight / lora_up.weight / alpha
//                           (also kohya names built from diffusers module names)
// A diffusers part (to_q) maps onto a row slice of the fused BFL layer (img_attn.qkv).

#include "io/checkpoint.h"
#include "model/flux.h"

#include <map>
#include <string>
#include <vector>

namespace mosaic::model {

struct LoraPart
{
    at::Tensor down;        // A: [r, in]
    at::Tensor up;          // B: [rows, r]
    at::Tensor upBias;      // optional [rows] (BFL LinearLora has lora_B.bias)
    int64_t rowOffset = 0;  // into the fused layer's output
    double alphaScale = 1.0; // alpha / r (1 when no alpha is stored)
};

class LoraSet
{
public:
    // Maps every adapter in the tensors onto the model's BFL-named linear layers; throws
    // mosaic::Error(Unsupported) naming the first key that fits no layer of this model, and
    // (CorruptFile) for shape mismatches or A without B.
    static LoraSet fromTensors(const st::TensorMap &tensors, FluxImpl &model, const std::string &source);
    static LoraSet fromFile(const std::string &path, FluxImpl &model);
    // Fresh adapters for training (MOSAIC's recipe): on every reference-path linear layer whose BFL
    // name ends with one of `targets` (e.g. "img_attn.qkv", "linear1"), A drawn as PyTorch's
    // kaiming-uniform and B zero, so that training starts from the base model.
    static LoraSet create(FluxImpl &model, int64_t rank, double alpha, const std::vector<std::string> &targets,
                          uint64_t seed);
    // The trainable tensors (A and B of every layer) and the PEFT layout with BFL names that
    // fromTensors reads back: <layer>.lora_A.weight, <layer>.lora_B.weight, <layer>.alpha.
    // Adds another set's adapters at `strength` (several LoRAs at once; each keeps its own strength).
    void append(const LoraSet &other, double strength);
    std::vector<at::Tensor> parameters() const;
    st::TensorMap toTensors() const;

    bool empty() const { return m_parts.empty(); }
    size_t layerCount() const { return m_parts.size(); }
    int64_t rank() const { return m_rank; }
    int64_t parameterCount() const;
    double scale = 1.0; // the user's strength, on top of alpha / r
    // Text-stream adapters (never applied: only reference tokens use the LoRA).
    const std::vector<std::string> &ignored() const { return m_ignored; }

    // x: [..., in]; y: W x + b for the same rows. Adds the delta of `layer` in place (if any).
    void addDelta(const std::string &layer, const at::Tensor &x, at::Tensor &y) const;
    bool has(const std::string &layer) const { return m_parts.count(layer) != 0; }
    void to(at::ScalarType dtype, at::Device device);

private:
    std::map<std::string, std::vector<LoraPart>> m_parts;
    std::vector<std::string> m_ignored;
    int64_t m_rank = 0;
};

// The y = W x + b of a linear layer, plus the LoRA delta when lora is given (reference rows).
at::Tensor linearWithLora(torch::nn::Linear &layer, const std::string &name, const at::Tensor &x, const LoraSet *lora);

} // namespace mosaic::model
