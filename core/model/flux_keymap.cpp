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

bool isDiffusersAutoEncoder(const std::vector<std::string> &names)
{
    for (const auto &n : names)
        if (startsWith(n, "encoder.down_blocks.") || startsWith(n, "decoder.up_blocks.") ||
            startsWith(n, "encoder.mid_block.") || startsWith(n, "decoder.conv_norm_out."))
            return true;
    return false;
}

namespace {

// "<n>.rest" -> n and rest; false when the text does not start with a number and a dot.
bool takeIndex(const std::string &text, int64_t *index, std::string *rest)
{
    const auto dot = text.find('.');
    if (dot == std::string::npos || dot == 0 || dot > 4)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < dot; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        v = v * 10 + (text[i] - '0');
    }
    *index = v;
    *rest = text.substr(dot + 1);
    return true;
}

// A resnet's own names: conv_shortcut is BFL's nin_shortcut.
std::string resnetPart(const std::string &rest)
{
    return startsWith(rest, "conv_shortcut.") ? "nin_shortcut." + rest.substr(14) : rest;
}

std::string midPart(const std::string &rest)
{
    int64_t i = 0;
    std::string r;
    if (startsWith(rest, "resnets.") && takeIndex(rest.substr(8), &i, &r) && (i == 0 || i == 1))
        return format("mid.block_{}.", i + 1) + resnetPart(r);
    if (startsWith(rest, "attentions.0.")) {
        const std::string a = rest.substr(13);
        static const std::pair<const char *, const char *> names[] = {
            {"group_norm.", "norm."}, {"to_q.", "q."},   {"to_k.", "k."},     {"to_v.", "v."},
            {"to_out.0.", "proj_out."}, {"query.", "q."}, {"key.", "k."}, {"value.", "v."}, {"proj_attn.", "proj_out."}};
        for (const auto &[from, to] : names)
            if (startsWith(a, from))
                return std::string("mid.attn_1.") + to + a.substr(std::string(from).size());
    }
    return {};
}

} // namespace

std::string autoEncoderBflName(const std::string &name, int64_t levels)
{
    for (const char *side : {"encoder.", "decoder."}) {
        if (!startsWith(name, side))
            continue;
        const std::string rest = name.substr(8);
        for (const char *same : {"conv_in.", "conv_out."})
            if (startsWith(rest, same))
                return name;
        if (startsWith(rest, "conv_norm_out."))
            return side + std::string("norm_out.") + rest.substr(14);
        if (startsWith(rest, "mid_block.")) {
            const std::string m = midPart(rest.substr(10));
            return m.empty() ? std::string() : side + m;
        }
        int64_t level = 0, j = 0;
        std::string r, r2;
        const bool encoder = side[0] == 'e';
        const std::string blocks = encoder ? "down_blocks." : "up_blocks.";
        if (!startsWith(rest, blocks) || !takeIndex(rest.substr(blocks.size()), &level, &r) || level >= levels)
            return {};
        const int64_t bflLevel = encoder ? level : levels - 1 - level;
        const std::string base = format("{}{}.{}.", side, encoder ? "down" : "up", bflLevel);
        if (startsWith(r, "resnets.") && takeIndex(r.substr(8), &j, &r2))
            return base + format("block.{}.", j) + resnetPart(r2);
        if (encoder && startsWith(r, "downsamplers.0.conv."))
            return base + "downsample.conv." + r.substr(20);
        if (!encoder && startsWith(r, "upsamplers.0.conv."))
            return base + "upsample.conv." + r.substr(18);
        return {};
    }
    return {};
}

std::string autoEncoderDiffusersName(const std::string &name, int64_t levels)
{
    for (const char *side : {"encoder.", "decoder."}) {
        if (!startsWith(name, side))
            continue;
        const std::string rest = name.substr(8);
        if (startsWith(rest, "conv_in.") || startsWith(rest, "conv_out."))
            return name;
        if (startsWith(rest, "norm_out."))
            return side + std::string("conv_norm_out.") + rest.substr(9);
        auto resnet = [](const std::string &r) {
            return startsWith(r, "nin_shortcut.") ? "conv_shortcut." + r.substr(13) : r;
        };
        if (startsWith(rest, "mid.block_1."))
            return side + std::string("mid_block.resnets.0.") + resnet(rest.substr(12));
        if (startsWith(rest, "mid.block_2."))
            return side + std::string("mid_block.resnets.1.") + resnet(rest.substr(12));
        if (startsWith(rest, "mid.attn_1.")) {
            const std::string a = rest.substr(11);
            static const std::pair<const char *, const char *> names[] = {
                {"norm.", "group_norm."}, {"q.", "to_q."}, {"k.", "to_k."}, {"v.", "to_v."}, {"proj_out.", "to_out.0."}};
            for (const auto &[from, to] : names)
                if (startsWith(a, from))
                    return side + std::string("mid_block.attentions.0.") + to + a.substr(std::string(from).size());
            return {};
        }
        const bool encoder = side[0] == 'e';
        const std::string levelsName = encoder ? "down." : "up.";
        int64_t level = 0, j = 0;
        std::string r, r2;
        if (!startsWith(rest, levelsName) || !takeIndex(rest.substr(levelsName.size()), &level, &r) || level >= levels)
            return {};
        const std::string base = format("{}{}.{}.", side, encoder ? "down_blocks" : "up_blocks",
                                        encoder ? level : levels - 1 - level);
        if (startsWith(r, "block.") && takeIndex(r.substr(6), &j, &r2))
            return base + format("resnets.{}.", j) + resnet(r2);
        if (encoder && startsWith(r, "downsample.conv."))
            return base + "downsamplers.0.conv." + r.substr(16);
        if (!encoder && startsWith(r, "upsample.conv."))
            return base + "upsamplers.0.conv." + r.substr(14);
        return {};
    }
    return {};
}

} // namespace mosaic::model
