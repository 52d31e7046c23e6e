#pragma once
// The bundled model's text encoder. T5-XXL and CLIP-L (FLUX's encoders, 4.9 B parameters) cannot ship
// or run in a 10-second CPU budget, so the small model conditions on a word-level vocabulary: token
// embeddings plus learned positions give `txt` [B, L, context_dim] (padding attended, as FLUX does
// with T5), and the mean of the non-padding embeddings through a linear layer gives the pooled `y`.
// Keys: text.embed.weight [V, C], text.position [L, C], text.pooled.weight [vec, C], text.pooled.bias.

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>

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
};

class TextEncoderImpl : public torch::nn::Module
{
public:
    explicit TextEncoderImpl(const TextEncoderConfig &config);
    // ids [B, L] -> {txt [B, L, C], y [B, vec]}
    std::pair<at::Tensor, at::Tensor> forward(const at::Tensor &ids);
    TextEncoderConfig config;
    torch::nn::Embedding embed{nullptr};
    at::Tensor position;
    torch::nn::Linear pooled{nullptr};
};
TORCH_MODULE(TextEncoder);

} // namespace mosaic::model
