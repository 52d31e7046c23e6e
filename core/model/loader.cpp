#include "model/loader.h"

#include "model/state_dict.h"
#include "model/weights.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strings.h"

#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <set>

namespace mosaic::model {

const char *architectureName(Architecture a)
{
    switch (a) {
    case Architecture::FluxTransformer: return "flux-transformer";
    case Architecture::FluxAutoEncoder: return "flux-autoencoder";
    case Architecture::Lora: return "lora";
    case Architecture::Unknown: return "unknown";
    }
    return "unknown";
}

Architecture detectArchitecture(const std::vector<std::string> &names)
{
    bool lora = false, enc = false, dec = false;
    for (const auto &n : names) {
        if (n.find("lora_A") != std::string::npos || n.find("lora_down") != std::string::npos ||
            n.find("lora_B") != std::string::npos || n.find("lora_up") != std::string::npos)
            lora = true;
        enc = enc || startsWith(n, "encoder.");
        dec = dec || startsWith(n, "decoder.");
    }
    if (lora)
        return Architecture::Lora;
    if (enc && dec)
        return Architecture::FluxAutoEncoder;
    std::vector<std::string> stripped;
    for (const auto &n : names)
        stripped.push_back(startsWith(n, "model.diffusion_model.") ? n.substr(22)
                           : startsWith(n, "transformer.")         ? n.substr(12)
                                                                   : n);
    return detectFluxLayout(stripped) == FluxLayout::Unknown ? Architecture::Unknown : Architecture::FluxTransformer;
}

namespace {

const char *kPrefixes[] = {"model.diffusion_model.", "transformer."};

// The checkpoint's names with a prefix every name shares removed (ComfyUI's, a pipeline's).
std::string sharedPrefix(const Checkpoint &ck)
{
    const auto names = ck.names();
    for (const char *prefix : kPrefixes) {
        bool all = !names.empty();
        for (const auto &n : names)
            all = all && (startsWith(n, prefix) || n == "scaled_fp8");
        if (all)
            return prefix;
    }
    return {};
}

bool isFp8Dtype(st::DType d)
{
    return d == st::DType::F8_E4M3 || d == st::DType::F8_E5M2;
}

// A tensor as stored: fp8 as its bytes (model/weights.h), anything else as the reader hands it out.
at::Tensor storedTensor(const Checkpoint &ck, const std::string &name)
{
    const st::DType d = ck.info(name).dtype;
    if (isFp8Dtype(d))
        return asFp8(ck.bytes(name), d == st::DType::F8_E4M3 ? Fp8Format::E4M3 : Fp8Format::E5M2);
    if (d == st::DType::F8_E4M3FNUZ || d == st::DType::F8_E5M2FNUZ || d == st::DType::F8_E8M0 ||
        d == st::DType::F6_E2M3 || d == st::DType::F6_E3M2 || d == st::DType::F4)
        throw Error(StatusCode::Unsupported, format("{}: tensor '{}' is {}; FLUX weights are read in F32, BF16, F16, "
                                                    "F8_E4M3 or F8_E5M2", ck.fileOf(name), name, st::dtypeName(d)));
    return ck.tensor(name);
}

struct FluxSources
{
    FluxConfig config;
    FluxLayout layout = FluxLayout::Unknown;
    std::string prefix;
    std::map<std::string, WeightRecipe> recipes; // by BFL name
    std::vector<std::string> unexpected;
    bool scaledFp8 = false;
};

// Every parameter's recipe under BFL names, nothing read but the headers.
FluxSources fluxSources(const Checkpoint &ck)
{
    FluxSources out;
    out.prefix = sharedPrefix(ck);
    std::map<std::string, std::string> fileName; // stripped -> stored
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const auto &n : ck.names()) {
        if (n == "scaled_fp8") {
            out.scaledFp8 = true;
            continue;
        }
        const std::string k = n.substr(out.prefix.size());
        fileName[k] = n;
        shapes[k] = ck.info(n).shape;
    }
    std::vector<std::string> names;
    for (const auto &e : shapes)
        names.push_back(e.first);
    out.layout = detectFluxLayout(names);
    if (out.layout == FluxLayout::Unknown)
        throw Error(StatusCode::Unsupported, ck.path() + ": not a FLUX transformer checkpoint (no BFL or diffusers keys)");
    try {
        out.config = out.layout == FluxLayout::Diffusers ? detectDiffusersConfig(shapes) : FluxConfig::detect(shapes);
    } catch (const Error &e) {
        throw Error(e.code(), ck.path() + ": " + e.what());
    }
    auto meta = ck.metadata().find("config");
    if (meta != ck.metadata().end()) {
        // A config stored with the weights wins (it knows axes_dim and theta); the loader then
        // verifies that every shape agrees with it.
        try {
            out.config = FluxConfig::fromJson(meta->second);
        } catch (const Error &e) {
            log::warn("core.model", "{}: ignoring the config in the metadata ({})", ck.path(), e.what());
        }
    }
    std::set<std::string> used;
    auto source = [&](const std::string &k) {
        used.insert(k);
        return storedTensor(ck, fileName.at(k));
    };
    if (out.layout == FluxLayout::Diffusers) {
        for (const auto &rule : fluxKeyRules(out.config)) {
            bool all = true;
            for (const auto &d : rule.diffusers)
                all = all && fileName.count(d);
            if (!all)
                continue; // reported as missing under its BFL name
            WeightRecipe r;
            for (const auto &d : rule.diffusers)
                r.parts.push_back(source(d));
            r.swapHalves = rule.kind == FluxKeyRule::Kind::SwapHalves;
            out.recipes[rule.bfl] = std::move(r);
        }
    }
    for (const auto &e : fileName) {
        if (used.count(e.first))
            continue;
        if (out.layout == FluxLayout::Diffusers) {
            out.unexpected.push_back(e.second);
            continue;
        }
        WeightRecipe r;
        r.parts.push_back(source(e.first));
        out.recipes[e.first] = std::move(r);
    }
    return out;
}

bool isStoredType(at::ScalarType t)
{
    return t == at::kFloat || t == at::kBFloat16 || t == at::kHalf || t == at::kByte || t == at::kChar;
}

std::string precisionName(at::ScalarType t, bool scaled)
{
    switch (t) {
    case at::kFloat: return "f32";
    case at::kBFloat16: return "bf16";
    case at::kHalf: return "f16";
    case at::kByte: return scaled ? "fp8-e4m3-scaled" : "fp8-e4m3";
    case at::kChar: return scaled ? "fp8-e5m2-scaled" : "fp8-e5m2";
    default: return at::toString(t);
    }
}

} // namespace

st::TensorMap loadDecoded(const Checkpoint &ck)
{
    st::TensorMap out;
    for (const auto &n : ck.names()) {
        if (n == "scaled_fp8" || endsWith(n, ".scale_weight") || endsWith(n, ".scale_input"))
            continue;
        at::Tensor t = storedTensor(ck, n);
        if (isFp8(t)) {
            const std::string scale = endsWith(n, ".weight") ? n.substr(0, n.size() - 6) + "scale_weight" : std::string();
            t = decodeFp8(t, at::kFloat, !scale.empty() && ck.contains(scale) ? ck.tensor(scale) : at::Tensor());
        }
        out[n] = t;
    }
    return out;
}

std::string checkpointPrecision(const Checkpoint &ck)
{
    std::map<std::string, uint64_t> bytes;
    bool scaled = false;
    for (const auto &n : ck.names()) {
        const auto &info = ck.info(n);
        scaled = scaled || n == "scaled_fp8" || endsWith(n, ".scale_weight");
        if (info.shape.size() < 2)
            continue;
        std::string name;
        switch (info.dtype) {
        case st::DType::F32: name = "f32"; break;
        case st::DType::BF16: name = "bf16"; break;
        case st::DType::F16: name = "f16"; break;
        case st::DType::F8_E4M3: name = "fp8-e4m3"; break;
        case st::DType::F8_E5M2: name = "fp8-e5m2"; break;
        default: name = st::dtypeName(info.dtype); break;
        }
        bytes[name] += info.end - info.begin;
    }
    std::string best;
    uint64_t most = 0;
    for (const auto &e : bytes)
        if (e.second > most) {
            most = e.second;
            best = e.first;
        }
    if (startsWith(best, "fp8") && scaled)
        best += "-scaled";
    return bytes.size() > 1 ? best + " (mixed)" : best;
}

FluxConfig fluxConfigOf(const Checkpoint &checkpoint, FluxLayout *layout)
{
    const FluxSources s = fluxSources(checkpoint);
    if (layout)
        *layout = s.layout;
    return s.config;
}

LoadedFlux loadFlux(const Checkpoint &checkpoint, at::ScalarType dtype)
{
    FluxLoadOptions o;
    o.compute = dtype;
    o.keepStored = false;
    return loadFlux(checkpoint, o);
}

LoadedFlux loadFlux(const Checkpoint &ck, const FluxLoadOptions &options)
{
    FluxSources src = fluxSources(ck);
    LoadedFlux out;
    out.layout = src.layout;
    out.prefix = src.prefix;
    torch::NoGradGuard noGrad;
    {
        UninitializedWeights uninitialized;
        out.model = Flux(src.config);
    }
    FluxImpl &m = *out.model;
    m.compute = options.compute;
    for (auto &p : m.parameters())
        p.set_requires_grad(false); // a frozen model; and fp8 bytes may not stand where a gradient could flow

    // Which parameters are linear weights (kept as stored), and the scaled-fp8 buffers they carry.
    std::set<std::string> linearWeights;
    for (const auto &item : m.named_modules("", false)) {
        auto *lin = item.value()->as<torch::nn::Linear>();
        if (!lin)
            continue;
        const std::string base = item.key().empty() ? "" : item.key() + ".";
        linearWeights.insert(base + "weight");
        for (const char *buffer : {"scale_weight", "scale_input"})
            if (src.recipes.count(base + buffer))
                lin->register_buffer(buffer, at::ones({1}));
    }

    // Check every name and shape before anything is made.
    LoadProblems problems;
    std::map<std::string, at::Tensor> own;
    for (auto &item : m.named_parameters(true))
        own[item.key()] = item.value();
    for (auto &item : m.named_buffers(true))
        own[item.key()] = item.value();
    for (const auto &[name, t] : own) {
        auto it = src.recipes.find(name);
        if (it == src.recipes.end()) {
            problems.missing.push_back(name);
            continue;
        }
        std::vector<int64_t> shape = it->second.parts[0].sizes().vec();
        for (size_t i = 1; i < it->second.parts.size() && !shape.empty(); ++i)
            shape[0] += it->second.parts[i].size(0);
        const bool scaleBuffer = endsWith(name, ".scale_weight") || endsWith(name, ".scale_input");
        if (scaleBuffer ? it->second.parts[0].numel() != 1 : shape != t.sizes().vec())
            problems.mismatched.push_back(name + ": file " + shapeString(shape) + " vs model " +
                                          shapeString(scaleBuffer ? std::vector<int64_t>{1} : t.sizes().vec()));
    }
    for (const auto &e : src.recipes)
        if (!own.count(e.first))
            problems.unexpected.push_back(src.prefix + e.first);
    for (const auto &u : src.unexpected)
        problems.unexpected.push_back(u);
    if (!problems.empty())
        throw Error(StatusCode::CorruptFile, ck.path() + " does not match a FLUX transformer:" + problems.describe());

    // The type each one is kept in.
    bool scaled = false;
    std::map<at::ScalarType, uint64_t> storedBy;
    for (auto &[name, r] : src.recipes) {
        const at::ScalarType stored = r.parts[0].scalar_type();
        bool sameStored = true;
        for (const auto &p : r.parts)
            sameStored = sameStored && p.scalar_type() == stored;
        if (!isStoredType(stored) || !sameStored)
            throw Error(StatusCode::CorruptFile, format("{}: tensor '{}' is {}, not a floating-point weight",
                                                        ck.fileOf(src.prefix + name), src.prefix + name,
                                                        at::toString(stored)));
        const bool scaleBuffer = endsWith(name, ".scale_weight") || endsWith(name, ".scale_input");
        scaled = scaled || scaleBuffer;
        if (scaleBuffer)
            r.dtype = at::kFloat;
        else if (linearWeights.count(name) && options.keepStored)
            r.dtype = stored;
        else
            r.dtype = options.compute;
        if (linearWeights.count(name))
            storedBy[stored] += static_cast<uint64_t>(own.at(name).numel()) * at::elementSize(stored);
        if (isFp8(r.parts[0]) && !linearWeights.count(name) && !scaleBuffer)
            r.dtype = options.compute; // an fp8 bias or norm scale: decoded once
        if (linearWeights.count(name)) {
            // Decoded here (not kept as fp8): the scale applies now; kept as fp8, the layer's buffer holds it.
            auto scale = src.recipes.find(name.substr(0, name.size() - 6) + "scale_weight");
            if (scale != src.recipes.end())
                r.scales = {scale->second.parts[0].to(at::kFloat)};
        }
    }
    if (!storedBy.empty()) {
        auto most = std::max_element(storedBy.begin(), storedBy.end(),
                                     [](const auto &a, const auto &b) { return a.second < b.second; });
        out.precision = precisionName(most->first, scaled) + (storedBy.size() > 1 ? " (mixed)" : "");
    }

    // Blocks that do not fit the budget are streamed: the first ones stay, the rest are made per use.
    struct Block
    {
        torch::nn::Module *module;
        std::string prefix;
        uint64_t bytes = 0;
    };
    std::vector<Block> blocks;
    for (int64_t i = 0; i < src.config.depth; ++i)
        blocks.push_back({m.double_blocks->ptr(i).get(), format("double_blocks.{}.", i)});
    for (int64_t i = 0; i < src.config.depth_single_blocks; ++i)
        blocks.push_back({m.single_blocks->ptr(i).get(), format("single_blocks.{}.", i)});
    uint64_t total = 0, blockTotal = 0, largest = 0;
    for (const auto &[name, r] : src.recipes) {
        const uint64_t bytes = static_cast<uint64_t>(own.at(name).numel()) * at::elementSize(r.dtype);
        total += bytes;
        out.storedBytes += static_cast<uint64_t>(own.at(name).numel()) * r.parts[0].element_size();
        for (auto &b : blocks)
            if (startsWith(name, b.prefix) && linearWeights.count(name))
                b.bytes += bytes;
    }
    for (const auto &b : blocks) {
        blockTotal += b.bytes;
        largest = std::max(largest, b.bytes);
    }
    std::set<std::string> streamedPrefixes;
    if (options.budget > 0 && total > options.budget) {
        uint64_t used = total - blockTotal + largest; // what never streams, and the one block being used
        for (const auto &b : blocks) {
            if (used + b.bytes <= options.budget && streamedPrefixes.empty())
                used += b.bytes;
            else
                streamedPrefixes.insert(b.prefix);
        }
        m.streamer = std::make_shared<WeightStreamer>(options.device);
    }

    // Make the resident ones (each source's pages handed back once copied), and hand the rest to the streamer.
    std::map<std::string, std::map<std::string, WeightRecipe>> streamedRecipes;
    for (auto &[name, t] : own) {
        WeightRecipe &r = src.recipes.at(name);
        std::string blockPrefix;
        for (const auto &p : streamedPrefixes)
            if (startsWith(name, p))
                blockPrefix = p;
        if (!blockPrefix.empty() && linearWeights.count(name)) {
            if (options.device.is_cuda()) {
                // Streamed to the GPU from pinned host memory, in the type it is kept in.
                WeightRecipe host;
                host.parts = {r.make(at::kCPU).pin_memory()};
                host.dtype = r.dtype;
                r.releaseSources();
                streamedRecipes[blockPrefix][name.substr(blockPrefix.size())] = std::move(host);
            } else {
                streamedRecipes[blockPrefix][name.substr(blockPrefix.size())] = r;
            }
            continue;
        }
        at::Tensor made = r.make(options.device);
        const bool view = r.parts.size() == 1 && made.data_ptr() == r.parts[0].data_ptr();
        if (!view)
            r.releaseSources();
        else if (options.prefault)
            touchPages(made);
        t.set_data(made);
        out.residentBytes += static_cast<uint64_t>(made.numel()) * made.element_size();
    }
    for (auto &b : blocks)
        if (streamedRecipes.count(b.prefix))
            m.streamer->addBlock(*b.module, std::move(streamedRecipes[b.prefix]));
    if (m.streamer) {
        out.streamedBlocks = m.streamer->streamedBlocks();
        out.largestBlockBytes = m.streamer->largestBlockBytes();
    }
    m.eval();
    for (auto &p : m.parameters())
        p.set_requires_grad(false);
    log::info("core.model", "loaded FLUX transformer from {} ({} layout, {} weights, {} parameters, computing in {}; {} "
              "resident{})", ck.path(), fluxLayoutName(out.layout), out.precision,
              humanCount(static_cast<uint64_t>(src.config.parameterCount())), at::toString(options.compute),
              humanBytes(out.residentBytes),
              out.streamedBlocks ? format(", {} blocks streamed", out.streamedBlocks) : std::string());
    return out;
}

namespace {

// The autoencoder's tensors by BFL name (stored name and shape under it), in either layout.
struct AeNames
{
    bool diffusers = false;
    std::map<std::string, std::string> stored;             // BFL -> stored name
    std::map<std::string, std::vector<int64_t>> shapes;    // BFL -> shape as BFL has it
    std::vector<std::string> unexpected;                   // stored names with no BFL name
};

AeNames aeNames(const Checkpoint &ck)
{
    AeNames out;
    const std::string prefix = [&] {
        for (const char *p : {"first_stage_model.", "vae.", "ae."}) {
            bool all = true;
            for (const auto &n : ck.names())
                all = all && startsWith(n, p);
            if (all && !ck.names().empty())
                return std::string(p);
        }
        return std::string();
    }();
    std::vector<std::string> names;
    for (const auto &n : ck.names())
        names.push_back(n.substr(prefix.size()));
    out.diffusers = isDiffusersAutoEncoder(names);
    int64_t levels = 0;
    if (out.diffusers)
        while (levels < 16 && ck.contains(prefix + format("encoder.down_blocks.{}.resnets.0.conv1.weight", levels)))
            ++levels;
    for (const auto &n : names) {
        const std::string bfl = out.diffusers ? autoEncoderBflName(n, levels) : n;
        if (bfl.empty()) {
            out.unexpected.push_back(prefix + n);
            continue;
        }
        out.stored[bfl] = prefix + n;
        std::vector<int64_t> shape = ck.info(prefix + n).shape;
        if (out.diffusers && shape.size() == 2 && bfl.find(".attn_1.") != std::string::npos)
            shape.insert(shape.end(), {1, 1}); // a linear layer where BFL has a 1x1 convolution
        out.shapes[bfl] = shape;
    }
    return out;
}

AutoEncoderConfig aeConfigOf(const Checkpoint &ck, const AeNames &names)
{
    auto meta = ck.metadata().find("config");
    if (meta != ck.metadata().end())
        return AutoEncoderConfig::fromJson(meta->second);
    // A convolution's weight, checked before any of it is used: present, [out, in, kh, kw], every size
    // positive and within reason. The message names the tensor.
    auto shape = [&](const std::string &k) {
        auto it = names.shapes.find(k);
        if (it == names.shapes.end())
            throw Error(StatusCode::Unsupported, ck.path() + ": not a FLUX autoencoder checkpoint: no '" + k + "'" +
                                                     (names.diffusers ? " (in diffusers' AutoencoderKL names)" : ""));
        const auto &s = it->second;
        if (s.size() != 4)
            throw Error(StatusCode::CorruptFile, format("{}: '{}' has {} dimensions where a convolution has 4", ck.path(),
                                                        names.stored.at(k), s.size()));
        for (int64_t d : s)
            if (d < 1 || d > (int64_t{1} << 16))
                throw Error(StatusCode::CorruptFile, format("{}: '{}' has a size of {}, outside 1 to 65536", ck.path(),
                                                            names.stored.at(k), d));
        return s;
    };
    AutoEncoderConfig c;
    c.ch = shape("encoder.conv_in.weight")[0];
    c.in_channels = shape("encoder.conv_in.weight")[1];
    c.z_channels = shape("decoder.conv_in.weight")[1];
    c.out_ch = shape("decoder.conv_out.weight")[0];
    c.ch_mult.clear();
    for (int i = 0; i < 16 && names.shapes.count(format("encoder.down.{}.block.0.conv1.weight", i)); ++i) {
        const int64_t out = shape(format("encoder.down.{}.block.0.conv1.weight", i))[0];
        if (out % c.ch != 0)
            throw Error(StatusCode::CorruptFile, format("{}: 'encoder.down.{}.block.0.conv1.weight' has {} channels, not a "
                                                        "multiple of 'encoder.conv_in.weight''s {}", ck.path(), i, out, c.ch));
        c.ch_mult.push_back(out / c.ch);
    }
    c.num_res_blocks = 0;
    while (c.num_res_blocks < 64 && names.shapes.count(format("encoder.down.0.block.{}.conv1.weight", c.num_res_blocks)))
        ++c.num_res_blocks;
    c.validate();
    return c;
}

} // namespace

AutoEncoderConfig autoEncoderConfigOf(const Checkpoint &ck)
{
    return aeConfigOf(ck, aeNames(ck));
}

AutoEncoder loadAutoEncoder(const Checkpoint &checkpoint, at::ScalarType dtype)
{
    const AeNames names = aeNames(checkpoint);
    const AutoEncoderConfig config = aeConfigOf(checkpoint, names);
    if (!names.unexpected.empty()) {
        const bool sdStyle = std::any_of(names.unexpected.begin(), names.unexpected.end(), [](const std::string &n) {
            return n.find("quant_conv.") != std::string::npos;
        });
        LoadProblems p;
        p.unexpected = names.unexpected;
        throw Error(StatusCode::CorruptFile,
                    checkpoint.path() + (sdStyle ? " is a Stable Diffusion-style autoencoder (it has quant_conv layers, "
                                                   "which FLUX's has not); FLUX needs its own 16-channel autoencoder "
                                                   "(ae.safetensors, or vae/ of FLUX.1-dev):"
                                                 : " does not match a FLUX autoencoder:") +
                        p.describe());
    }
    AutoEncoder ae{nullptr};
    {
        torch::NoGradGuard noGrad;
        ae = AutoEncoder(config);
        ae->to(dtype);
    }
    st::TensorMap tensors;
    for (const auto &[bfl, stored] : names.stored) {
        at::Tensor t = storedTensor(checkpoint, stored);
        if (isFp8(t))
            t = decodeFp8(t, dtype);
        tensors[bfl] = t.view(names.shapes.at(bfl));
    }
    loadStateDict(*ae, tensors, checkpoint.path());
    ae->eval();
    for (auto &p : ae->parameters())
        p.set_requires_grad(false);
    log::info("core.model", "loaded FLUX autoencoder from {} ({} layout, z_channels {}, scale {}, shift {})",
              checkpoint.path(), names.diffusers ? "diffusers" : "bfl", config.z_channels, config.scale_factor,
              config.shift_factor);
    return ae;
}

} // namespace mosaic::model
