#include <mosaic/tools.h>

#include "io/checkpoint.h"
#include "io/safetensors.h"
#include "pipeline/bundle.h"
#include "model/loader.h"
#include "util/error.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

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

Status setBundleDefaults(const std::string &path, const std::string &outPath, const BundleDefaultsEdit &edit)
{
    return guarded([&] {
        for (const double v : {edit.cfg, edit.refCfg})
            if (!std::isfinite(v) || (v >= 0.0 && (v < 1.0 || v > 100.0)))
                throw Error(StatusCode::InvalidArgument,
                            format("a default guidance scale must be between 1 and 100 (1 is off), not {}", v));
        if (!std::isfinite(edit.collage) || edit.collage >= 1.0)
            throw Error(StatusCode::InvalidArgument,
                        format("the default reference collage must be at least 0 (off) and below 1, not {}", edit.collage));
        if (edit.size != 0 && (edit.size < 16 || edit.size > 2048 || edit.size % 16 != 0))
            throw Error(StatusCode::InvalidArgument,
                        format("a default image size must be a multiple of 16 from 16 to 2048, not {}", edit.size));
        if (outPath.empty())
            throw Error(StatusCode::InvalidArgument, "no output file");
        const Checkpoint ck = Checkpoint::open(path);
        if (ck.shardCount() != 1)
            throw Error(StatusCode::InvalidArgument, path + " is sharded; a bundle is one file");
        std::map<std::string, std::string> metadata = ck.metadata();
        const auto it = metadata.find("mosaic.bundle");
        if (it == metadata.end())
            throw Error(StatusCode::InvalidArgument, path + " is not a MOSAIC Studio bundle (no mosaic.bundle metadata)");
        nlohmann::json j = nlohmann::json::parse(it->second, nullptr, false);
        if (!j.is_object() || !j.contains("defaults") || !j.at("defaults").is_object())
            throw Error(StatusCode::CorruptFile, path + ": the bundle description has no defaults");
        if (edit.cfg >= 0.0)
            j["defaults"]["cfg"] = edit.cfg;
        if (edit.refCfg >= 0.0)
            j["defaults"]["ref_cfg"] = edit.refCfg;
        if (edit.collage >= 0.0)
            j["defaults"]["collage"] = edit.collage;
        if (edit.size != 0) {
            // The size it was trained at stays known (the suggester and training read it).
            const int old = j["defaults"].value("size", 0);
            if (!j["defaults"].contains("native_size") && old > 0 && old != edit.size)
                j["defaults"]["native_size"] = old;
            j["defaults"]["size"] = edit.size;
        }
        it->second = j.dump();
        const st::TensorMap tensors = ck.loadAll();
        // Written beside the target first and loaded as the app would, so that a bundle that does not
        // load never replaces one that does.
        const std::string staged = outPath + ".defaults-tmp";
        st::write(staged, tensors, metadata);
        std::error_code ec;
        try {
            (void)pipeline::loadBundle(staged);
        } catch (...) {
            std::filesystem::remove(staged, ec);
            throw;
        }
        std::filesystem::rename(staged, outPath, ec);
        if (ec) {
            std::filesystem::remove(staged, ec);
            throw Error(StatusCode::IoError, format("cannot write {}: {}", outPath, ec.message()));
        }
    });
}

} // namespace mosaic
