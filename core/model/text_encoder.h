#pragma once
// The bundled model's text encoder. T5-XXL and CLIP-L (FLUX's encoders, 4.9 B parameters) cannot ship
// or run in a 10-second CPU budget, so the small model conditions on a word-level vocabulary with an
// unknown-word token: token embeddings plus learned positions, then `layers` pre-norm transformer
// blocks (self-attention over the non-padding words, GELU MLP) give `txt` [B, L, context_dim]; the
// mean of the non-padding outputs through a linear layer gives the pooled `y` (CLIP's role).
// Keys: text.embed.weight [V, C], text.position [L, C], text.layers.N.{norm1,norm2}.{weight,bias},
// text.layers.N.qkv.{weight,bias} [3C, C], text.layers.N.proj, .fc1 [4C, C], .fc2 [C, 4C],
// text.norm (when layers > 0), text.pooled.weight [vec, C], text.pooled.bias.

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <map>
#include <string>
#include <vector>

namespace mosaic::model {

class Tokenizer
{
public:
    static constexpr int64_t kPad = 0;
    static constexpr int64_t kUnknown = 1;
    Tokenizer() = default;
    explicit Tokenizer(std::vector<std::string> vocabulary); // [0] <pad>, [1] <unk>, then words
    // Lower-case words (letters and digits), truncated to maxLength, padded with kPad.
    std::vector<int64_t> encode(const std::string &text, int64_t maxLength, int64_t *unknownWords = nullptr) const;
    const std::vector<std::string> &vocabulary() const { return m_vocab; }
    static std::vector<std::string> words(const std::string &text);
    // The words of `text` (as words() splits them) not in `vocabulary`, each once, in order.
    static std::vector<std::string> wordsNotIn(const std::string &text, const std::vector<std::string> &vocabulary);

private:
    std::vector<std::string> m_vocab;
    std::map<std::string, int64_t> m_index;
};

struct TextEncoderConfig
{
    int64_t vocab_size = 2;
    int64_t max_length = 32;
    int64_t context_dim = 64;
    int64_t vec_dim = 64;
    int64_t layers = 0; // transformer blocks after the embedding (0: embeddings only, format 1 bundles)
    int64_t heads = 1;
};

class TextBlockImpl : public torch::nn::Module
{
public:
    TextBlockImpl(int64_t dim, int64_t heads);
    // x [B, L, C]; keyMask [B, 1, 1, L] additive (0 or -inf-like)
    at::Tensor forward(const at::Tensor &x, const at::Tensor &keyMask);
    int64_t heads;
    torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Linear qkv{nullptr}, proj{nullptr}, fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(TextBlock);

class TextEncoderImpl : public torch::nn::Module
{
public:
    explicit TextEncoderImpl(const TextEncoderConfig &config);
    // ids [B, L] -> {txt [B, L, C], y [B, vec]}
    std::pair<at::Tensor, at::Tensor> forward(const at::Tensor &ids);
    TextEncoderConfig config;
    torch::nn::Embedding embed{nullptr};
    at::Tensor position;
    torch::nn::ModuleList layers{nullptr};
    torch::nn::LayerNorm norm{nullptr};
    torch::nn::Linear pooled{nullptr};
};
TORCH_MODULE(TextEncoder);

} // namespace mosaic::model
