#include <mosaic/tools.h>

#include "io/checkpoint.h"
#include "model/loader.h"
#include "util/error.h"
#include "util/strings.h"

namespace mosaic {

namespace {

std::string loraLayout(const std::vector<std::string> &names)
{
    for (const auto &n : names) {
        if (n.find("lora_down") != std::string::npos || startsWith(n, "lora_unet_"))
            return "kohya";
        if (n.find(".lora_A.") != std::string::npos)
            return n.find("transformer_blocks") != std::string::npos ? "peft (diffusers names)" : "peft (BFL names)";
    }
    return "unknown";
}

} // namespace

Status inspectCheckpoint(const std::string &path, CheckpointSummary *out)
{
    return guarded([&] {
        const Checkpoint ck = Checkpoint::open(path);
        CheckpointSummary s;
        s.path = path;
        s.fileBytes = ck.totalBytes();
        s.shards = static_cast<int>(ck.shardCount());
        s.metadata = ck.metadata();
        const auto names = ck.names();
        for (const auto &n : names) {
            const auto &info = ck.info(n);
            s.tensors.push_back({n, st::dtypeName(info.dtype), info.shape, info.end - info.begin});
            s.parameterCount += static_cast<uint64_t>(info.numel());
        }
        // A MOSAIC Studio bundle (transformer, autoencoder and text encoder in one file, as the app
        // loads and `mosaic train` writes) carries its configurations in its metadata: no detection.
        if (const auto b = s.metadata.find("mosaic.bundle"); b != s.metadata.end()) {
            s.architecture = "mosaic-bundle";
            s.variant = "transformer, autoencoder and text encoder";
            s.layout = "bundle (keys under transformer., ae., text.)";
            s.configJson = b->second;
            *out = std::move(s);
            return;
        }
        const auto arch = model::detectArchitecture(names);
        s.architecture = model::architectureName(arch);
        s.layout = "-";
        switch (arch) {
        case model::Architecture::FluxTransformer: {
            model::FluxLayout layout;
            const model::FluxConfig c = model::fluxConfigOf(ck, &layout);
            s.layout = model::fluxLayoutName(layout);
            s.variant = c.guidance_embed ? "guidance-distilled (dev-style)" : "no guidance embedding (schnell-style)";
            if (c.hidden_size == 3072 && c.depth == 19 && c.depth_single_blocks == 38)
                s.variant = c.guidance_embed ? "FLUX.1-dev" : "FLUX.1-schnell";
            s.configJson = c.toJson();
            for (const char *p : {"model.diffusion_model.", "transformer."})
                if (!names.empty() && startsWith(names.front(), p))
                    s.prefix = p;
            break;
        }
        case model::Architecture::FluxAutoEncoder: {
            s.layout = "bfl";
            s.configJson = model::autoEncoderConfigOf(ck).toJson();
            break;
        }
        case model::Architecture::Lora: s.layout = loraLayout(names); break;
        case model::Architecture::Unknown: break;
        }
        *out = std::move(s);
    });
}

} // namespace mosaic
