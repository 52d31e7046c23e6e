#include "model/loader.h"

#include "model/state_dict.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strings.h"

#include <torch/csrc/autograd/grad_mode.h>

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

std::map<std::string, std::vector<int64_t>> shapesOf(const st::TensorMap &tensors)
{
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const auto &e : tensors)
        shapes[e.first] = e.second.sizes().vec();
    return shapes;
}

// The tensors under BFL names, plus what was found about the layout.
st::TensorMap bflTensors(const Checkpoint &ck, FluxConfig *config, FluxLayout *layout, std::string *prefix)
{
    st::TensorMap tensors = stripKnownPrefixes(ck.loadAll(), prefix);
    std::vector<std::string> names;
    for (const auto &e : tensors)
        names.push_back(e.first);
    *layout = detectFluxLayout(names);
    if (*layout == FluxLayout::Unknown)
        throw Error(StatusCode::Unsupported, ck.path() + ": not a FLUX transformer checkpoint (no BFL or diffusers keys)");
    FluxConfig detected = *layout == FluxLayout::Diffusers ? detectDiffusersConfig(tensors)
                                                           : FluxConfig::detect(shapesOf(tensors));
    auto meta = ck.metadata().find("config");
    if (meta != ck.metadata().end()) {
        // A config stored with the weights wins (it knows axes_dim and theta); the loader then
        // verifies that every shape agrees with it.
        try {
            detected = FluxConfig::fromJson(meta->second);
        } catch (const Error &e) {
            log::warn("core.model", "{}: ignoring the config in the metadata ({})", ck.path(), e.what());
        }
    }
    *config = detected;
    if (*layout == FluxLayout::Diffusers)
        tensors = diffusersToBfl(tensors, detected);
    return tensors;
}

} // namespace

FluxConfig fluxConfigOf(const Checkpoint &checkpoint, FluxLayout *layout)
{
    FluxConfig c;
    FluxLayout l;
    std::string prefix;
    bflTensors(checkpoint, &c, &l, &prefix);
    if (layout)
        *layout = l;
    return c;
}

LoadedFlux loadFlux(const Checkpoint &checkpoint, at::ScalarType dtype)
{
    LoadedFlux out;
    FluxConfig config;
    st::TensorMap tensors = bflTensors(checkpoint, &config, &out.layout, &out.prefix);
    {
        torch::NoGradGuard noGrad;
        out.model = Flux(config);
        out.model->to(dtype);
    }
    loadStateDict(*out.model, tensors, checkpoint.path());
    out.model->eval();
    for (auto &p : out.model->parameters())
        p.set_requires_grad(false);
    log::info("core.model", "loaded FLUX transformer from {} ({} layout, {} parameters, {})", checkpoint.path(),
              fluxLayoutName(out.layout), humanCount(config.parameterCount()), at::toString(dtype));
    return out;
}

AutoEncoderConfig autoEncoderConfigOf(const Checkpoint &ck)
{
    auto meta = ck.metadata().find("config");
    if (meta != ck.metadata().end())
        return AutoEncoderConfig::fromJson(meta->second);
    // A convolution's weight, checked before any of it is used: present, [out, in, kh, kw], every size
    // positive and within reason. The message names the tensor.
    auto shape = [&](const std::string &k) {
        if (!ck.contains(k))
            throw Error(StatusCode::Unsupported, ck.path() + ": not a FLUX autoencoder checkpoint: no '" + k + "'");
        const auto s = ck.info(k).shape;
        if (s.size() != 4)
            throw Error(StatusCode::CorruptFile, format("{}: '{}' has {} dimensions where a convolution has 4", ck.path(), k,
                                                        s.size()));
        for (int64_t d : s)
            if (d < 1 || d > (int64_t{1} << 16))
                throw Error(StatusCode::CorruptFile, format("{}: '{}' has a size of {}, outside 1 to 65536", ck.path(), k, d));
        return s;
    };
    AutoEncoderConfig c;
    c.ch = shape("encoder.conv_in.weight")[0];
    c.in_channels = shape("encoder.conv_in.weight")[1];
    c.z_channels = shape("decoder.conv_in.weight")[1];
    c.out_ch = shape("decoder.conv_out.weight")[0];
    c.ch_mult.clear();
    for (int i = 0; i < 16 && ck.contains(format("encoder.down.{}.block.0.conv1.weight", i)); ++i) {
        const int64_t out = shape(format("encoder.down.{}.block.0.conv1.weight", i))[0];
        if (out % c.ch != 0)
            throw Error(StatusCode::CorruptFile, format("{}: 'encoder.down.{}.block.0.conv1.weight' has {} channels, not a "
                                                        "multiple of 'encoder.conv_in.weight''s {}", ck.path(), i, out, c.ch));
        c.ch_mult.push_back(out / c.ch);
    }
    c.num_res_blocks = 0;
    while (c.num_res_blocks < 64 && ck.contains(format("encoder.down.0.block.{}.conv1.weight", c.num_res_blocks)))
        ++c.num_res_blocks;
    c.validate();
    return c;
}

AutoEncoder loadAutoEncoder(const Checkpoint &checkpoint, at::ScalarType dtype)
{
    const AutoEncoderConfig config = autoEncoderConfigOf(checkpoint);
    AutoEncoder ae{nullptr};
    {
        torch::NoGradGuard noGrad;
        ae = AutoEncoder(config);
        ae->to(dtype);
    }
    std::string prefix;
    loadStateDict(*ae, stripKnownPrefixes(checkpoint.loadAll(), &prefix), checkpoint.path());
    ae->eval();
    for (auto &p : ae->parameters())
        p.set_requires_grad(false);
    log::info("core.model", "loaded FLUX autoencoder from {} (z_channels {}, scale {}, shift {})", checkpoint.path(),
              config.z_channels, config.scale_factor, config.shift_factor);
    return ae;
}

} // namespace mosaic::model
