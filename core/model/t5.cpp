#include "model/t5.h"

#include "io/checkpoint.h"
#include "model/loader.h"
#include "model/hf_folder.h"
#include "model/state_dict.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/memory.h"
#include "util/paths.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/grad_mode.h>

#include <cmath>

namespace mosaic::model {

namespace {

// In float32 on the stored weights (bfloat16 weights are storage: rounding the activations as well
// costs T5 more than the 2e-2 its reference allows over 512 tokens).
at::Tensor linear(const torch::nn::Linear &l, const at::Tensor &x)
{
    return at::linear(x, l->weight.to(at::kFloat));
}

} // namespace

// ---- configuration ------------------------------------------------------------------------------

void T5Config::validate(const std::string &source) const
{
    auto within = [](int64_t v, int64_t lo, int64_t hi) { return v >= lo && v <= hi; };
    if (!within(vocab_size, 2, 1 << 20) || !within(d_model, 1, 65536) || !within(d_ff, 1, 1 << 18) ||
        !within(d_kv, 1, 4096) || !within(num_heads, 1, 1024) || !within(num_layers, 1, 256) ||
        !within(relative_attention_num_buckets, 2, 1024) || !within(relative_attention_max_distance, 2, 1 << 20) ||
        relative_attention_num_buckets % 2 || !(layer_norm_epsilon > 0 && layer_norm_epsilon < 1))
        throw Error(StatusCode::CorruptFile,
                    format("{}: a T5 configuration beyond any T5 encoder (vocabulary {}, width {}, feed-forward {}, {} heads "
                           "of {}, {} layers, {} buckets)",
                           source, vocab_size, d_model, d_ff, num_heads, d_kv, num_layers, relative_attention_num_buckets));
}

int64_t T5Config::parameterCount() const
{
    const int64_t inner = num_heads * d_kv;
    return vocab_size * d_model + num_layers * (4 * inner * d_model + 3 * d_model * d_ff + 2 * d_model) +
           relative_attention_num_buckets * num_heads + d_model;
}

T5Config T5Config::fromJson(const std::string &text, const std::string &source)
{
    const nlohmann::json j = parseBoundedJson(text, source, {1u << 20, 8});
    T5Config c;
    try {
        if (!j.is_object())
            throw Error(StatusCode::CorruptFile, source + ": not a T5 config.json");
        const std::string type = j.value("model_type", std::string());
        if (type != "t5" && type != "umt5")
            throw Error(StatusCode::InvalidArgument,
                        format("{}: the config of a \"{}\" model, where a T5 encoder (model_type \"t5\") is expected", source,
                               type.empty() ? "unknown" : type));
        const std::string ff = j.value("feed_forward_proj", std::string("relu"));
        if (ff != "gated-gelu")
            throw Error(StatusCode::Unsupported,
                        format("{}: feed_forward_proj \"{}\"; FLUX's T5 v1.1 encoder is \"gated-gelu\"", source, ff));
        auto get = [&](const char *key, int64_t fallback) { return jsonWholeNumber(j, key, fallback, source); };
        c.vocab_size = get("vocab_size", c.vocab_size);
        c.d_model = get("d_model", c.d_model);
        c.d_ff = get("d_ff", c.d_ff);
        c.d_kv = get("d_kv", c.d_kv);
        c.num_heads = get("num_heads", c.num_heads);
        c.num_layers = get("num_layers", c.num_layers);
        c.relative_attention_num_buckets = get("relative_attention_num_buckets", c.relative_attention_num_buckets);
        c.relative_attention_max_distance = get("relative_attention_max_distance", c.relative_attention_max_distance);
        if (const auto it = j.find("layer_norm_epsilon"); it != j.end() && it->is_number())
            c.layer_norm_epsilon = it->get<double>();
    } catch (const nlohmann::json::exception &e) {
        throw Error(StatusCode::CorruptFile, source + ": " + e.what());
    }
    c.validate(source);
    return c;
}

T5Config T5Config::detect(const std::map<std::string, std::vector<int64_t>> &shapes, const std::string &source)
{
    auto shape = [&](const std::string &name) {
        const auto it = shapes.find(name);
        return it == shapes.end() ? std::vector<int64_t>{} : it->second;
    };
    const auto shared = shape("shared.weight").empty() ? shape("encoder.embed_tokens.weight") : shape("shared.weight");
    const auto bias = shape("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight");
    const auto q = shape("encoder.block.0.layer.0.SelfAttention.q.weight");
    const auto wi = shape("encoder.block.0.layer.1.DenseReluDense.wi_0.weight");
    if (shared.size() != 2 || bias.size() != 2 || q.size() != 2 || wi.size() != 2) {
        const bool clip = shapes.count("text_model.embeddings.token_embedding.weight") != 0;
        throw Error(StatusCode::InvalidArgument,
                    source + (clip ? ": a CLIP text model, where a T5 encoder is expected"
                                   : ": not a T5 v1.1 encoder (expected shared.weight, encoder.block.0.layer.0.SelfAttention."
                                     "{q,relative_attention_bias}.weight and DenseReluDense.wi_0.weight, as in a diffusers "
                                     "text_encoder_2/ folder)"));
    }
    T5Config c;
    c.vocab_size = shared[0];
    c.d_model = shared[1];
    c.relative_attention_num_buckets = bias[0];
    c.num_heads = bias[1];
    c.d_ff = wi[0];
    if (c.num_heads < 1 || q[0] % c.num_heads)
        throw Error(StatusCode::CorruptFile, format("{}: the attention width {} does not divide into {} heads", source, q[0],
                                                    c.num_heads));
    c.d_kv = q[0] / c.num_heads;
    c.num_layers = 0;
    while (c.num_layers < 257 && shapes.count(format("encoder.block.{}.layer.0.SelfAttention.q.weight", c.num_layers)))
        ++c.num_layers;
    c.validate(source);
    return c;
}

// ---- modules ------------------------------------------------------------------------------------

T5LayerNormImpl::T5LayerNormImpl(int64_t dim, double e) : eps(e)
{
    weight = register_parameter("weight", at::ones({dim}));
}

at::Tensor T5LayerNormImpl::forward(const at::Tensor &x)
{
    const at::Tensor variance = x.pow(2).mean(-1, true);
    return x * at::rsqrt(variance + eps) * weight.to(at::kFloat);
}

T5AttentionImpl::T5AttentionImpl(const T5Config &c, bool hasRelativeBias) : config(c)
{
    const int64_t inner = c.num_heads * c.d_kv;
    auto lin = [](int64_t in, int64_t out) { return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(false)); };
    q = register_module("q", lin(c.d_model, inner));
    k = register_module("k", lin(c.d_model, inner));
    v = register_module("v", lin(c.d_model, inner));
    o = register_module("o", lin(inner, c.d_model));
    if (hasRelativeBias)
        relative_attention_bias = register_module(
            "relative_attention_bias", torch::nn::Embedding(c.relative_attention_num_buckets, c.num_heads));
}

at::Tensor T5AttentionImpl::positionBias(int64_t length) const
{
    // Hugging Face's _relative_position_bucket, bidirectional: half the buckets for keys after the
    // query; exact buckets for small distances, logarithmic ones up to max_distance.
    const at::Tensor position = at::arange(length, at::kLong);
    const at::Tensor relative = position.unsqueeze(0) - position.unsqueeze(1); // [query, key]: key - query
    const int64_t half = config.relative_attention_num_buckets / 2, exact = half / 2;
    at::Tensor bucket = (relative > 0).to(at::kLong) * half;
    const at::Tensor n = relative.abs();
    at::Tensor large = exact + (at::log(n.to(at::kFloat) / static_cast<double>(exact)) /
                                std::log(static_cast<double>(config.relative_attention_max_distance) / static_cast<double>(exact)) *
                                static_cast<double>(half - exact))
                                   .to(at::kLong);
    large = at::minimum(large, at::full_like(large, half - 1));
    bucket = bucket + at::where(n < exact, n, large);
    return relative_attention_bias->weight.index_select(0, bucket.flatten())
        .view({length, length, config.num_heads})
        .permute({2, 0, 1})
        .unsqueeze(0)
        .to(at::kFloat);
}

at::Tensor T5AttentionImpl::forward(const at::Tensor &h, const at::Tensor &bias)
{
    const int64_t b = h.size(0), l = h.size(1), heads = config.num_heads, d = config.d_kv;
    auto split = [&](const at::Tensor &t) { return t.view({b, l, heads, d}).transpose(1, 2); };
    const at::Tensor qh = split(linear(q, h)), kh = split(linear(k, h)), vh = split(linear(v, h));
    // No 1/sqrt(d): T5 folds it into its weights.
    const at::Tensor scores = at::matmul(qh, kh.transpose(-1, -2)) + bias;
    const at::Tensor out = at::matmul(at::softmax(scores, -1), vh).transpose(1, 2).reshape({b, l, heads * d});
    return linear(o, out);
}

T5LayerSelfAttentionImpl::T5LayerSelfAttentionImpl(const T5Config &c, bool hasRelativeBias)
{
    SelfAttention = register_module("SelfAttention", T5Attention(c, hasRelativeBias));
    layer_norm = register_module("layer_norm", T5LayerNorm(c.d_model, c.layer_norm_epsilon));
}

T5DenseGatedActDenseImpl::T5DenseGatedActDenseImpl(const T5Config &c)
{
    auto lin = [](int64_t in, int64_t out) { return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(false)); };
    wi_0 = register_module("wi_0", lin(c.d_model, c.d_ff));
    wi_1 = register_module("wi_1", lin(c.d_model, c.d_ff));
    wo = register_module("wo", lin(c.d_ff, c.d_model));
}

at::Tensor T5DenseGatedActDenseImpl::forward(const at::Tensor &h)
{
    const at::Tensor gated = at::gelu(linear(wi_0, h), "tanh") * linear(wi_1, h); // gelu_new, float32
    return linear(wo, gated);
}

T5LayerFFImpl::T5LayerFFImpl(const T5Config &c)
{
    DenseReluDense = register_module("DenseReluDense", T5DenseGatedActDense(c));
    layer_norm = register_module("layer_norm", T5LayerNorm(c.d_model, c.layer_norm_epsilon));
}

T5BlockImpl::T5BlockImpl(const T5Config &c, bool hasRelativeBias)
{
    layer = register_module("layer", torch::nn::ModuleList());
    attention = T5LayerSelfAttention(c, hasRelativeBias);
    ff = T5LayerFF(c);
    layer->push_back(attention);
    layer->push_back(ff);
}

at::Tensor T5BlockImpl::forward(const at::Tensor &x, const at::Tensor &positionBias)
{
    const at::Tensor a = x + attention->SelfAttention->forward(attention->layer_norm->forward(x), positionBias);
    return a + ff->DenseReluDense->forward(ff->layer_norm->forward(a));
}

T5StackImpl::T5StackImpl(const T5Config &c)
{
    block = register_module("block", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.num_layers; ++i) {
        blocks.emplace_back(c, i == 0);
        block->push_back(blocks.back());
    }
    final_layer_norm = register_module("final_layer_norm", T5LayerNorm(c.d_model, c.layer_norm_epsilon));
}

T5EncoderImpl::T5EncoderImpl(const T5Config &c) : config(c)
{
    shared = register_module("shared", torch::nn::Embedding(c.vocab_size, c.d_model));
    encoder = register_module("encoder", T5Stack(c));
}

at::Tensor T5EncoderImpl::forward(const at::Tensor &ids)
{
    if (ids.dim() != 2 || ids.scalar_type() != at::kLong)
        throw Error(StatusCode::InvalidArgument, "T5 input ids must be int64 [B, L]");
    if (ids.numel() > 0 && (ids.min().item<int64_t>() < 0 || ids.max().item<int64_t>() >= config.vocab_size))
        throw Error(StatusCode::InvalidArgument, format("a T5 token id outside the vocabulary of {}", config.vocab_size));
    at::Tensor x = at::embedding(shared->weight, ids).to(at::kFloat);
    const at::Tensor bias = encoder->blocks.front()->attention->SelfAttention->positionBias(ids.size(1));
    for (auto &b : encoder->blocks)
        x = b->forward(x, bias);
    return encoder->final_layer_norm->forward(x);
}

// ---- loading ------------------------------------------------------------------------------------

T5Encoder loadT5Encoder(const std::string &path, at::ScalarType dtype)
{
    if (dtype == at::kHalf)
        throw Error(StatusCode::Unsupported, "T5 in float16 overflows in its feed-forward (wo); use float32 or bfloat16");
    if (dtype != at::kFloat && dtype != at::kBFloat16)
        throw Error(StatusCode::Unsupported, "T5 runs in float32 or bfloat16");
    const HfModelFiles files = findHfModelFiles(path, "a T5 encoder");
    const Checkpoint ck = Checkpoint::open(files.weights);
    const auto shapes = ck.shapes();
    const T5Config held = T5Config::detect(shapes, files.weights);
    T5Config config = held;
    if (!files.config.empty()) {
        config = T5Config::fromJson(readFileBounded(files.config, 1u << 20, "T5 config.json"), files.config);
        if (config.vocab_size != held.vocab_size || config.d_model != held.d_model || config.d_ff != held.d_ff ||
            config.d_kv != held.d_kv || config.num_heads != held.num_heads || config.num_layers != held.num_layers ||
            config.relative_attention_num_buckets != held.relative_attention_num_buckets)
            throw Error(StatusCode::CorruptFile,
                        format("{}: describes a T5 encoder of width {}, {} layers, {} heads of {}, feed-forward {}, "
                               "vocabulary {}; {} holds width {}, {} layers, {} heads of {}, feed-forward {}, vocabulary {}",
                               files.config, config.d_model, config.num_layers, config.num_heads, config.d_kv, config.d_ff,
                               config.vocab_size, files.weights, held.d_model, held.num_layers, held.num_heads, held.d_kv,
                               held.d_ff, held.vocab_size));
    }
    checkMemoryEstimate(static_cast<uint64_t>(config.parameterCount()) * (c10::elementSize(dtype) + 4), files.weights);
    T5Encoder model{nullptr};
    {
        torch::NoGradGuard noGrad;
        model = T5Encoder(config);
        model->to(dtype);
    }
    st::TensorMap tensors = loadDecoded(ck);
    if (!tensors.count("shared.weight") && tensors.count("encoder.embed_tokens.weight"))
        tensors["shared.weight"] = tensors["encoder.embed_tokens.weight"];
    tensors.erase("encoder.embed_tokens.weight"); // a copy of shared.weight that some files carry
    // The matrices in `dtype`; the norms' weights, the relative-position bias and the embedding (a
    // lookup, not a product: rounding it would cost accuracy and save no time) in float32.
    auto keepFloat = [](const std::string &name, const at::Tensor &t) {
        return t.dim() == 1 || name == "shared.weight" || endsWith(name, "relative_attention_bias.weight");
    };
    for (auto &[name, t] : tensors)
        t = t.to(keepFloat(name, t) ? at::kFloat : dtype);
    {
        torch::NoGradGuard noGrad;
        for (auto &p : model->named_parameters())
            if (keepFloat(p.key(), p.value()))
                p.value().set_data(p.value().to(at::kFloat));
    }
    loadStateDict(*model, tensors, files.weights);
    model->eval();
    for (auto &p : model->parameters())
        p.set_requires_grad(false);
    log::info("core.model", "loaded T5 encoder from {} (width {}, {} layers, {} parameters, {})", files.weights,
              config.d_model, config.num_layers, humanCount(static_cast<uint64_t>(config.parameterCount())),
              dtype == at::kBFloat16 ? "bfloat16" : "float32");
    return model;
}

} // namespace mosaic::model
