#include "pipeline/model_set.h"

#include "pipeline/estimate.h"

#include "io/checkpoint.h"
#include "model/flux_keymap.h"
#include "model/loader.h"
#include "train/device.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/memory.h"
#include "util/paths.h"
#include "util/strings.h"

#include <mosaic/runtime.h>
#include <mosaic/text.h>

#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <regex>

namespace fs = std::filesystem;

namespace mosaic {

bool parseLoraSpec(const std::string &text, LoraSpec *out)
{
    out->path = text;
    out->scale = 1.0f;
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
        return !text.empty();
    const std::string tail = text.substr(colon + 1);
    if (tail.find('/') != std::string::npos)
        return true; // a colon inside the path
    try {
        size_t used = 0;
        const double v = std::stod(tail, &used);
        if (used != tail.size() || !std::isfinite(v))
            return false;
        out->path = text.substr(0, colon);
        out->scale = static_cast<float>(v);
        return true;
    } catch (const std::exception &) {
        return false;
    }
}

std::string ModelSetReport::text() const
{
    std::string s = format("model set:   {} ({}{}{})\n", name, kind, variant.empty() ? "" : ", FLUX.1-", variant);
    s += format("path:        {}\n", path);
    for (const auto &p : parts) {
        std::string label = p.role + ":";
        label.resize(std::max<size_t>(label.size() + 1, 15), ' ');
        s += label + (p.path.empty() ? "(missing)" : p.path) + "\n";
        std::string details;
        auto add = [&](const std::string &d) { details += (details.empty() ? "" : ", ") + d; };
        if (!p.layout.empty())
            add(p.layout + " layout");
        if (!p.precision.empty())
            add(p.precision);
        if (p.parameters)
            add(humanCount(p.parameters) + " parameters");
        if (p.bytes)
            add(humanBytes(p.bytes));
        if (!details.empty())
            s += "               " + details + "\n";
        if (!p.note.empty())
            s += "               " + p.note + "\n";
        if (!p.problem.empty())
            s += "               problem: " + p.problem + "\n" + (p.fix.empty() ? "" : "               fix: " + p.fix + "\n");
    }
    if (transformerBytes) {
        s += format("memory:      {} for the transformer's weights as stored, plus {} for the autoencoder and the text "
                    "encoders while they run\n",
                    humanBytes(transformerBytes), humanBytes(otherBytes));
        if (largestBlockBytes)
            s += format("             streamed (--max-memory): from about {} (the weights outside the blocks and one block)\n",
                        humanBytes(transformerBytes / 20 + largestBlockBytes));
    }
    s += format("defaults:    {} px, {} steps, guidance {}, up to {} references\n", size, steps, guidance, maxSubjects);
    if (!estimate.empty())
        s += "time:        " + estimate + "\n";
    s += complete ? "status:      complete\n" : "status:      incomplete (see the problems above)\n";
    return s;
}

} // namespace mosaic

namespace mosaic::pipeline {

namespace {

bool isDir(const std::string &p)
{
    std::error_code ec;
    return fs::is_directory(p, ec);
}

bool isFile(const std::string &p)
{
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

// The weight files of a folder (one level): .safetensors, .sft, and shard indexes in place of their shards.
std::vector<std::string> weightFiles(const std::string &dir)
{
    std::vector<std::string> files, indexes;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.empty() || name[0] == '.')
            continue;
        if (endsWith(name, ".safetensors.index.json"))
            indexes.push_back(it->path().string());
        else if (endsWith(name, ".safetensors") || endsWith(name, ".sft"))
            files.push_back(it->path().string());
    }
    // A shard that an index lists is part of that index.
    static const std::regex shard(R"((.*)-\d{5}-of-\d{5}\.safetensors$)");
    std::vector<std::string> out = indexes;
    for (const auto &f : files)
        if (!(std::regex_match(f, shard) && !indexes.empty()))
            out.push_back(f);
    std::sort(out.begin(), out.end());
    return out;
}

bool anyStartsWith(const std::vector<std::string> &names, const std::string &prefix)
{
    return std::any_of(names.begin(), names.end(), [&](const std::string &n) { return startsWith(n, prefix); });
}

} // namespace

const char *fileRoleName(FileRole role)
{
    switch (role) {
    case FileRole::Bundle: return "MOSAIC bundle";
    case FileRole::Transformer: return "FLUX transformer";
    case FileRole::AutoEncoder: return "autoencoder";
    case FileRole::T5: return "T5 encoder";
    case FileRole::Clip: return "CLIP text model";
    case FileRole::Lora: return "LoRA";
    case FileRole::Unknown: return "unknown";
    }
    return "unknown";
}

bool isBundleFile(const std::string &path)
{
    if (!isFile(path) || endsWith(path, ".json"))
        return false;
    try {
        const auto f = st::File::open(path);
        return f->metadata().count("mosaic.bundle") != 0;
    } catch (const Error &) {
        return false;
    }
}

FoundFile classifyFile(const std::string &path)
{
    FoundFile f;
    f.path = path;
    try {
        const Checkpoint ck = Checkpoint::open(path);
        f.bytes = ck.totalBytes();
        const auto names = ck.names();
        f.precision = model::checkpointPrecision(ck);
        if (ck.metadata().count("mosaic.bundle")) {
            f.role = FileRole::Bundle;
            return f;
        }
        auto has = [&](const std::string &n) { return ck.contains(n); };
        if (anyStartsWith(names, "text_model.embeddings.") || has("text_model.embeddings.token_embedding.weight")) {
            f.role = FileRole::Clip;
            f.layout = "hf";
        } else if (has("shared.weight") || has("encoder.block.0.layer.0.SelfAttention.q.weight")) {
            f.role = FileRole::T5;
            f.layout = "hf";
        } else {
            switch (model::detectArchitecture(names)) {
            case model::Architecture::Lora: f.role = FileRole::Lora; break;
            case model::Architecture::FluxAutoEncoder:
                f.role = FileRole::AutoEncoder;
                f.layout = model::isDiffusersAutoEncoder(names) ? "diffusers" : "bfl";
                break;
            case model::Architecture::FluxTransformer: {
                f.role = FileRole::Transformer;
                model::FluxLayout layout;
                const model::FluxConfig c = model::fluxConfigOf(ck, &layout);
                f.layout = model::fluxLayoutName(layout);
                if (anyStartsWith(names, "model.diffusion_model."))
                    f.layout += " (ComfyUI key prefix)";
                f.variant = c.guidance_embed ? "dev" : "schnell";
                f.hidden = c.hidden_size;
                f.doubleBlocks = c.depth;
                f.singleBlocks = c.depth_single_blocks;
                f.mlpRatio = c.mlp_ratio;
                f.parameters = static_cast<uint64_t>(c.parameterCount());
                static const std::regex block(R"(^(?:model\.diffusion_model\.|transformer\.)?((?:single_)?(?:transformer_)?blocks\.\d+)\.)");
                std::map<std::string, uint64_t> blocks;
                std::smatch m;
                for (const auto &n : names)
                    if (std::regex_search(n, m, block)) {
                        const auto &info = ck.info(n);
                        blocks[m[1]] += info.end - info.begin;
                    }
                for (const auto &b : blocks)
                    f.largestBlockBytes = std::max(f.largestBlockBytes, b.second);
                break;
            }
            case model::Architecture::Unknown:
                // A diffusers AutoencoderKL names its encoder and decoder like BFL's but its blocks differently.
                f.role = model::isDiffusersAutoEncoder(names) ? FileRole::AutoEncoder : FileRole::Unknown;
                if (f.role == FileRole::AutoEncoder)
                    f.layout = "diffusers";
                break;
            }
        }
        if (f.role != FileRole::Transformer) {
            uint64_t n = 0;
            for (const auto &name : names) {
                uint64_t e = 1;
                for (int64_t d : ck.info(name).shape)
                    e *= static_cast<uint64_t>(std::max<int64_t>(d, 0));
                n += e;
            }
            f.parameters = n;
        }
    } catch (const Error &e) {
        f.error = e.what();
    } catch (const std::exception &e) {
        f.error = path + ": " + e.what();
    }
    return f;
}

namespace {

int precisionRank(const std::string &p)
{
    if (startsWith(p, "f32"))
        return 4;
    if (startsWith(p, "bf16") || startsWith(p, "f16"))
        return 3;
    if (startsWith(p, "fp8") && p.find("scaled") == std::string::npos)
        return 2;
    return 1;
}

struct Candidates
{
    std::vector<FoundFile> files;
    std::vector<FoundFile> broken; // files that could not be read (reported where a part is missing)
    void addFolder(const std::string &dir)
    {
        if (!isDir(dir))
            return;
        for (const auto &f : weightFiles(dir))
            addFile(f);
    }
    void addFile(const std::string &path)
    {
        for (const auto &f : files)
            if (f.path == path)
                return;
        FoundFile f = classifyFile(path);
        (f.error.empty() ? files : broken).push_back(f);
    }
    std::vector<FoundFile> of(FileRole role) const
    {
        std::vector<FoundFile> out;
        for (const auto &f : files)
            if (f.role == role)
                out.push_back(f);
        return out;
    }
};

// The best of several candidates for a role (the highest precision, then the name), and a note on the rest.
FoundFile choose(std::vector<FoundFile> c, const std::string &where, std::string *note)
{
    std::stable_sort(c.begin(), c.end(), [](const FoundFile &a, const FoundFile &b) {
        const int ra = precisionRank(a.precision), rb = precisionRank(b.precision);
        return ra != rb ? ra > rb : a.path < b.path;
    });
    if (c.size() > 1) {
        std::string others;
        for (size_t i = 1; i < c.size(); ++i)
            others += (i > 1 ? ", " : "") + fs::path(c[i].path).filename().string();
        *note = format("chosen from {} candidates{} (also: {}); give the file to pick another", c.size(), where, others);
    }
    return c.empty() ? FoundFile{} : c.front();
}

ModelSetPart partOf(const std::string &role, const FoundFile &f)
{
    ModelSetPart p;
    p.role = role;
    p.path = f.path;
    p.layout = f.layout;
    p.precision = f.precision;
    p.parameters = f.parameters;
    p.bytes = f.bytes;
    return p;
}

} // namespace

FoundSet findModelSet(const ModelSetSpec &spec)
{
    FoundSet out;
    ModelSetReport &r = out.report;
    r.path = spec.model;
    const std::string root = spec.model;
    std::error_code ec;
    if (root.empty() && spec.transformer.empty())
        throw Error(StatusCode::InvalidArgument, "no model given: a FLUX.1 folder, a transformer file or a ComfyUI models folder");
    if (!root.empty() && !fs::exists(root, ec))
        throw Error(StatusCode::NotFound, root + ": not found");

    Candidates cand;
    std::string t5Dir, clipDir, transformerNoteWhere;
    if (!root.empty() && isDir(root) && isFile((fs::path(root) / "model_index.json").string())) {
        r.kind = "diffusers";
        r.name = fs::path(root).lexically_normal().filename().string();
        if (r.name.empty())
            r.name = fs::path(root).lexically_normal().parent_path().filename().string();
        cand.addFolder((fs::path(root) / "transformer").string());
        cand.addFolder((fs::path(root) / "vae").string());
        if (isFile((fs::path(root) / "vae" / "config.json").string()))
            out.aeConfig = (fs::path(root) / "vae" / "config.json").string();
        t5Dir = (fs::path(root) / "text_encoder_2").string();
        clipDir = (fs::path(root) / "text_encoder").string();
        cand.addFolder(t5Dir);
        cand.addFolder(clipDir);
    } else if (!root.empty() && isDir(root)) {
        fs::path models = root;
        if (isDir((models / "models").string()) && !isDir((models / "diffusion_models").string()) &&
            !isDir((models / "unet").string()))
            models /= "models"; // ComfyUI's own folder
        const bool comfy = isDir((models / "diffusion_models").string()) || isDir((models / "unet").string());
        r.kind = comfy ? "comfyui" : "folder";
        r.name = fs::path(root).lexically_normal().filename().string();
        if (comfy) {
            for (const char *sub : {"diffusion_models", "unet", "checkpoints", "vae", "text_encoders", "clip"})
                cand.addFolder((models / sub).string());
            transformerNoteWhere = " in diffusion_models/";
        } else {
            cand.addFolder(root);
        }
    } else if (!root.empty()) {
        if (isBundleFile(root)) {
            r.kind = "bundle";
            r.name = fs::path(root).stem().string();
            FoundFile f = classifyFile(root);
            r.parts.push_back(partOf("bundle", f));
            r.complete = true;
            // The bundle's own defaults.
            try {
                const auto file = st::File::open(root);
                const auto j = parseBoundedJson(file->metadata().at("mosaic.bundle"), root, {16u << 20, 16});
                const auto &d = j.at("defaults");
                r.size = d.value("size", r.size);
                r.steps = d.value("steps", r.steps);
                r.guidance = d.value("guidance", r.guidance);
                r.maxSubjects = d.value("max_subjects", r.maxSubjects);
            } catch (const std::exception &) {
                // loading says what is wrong with it
            }
            return out;
        }
        cand.addFile(root);
        const FoundFile self = classifyFile(root);
        if (!self.error.empty())
            throw Error(StatusCode::CorruptFile, self.error);
        if (self.role != FileRole::Transformer)
            throw Error(StatusCode::Unsupported,
                        format("{}: a {}, not a FLUX transformer or a model folder (give the transformer, e.g. "
                               "flux1-dev.safetensors, or the folder that holds the set)",
                               root, fileRoleName(self.role)));
        r.kind = self.layout.rfind("diffusers", 0) == 0 ? "diffusers file" : "bfl";
        r.name = fs::path(root).stem().string();
        const fs::path dir = fs::path(root).parent_path().empty() ? fs::path(".") : fs::path(root).parent_path();
        for (const auto &f : weightFiles(dir.string()))
            if (f != root)
                cand.addFile(f);
        const std::string parent = dir.filename().string();
        if (parent == "diffusion_models" || parent == "unet" || parent == "checkpoints") {
            r.kind = "comfyui";
            for (const char *sub : {"vae", "text_encoders", "clip"})
                cand.addFolder((dir.parent_path() / sub).string());
        }
    }

    // Overrides.
    auto overrideFile = [&](const std::string &given, FileRole role, const std::string &what) -> FoundFile {
        std::string path = given;
        if (isDir(given)) {
            const auto files = weightFiles(given);
            if (files.empty())
                throw Error(StatusCode::NotFound, given + ": no .safetensors files in the folder (expected " + what + ")");
            path = files.front();
        }
        FoundFile f = classifyFile(path);
        if (!f.error.empty())
            throw Error(StatusCode::CorruptFile, f.error);
        if (f.role != role)
            throw Error(StatusCode::InvalidArgument,
                        format("{}: a {} where {} is expected", path, fileRoleName(f.role), what));
        return f;
    };

    std::string note;
    FoundFile transformer = !spec.transformer.empty()
                                ? overrideFile(spec.transformer, FileRole::Transformer, "a FLUX transformer")
                                : (root.empty() || !isDir(root) ? (isFile(root) ? classifyFile(root) : FoundFile{})
                                                                : choose(cand.of(FileRole::Transformer), transformerNoteWhere, &note));
    ModelSetPart tp = partOf("transformer", transformer);
    tp.note = note;
    if (transformer.path.empty()) {
        tp.problem = "no FLUX transformer found";
        tp.fix = "give the transformer (--model flux1-dev.safetensors), FLUX.1-dev's folder, or a ComfyUI models folder "
                 "with the file in diffusion_models/";
    } else {
        out.transformer = transformer.path;
        out.transformerFile = transformer;
        r.variant = transformer.variant;
        r.transformerBytes = transformer.bytes;
        r.largestBlockBytes = transformer.largestBlockBytes;
        // A diffusers folder is named after the model; elsewhere the transformer's file is (a ComfyUI
        // models folder holds several).
        if (r.name.empty() || r.kind == "comfyui" || r.kind == "folder")
            r.name = fs::path(transformer.path).stem().string();
    }
    r.parts.push_back(tp);

    note.clear();
    FoundFile ae = !spec.ae.empty() ? overrideFile(spec.ae, FileRole::AutoEncoder, "an autoencoder")
                                    : choose(cand.of(FileRole::AutoEncoder), "", &note);
    ModelSetPart ap = partOf("autoencoder", ae);
    ap.note = note;
    if (ae.path.empty()) {
        ap.problem = "no autoencoder found";
        ap.fix = "put FLUX's ae.safetensors beside the transformer (or in ../vae), or give --ae FILE";
    } else {
        out.ae = ae.path;
        r.otherBytes += ae.bytes;
        if (!spec.ae.empty() && isDir(spec.ae) && isFile((fs::path(spec.ae) / "config.json").string()))
            out.aeConfig = (fs::path(spec.ae) / "config.json").string();
    }
    r.parts.push_back(ap);

    for (const bool t5 : {true, false}) {
        note.clear();
        const std::string given = t5 ? spec.t5 : spec.clip;
        const FileRole role = t5 ? FileRole::T5 : FileRole::Clip;
        FoundFile f = !given.empty() ? overrideFile(given, role, t5 ? "a T5 encoder" : "a CLIP text model")
                                     : choose(cand.of(role), "", &note);
        ModelSetPart p = partOf(t5 ? "t5" : "clip", f);
        p.note = note;
        if (f.path.empty()) {
            p.problem = t5 ? "no T5 encoder found" : "no CLIP text model found";
            p.fix = t5 ? "put t5xxl_fp16.safetensors beside the transformer (or in ../text_encoders), or give --t5 (a "
                         "text_encoder_2 folder or a file)"
                       : "put clip_l.safetensors beside the transformer (or in ../text_encoders), or give --clip (a "
                         "text_encoder folder or a file)";
        } else {
            // A folder's own config and tokenizer go with its weights.
            const std::string dir = !given.empty() && isDir(given) ? given
                                    : (t5 ? t5Dir : clipDir);
            const bool inDir = !dir.empty() && fs::path(f.path).parent_path() == fs::path(dir);
            (t5 ? out.t5 : out.clip) = inDir ? dir : f.path;
            p.path = inDir ? dir : f.path;
            r.otherBytes += f.bytes;
        }
        r.parts.push_back(p);
    }
    out.t5Tokenizer = spec.t5Tokenizer;
    out.clipTokenizer = spec.clipTokenizer;
    if (r.kind == "diffusers") {
        if (out.t5Tokenizer.empty() && isDir((fs::path(root) / "tokenizer_2").string()))
            out.t5Tokenizer = (fs::path(root) / "tokenizer_2").string();
        if (out.clipTokenizer.empty() && isDir((fs::path(root) / "tokenizer").string()))
            out.clipTokenizer = (fs::path(root) / "tokenizer").string();
    }
    for (const bool t5 : {true, false}) {
        ModelSetPart p;
        p.role = t5 ? "t5 tokenizer" : "clip tokenizer";
        const std::string &given = t5 ? out.t5Tokenizer : out.clipTokenizer;
        const std::string encoder = t5 ? out.t5 : out.clip;
        const char *own = t5 ? "spiece.model" : "vocab.json";
        if (!given.empty()) {
            p.path = given;
            p.layout = "given";
        } else if (!encoder.empty() && isDir(encoder) && isFile((fs::path(encoder) / own).string())) {
            p.path = encoder;
            p.layout = "the encoder's";
        } else {
            p.path = shippedTokenizer(t5 ? "t5" : "clip");
            p.layout = "shipped";
            if (p.path.empty()) {
                p.problem = "the set has no tokenizer and the shipped ones are not installed";
                p.fix = t5 ? "give --t5-tokenizer (spiece.model or tokenizer.json)" : "give --clip-tokenizer (vocab.json with merges.txt)";
            }
        }
        r.parts.push_back(p);
    }
    for (const auto &l : spec.loras) {
        FoundFile f = classifyFile(l.path);
        ModelSetPart p = partOf("lora", f);
        p.note = format("strength {}", l.scale);
        if (!f.error.empty()) {
            p.problem = f.error;
            p.fix = "give a LoRA .safetensors file (MOSAIC's subject_512.safetensors)";
        } else if (f.role != FileRole::Lora) {
            p.problem = format("a {}, not a LoRA", fileRoleName(f.role));
            p.fix = "give a LoRA .safetensors file";
        } else {
            r.otherBytes += f.bytes;
            try {
                const Checkpoint ck = Checkpoint::open(l.path);
                for (const char *key : {"modelspec.architecture", "ss_base_model_version", "base_model"}) {
                    auto it = ck.metadata().find(key);
                    if (it == ck.metadata().end() || r.variant.empty())
                        continue;
                    std::string v = it->second;
                    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
                    const bool saysSchnell = v.find("schnell") != std::string::npos;
                    const bool saysDev = v.find("dev") != std::string::npos;
                    if ((saysSchnell && r.variant == "dev") || (saysDev && !saysSchnell && r.variant == "schnell")) {
                        p.problem = format("made for FLUX.1-{} ({} \"{}\"), but the transformer is FLUX.1-{}",
                                           saysSchnell ? "schnell" : "dev", key, it->second, r.variant);
                        p.fix = "use the LoRA with the transformer it was trained on";
                    }
                }
            } catch (const Error &e) {
                p.problem = e.what();
            }
        }
        r.parts.push_back(p);
    }
    // Files that could not be read, where a part was looked for: named, so that a broken download shows.
    for (const auto &b : cand.broken) {
        ModelSetPart p;
        p.role = "unreadable";
        p.path = b.path;
        p.problem = b.error;
        p.fix = "download the file again (it may be truncated), or move it out of the folder";
        r.parts.push_back(p);
    }
    if (r.variant == "schnell") {
        r.steps = 4;
        r.guidance = 0.0f;
    }
    r.complete = true;
    for (const auto &p : r.parts)
        if (!p.problem.empty() && p.role != "unreadable")
            r.complete = false;
    return out;
}

namespace {

template <typename M> void freezeModule(M &module)
{
    module->eval();
    for (auto &p : module->parameters())
        p.set_requires_grad(false);
}

} // namespace

at::ScalarType computeType(const std::string &dtype, const at::Device &device)
{
    if (dtype == "f32")
        return at::kFloat;
    if (dtype == "bf16") {
        if (!device.is_cuda() && !cpuComputesBf16())
            log::warn("core.model", "bf16 asked for on a CPU without native bfloat16 (no AVX-512 BF16, no AMX): "
                                    "expect it to be several times slower than f32 (--dtype auto picks f32 here)");
        return at::kBFloat16;
    }
    if (dtype == "auto" || dtype.empty())
        return device.is_cuda() || cpuComputesBf16() ? at::kBFloat16 : at::kFloat;
    throw Error(StatusCode::InvalidArgument, "the transformer computes in f32, bf16 or auto, not " + dtype);
}

namespace {

void attachLoras(Bundle &b, const ModelSetSpec &spec, const ModelSetReport &report)
{
    for (const auto &l : spec.loras) {
        for (const auto &p : report.parts)
            if (p.role == "lora" && p.path == l.path && !p.problem.empty())
                throw Error(StatusCode::InvalidArgument, l.path + ": " + p.problem);
        model::LoraSet set = model::LoraSet::fromFile(l.path, *b.flux);
        if (!b.lora) {
            b.lora = std::make_unique<model::LoraSet>(std::move(set));
            b.lora->scale = l.scale;
        } else {
            b.lora->append(set, l.scale);
        }
    }
    if (b.lora)
        b.lora->to(b.flux->dtype(), b.device);
}

} // namespace

std::unique_ptr<Bundle> loadModelSet(const ModelSetSpec &spec, ModelSetReport *reportOut)
{
    FoundSet found = findModelSet(spec);
    ModelSetReport &report = found.report;
    if (reportOut)
        *reportOut = report;
    if (report.kind == "bundle") {
        auto b = loadBundle(spec.model);
        attachLoras(*b, spec, report);
        return b;
    }
    if (!report.complete) {
        std::string why;
        for (const auto &p : report.parts)
            if (!p.problem.empty() && p.role != "unreadable")
                why += format("\n  {}: {}{}{}", p.role, p.problem, p.path.empty() ? "" : " (" + p.path + ")",
                              p.fix.empty() ? "" : "; " + p.fix);
        throw Error(StatusCode::NotFound, format("{}: the model set is incomplete:{}", spec.model, why));
    }
    const at::Device device = train::computeDevice(spec.device);
    const at::ScalarType compute = computeType(spec.dtype, device);
    auto b = std::make_unique<Bundle>();
    b->path = spec.model.empty() ? found.transformer : spec.model;
    b->name = report.name;
    b->dtype = compute;
    b->device = device;

    const Checkpoint tck = Checkpoint::open(found.transformer);
    model::FluxLoadOptions o;
    o.compute = compute;
    o.budget = spec.maxMemory;
    o.device = device;
    auto loaded = model::loadFlux(tck, o);
    b->flux = loaded.model;
    const Checkpoint ack = Checkpoint::open(found.ae);
    b->ae = model::loadAutoEncoder(ack, compute);
    if (!found.aeConfig.empty()) {
        const auto j = parseBoundedJson(readFileBounded(found.aeConfig, 1u << 20, found.aeConfig), found.aeConfig, {1u << 20, 8});
        try {
            b->ae->config.scale_factor = j.value("scaling_factor", b->ae->config.scale_factor);
            b->ae->config.shift_factor = j.value("shift_factor", b->ae->config.shift_factor);
        } catch (const nlohmann::json::exception &e) {
            throw Error(StatusCode::CorruptFile, found.aeConfig + ": " + e.what());
        }
    }
    const auto &fc = b->flux->config;
    const auto &ac = b->ae->config;
    if (ac.ch_mult.size() != 4 || ac.z_channels * 4 != fc.in_channels)
        throw Error(StatusCode::InvalidArgument,
                    format("{}: an autoencoder with {} latent channels and {} levels; the transformer ({}) takes {} "
                           "values per token, which FLUX's 16-channel, 8x autoencoder makes (an SD-style VAE has 4 "
                           "channels)",
                           found.ae, ac.z_channels, ac.ch_mult.size(), found.transformer, fc.in_channels));
    b->ae->to(device);
    freezeModule(b->ae);

    TextEncoderPaths tp;
    tp.t5 = found.t5;
    tp.clip = found.clip;
    tp.t5Tokenizer = found.t5Tokenizer;
    tp.clipTokenizer = found.clipTokenizer;
    tp.maxT5Tokens = fc.guidance_embed ? 512 : 256;
    tp.dtype = spec.textDtype;
    tp.keepLoaded = spec.keepTextEncoders;
    Status st;
    auto encoders = TextEncoders::load(tp, &st);
    if (!encoders)
        throw Error(st.code, st.message);
    if (encoders->t5Width() != fc.context_in_dim || encoders->clipWidth() != fc.vec_in_dim)
        throw Error(StatusCode::InvalidArgument,
                    format("{}: the transformer takes text tokens of width {} and a pooled vector of width {}; the "
                           "encoders give {} (T5, {}) and {} (CLIP, {})",
                           found.transformer, fc.context_in_dim, fc.vec_in_dim, encoders->t5Width(), found.t5,
                           encoders->clipWidth(), found.clip));
    b->fluxText = std::shared_ptr<TextEncoders>(std::move(encoders));

    attachLoras(*b, spec, report);

    b->defaults.size = report.size;
    b->defaults.refSize = report.size;
    b->defaults.steps = report.steps;
    b->defaults.guidance = report.guidance > 0 ? report.guidance : 3.5f;
    b->defaults.maxSubjects = report.maxSubjects;
    log::info("core.model", "model set '{}' ({}, FLUX.1-{}): transformer {} ({}) on {}{}, {} LoRA file(s)", b->name,
              report.kind, report.variant, found.transformer, loaded.precision, device.str(),
              loaded.streamedBlocks ? format(" ({} blocks streamed under {})", loaded.streamedBlocks, humanBytes(spec.maxMemory)) : "",
              spec.loras.size());
    return b;
}

} // namespace mosaic::pipeline

namespace mosaic {

Status describeModelSet(const ModelSetSpec &spec, ModelSetReport *report)
{
    return guarded([&] { *report = pipeline::findModelSet(spec).report; });
}

Status inspectModelSet(const ModelSetSpec &spec, ModelSetReport *report)
{
    return guarded([&] {
        const pipeline::FoundSet found = pipeline::findModelSet(spec);
        *report = found.report;
        const pipeline::FoundFile &t = found.transformerFile;
        if (t.hidden > 0) {
            RunShape shape;
            shape.hidden = t.hidden;
            shape.mlpRatio = t.mlpRatio;
            shape.doubleBlocks = t.doubleBlocks;
            shape.singleBlocks = t.singleBlocks;
            shape.textTokens = report->variant == "schnell" ? 256 : 512;
            shape.width = shape.height = shape.refSize = report->size;
            shape.steps = report->steps;
            shape.references = 2;
            const at::Device device = train::computeDevice(spec.device);
            const bool bf16 = pipeline::computeType(spec.dtype, device) == at::kBFloat16;
            report->secondsPerImage = runSeconds(shape, measureGflops(t.hidden, bf16 ? at::kBFloat16 : at::kFloat, device));
            report->estimate = format("about {} per image here ({} px, {} steps, 2 references, {}, {}, weights "
                                      "resident)",
                                      durationText(report->secondsPerImage), report->size, report->steps,
                                      device.is_cuda() ? "on " + device.str() : format("{} thread(s)", threadCount()),
                                      bf16 ? "bf16" : "f32");
        }
    });
}

} // namespace mosaic
