#pragma once
// The FLUX transformer (black-forest-labs/flux src/flux/model.py, modules/layers.py).
// Module names equal the BFL checkpoint keys: register_module("double_blocks"), "img_attn", "qkv",
// ... so that named_parameters() of a model is exactly the key set of a BFL file.
// Tensor layout invariants: docs/tensor-layout.md.

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mosaic::model {

class WeightStreamer; // model/weights.h

// While one is alive on a thread, the linear layers built there get weights that are allocated but
// neither initialised nor touched (no resident memory): for a loader that replaces every one of them.
class UninitializedWeights
{
public:
    UninitializedWeights();
    ~UninitializedWeights();
    UninitializedWeights(const UninitializedWeights &) = delete;
    UninitializedWeights &operator=(const UninitializedWeights &) = delete;
    static bool active();
};

struct FluxConfig
{
    int64_t in_channels = 64;
    int64_t out_channels = 64;
    int64_t vec_in_dim = 768;
    int64_t context_in_dim = 4096;
    int64_t hidden_size = 3072;
    double mlp_ratio = 4.0;
    int64_t num_heads = 24;
    int64_t depth = 19;
    int64_t depth_single_blocks = 38;
    std::vector<int64_t> axes_dim{16, 56, 56};
    double theta = 10000.0;
    bool qkv_bias = true;
    bool guidance_embed = true;

    static FluxConfig dev();     // FLUX.1-dev
    static FluxConfig schnell(); // FLUX.1-schnell (no guidance embedding)
    int64_t headDim() const { return hidden_size / num_heads; }
    int64_t mlpHidden() const { return static_cast<int64_t>(hidden_size * mlp_ratio); }
    // Throws mosaic::Error(InvalidArgument) naming the inconsistent field.
    void validate() const;
    std::string toJson() const;
    static FluxConfig fromJson(const std::string &json); // the BFL util.py field names
    // From tensor shapes of a BFL-layout state dict; axes_dim follows FLUX's 1/8, 7/16, 7/16 split
    // of head_dim unless a config in the metadata says otherwise.
    static FluxConfig detect(const std::map<std::string, std::vector<int64_t>> &shapes);
    // FLUX's split of a head into RoPE axes, (1/8, 7/16, 7/16) of head_dim ([16, 56, 56] at 128),
    // rounded to even sizes for heads that are not multiples of 32.
    static std::vector<int64_t> defaultAxes(int64_t headDim);
    int64_t parameterCount() const;
};

// in_layer -> SiLU -> out_layer.
class MLPEmbedderImpl : public torch::nn::Module
{
public:
    MLPEmbedderImpl(int64_t inDim, int64_t hidden);
    at::Tensor forward(const at::Tensor &x);
    torch::nn::Linear in_layer{nullptr}, out_layer{nullptr};
};
TORCH_MODULE(MLPEmbedder);

// x * rsqrt(mean(x^2) + 1e-6) in float32, cast back, times `scale`.
class RMSNormImpl : public torch::nn::Module
{
public:
    explicit RMSNormImpl(int64_t dim);
    at::Tensor forward(const at::Tensor &x);
    at::Tensor scale;
};
TORCH_MODULE(RMSNorm);

class QKNormImpl : public torch::nn::Module
{
public:
    explicit QKNormImpl(int64_t dim);
    RMSNorm query_norm{nullptr}, key_norm{nullptr};
};
TORCH_MODULE(QKNorm);

struct ModulationOut
{
    at::Tensor shift, scale, gate; // [B, 1, hidden]
    // (1 + scale) * x + shift, in one pass
    at::Tensor apply(const at::Tensor &x) const { return at::addcmul(shift, x, 1 + scale); }
    // x + gate * y, in one pass
    at::Tensor residual(const at::Tensor &x, const at::Tensor &y) const { return at::addcmul(x, gate, y); }
};

class ModulationImpl : public torch::nn::Module
{
public:
    ModulationImpl(int64_t dim, bool isDouble);
    // vec [B, hidden] -> 1 or 2 ModulationOut
    std::vector<ModulationOut> forward(const at::Tensor &vec);
    torch::nn::Linear lin{nullptr};
    int64_t multiplier;
};
TORCH_MODULE(Modulation);

class SelfAttentionImpl : public torch::nn::Module
{
public:
    SelfAttentionImpl(int64_t dim, int64_t numHeads, bool qkvBias);
    torch::nn::Linear qkv{nullptr};
    QKNorm norm{nullptr};
    torch::nn::Linear proj{nullptr};
    int64_t num_heads;
};
TORCH_MODULE(SelfAttention);

// q, k, v of one stream: [B, H, L, D], normed (QK-norm) but not yet rotated.
struct StreamQKV
{
    at::Tensor q, k, v;
};

class DoubleStreamBlockImpl : public torch::nn::Module
{
public:
    DoubleStreamBlockImpl(int64_t hidden, int64_t numHeads, double mlpRatio, bool qkvBias);
    // Returns {img, txt}.
    std::pair<at::Tensor, at::Tensor> forward(const at::Tensor &img, const at::Tensor &txt, const at::Tensor &vec,
                                              const at::Tensor &pe);
    Modulation img_mod{nullptr}, txt_mod{nullptr};
    SelfAttention img_attn{nullptr}, txt_attn{nullptr};
    torch::nn::Sequential img_mlp{nullptr}, txt_mlp{nullptr}; // [0] Linear, [1] GELU(tanh), [2] Linear
    int64_t num_heads, hidden_size;
};
TORCH_MODULE(DoubleStreamBlock);

class SingleStreamBlockImpl : public torch::nn::Module
{
public:
    SingleStreamBlockImpl(int64_t hidden, int64_t numHeads, double mlpRatio);
    at::Tensor forward(const at::Tensor &x, const at::Tensor &vec, const at::Tensor &pe);
    torch::nn::Linear linear1{nullptr}, linear2{nullptr};
    QKNorm norm{nullptr};
    Modulation modulation{nullptr};
    int64_t num_heads, hidden_size, mlp_hidden_dim;
};
TORCH_MODULE(SingleStreamBlock);

class LastLayerImpl : public torch::nn::Module
{
public:
    LastLayerImpl(int64_t hidden, int64_t outChannels);
    at::Tensor forward(const at::Tensor &x, const at::Tensor &vec);
    torch::nn::Linear linear{nullptr};
    torch::nn::Sequential adaLN_modulation{nullptr}; // [0] SiLU, [1] Linear(hidden, 2 hidden): (shift, scale)
};
TORCH_MODULE(LastLayer);

struct FluxInputs
{
    at::Tensor img;       // [B, L_img, in_channels]
    at::Tensor img_ids;   // [B, L_img, 3]
    at::Tensor txt;       // [B, L_txt, context_in_dim]
    at::Tensor txt_ids;   // [B, L_txt, 3]
    at::Tensor y;         // [B, vec_in_dim]
    at::Tensor timesteps; // [B] in [0, 1]
    at::Tensor guidance;  // [B]; required when guidance_embed
};

// Intermediates the conformance tests compare.
struct FluxTrace
{
    at::Tensor pe;                 // [B, 1, L_txt + L_img, head_dim/2, 2, 2]
    at::Tensor timestep_embedding; // [B, 256]
};

class FluxImpl : public torch::nn::Module
{
public:
    explicit FluxImpl(const FluxConfig &config);
    // Returns [B, L_img, out_channels] in the model's dtype. Throws mosaic::Error on shape errors.
    at::Tensor forward(const FluxInputs &in, FluxTrace *trace = nullptr);
    // The type it computes in: `compute` where set (weights kept in their stored precision, fp8 among
    // them, are turned into it per layer), otherwise its weights' type.
    at::ScalarType dtype();

    FluxConfig config;
    std::optional<at::ScalarType> compute;
    // Blocks whose weights are made for each use (a memory budget below the weights' size); null: all
    // resident.
    std::shared_ptr<WeightStreamer> streamer;
    torch::nn::Linear img_in{nullptr}, txt_in{nullptr};
    MLPEmbedder time_in{nullptr}, vector_in{nullptr}, guidance_in{nullptr};
    torch::nn::ModuleList double_blocks{nullptr}, single_blocks{nullptr};
    LastLayer final_layer{nullptr};

private:
    void checkInputs(const FluxInputs &in) const;
    std::vector<DoubleStreamBlock> m_double;
    std::vector<SingleStreamBlock> m_single;
};
TORCH_MODULE(Flux);

// LayerNorm without affine parameters, eps 1e-6 (FLUX's norm1/norm2/pre_norm/norm_final).
at::Tensor layerNormNoAffine(const at::Tensor &x);

// y = x W^T + b with the batch dimensions folded into one GEMM with the bias fused (addmm);
// LibTorch 1.13's 3-D linear runs matmul and a separate bias pass. A weight stored in another precision
// than x (bfloat16 or fp8 under a float32 run) is turned into x's type for this product only.
at::Tensor linearForward(torch::nn::LinearImpl &layer, const at::Tensor &x);

// FLUX's GELU (tanh approximation). In bfloat16/float16 the exact (erf) GELU is used instead: the two
// differ by at most 4.7e-4, below the rounding of those types, and LibTorch's reduced-precision tanh
// GELU is 4x slower on the CPU (77 vs 20 ms for 1536 x 12288 elements here).
at::Tensor fluxGelu(const at::Tensor &x);

// Sequential [Linear, GELU, Linear] with the helpers above.
at::Tensor mlpForward(torch::nn::Sequential &mlp, const at::Tensor &x);

} // namespace mosaic::model
