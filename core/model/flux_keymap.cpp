#include "model/flux_keymap.h"

#include "util/error.h"
#include "util/strings.h"

namespace mosaic::model {

const char *fluxLayoutName(FluxLayout layout)
{
    switch (layout) {
    case FluxLayout::Bfl: return "bfl";
    case FluxLayout::Diffusers: return "diffusers";
    case FluxLayout::Unknown: return "unknown";
    }
    return "unknown";
}

st::TensorMap stripKnownPrefixes(const st::TensorMap &tensors, std::string *strippedPrefix)
{
    for (const char *prefix : {"model.diffusion_model.", "transformer."}) {
        bool all = !tensors.empty();
        for (const auto &e : tensors)
            all = all && startsWith(e.first, prefix);
        if (!all)
            continue;
        st::TensorMap out;
        const size_t n = std::string(prefix).size();
        for (const auto &e : tensors)
            out[e.first.substr(n)] = e.second;
        if (strippedPrefix)
            *strippedPrefix = prefix;
        return out;
    }
    if (strippedPrefix)
        strippedPrefix->clear();
    return tensors;
}

FluxLayout detectFluxLayout(const std::vector<std::string> &names)
{
    for (const auto &n : names) {
        if (startsWith(n, "double_blocks.") || startsWith(n, "img_in.") || startsWith(n, "single_blocks."))
            return FluxLayout::Bfl;
        if (startsWith(n, "transformer_blocks.") || startsWith(n, "single_transformer_blocks.") ||
            startsWith(n, "x_embedder."))
            return FluxLayout::Diffusers;
    }
    return FluxLayout::Unknown;
}

std::vector<FluxKeyRule> fluxKeyRules(const FluxConfig &c)
{
    using Kind = FluxKeyRule::Kind;
    std::vector<FluxKeyRule> rules;
    const int64_t D = c.hidden_size, M = c.mlpHidden();
    auto linear = [&](const std::string &bfl, const std::string &diff, bool bias = true) {
        rules.push_back({bfl + ".weight", {diff + ".weight"}, Kind::Same, {}});
        if (bias)
            rules.push_back({bfl + ".bias", {diff + ".bias"}, Kind::Same, {}});
    };
    auto fused = [&](const std::string &bfl, const std::vector<std::string> &parts, std::vector<int64_t> splits,
                     bool bias) {
        std::vector<std::string> w, b;
        for (const auto &p : parts) {
            w.push_back(p + ".weight");
            b.push_back(p + ".bias");
        }
        rules.push_back({bfl + ".weight", w, Kind::Concat, splits});
        if (bias)
            rules.push_back({bfl + ".bias", b, Kind::Concat, splits});
    };
    auto norm = [&](const std::string &bfl, const std::string &diff) {
        rules.push_back({bfl + ".scale", {diff + ".weight"}, Kind::Same, {}});
    };

    linear("img_in", "x_embedder");
    linear("txt_in", "context_embedder");
    linear("time_in.in_layer", "time_text_embed.timestep_embedder.linear_1");
    linear("time_in.out_layer", "time_text_embed.timestep_embedder.linear_2");
    linear("vector_in.in_layer", "time_text_embed.text_embedder.linear_1");
    linear("vector_in.out_layer", "time_text_embed.text_embedder.linear_2");
    if (c.guidance_embed) {
        linear("guidance_in.in_layer", "time_text_embed.guidance_embedder.linear_1");
        linear("guidance_in.out_layer", "time_text_embed.guidance_embedder.linear_2");
    }
    for (int64_t i = 0; i < c.depth; ++i) {
        const std::string b = format("double_blocks.{}.", i), d = format("transformer_blocks.{}.", i);
        linear(b + "img_mod.lin", d + "norm1.linear");
        linear(b + "txt_mod.lin", d + "norm1_context.linear");
        fused(b + "img_attn.qkv", {d + "attn.to_q", d + "attn.to_k", d + "attn.to_v"}, {D, D, D}, c.qkv_bias);
        fused(b + "txt_attn.qkv", {d + "attn.add_q_proj", d + "attn.add_k_proj", d + "attn.add_v_proj"}, {D, D, D},
              c.qkv_bias);
        norm(b + "img_attn.norm.query_norm", d + "attn.norm_q");
        norm(b + "img_attn.norm.key_norm", d + "attn.norm_k");
        norm(b + "txt_attn.norm.query_norm", d + "attn.norm_added_q");
        norm(b + "txt_attn.norm.key_norm", d + "attn.norm_added_k");
        linear(b + "img_attn.proj", d + "attn.to_out.0");
        linear(b + "txt_attn.proj", d + "attn.to_add_out");
        linear(b + "img_mlp.0", d + "ff.net.0.proj");
        linear(b + "img_mlp.2", d + "ff.net.2");
        linear(b + "txt_mlp.0", d + "ff_context.net.0.proj");
        linear(b + "txt_mlp.2", d + "ff_context.net.2");
    }
    for (int64_t i = 0; i < c.depth_single_blocks; ++i) {
        const std::string b = format("single_blocks.{}.", i), d = format("single_transformer_blocks.{}.", i);
        linear(b + "modulation.lin", d + "norm.linear");
        fused(b + "linear1", {d + "attn.to_q", d + "attn.to_k", d + "attn.to_v", d + "proj_mlp"}, {D, D, D, M}, true);
        norm(b + "norm.query_norm", d + "attn.norm_q");
        norm(b + "norm.key_norm", d + "attn.norm_k");
        linear(b + "linear2", d + "proj_out");
    }
    linear("final_layer.linear", "proj_out");
    rules.push_back({"final_layer.adaLN_modulation.1.weight", {"norm_out.linear.weight"}, Kind::SwapHalves, {}});
    rules.push_back({"final_layer.adaLN_modulation.1.bias", {"norm_out.linear.bias"}, Kind::SwapHalves, {}});
    return rules;
}

namespace {

at::Tensor swapHalves(const at::Tensor &t)
{
    const int64_t h = t.size(0) / 2;
    return at::cat({t.narrow(0, h, t.size(0) - h), t.narrow(0, 0, h)}, 0);
}

} // namespace

st::TensorMap diffusersToBfl(const st::TensorMap &tensors, const FluxConfig &config)
{
    st::TensorMap rest = tensors, out;
    for (const auto &rule : fluxKeyRules(config)) {
        bool all = true;
        for (const auto &d : rule.diffusers)
            all = all && rest.count(d) != 0;
        if (!all)
            continue; // the loader reports the BFL name as missing (or the stray parts as unexpected)
        std::vector<at::Tensor> parts;
        for (const auto &d : rule.diffusers) {
            parts.push_back(rest[d]);
            rest.erase(d);
        }
        switch (rule.kind) {
        case FluxKeyRule::Kind::Same: out[rule.bfl] = parts[0]; break;
        case FluxKeyRule::Kind::Concat: out[rule.bfl] = at::cat(parts, 0); break;
        case FluxKeyRule::Kind::SwapHalves: out[rule.bfl] = swapHalves(parts[0]); break;
        }
    }
    for (auto &e : rest)
        out[e.first] = e.second;
    return out;
}

st::TensorMap bflToDiffusers(const st::TensorMap &tensors, const FluxConfig &config)
{
    st::TensorMap rest = tensors, out;
    for (const auto &rule : fluxKeyRules(config)) {
        auto it = rest.find(rule.bfl);
        if (it == rest.end())
            continue;
        const at::Tensor t = it->second;
        rest.erase(it);
        switch (rule.kind) {
        case FluxKeyRule::Kind::Same: out[rule.diffusers[0]] = t; break;
        case FluxKeyRule::Kind::SwapHalves: out[rule.diffusers[0]] = swapHalves(t); break;
        case FluxKeyRule::Kind::Concat: {
            int64_t total = 0;
            for (int64_t s : rule.splits)
                total += s;
            if (t.size(0) != total)
                throw Error(StatusCode::CorruptFile, format("'{}' has {} rows, expected {} to split into {} parts",
                                                            rule.bfl, t.size(0), total, rule.splits.size()));
            int64_t offset = 0;
            for (size_t i = 0; i < rule.splits.size(); ++i) {
                out[rule.diffusers[i]] = t.narrow(0, offset, rule.splits[i]).contiguous();
                offset += rule.splits[i];
            }
            break;
        }
        }
    }
    for (auto &e : rest)
        out[e.first] = e.second;
    return out;
}

FluxConfig detectDiffusersConfig(const st::TensorMap &tensors)
{
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const auto &e : tensors)
        shapes[e.first] = e.second.sizes().vec();
    return detectDiffusersConfig(shapes);
}

FluxConfig detectDiffusersConfig(const std::map<std::string, std::vector<int64_t>> &tensors)
{
    auto shape = [&](const std::string &k) {
        auto it = tensors.find(k);
        if (it == tensors.end())
            throw Error(StatusCode::Unsupported, "not a diffusers FLUX transformer: no '" + k + "'");
        return it->second;
    };
    // A matrix whose sizes are read here (FluxConfig::detect checks the rest).
    auto matrix = [&](const std::string &k) {
        auto s = shape(k);
        if (s.size() != 2 || s[0] < 1 || s[1] < 1 || s[0] > (int64_t{1} << 20) || s[1] > (int64_t{1} << 20))
            throw Error(StatusCode::CorruptFile, format("'{}' is {}, not a matrix", k, shapeString(s)));
        return s;
    };
    std::map<std::string, std::vector<int64_t>> bflShapes;
    bflShapes["img_in.weight"] = shape("x_embedder.weight");
    bflShapes["txt_in.weight"] = shape("context_embedder.weight");
    bflShapes["vector_in.in_layer.weight"] = shape("time_text_embed.text_embedder.linear_1.weight");
    bflShapes["final_layer.linear.weight"] = shape("proj_out.weight");
    if (tensors.count("time_text_embed.guidance_embedder.linear_1.weight"))
        bflShapes["guidance_in.in_layer.weight"] = shape("time_text_embed.guidance_embedder.linear_1.weight");
    for (int64_t i = 0; tensors.count(format("transformer_blocks.{}.attn.to_q.weight", i)); ++i) {
        const std::string d = format("transformer_blocks.{}.", i), b = format("double_blocks.{}.", i);
        auto q = matrix(d + "attn.to_q.weight");
        bflShapes[b + "img_attn.qkv.weight"] = {3 * q[0], q[1]};
        if (tensors.count(d + "attn.to_q.bias"))
            bflShapes[b + "img_attn.qkv.bias"] = {3 * q[0]};
        bflShapes[b + "img_attn.norm.query_norm.scale"] = shape(d + "attn.norm_q.weight");
        bflShapes[b + "img_mlp.0.weight"] = shape(d + "ff.net.0.proj.weight");
    }
    for (int64_t i = 0; tensors.count(format("single_transformer_blocks.{}.attn.to_q.weight", i)); ++i) {
        const std::string d = format("single_transformer_blocks.{}.", i), b = format("single_blocks.{}.", i);
        auto q = matrix(d + "attn.to_q.weight");
        auto m = matrix(d + "proj_mlp.weight");
        bflShapes[b + "linear1.weight"] = {3 * q[0] + m[0], q[1]};
        bflShapes[b + "norm.query_norm.scale"] = shape(d + "attn.norm_q.weight");
    }
    return FluxConfig::detect(bflShapes);
}

} // namespace mosaic::model
