#include "model/lora.h"

#include "model/flux_keymap.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strings.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>

namespace mosaic::model {

namespace {

struct Target
{
    std::string layer;     // BFL linear name, e.g. double_blocks.0.img_attn.qkv
    int64_t rowOffset = 0;
    int64_t rows = -1;     // -1: the whole layer
};

// Names a LoRA key may use for a module, mapped to the BFL layer and row slice.
std::map<std::string, Target> moduleAliases(FluxImpl &model)
{
    std::map<std::string, Target> alias;
    std::map<std::string, int64_t> outFeatures;
    for (const auto &item : model.named_modules("", false)) {
        if (auto *lin = item.value()->as<torch::nn::Linear>()) {
            alias[item.key()] = {item.key(), 0, -1};
            outFeatures[item.key()] = lin->options.out_features();
        }
    }
    for (const auto &rule : fluxKeyRules(model.config)) {
        if (!endsWith(rule.bfl, ".weight"))
            continue;
        const std::string bfl = rule.bfl.substr(0, rule.bfl.size() - 7);
        if (!outFeatures.count(bfl))
            continue;
        int64_t offset = 0;
        for (size_t i = 0; i < rule.diffusers.size(); ++i) {
            const std::string diff = rule.diffusers[i].substr(0, rule.diffusers[i].size() - 7);
            const int64_t rows = rule.kind == FluxKeyRule::Kind::Concat ? rule.splits[i] : -1;
            if (rule.kind != FluxKeyRule::Kind::SwapHalves)
                alias[diff] = {bfl, offset, rows};
            if (rows > 0)
                offset += rows;
        }
    }
    // kohya flattens the module path with underscores.
    std::map<std::string, Target> kohya;
    for (const auto &a : alias) {
        std::string flat = a.first;
        std::replace(flat.begin(), flat.end(), '.', '_');
        kohya["lora_unet_" + flat] = a.second;
        kohya["lora_transformer_" + flat] = a.second;
    }
    alias.insert(kohya.begin(), kohya.end());
    return alias;
}

bool isTextStream(const std::string &bflLayer)
{
    return bflLayer.find(".txt_") != std::string::npos || startsWith(bflLayer, "txt_in") ||
           startsWith(bflLayer, "time_in") || startsWith(bflLayer, "vector_in") || startsWith(bflLayer, "guidance_in") ||
           startsWith(bflLayer, "final_layer");
}

} // namespace

LoraSet LoraSet::fromTensors(const st::TensorMap &input, FluxImpl &model, const std::string &source)
{
    std::string prefix;
    st::TensorMap tensors = stripKnownPrefixes(input, &prefix);
    if (!tensors.empty() && std::all_of(tensors.begin(), tensors.end(),
                                        [](const auto &e) { return startsWith(e.first, "diffusion_model."); })) {
        st::TensorMap stripped;
        for (const auto &e : tensors)
            stripped[e.first.substr(16)] = e.second;
        tensors.swap(stripped);
    }
    const auto alias = moduleAliases(model);
    // The declared sizes: a streamed block's weights are not there between uses.
    std::map<std::string, std::pair<int64_t, int64_t>> lins; // out, in
    for (const auto &item : model.named_modules("", false))
        if (auto *lin = item.value()->as<torch::nn::Linear>())
            lins[item.key()] = {lin->options.out_features(), lin->options.in_features()};

    struct Pending
    {
        at::Tensor down, up, upBias, alpha;
    };
    std::map<std::string, Pending> modules;
    for (const auto &[key, t] : tensors) {
        static const std::pair<const char *, int> suffixes[] = {
            {".lora_A.weight", 0}, {".lora_down.weight", 0}, {".lora_B.weight", 1},
            {".lora_up.weight", 1}, {".lora_B.bias", 2},     {".alpha", 3}};
        bool matched = false;
        for (const auto &[suffix, kind] : suffixes) {
            if (!endsWith(key, suffix))
                continue;
            Pending &p = modules[key.substr(0, key.size() - std::string(suffix).size())];
            (kind == 0 ? p.down : kind == 1 ? p.up : kind == 2 ? p.upBias : p.alpha) = t;
            matched = true;
            break;
        }
        if (!matched)
            throw Error(StatusCode::Unsupported, source + ": '" + key + "' is not a LoRA tensor this loader knows "
                                                          "(LoHa, LoKr and full-weight patches are not supported)");
    }
    if (modules.empty())
        throw Error(StatusCode::Unsupported, source + ": no LoRA tensors");

    LoraSet set;
    for (auto &[module, p] : modules) {
        auto it = alias.find(module);
        if (it == alias.end())
            throw Error(StatusCode::Unsupported, source + ": LoRA module '" + module +
                                                     "' matches no layer of this FLUX model (a LoRA for another "
                                                     "architecture or size?)");
        if (!p.down.defined() || !p.up.defined())
            throw Error(StatusCode::CorruptFile, source + ": LoRA module '" + module + "' lacks its " +
                                                     (p.down.defined() ? "up (B)" : "down (A)") + " matrix");
        const Target &target = it->second;
        if (p.down.dim() == 2 && p.up.dim() == 2 && p.up.size(1) != p.down.size(0))
            throw Error(StatusCode::CorruptFile, format("{}: LoRA module '{}' has rank {} in A and {} in B ({} and {})", source,
                                                        module, p.down.size(0), p.up.size(1),
                                                        shapeString(p.down.sizes().vec()), shapeString(p.up.sizes().vec())));
        const auto [outFeatures, inFeatures] = lins.at(target.layer);
        const int64_t rows = target.rows < 0 ? outFeatures : target.rows;
        if (p.down.dim() != 2 || p.up.dim() != 2 || p.down.size(1) != inFeatures || p.up.size(0) != rows ||
            p.up.size(1) != p.down.size(0))
            throw Error(StatusCode::CorruptFile,
                        format("{}: LoRA module '{}' has A {} and B {}, but layer {} needs A [r, {}] and B [{}, r]",
                               source, module, shapeString(p.down.sizes().vec()), shapeString(p.up.sizes().vec()),
                               target.layer, inFeatures, rows));
        if (isTextStream(target.layer)) {
            set.m_ignored.push_back(module);
            continue;
        }
        LoraPart part;
        part.down = p.down.to(at::kFloat);
        part.up = p.up.to(at::kFloat);
        if (p.upBias.defined())
            part.upBias = p.upBias.to(at::kFloat);
        part.rowOffset = target.rowOffset;
        if (p.alpha.defined()) {
            if (p.alpha.numel() != 1)
                throw Error(StatusCode::CorruptFile, format("{}: LoRA module '{}' has an alpha of shape {}, not one number",
                                                            source, module, shapeString(p.alpha.sizes().vec())));
            const double alpha = p.alpha.to(at::kDouble).item<double>();
            if (!std::isfinite(alpha))
                throw Error(StatusCode::CorruptFile, format("{}: LoRA module '{}' has an alpha of {}", source, module, alpha));
            part.alphaScale = alpha / static_cast<double>(p.down.size(0));
        }
        // NaN or infinite weights would make every image garbage without a word.
        for (const at::Tensor *t : {&part.down, &part.up})
            if (!at::isfinite(*t).all().item<bool>())
                throw Error(StatusCode::CorruptFile, format("{}: LoRA module '{}' holds values that are not finite", source,
                                                            module));
        set.m_rank = std::max(set.m_rank, p.down.size(0));
        set.m_parts[target.layer].push_back(std::move(part));
    }
    if (!set.m_ignored.empty())
        log::warn("core.model", "{}: {} LoRA modules adapt the text stream or the output layer; MOSAIC applies the "
                                "LoRA to reference tokens only, so they are ignored",
                  source, set.m_ignored.size());
    log::info("core.model", "LoRA {}: {} layers, rank {}, {} parameters", source, set.layerCount(), set.m_rank,
              humanCount(static_cast<uint64_t>(set.parameterCount())));
    return set;
}

LoraSet LoraSet::create(FluxImpl &model, int64_t rank, double alpha, const std::vector<std::string> &targets, uint64_t seed)
{
    if (rank < 1 || alpha <= 0 || targets.empty())
        throw Error(StatusCode::InvalidArgument, "a LoRA needs a rank of at least 1, a positive alpha and target layers");
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    LoraSet set;
    set.m_rank = rank;
    for (const auto &item : model.named_modules("", false)) {
        auto *lin = item.value()->as<torch::nn::Linear>();
        if (!lin || isTextStream(item.key()))
            continue;
        const bool wanted = std::any_of(targets.begin(), targets.end(), [&](const std::string &t) {
            return endsWith(item.key(), "." + t) || item.key() == t;
        });
        if (!wanted)
            continue;
        const int64_t in = lin->options.in_features(), out = lin->options.out_features();
        const double bound = 1.0 / std::sqrt(static_cast<double>(in)); // kaiming_uniform_(a=sqrt(5))
        LoraPart part;
        part.down = (at::rand({rank, in}, gen, at::TensorOptions().dtype(at::kFloat)) * 2.0 - 1.0) * bound;
        part.up = at::zeros({out, rank}, at::kFloat);
        part.alphaScale = alpha / static_cast<double>(rank);
        set.m_parts[item.key()].push_back(std::move(part));
    }
    if (set.m_parts.empty())
        throw Error(StatusCode::InvalidArgument, "no reference-path layer of this model matches the LoRA targets");
    return set;
}

void LoraSet::append(const LoraSet &other, double strength)
{
    for (const auto &[layer, parts] : other.m_parts)
        for (LoraPart part : parts) {
            part.alphaScale *= strength * other.scale;
            m_parts[layer].push_back(std::move(part));
        }
    m_ignored.insert(m_ignored.end(), other.m_ignored.begin(), other.m_ignored.end());
    m_rank = std::max(m_rank, other.m_rank);
}

std::vector<at::Tensor> LoraSet::parameters() const
{
    std::vector<at::Tensor> out;
    for (const auto &e : m_parts)
        for (const auto &p : e.second) {
            out.push_back(p.down);
            out.push_back(p.up);
        }
    return out;
}

st::TensorMap LoraSet::toTensors() const
{
    st::TensorMap out;
    for (const auto &[layer, parts] : m_parts) {
        if (parts.size() != 1 || parts[0].rowOffset != 0)
            throw Error(StatusCode::Unsupported, "only whole-layer adapters are written (" + layer + ")");
        const LoraPart &p = parts[0];
        out[layer + ".lora_A.weight"] = p.down.detach().to(at::kCPU, at::kFloat).contiguous();
        out[layer + ".lora_B.weight"] = p.up.detach().to(at::kCPU, at::kFloat).contiguous();
        out[layer + ".alpha"] = at::tensor(static_cast<float>(p.alphaScale * static_cast<double>(p.down.size(0))));
    }
    return out;
}

LoraSet LoraSet::fromFile(const std::string &path, FluxImpl &model)
{
    return fromTensors(Checkpoint::open(path).loadAll(), model, path);
}

int64_t LoraSet::parameterCount() const
{
    int64_t n = 0;
    for (const auto &e : m_parts)
        for (const auto &p : e.second)
            n += p.down.numel() + p.up.numel() + (p.upBias.defined() ? p.upBias.numel() : 0);
    return n;
}

void LoraSet::to(at::ScalarType dtype, at::Device device)
{
    for (auto &e : m_parts)
        for (auto &p : e.second) {
            p.down = p.down.to(device, dtype);
            p.up = p.up.to(device, dtype);
            if (p.upBias.defined())
                p.upBias = p.upBias.to(device, dtype);
        }
}

void LoraSet::addDelta(const std::string &layer, const at::Tensor &x, at::Tensor &y) const
{
    auto it = m_parts.find(layer);
    if (it == m_parts.end() || scale == 0.0)
        return;
    for (const auto &p : it->second) {
        at::Tensor delta = at::matmul(at::matmul(x, p.down.t()), p.up.t()); // [..., rows]
        if (p.upBias.defined())
            delta = delta + p.upBias;
        y.narrow(-1, p.rowOffset, p.up.size(0)).add_(delta, scale * p.alphaScale);
    }
}

at::Tensor linearWithLora(torch::nn::Linear &layer, const std::string &name, const at::Tensor &x, const LoraSet *lora)
{
    at::Tensor y = linearForward(*layer, x);
    if (lora)
        lora->addDelta(name, x, y);
    return y;
}

} // namespace mosaic::model
