#pragma once
// CLIP's text transformer (Hugging Face's CLIPTextModel, FLUX's text_encoder), with its checkpoint's key
// names: text_model.embeddings.{token,position}_embedding.weight, text_model.encoder.layers.N.
// {self_attn.{q,k,v,out}_proj, layer_norm1, layer_norm2, mlp.fc1, mlp.fc2}.{weight,bias},
// text_model.final_layer_norm.{weight,bias}. Pre-norm layers with causal attention and quick-GELU
// MLPs; the last hidden state after the final layer norm, and the pooled vector at the first
// end-of-text token (no projection), as diffusers' FLUX pipeline passes it.

#include <ATen/ATen.h>
#include <nlohmann/json_fwd.hpp>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <map>
#include <string>
#include <vector>

namespace mosaic::model {

struct ClipTextConfig
{
    int64_t vocab_size = 49408, hidden_size = 768, intermediate_size = 3072, num_attention_heads = 12,
            num_hidden_layers = 12, max_position_embeddings = 77;
    double layer_norm_eps = 1e-5;
    bool quickGelu = true; // hidden_act "quick_gelu" (CLIP-L) or "gelu"
    static ClipTextConfig fromJson(const std::string &json, const std::string &source);
    static ClipTextConfig fromParsedJson(const nlohmann::json &json, const std::string &source);
    static ClipTextConfig detect(const std::map<std::string, std::vector<int64_t>> &shapes, const std::string &source);
    void validate(const std::string &source) const;
    int64_t parameterCount() const;
};

class ClipAttentionImpl : public torch::nn::Module
{
public:
    explicit ClipAttentionImpl(const ClipTextConfig &c);
    at::Tensor forward(const at::Tensor &x, const at::Tensor &causalMask);
    torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, out_proj{nullptr};
    int64_t heads;
};
TORCH_MODULE(ClipAttention);

class ClipMlpImpl : public torch::nn::Module
{
public:
    explicit ClipMlpImpl(const ClipTextConfig &c);
    at::Tensor forward(const at::Tensor &x);
    torch::nn::Linear fc1{nullptr}, fc2{nullptr};
    bool quickGelu;
};
TORCH_MODULE(ClipMlp);

class ClipEncoderLayerImpl : public torch::nn::Module
{
public:
    explicit ClipEncoderLayerImpl(const ClipTextConfig &c);
    at::Tensor forward(const at::Tensor &x, const at::Tensor &causalMask);
    ClipAttention self_attn{nullptr};
    torch::nn::LayerNorm layer_norm1{nullptr}, layer_norm2{nullptr};
    ClipMlp mlp{nullptr};
};
TORCH_MODULE(ClipEncoderLayer);

class ClipEmbeddingsImpl : public torch::nn::Module
{
public:
    explicit ClipEmbeddingsImpl(const ClipTextConfig &c);
    torch::nn::Embedding token_embedding{nullptr}, position_embedding{nullptr};
};
TORCH_MODULE(ClipEmbeddings);

class ClipEncoderImpl : public torch::nn::Module
{
public:
    explicit ClipEncoderImpl(const ClipTextConfig &c);
    torch::nn::ModuleList layers{nullptr};
    std::vector<ClipEncoderLayer> list;
};
TORCH_MODULE(ClipEncoder);

class ClipTextTransformerImpl : public torch::nn::Module
{
public:
    explicit ClipTextTransformerImpl(const ClipTextConfig &c);
    ClipEmbeddings embeddings{nullptr};
    ClipEncoder encoder{nullptr};
    torch::nn::LayerNorm final_layer_norm{nullptr};
};
TORCH_MODULE(ClipTextTransformer);

struct ClipTextOutput
{
    at::Tensor hidden; // [B, L, hidden] float32, after the final layer norm
    at::Tensor pooled; // [B, hidden] float32, at each row's first end-of-text token
};

class ClipTextModelImpl : public torch::nn::Module
{
public:
    explicit ClipTextModelImpl(const ClipTextConfig &config);
    // ids [B, L] int64; endId: the end-of-text token's id (49407 for CLIP-L).
    ClipTextOutput forward(const at::Tensor &ids, int64_t endId);
    ClipTextConfig config;
    ClipTextTransformer text_model{nullptr};
};
TORCH_MODULE(ClipTextModel);

// A CLIP text model from a folder (config.json with model.safetensors) or one .safetensors file (the
// configuration from its shapes; ComfyUI's clip_l.safetensors), in float32, bfloat16 or float16.
ClipTextModel loadClipTextModel(const std::string &path, at::ScalarType dtype);

} // namespace mosaic::model
