#include "model/clip_text.h"

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

at::Tensor linear(const torch::nn::Linear &l, const at::Tensor &x)
{
    const auto dt = l->weight.scalar_type();
    return at::linear(x.to(dt), l->weight, l->bias.to(dt)).to(at::kFloat);
}

at::Tensor layerNorm(const torch::nn::LayerNorm &n, const at::Tensor &x)
{
    return at::layer_norm(x, n->options.normalized_shape(), n->weight.to(at::kFloat), n->bias.to(at::kFloat),
                          n->options.eps());
}

constexpr const char *kPrefix = "text_model.";

} // namespace

void ClipTextConfig::validate(const std::string &source) const
{
    auto within = [](int64_t v, int64_t lo, int64_t hi) { return v >= lo && v <= hi; };
    if (!within(vocab_size, 2, 1 << 20) || !within(hidden_size, 1, 65536) || !within(intermediate_size, 1, 1 << 18) ||
        !within(num_attention_heads, 1, 1024) || hidden_size % num_attention_heads || !within(num_hidden_layers, 1, 256) ||
        !within(max_position_embeddings, 2, 4096) || !(layer_norm_eps > 0 && layer_norm_eps < 1))
        throw Error(StatusCode::CorruptFile,
                    format("{}: a CLIP text configuration beyond any CLIP text model (vocabulary {}, width {} in {} heads, "
                           "MLP {}, {} layers, {} positions)",
                           source, vocab_size, hidden_size, num_attention_heads, intermediate_size, num_hidden_layers,
                           max_position_embeddings));
}

int64_t ClipTextConfig::parameterCount() const
{
    return (vocab_size + max_position_embeddings) * hidden_size +
           num_hidden_layers * (4 * (hidden_size + 1) * hidden_size + 2 * hidden_size * intermediate_size +
                                intermediate_size + 5 * hidden_size) +
           2 * hidden_size;
}

ClipTextConfig ClipTextConfig::fromJson(const std::string &text, const std::string &source)
{
    try {
        return fromParsedJson(parseBoundedJson(text, source, {1u << 20, 8}), source);
    } catch (const nlohmann::json::exception &e) { // a field of another type than the config's
        throw Error(StatusCode::CorruptFile, source + ": " + e.what());
    }
}

ClipTextConfig ClipTextConfig::fromParsedJson(const nlohmann::json &j, const std::string &source)
{
    ClipTextConfig c;
    if (!j.is_object())
        throw Error(StatusCode::CorruptFile, source + ": not a CLIP config.json");
    const std::string type = j.value("model_type", std::string());
    if (type != "clip_text_model" && type != "clip")
        throw Error(StatusCode::InvalidArgument,
                    format("{}: the config of a \"{}\" model, where a CLIP text model (model_type \"clip_text_model\") is "
                           "expected",
                           source, type.empty() ? "unknown" : type));
    // A whole CLIP model's config keeps the text model's under "text_config".
    const nlohmann::json &t = type == "clip" && j.contains("text_config") && j["text_config"].is_object() ? j["text_config"] : j;
    auto get = [&](const char *key, int64_t fallback) { return jsonWholeNumber(t, key, fallback, source); };
    c.vocab_size = get("vocab_size", c.vocab_size);
    c.hidden_size = get("hidden_size", c.hidden_size);
    c.intermediate_size = get("intermediate_size", c.intermediate_size);
    c.num_attention_heads = get("num_attention_heads", c.num_attention_heads);
    c.num_hidden_layers = get("num_hidden_layers", c.num_hidden_layers);
    c.max_position_embeddings = get("max_position_embeddings", c.max_position_embeddings);
    if (const auto it = t.find("layer_norm_eps"); it != t.end() && it->is_number())
        c.layer_norm_eps = it->get<double>();
    const std::string act = t.value("hidden_act", std::string("quick_gelu"));
    if (act != "quick_gelu" && act != "gelu")
        throw Error(StatusCode::Unsupported, format("{}: hidden_act \"{}\" (quick_gelu or gelu)", source, act));
    c.quickGelu = act == "quick_gelu";
    c.validate(source);
    return c;
}

ClipTextConfig ClipTextConfig::detect(const std::map<std::string, std::vector<int64_t>> &shapes, const std::string &source)
{
    auto shape = [&](const std::string &name) {
        const auto it = shapes.find(kPrefix + name);
        return it == shapes.end() ? std::vector<int64_t>{} : it->second;
    };
    const auto token = shape("embeddings.token_embedding.weight"), position = shape("embeddings.position_embedding.weight"),
               fc1 = shape("encoder.layers.0.mlp.fc1.weight");
    if (token.size() != 2 || position.size() != 2 || fc1.size() != 2) {
        const bool t5 = shapes.count("shared.weight") || shapes.count("encoder.block.0.layer.0.SelfAttention.q.weight");
        throw Error(StatusCode::InvalidArgument,
                    source + (t5 ? ": a T5 encoder, where a CLIP text model is expected"
                                 : ": not a CLIP text model (expected text_model.embeddings.token_embedding.weight and "
                                   "text_model.encoder.layers.N..., as in a diffusers text_encoder/ folder)"));
    }
    ClipTextConfig c;
    c.vocab_size = token[0];
    c.hidden_size = token[1];
    c.max_position_embeddings = position[0];
    c.intermediate_size = fc1[0];
    c.num_hidden_layers = 0;
    while (c.num_hidden_layers < 257 && shapes.count(format("{}encoder.layers.{}.mlp.fc1.weight", kPrefix, c.num_hidden_layers)))
        ++c.num_hidden_layers;
    // The head count is not in the shapes: CLIP-L's 64-wide heads (12 at 768, 20 at 1280).
    c.num_attention_heads = c.hidden_size % 64 == 0 ? c.hidden_size / 64 : 1;
    c.validate(source);
    return c;
}

ClipAttentionImpl::ClipAttentionImpl(const ClipTextConfig &c) : heads(c.num_attention_heads)
{
    q_proj = register_module("q_proj", torch::nn::Linear(c.hidden_size, c.hidden_size));
    k_proj = register_module("k_proj", torch::nn::Linear(c.hidden_size, c.hidden_size));
    v_proj = register_module("v_proj", torch::nn::Linear(c.hidden_size, c.hidden_size));
    out_proj = register_module("out_proj", torch::nn::Linear(c.hidden_size, c.hidden_size));
}

at::Tensor ClipAttentionImpl::forward(const at::Tensor &x, const at::Tensor &causalMask)
{
    const int64_t b = x.size(0), l = x.size(1), d = x.size(2) / heads;
    auto split = [&](const at::Tensor &t) { return t.view({b, l, heads, d}).transpose(1, 2); };
    const at::Tensor q = split(linear(q_proj, x)) * (1.0 / std::sqrt(static_cast<double>(d)));
    const at::Tensor k = split(linear(k_proj, x)), v = split(linear(v_proj, x));
    const at::Tensor attn = at::softmax(at::matmul(q, k.transpose(-1, -2)) + causalMask, -1);
    return linear(out_proj, at::matmul(attn, v).transpose(1, 2).reshape({b, l, heads * d}));
}

ClipMlpImpl::ClipMlpImpl(const ClipTextConfig &c) : quickGelu(c.quickGelu)
{
    fc1 = register_module("fc1", torch::nn::Linear(c.hidden_size, c.intermediate_size));
    fc2 = register_module("fc2", torch::nn::Linear(c.intermediate_size, c.hidden_size));
}

at::Tensor ClipMlpImpl::forward(const at::Tensor &x)
{
    const at::Tensor h = linear(fc1, x);
    return linear(fc2, quickGelu ? h * at::sigmoid(1.702 * h) : at::gelu(h));
}

ClipEncoderLayerImpl::ClipEncoderLayerImpl(const ClipTextConfig &c)
{
    self_attn = register_module("self_attn", ClipAttention(c));
    auto norm = [&] { return torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)); };
    layer_norm1 = register_module("layer_norm1", norm());
    mlp = register_module("mlp", ClipMlp(c));
    layer_norm2 = register_module("layer_norm2", norm());
}

at::Tensor ClipEncoderLayerImpl::forward(const at::Tensor &x, const at::Tensor &causalMask)
{
    const at::Tensor a = x + self_attn->forward(layerNorm(layer_norm1, x), causalMask);
    return a + mlp->forward(layerNorm(layer_norm2, a));
}

ClipEmbeddingsImpl::ClipEmbeddingsImpl(const ClipTextConfig &c)
{
    token_embedding = register_module("token_embedding", torch::nn::Embedding(c.vocab_size, c.hidden_size));
    position_embedding = register_module("position_embedding", torch::nn::Embedding(c.max_position_embeddings, c.hidden_size));
}

ClipEncoderImpl::ClipEncoderImpl(const ClipTextConfig &c)
{
    layers = register_module("layers", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
        list.emplace_back(c);
        layers->push_back(list.back());
    }
}

ClipTextTransformerImpl::ClipTextTransformerImpl(const ClipTextConfig &c)
{
    embeddings = register_module("embeddings", ClipEmbeddings(c));
    encoder = register_module("encoder", ClipEncoder(c));
    final_layer_norm = register_module(
        "final_layer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
}

ClipTextModelImpl::ClipTextModelImpl(const ClipTextConfig &c) : config(c)
{
    text_model = register_module("text_model", ClipTextTransformer(c));
}

ClipTextOutput ClipTextModelImpl::forward(const at::Tensor &ids, int64_t endId)
{
    if (ids.dim() != 2 || ids.scalar_type() != at::kLong || ids.size(1) < 1 || ids.size(1) > config.max_position_embeddings)
        throw Error(StatusCode::InvalidArgument,
                    format("CLIP input ids must be int64 [B, L] with L from 1 to {}", config.max_position_embeddings));
    if (ids.min().item<int64_t>() < 0 || ids.max().item<int64_t>() >= config.vocab_size)
        throw Error(StatusCode::InvalidArgument, format("a CLIP token id outside the vocabulary of {}", config.vocab_size));
    const int64_t l = ids.size(1);
    auto &e = text_model->embeddings;
    at::Tensor x = (at::embedding(e->token_embedding->weight, ids).to(at::kFloat) +
                    e->position_embedding->weight.slice(0, 0, l).to(at::kFloat).unsqueeze(0));
    const at::Tensor causal = at::full({l, l}, -std::numeric_limits<float>::infinity()).triu(1);
    for (auto &layer : text_model->encoder->list)
        x = layer->forward(x, causal);
    ClipTextOutput out;
    out.hidden = layerNorm(text_model->final_layer_norm, x);
    // The first end-of-text token of each row (the last position where a row has none).
    const at::Tensor isEnd = (ids == endId).to(at::kInt);
    at::Tensor first = isEnd.argmax(1);
    first = at::where(isEnd.sum(1) > 0, first, at::full_like(first, l - 1));
    out.pooled = out.hidden.index({at::arange(ids.size(0), at::kLong), first});
    return out;
}

ClipTextModel loadClipTextModel(const std::string &path, at::ScalarType dtype)
{
    if (dtype != at::kFloat && dtype != at::kBFloat16 && dtype != at::kHalf)
        throw Error(StatusCode::Unsupported, "CLIP runs in float32, bfloat16 or float16");
    const HfModelFiles files = findHfModelFiles(path, "a CLIP text model");
    const Checkpoint ck = Checkpoint::open(files.weights);
    const auto shapes = ck.shapes();
    const ClipTextConfig held = ClipTextConfig::detect(shapes, files.weights);
    ClipTextConfig config = held;
    if (!files.config.empty()) {
        config = ClipTextConfig::fromJson(readFileBounded(files.config, 1u << 20, "CLIP config.json"), files.config);
        if (config.vocab_size != held.vocab_size || config.hidden_size != held.hidden_size ||
            config.intermediate_size != held.intermediate_size || config.num_hidden_layers != held.num_hidden_layers ||
            config.max_position_embeddings != held.max_position_embeddings)
            throw Error(StatusCode::CorruptFile,
                        format("{}: describes a CLIP text model of width {}, {} layers, MLP {}, {} positions, vocabulary {}; "
                               "{} holds width {}, {} layers, MLP {}, {} positions, vocabulary {}",
                               files.config, config.hidden_size, config.num_hidden_layers, config.intermediate_size,
                               config.max_position_embeddings, config.vocab_size, files.weights, held.hidden_size,
                               held.num_hidden_layers, held.intermediate_size, held.max_position_embeddings, held.vocab_size));
    }
    checkMemoryEstimate(static_cast<uint64_t>(config.parameterCount()) * (c10::elementSize(dtype) + 4), files.weights);
    ClipTextModel model{nullptr};
    {
        torch::NoGradGuard noGrad;
        model = ClipTextModel(config);
        model->to(dtype);
        for (auto &p : model->named_parameters())
            if (p.value().dim() == 1)
                p.value().set_data(p.value().to(at::kFloat)); // biases and norms in float32
    }
    st::TensorMap tensors = loadDecoded(ck);
    // What some files carry beside the text model: the position ids buffer, CLIP's projection and scale.
    for (const char *extra : {"text_model.embeddings.position_ids", "text_projection.weight", "logit_scale"})
        tensors.erase(extra);
    for (auto &[name, t] : tensors)
        t = t.to(t.dim() == 1 ? at::kFloat : dtype);
    loadStateDict(*model, tensors, files.weights);
    model->eval();
    for (auto &p : model->parameters())
        p.set_requires_grad(false);
    log::info("core.model", "loaded CLIP text model from {} (width {}, {} layers, {})", files.weights, config.hidden_size,
              config.num_hidden_layers, dtype == at::kFloat ? "float32" : dtype == at::kBFloat16 ? "bfloat16" : "float16");
    return model;
}

} // namespace mosaic::model
