#include "model/text_encoder.h"

#include <cctype>

namespace mosaic::model {

Tokenizer::Tokenizer(std::vector<std::string> vocabulary) : m_vocab(std::move(vocabulary))
{
    for (size_t i = 0; i < m_vocab.size(); ++i)
        m_index.emplace(m_vocab[i], static_cast<int64_t>(i));
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

TextEncoderImpl::TextEncoderImpl(const TextEncoderConfig &c) : config(c)
{
    embed = register_module("embed", torch::nn::Embedding(c.vocab_size, c.context_dim));
    position = register_parameter("position", at::randn({c.max_length, c.context_dim}) * 0.02);
    pooled = register_module("pooled", torch::nn::Linear(c.context_dim, c.vec_dim));
}

std::pair<at::Tensor, at::Tensor> TextEncoderImpl::forward(const at::Tensor &ids)
{
    at::Tensor e = embed->forward(ids);                                            // [B, L, C]
    at::Tensor txt = e + position.narrow(0, 0, ids.size(1)).unsqueeze(0);
    at::Tensor keep = (ids != Tokenizer::kPad).to(e.scalar_type()).unsqueeze(-1); // [B, L, 1]
    at::Tensor mean = (e * keep).sum(1) / keep.sum(1).clamp_min(1.0);
    return {txt, pooled->forward(mean)};
}

} // namespace mosaic::model
