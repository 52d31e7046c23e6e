#include "model/text_encoder.h"

#include "util/error.h"
#include "util/strings.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace mosaic::model {

Tokenizer::Tokenizer(std::vector<std::string> vocabulary) : m_vocab(std::move(vocabulary))
{
    for (size_t i = 0; i < m_vocab.size(); ++i)
        m_index.emplace(m_vocab[i], static_cast<int64_t>(i));
}

std::vector<std::string> Tokenizer::wordsNotIn(const std::string &text, const std::vector<std::string> &vocabulary)
{
    std::vector<std::string> out;
    for (const auto &w : words(text))
        if (std::find(vocabulary.begin(), vocabulary.end(), w) == vocabulary.end() &&
            std::find(out.begin(), out.end(), w) == out.end())
            out.push_back(w);
    return out;
}

std::vector<std::string> Tokenizer::words(const std::string &text)
{
    std::vector<std::string> out;
    std::string cur;
    for (unsigned char c : text) {
        if (std::isalnum(c)) {
            cur += static_cast<char>(std::tolower(c));
        } else if (!cur.empty()) {
            out.push_back(cur);
            cur.clear();
        }
    }
    if (!cur.empty())
        out.push_back(cur);
    return out;
}

std::vector<int64_t> Tokenizer::encode(const std::string &text, int64_t maxLength, int64_t *unknownWords) const
{
    std::vector<int64_t> ids(static_cast<size_t>(maxLength), kPad);
    int64_t unknown = 0, n = 0;
    for (const auto &w : words(text)) {
        if (n >= maxLength)
            break;
        auto it = m_index.find(w);
        ids[static_cast<size_t>(n++)] = it == m_index.end() ? kUnknown : it->second;
        unknown += it == m_index.end();
    }
    if (unknownWords)
        *unknownWords = unknown;
    return ids;
}

TextBlockImpl::TextBlockImpl(int64_t dim, int64_t h) : heads(h)
{
    norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-5)));
    qkv = register_module("qkv", torch::nn::Linear(dim, 3 * dim));
    proj = register_module("proj", torch::nn::Linear(dim, dim));
    norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-5)));
    fc1 = register_module("fc1", torch::nn::Linear(dim, 4 * dim));
    fc2 = register_module("fc2", torch::nn::Linear(4 * dim, dim));
}

at::Tensor TextBlockImpl::forward(const at::Tensor &x, const at::Tensor &keyMask)
{
    const int64_t B = x.size(0), L = x.size(1), C = x.size(2), D = C / heads;
    const at::Tensor q3 = qkv->forward(norm1->forward(x)).view({B, L, 3, heads, D}).permute({2, 0, 3, 1, 4});
    at::Tensor att = at::matmul(q3[0], q3[1].transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(D)));
    att = at::softmax(att + keyMask, -1);
    const at::Tensor o = at::matmul(att, q3[2]).transpose(1, 2).reshape({B, L, C});
    at::Tensor h = x + proj->forward(o);
    return h + fc2->forward(at::gelu(fc1->forward(norm2->forward(h))));
}

TextEncoderImpl::TextEncoderImpl(const TextEncoderConfig &c) : config(c)
{
    if (c.layers > 0 && (c.heads < 1 || c.context_dim % c.heads))
        throw Error(StatusCode::InvalidArgument,
                    format("the text encoder's width {} does not split into {} heads", c.context_dim, c.heads));
    embed = register_module("embed", torch::nn::Embedding(c.vocab_size, c.context_dim));
    position = register_parameter("position", at::randn({c.max_length, c.context_dim}) * 0.02);
    if (c.layers > 0) {
        layers = register_module("layers", torch::nn::ModuleList());
        for (int64_t i = 0; i < c.layers; ++i)
            layers->push_back(TextBlock(c.context_dim, c.heads));
        norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.context_dim}).eps(1e-5)));
    }
    pooled = register_module("pooled", torch::nn::Linear(c.context_dim, c.vec_dim));
}

std::pair<at::Tensor, at::Tensor> TextEncoderImpl::forward(const at::Tensor &ids)
{
    at::Tensor e = embed->forward(ids);                                            // [B, L, C]
    at::Tensor txt = e + position.narrow(0, 0, ids.size(1)).unsqueeze(0);
    at::Tensor keep = (ids != Tokenizer::kPad).to(e.scalar_type()).unsqueeze(-1); // [B, L, 1]
    if (config.layers > 0) {
        // Padding keys are masked out; an all-padding prompt (the dropped caption) keeps its first
        // key so that no row of the softmax is empty.
        at::Tensor valid = ids != Tokenizer::kPad;
        valid.narrow(1, 0, 1).fill_(true);
        const at::Tensor keyMask =
            at::zeros(ids.sizes(), e.options()).masked_fill(valid.logical_not(), -1e9).view({ids.size(0), 1, 1, ids.size(1)});
        for (const auto &m : *layers)
            txt = m->as<TextBlockImpl>()->forward(txt, keyMask);
        txt = norm->forward(txt);
        const at::Tensor mean = (txt * keep).sum(1) / keep.sum(1).clamp_min(1.0);
        return {txt, pooled->forward(mean)};
    }
    at::Tensor mean = (e * keep).sum(1) / keep.sum(1).clamp_min(1.0);
    return {txt, pooled->forward(mean)};
}

} // namespace mosaic::model
