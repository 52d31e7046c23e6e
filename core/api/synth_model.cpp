// Model files with random weights in the layouts of real ones (mosaic/tools.h, synth-model).
#include <mosaic/tools.h>

#include "io/safetensors.h"
#include "model/autoencoder.h"
#include "model/flux.h"
#include "model/flux_keymap.h"
#include "model/state_dict.h"
#include "model/weights.h"
#include "pipeline/sampling.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/strings.h"

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/grad_mode.h>

#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;

namespace mosaic {

namespace {

model::FluxConfig fluxConfig(const SynthModelOptions &o)
{
    model::FluxConfig c;
    c.hidden_size = o.hidden;
    c.num_heads = o.heads;
    c.depth = o.doubleBlocks;
    c.depth_single_blocks = o.singleBlocks;
    c.context_in_dim = o.contextDim;
    c.vec_in_dim = o.vecDim;
    c.in_channels = c.out_channels = o.latentChannels * 4;
    c.guidance_embed = o.guidance;
    if (o.hidden <= 0 || o.heads <= 0 || o.hidden % o.heads)
        throw Error(StatusCode::InvalidArgument, format("hidden {} does not split into {} heads", o.hidden, o.heads));
    c.axes_dim = model::FluxConfig::defaultAxes(o.hidden / o.heads);
    c.validate();
    return c;
}

// Deterministic weights: each tensor from its own generator seeded by the seed and its name, uniform within
// 1/sqrt(fan-in) for matrices (as torch.nn.Linear), around 1 for norms, small for biases.
at::Tensor weightFor(const std::string &name, const std::vector<int64_t> &shape, uint64_t seed)
{
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed * 1000003ULL + std::hash<std::string>{}(name));
    const auto opts = at::TensorOptions().dtype(at::kFloat);
    if (shape.size() >= 2) {
        int64_t fanIn = 1;
        for (size_t i = 1; i < shape.size(); ++i)
            fanIn *= shape[i];
        const double bound = 1.0 / std::sqrt(static_cast<double>(fanIn));
        return (at::rand(shape, gen, opts) * 2.0 - 1.0) * bound;
    }
    if (endsWith(name, ".scale") || endsWith(name, "norm1.weight") || endsWith(name, "norm2.weight") ||
        endsWith(name, "norm.weight") || endsWith(name, "norm_out.weight"))
        return 1.0 + (at::rand(shape, gen, opts) - 0.5) * 0.2;
    return (at::rand(shape, gen, opts) - 0.5) * 0.04;
}

// The tensors in the precision asked for: matrices (and, for fp8, only they) converted; the names of
// fp8 ones recorded for the writer.
void convert(st::TensorMap *tensors, const std::string &precision, std::map<std::string, st::DType> *storedAs)
{
    if (precision == "f32")
        return;
    if (precision == "bf16" || precision == "f16") {
        for (auto &e : *tensors)
            e.second = e.second.to(precision == "bf16" ? at::kBFloat16 : at::kHalf);
        return;
    }
    const bool scaled = precision == "fp8-e4m3-scaled";
    if (precision != "fp8-e4m3" && precision != "fp8-e5m2" && !scaled)
        throw Error(StatusCode::InvalidArgument, "precision " + precision +
                                                     ": f32, bf16, f16, fp8-e4m3, fp8-e5m2 or fp8-e4m3-scaled");
    const auto format = precision == "fp8-e5m2" ? model::Fp8Format::E5M2 : model::Fp8Format::E4M3;
    st::TensorMap out;
    for (auto &e : *tensors) {
        if (e.second.dim() < 2) {
            out[e.first] = e.second.to(at::kBFloat16);
            continue;
        }
        at::Tensor w = e.second;
        if (scaled) {
            const at::Tensor scale = (w.abs().max() / 448.0).clamp_min(1e-12).reshape({});
            w = w / scale;
            out[e.first.substr(0, e.first.size() - 6) + "scale_weight"] = scale.to(at::kFloat);
        }
        out[e.first] = model::encodeFp8(w, format).view(at::kByte);
        (*storedAs)[e.first] = format == model::Fp8Format::E4M3 ? st::DType::F8_E4M3 : st::DType::F8_E5M2;
    }
    if (scaled) {
        out["scaled_fp8"] = at::empty({0}, at::kByte);
        (*storedAs)["scaled_fp8"] = st::DType::F8_E4M3;
    }
    tensors->swap(out);
}

// diffusers' and transformers' shard names: NAME-00001-of-00003.safetensors.
std::string shardName(const std::string &stem, int index, int count)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "-%05d-of-%05d", index, count);
    return stem + buf + ".safetensors";
}

void writeMaybeSharded(const std::string &path, const st::TensorMap &tensors, const std::map<std::string, std::string> &meta,
                       const std::map<std::string, st::DType> &storedAs, int shards)
{
    if (shards <= 1) {
        st::write(path, tensors, meta, storedAs);
        return;
    }
    if (!endsWith(path, ".safetensors.index.json"))
        throw Error(StatusCode::InvalidArgument, path + ": a sharded file is named by its .safetensors.index.json");
    const std::string stem = fs::path(path).filename().string().substr(
        0, fs::path(path).filename().string().size() - std::string(".safetensors.index.json").size());
    std::vector<st::TensorMap> parts(static_cast<size_t>(shards));
    nlohmann::json index;
    index["metadata"] = {{"total_size", 0}};
    uint64_t total = 0;
    size_t i = 0;
    for (const auto &e : tensors) {
        const size_t shard = i++ * static_cast<size_t>(shards) / tensors.size();
        parts[shard][e.first] = e.second;
        const std::string file = shardName(stem, static_cast<int>(shard) + 1, shards);
        index["weight_map"][e.first] = file;
        total += static_cast<uint64_t>(e.second.numel()) * e.second.element_size();
    }
    index["metadata"]["total_size"] = total;
    for (int s = 0; s < shards; ++s) {
        std::map<std::string, st::DType> stored;
        for (const auto &e : parts[static_cast<size_t>(s)])
            if (auto it = storedAs.find(e.first); it != storedAs.end())
                stored[e.first] = it->second;
        st::write((fs::path(path).parent_path() / shardName(stem, s + 1, shards)).string(),
                  parts[static_cast<size_t>(s)], s == 0 ? meta : std::map<std::string, std::string>{}, stored);
    }
    writeFileAtomically(path, index.dump(2));
}

st::TensorMap transformerTensors(const SynthModelOptions &o, const model::FluxConfig &c)
{
    st::TensorMap out;
    torch::NoGradGuard noGrad;
    model::Flux shapes{nullptr};
    {
        model::UninitializedWeights uninitialized;
        shapes = model::Flux(c);
    }
    for (const auto &e : model::stateDict(*shapes))
        out[e.first] = weightFor(e.first, e.second.sizes().vec(), o.seed);
    return out;
}

st::TensorMap loraTensors(const SynthModelOptions &o, const model::FluxConfig &c)
{
    // MOSAIC's released LoRA: diffusers module names, reference-path layers only.
    const int64_t D = c.hidden_size, M = c.mlpHidden();
    std::vector<std::tuple<std::string, int64_t, int64_t>> modules; // name, in, out
    modules.emplace_back("x_embedder", c.in_channels, D);
    for (int64_t i = 0; i < c.depth; ++i) {
        const std::string b = format("transformer_blocks.{}.", i);
        modules.emplace_back(b + "norm1.linear", D, 6 * D);
        for (const char *p : {"attn.to_q", "attn.to_k", "attn.to_v", "attn.to_out.0"})
            modules.emplace_back(b + p, D, D);
        modules.emplace_back(b + "ff.net.2", M, D);
    }
    for (int64_t i = 0; i < c.depth_single_blocks; ++i) {
        const std::string b = format("single_transformer_blocks.{}.", i);
        modules.emplace_back(b + "norm.linear", D, 3 * D);
        modules.emplace_back(b + "proj_mlp", D, M);
        modules.emplace_back(b + "proj_out", D + M, D);
        for (const char *p : {"attn.to_q", "attn.to_k", "attn.to_v"})
            modules.emplace_back(b + p, D, D);
    }
    st::TensorMap out;
    for (const auto &[name, in, outF] : modules) {
        const std::string k = "transformer." + name;
        out[k + ".lora_A.weight"] = weightFor(k + ".lora_A.weight", {o.rank, in}, o.seed);
        out[k + ".lora_B.weight"] = weightFor(k + ".lora_B.weight", {outF, o.rank + (o.mismatchedRank ? 1 : 0)}, o.seed);
    }
    return out;
}

st::TensorMap autoEncoderTensors(const SynthModelOptions &o, bool sdStyle)
{
    model::AutoEncoderConfig c;
    c.ch = o.aeChannels;
    c.ch_mult = {1, 1, 2, 2};
    c.num_res_blocks = 1;
    c.z_channels = sdStyle ? 4 : o.latentChannels;
    c.validate();
    torch::NoGradGuard noGrad;
    model::AutoEncoder ae(c);
    st::TensorMap out;
    for (const auto &e : model::stateDict(*ae))
        out[e.first] = weightFor(e.first, e.second.sizes().vec(), o.seed);
    if (sdStyle) {
        const int64_t z2 = 2 * c.z_channels;
        out["quant_conv.weight"] = weightFor("quant_conv.weight", {z2, z2, 1, 1}, o.seed);
        out["quant_conv.bias"] = weightFor("quant_conv.bias", {z2}, o.seed);
        out["post_quant_conv.weight"] = weightFor("post_quant_conv.weight", {c.z_channels, c.z_channels, 1, 1}, o.seed);
        out["post_quant_conv.bias"] = weightFor("post_quant_conv.bias", {c.z_channels}, o.seed);
    }
    return out;
}

} // namespace

Status synthModelFile(const std::string &path, const SynthModelOptions &o)
{
    return guarded([&] {
        std::map<std::string, st::DType> storedAs;
        std::map<std::string, std::string> meta;
        if (o.shards < 1 || o.shards > 99)
            throw Error(StatusCode::InvalidArgument, "shards: from 1 to 99");
        if (o.what == "transformer") {
            const model::FluxConfig c = fluxConfig(o);
            st::TensorMap t = transformerTensors(o, c);
            if (o.layout == "diffusers") {
                t = model::bflToDiffusers(t, c);
            } else if (o.layout == "comfyui") {
                st::TensorMap prefixed;
                for (auto &e : t)
                    prefixed["model.diffusion_model." + e.first] = e.second;
                t.swap(prefixed);
            } else if (o.layout != "bfl") {
                throw Error(StatusCode::InvalidArgument, "transformer layout " + o.layout + ": bfl, diffusers or comfyui");
            }
            convert(&t, o.precision, &storedAs);
            writeMaybeSharded(path, t, meta, storedAs, o.shards);
        } else if (o.what == "autoencoder") {
            if (o.layout != "bfl" && o.layout != "diffusers" && o.layout != "sd")
                throw Error(StatusCode::InvalidArgument, "autoencoder layout " + o.layout + ": bfl, diffusers or sd");
            st::TensorMap t = autoEncoderTensors(o, o.layout == "sd");
            if (o.layout != "bfl") {
                st::TensorMap d;
                for (auto &e : t) {
                    std::string name = model::autoEncoderDiffusersName(e.first, 4);
                    if (name.empty())
                        name = e.first; // quant_conv, post_quant_conv
                    at::Tensor v = e.second;
                    if (name.find(".attentions.0.to_") != std::string::npos && v.dim() == 4)
                        v = v.flatten(1); // diffusers keeps the attention's 1x1 convolutions as linear layers
                    d[name] = v;
                }
                t.swap(d);
            }
            convert(&t, o.precision, &storedAs);
            writeMaybeSharded(path, t, meta, storedAs, o.shards);
        } else if (o.what == "lora") {
            if (o.layout != "peft")
                throw Error(StatusCode::InvalidArgument, "lora layout " + o.layout + ": peft");
            st::TensorMap t = loraTensors(o, fluxConfig(o));
            if (!o.baseModel.empty())
                meta["modelspec.architecture"] = o.baseModel;
            convert(&t, o.precision == "f32" ? "f32" : "bf16", &storedAs);
            st::write(path, t, meta);
        } else if (o.what == "inputs") {
            // One denoising step's transformer inputs at --size (square), as `mosaic forward --inputs` reads them.
            const model::FluxConfig c = fluxConfig(o);
            const int64_t side = o.size / 16, txt = o.textTokens;
            if (o.size < 16 || o.size % 16 || txt < 1)
                throw Error(StatusCode::InvalidArgument, "inputs: a size that is a multiple of 16 and at least one text token");
            auto gen = at::make_generator<at::CPUGeneratorImpl>(o.seed);
            const auto f = at::TensorOptions().dtype(at::kFloat);
            const at::Tensor ids = pipeline::tokenIds(1, side, side);
            st::write(path, {{"img", at::randn({1, side * side, c.in_channels}, gen, f)},
                             {"img_ids", ids},
                             {"txt", at::randn({1, txt, c.context_in_dim}, gen, f)},
                             {"txt_ids", at::zeros({1, txt, 3}, f)},
                             {"y", at::randn({1, c.vec_in_dim}, gen, f)},
                             {"timesteps", at::full({1}, 0.75, f)},
                             {"guidance", at::full({1}, 3.5, f)}});
        } else {
            throw Error(StatusCode::InvalidArgument, "what: transformer, autoencoder, lora or inputs, not " + o.what);
        }
    });
}

} // namespace mosaic
