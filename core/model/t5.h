#pragma once
// The T5 v1.1 encoder (Hugging Face's T5EncoderModel, FLUX's text_encoder_2), with its checkpoint's
// key names: shared.weight [V, D]; encoder.block.N.layer.0.SelfAttention.{q,k,v,o}.weight,
// encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight [buckets, H] (block 0 only; every
// block uses it), encoder.block.N.layer.{0,1}.layer_norm.weight, encoder.block.N.layer.1.DenseReluDense.
// {wi_0,wi_1,wo}.weight, encoder.final_layer_norm.weight. RMS norms (no mean, no bias), attention without
// 1/sqrt(d) scaling plus the bidirectional relative-position bias, gated tanh-GELU feed-forward. Run
// without an attention mask, as FLUX does. Weights in float32 or bfloat16 (float16 overflows in `wo`
// and is refused) as storage: every product and everything between them runs in float32 on the
// stored weights (a bfloat16 run differs from float32 by the weights' rounding alone).

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>

#include <map>
#include <string>
#include <vector>

namespace mosaic {
class Checkpoint;
}

namespace mosaic::model {

struct T5Config
{
    int64_t vocab_size = 32128, d_model = 4096, d_ff = 10240, d_kv = 64, num_heads = 64, num_layers = 24;
    int64_t relative_attention_num_buckets = 32, relative_attention_max_distance = 128;
    double layer_norm_epsilon = 1e-6;
    // config.json (Hugging Face T5Config); only gated-GELU (T5 v1.1) feed-forwards. Throws Error.
    static T5Config fromJson(const std::string &json, const std::string &source);
    // From the tensors' shapes (a single ComfyUI-style file has no config); throws Error naming what is
    // missing, and says so when the file is another encoder.
    static T5Config detect(const std::map<std::string, std::vector<int64_t>> &shapes, const std::string &source);
    void validate(const std::string &source) const;
    int64_t parameterCount() const;
};

class T5LayerNormImpl : public torch::nn::Module
{
public:
    T5LayerNormImpl(int64_t dim, double eps);
    at::Tensor forward(const at::Tensor &x); // float32 in, float32 out
    at::Tensor weight;
    double eps;
};
TORCH_MODULE(T5LayerNorm);

class T5AttentionImpl : public torch::nn::Module
{
public:
    T5AttentionImpl(const T5Config &c, bool hasRelativeBias);
    at::Tensor forward(const at::Tensor &h, const at::Tensor &positionBias); // h in the weights' dtype
    // [1, H, L, L] float32, from this attention's relative_attention_bias.
    at::Tensor positionBias(int64_t length) const;
    torch::nn::Linear q{nullptr}, k{nullptr}, v{nullptr}, o{nullptr};
    torch::nn::Embedding relative_attention_bias{nullptr};
    T5Config config;
};
TORCH_MODULE(T5Attention);

class T5LayerSelfAttentionImpl : public torch::nn::Module
{
public:
    explicit T5LayerSelfAttentionImpl(const T5Config &c, bool hasRelativeBias);
    T5Attention SelfAttention{nullptr};
    T5LayerNorm layer_norm{nullptr};
};
TORCH_MODULE(T5LayerSelfAttention);

class T5DenseGatedActDenseImpl : public torch::nn::Module
{
public:
    explicit T5DenseGatedActDenseImpl(const T5Config &c);
    at::Tensor forward(const at::Tensor &h);
    torch::nn::Linear wi_0{nullptr}, wi_1{nullptr}, wo{nullptr};
};
TORCH_MODULE(T5DenseGatedActDense);

class T5LayerFFImpl : public torch::nn::Module
{
public:
    explicit T5LayerFFImpl(const T5Config &c);
    T5DenseGatedActDense DenseReluDense{nullptr};
    T5LayerNorm layer_norm{nullptr};
};
TORCH_MODULE(T5LayerFF);

class T5BlockImpl : public torch::nn::Module
{
public:
    T5BlockImpl(const T5Config &c, bool hasRelativeBias);
    at::Tensor forward(const at::Tensor &x, const at::Tensor &positionBias); // x float32
    torch::nn::ModuleList layer{nullptr};
    T5LayerSelfAttention attention{nullptr};
    T5LayerFF ff{nullptr};
};
TORCH_MODULE(T5Block);

class T5StackImpl : public torch::nn::Module
{
public:
    explicit T5StackImpl(const T5Config &c);
    torch::nn::ModuleList block{nullptr};
    T5LayerNorm final_layer_norm{nullptr};
    std::vector<T5Block> blocks;
};
TORCH_MODULE(T5Stack);

class T5EncoderImpl : public torch::nn::Module
{
public:
    explicit T5EncoderImpl(const T5Config &config);
    // ids [B, L] (int64) -> the last hidden state [B, L, d_model], float32.
    at::Tensor forward(const at::Tensor &ids);
    T5Config config;
    torch::nn::Embedding shared{nullptr};
    T5Stack encoder{nullptr};
};
TORCH_MODULE(T5Encoder);

// A T5 encoder from a folder (config.json with model.safetensors or a sharded index) or one
// .safetensors file (the configuration from its shapes), in float32 or bfloat16. A config that
// disagrees with the weights, another model's file, float16: Error naming the file and what was expected.
T5Encoder loadT5Encoder(const std::string &path, at::ScalarType dtype);

} // namespace mosaic::model
