#include "pipeline/bundle.h"

#include "data/toys.h"
#include "io/checkpoint.h"
#include "model/text_encoder.h"
#include "model/state_dict.h"
#include "pipeline/model_set.h"
#include "pipeline/sampling.h"
#include "util/error.h"
#include "util/memory.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strings.h"

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace mosaic::pipeline {

namespace {

st::TensorMap withPrefix(const std::string &prefix, const st::TensorMap &in)
{
    st::TensorMap out;
    for (const auto &e : in)
        if (startsWith(e.first, prefix))
            out[e.first.substr(prefix.size())] = e.second;
    return out;
}

template <typename M> void freeze(M &module)
{
    module->eval();
    for (auto &p : module->parameters())
        p.set_requires_grad(false);
}

// The description against the tensors, before anything is built: a description that asks for another
// model than the file holds (a larger one above all: depth 100000 would allocate gigabytes) is refused.
void checkAgainstTensors(const Checkpoint &ck, const model::FluxConfig &flux, const model::AutoEncoderConfig &ae,
                         const model::TextEncoderConfig &text)
{
    const model::FluxConfig held = model::FluxConfig::detect(ck.shapes("transformer."));
    if (held.hidden_size != flux.hidden_size || held.depth != flux.depth ||
        held.depth_single_blocks != flux.depth_single_blocks || held.in_channels != flux.in_channels ||
        held.context_in_dim != flux.context_in_dim || held.vec_in_dim != flux.vec_in_dim ||
        held.num_heads != flux.num_heads || held.guidance_embed != flux.guidance_embed)
        throw Error(StatusCode::CorruptFile,
                    format("{}: the description's transformer (width {}, {} heads, {} double and {} single blocks) is not "
                           "the one the file holds (width {}, {} heads, {} double and {} single blocks)",
                           ck.path(), flux.hidden_size, flux.num_heads, flux.depth, flux.depth_single_blocks,
                           held.hidden_size, held.num_heads, held.depth, held.depth_single_blocks));
    auto dims = [&](const std::string &name) {
        return ck.contains(name) ? ck.info(name).shape : std::vector<int64_t>{};
    };
    int64_t levels = 0, blocks = 0;
    while (levels < 16 && ck.contains(format("ae.encoder.down.{}.block.0.conv1.weight", levels)))
        ++levels;
    while (blocks < 64 && ck.contains(format("ae.encoder.down.0.block.{}.conv1.weight", blocks)))
        ++blocks;
    const auto conv = dims("ae.encoder.conv_in.weight"), zin = dims("ae.decoder.conv_in.weight");
    if (conv.size() != 4 || zin.size() != 4 || conv[0] != ae.ch || zin[1] != ae.z_channels ||
        levels != static_cast<int64_t>(ae.ch_mult.size()) || blocks != ae.num_res_blocks)
        throw Error(StatusCode::CorruptFile,
                    format("{}: the description's autoencoder ({} channels, {} levels of {} blocks, {} latent channels) is "
                           "not the one the file holds", ck.path(), ae.ch, ae.ch_mult.size(), ae.num_res_blocks,
                           ae.z_channels));
    const auto embed = dims("text.embed.weight"), position = dims("text.position");
    int64_t layers = 0;
    while (layers < 65 && ck.contains(format("text.layers.{}.qkv.weight", layers)))
        ++layers;
    if (embed.size() != 2 || position.size() != 2 || embed[0] != text.vocab_size || position[0] != text.max_length ||
        layers != text.layers)
        throw Error(StatusCode::CorruptFile,
                    format("{}: the description's text encoder ({} words, {} positions, {} layers) is not the one the file "
                           "holds", ck.path(), text.vocab_size, text.max_length, text.layers));
}

} // namespace

int64_t Bundle::patch() const
{
    return patchSize(static_cast<int64_t>(ae->config.ch_mult.size()));
}

bool adaptTransformerInput(Bundle &b, uint64_t seed)
{
    const int64_t p = b.patch(), width = b.ae->config.z_channels * p * p;
    if (b.flux->config.in_channels == width && b.flux->config.out_channels == width)
        return false;
    if (b.lora)
        throw Error(StatusCode::InvalidArgument, "the transformer's input width cannot change under a loaded LoRA "
                                                 "(its adapters belong to the old layers)");
    torch::NoGradGuard noGrad;
    model::FluxConfig fc = b.flux->config;
    fc.in_channels = fc.out_channels = width;
    model::Flux fresh(fc);
    const auto old = b.flux->named_parameters();
    auto freshParams = fresh->named_parameters();
    std::string renewed;
    // (The modules' own initialisation draws from LibTorch's default generator, seeded afresh in every
    // process: the renewed layers are drawn again from the seed.)
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed ^ 0xada97u);
    for (auto &e : freshParams) {
        const at::Tensor *src = old.find(e.key());
        if (src && src->sizes() == e.value().sizes()) {
            e.value().copy_(*src);
            continue;
        }
        renewed += (renewed.empty() ? "" : ", ") + e.key();
        // A Linear's weight [out, in] and its bias [out]: both within 1/sqrt(in).
        const std::string key = e.key();
        const bool bias = key.size() > 5 && key.compare(key.size() - 5, 5, ".bias") == 0;
        const at::Tensor *weight = bias ? freshParams.find(key.substr(0, key.size() - 5) + ".weight") : &e.value();
        const int64_t fanIn = weight && weight->dim() == 2 ? weight->size(1) : e.value().numel();
        const double bound = 1.0 / std::sqrt(static_cast<double>(std::max<int64_t>(1, fanIn)));
        e.value().uniform_(-bound, bound, gen);
    }
    const auto oldBuffers = b.flux->named_buffers();
    for (auto &e : fresh->named_buffers())
        if (const at::Tensor *src = oldBuffers.find(e.key()); src && src->sizes() == e.value().sizes())
            e.value().copy_(*src);
    log::info("core.pipeline", "transformer input {} -> {} values per token: {} initialised afresh",
              b.flux->config.in_channels, width, renewed);
    fresh->to(b.flux->parameters().front().device(), b.flux->parameters().front().scalar_type());
    b.flux = fresh;
    return true;
}

std::string describeBundleJson(const Bundle &b)
{
    nlohmann::json j;
    j["format"] = "mosaic-bundle";
    j["version"] = 1;
    j["name"] = b.name;
    j["transformer"] = nlohmann::json::parse(b.flux->config.toJson());
    j["autoencoder"] = nlohmann::json::parse(b.ae->config.toJson());
    j["text"] = {{"max_length", b.text->config.max_length},
                 {"layers", b.text->config.layers},
                 {"heads", b.text->config.heads},
                 {"vocabulary", b.tokenizer.vocabulary()}};
    j["defaults"] = {{"size", b.defaults.size},
                     {"steps", b.defaults.steps},
                     {"guidance", b.defaults.guidance},
                     {"ref_size", b.defaults.refSize},
                     {"max_subjects", b.defaults.maxSubjects},
                     {"cfg", b.defaults.cfg},
                     {"ref_cfg", b.defaults.refCfg},
                     {"collage", b.defaults.collage}};
    if (b.defaults.nativeSize > 0)
        j["defaults"]["native_size"] = b.defaults.nativeSize;
    return j.dump();
}

static uint64_t estimateBundleBytes(const Checkpoint &ck, const model::FluxConfig &flux, const model::AutoEncoderConfig &ae,
                             const model::TextEncoderConfig &text, const BundleDefaults &d, at::ScalarType dtype)
{
    // The weights as the modules hold them (transformer and autoencoder in `dtype`, the text encoder
    // in float32)...
    uint64_t elements = 0, textElements = 0;
    for (const auto &name : ck.names()) {
        uint64_t n = 1;
        for (int64_t s : ck.info(name).shape)
            n *= static_cast<uint64_t>(std::max<int64_t>(s, 0));
        (startsWith(name, "text.") ? textElements : elements) += n;
    }
    const uint64_t weights = elements * c10::elementSize(dtype) + textElements * 4;
    // ...then whichever is larger: the file's tensors, read whole before they are copied in, or one run at
    // the default size (the joint sequence's activations: about a dozen hidden-wide float32 rows per
    // token, with classifier-free guidance's second batch; the decoder's widest level at full size).
    const uint64_t side = static_cast<uint64_t>(std::max(d.size, 16)), ref = static_cast<uint64_t>(std::max(d.refSize, 16));
    const uint64_t tokens = (side / 16) * (side / 16) + static_cast<uint64_t>(std::max(d.maxSubjects, 0)) * (ref / 16) *
                                                            (ref / 16) + static_cast<uint64_t>(text.max_length);
    const uint64_t joint = tokens * static_cast<uint64_t>(flux.hidden_size) * 4 * 12 * 2;
    const uint64_t decoder = side * side * static_cast<uint64_t>(ae.ch * ae.ch_mult.front()) * 4 * 4;
    return weights + std::max<uint64_t>(ck.totalBytes(), joint + decoder);
}

std::unique_ptr<Bundle> loadBundle(const std::string &path, at::ScalarType dtype)
{
    const Checkpoint ck = Checkpoint::open(path);
    auto meta = ck.metadata().find("mosaic.bundle");
    if (meta == ck.metadata().end())
        throw Error(StatusCode::Unsupported, path + ": not a MOSAIC Studio model bundle (no \"mosaic.bundle\" "
                                                    "description in its metadata)");
    // Bounded (size and depth): nothing below walks a value deeper than the limit.
    const nlohmann::json j = parseBoundedJson(meta->second, path + ": the bundle description", {16u << 20, 16});
    auto b = std::make_unique<Bundle>();
    b->path = path;
    b->dtype = dtype;
    try {
        if (j.value("format", "") != "mosaic-bundle" || j.value("version", 0) != 1)
            throw Error(StatusCode::Unsupported, path + ": unknown bundle format or version");
        b->name = j.value("name", "unnamed");
        const auto fluxConfig = model::FluxConfig::fromJson(j.at("transformer").dump());
        const auto aeConfig = model::AutoEncoderConfig::fromJson(j.at("autoencoder").dump());
        const int64_t levels = static_cast<int64_t>(aeConfig.ch_mult.size());
        if (levels != 3 && levels != 4)
            throw Error(StatusCode::CorruptFile, format("{}: an autoencoder of {} levels (3 or 4 make 16-px tokens)",
                                                        path, levels));
        const int64_t p = patchSize(levels);
        if (aeConfig.z_channels * p * p != fluxConfig.in_channels || fluxConfig.out_channels != fluxConfig.in_channels)
            throw Error(StatusCode::CorruptFile, format("{}: the autoencoder's {} latent channels in {}x{} patches do "
                                                        "not make the transformer's {} input channels",
                                                        path, aeConfig.z_channels, p, p, fluxConfig.in_channels));
        b->tokenizer = model::Tokenizer(j.at("text").at("vocabulary").get<std::vector<std::string>>());
        model::TextEncoderConfig tc;
        tc.vocab_size = static_cast<int64_t>(b->tokenizer.vocabulary().size());
        tc.max_length = j.at("text").at("max_length").get<int64_t>();
        tc.layers = j.at("text").value("layers", int64_t{0});
        tc.heads = j.at("text").value("heads", int64_t{1});
        tc.context_dim = fluxConfig.context_in_dim;
        tc.vec_dim = fluxConfig.vec_in_dim;
        const auto &d = j.at("defaults");
        b->defaults.size = d.value("size", b->defaults.size);
        b->defaults.steps = d.value("steps", b->defaults.steps);
        b->defaults.guidance = d.value("guidance", b->defaults.guidance);
        b->defaults.refSize = d.value("ref_size", b->defaults.refSize);
        b->defaults.maxSubjects = d.value("max_subjects", b->defaults.maxSubjects);
        b->defaults.cfg = d.value("cfg", b->defaults.cfg);
        b->defaults.refCfg = d.value("ref_cfg", b->defaults.refCfg);
        b->defaults.collage = d.value("collage", b->defaults.collage);
        b->defaults.nativeSize = d.value("native_size", 0);
        if (b->defaults.nativeSize < 0 || b->defaults.nativeSize > 4096 || b->defaults.nativeSize % 16)
            throw Error(StatusCode::CorruptFile, format("{}: the bundle's native size {} is not a multiple of 16 up to 4096",
                                                        path, b->defaults.nativeSize));
        if (!(b->defaults.collage >= 0.0f && b->defaults.collage < 1.0f))
            throw Error(StatusCode::CorruptFile,
                        format("{}: the bundle's default reference collage ({}) must be at least 0 and below 1", path,
                               b->defaults.collage));
        if (!(b->defaults.cfg >= 1.0f && b->defaults.cfg <= 100.0f && b->defaults.refCfg >= 1.0f &&
              b->defaults.refCfg <= 100.0f))
            throw Error(StatusCode::CorruptFile,
                        format("{}: the bundle's default guidance scales (cfg {}, ref_cfg {}) must be between 1 and 100",
                               path, b->defaults.cfg, b->defaults.refCfg));
        if (tc.vocab_size < 2 || tc.max_length < 1 || tc.max_length > 4096 || tc.layers < 0 || tc.layers > 64 ||
            tc.heads < 1 || tc.heads > 256 || b->defaults.size % 16 || b->defaults.refSize % 16)
            throw Error(StatusCode::CorruptFile, path + ": the bundle description has impossible sizes");
        checkAgainstTensors(ck, fluxConfig, aeConfig, tc);
        checkMemoryEstimate(estimateBundleBytes(ck, fluxConfig, aeConfig, tc, b->defaults, dtype), path);

        torch::NoGradGuard noGrad;
        b->flux = model::Flux(fluxConfig);
        b->ae = model::AutoEncoder(aeConfig);
        b->text = model::TextEncoder(tc);
        b->flux->to(dtype);
        b->ae->to(dtype);
        const st::TensorMap all = ck.loadAll();
        model::loadStateDict(*b->flux, withPrefix("transformer.", all), path + " (transformer)");
        model::loadStateDict(*b->ae, withPrefix("ae.", all), path + " (autoencoder)");
        model::loadStateDict(*b->text, withPrefix("text.", all), path + " (text encoder)");
        for (const auto &e : all)
            if (!startsWith(e.first, "transformer.") && !startsWith(e.first, "ae.") && !startsWith(e.first, "text."))
                throw Error(StatusCode::CorruptFile, path + ": unexpected tensor '" + e.first + "' in a bundle");
    } catch (const nlohmann::json::exception &e) {
        throw Error(StatusCode::CorruptFile, path + ": the bundle description is incomplete: " + e.what());
    }
    freeze(b->flux);
    freeze(b->ae);
    freeze(b->text);
    log::info("core.model", "loaded bundle '{}' from {} ({} transformer parameters)", b->name, path,
              humanCount(static_cast<uint64_t>(b->flux->config.parameterCount())));
    return b;
}

void saveBundle(const Bundle &b, const std::string &path, at::ScalarType storage)
{
    if (storage != at::kFloat && storage != at::kBFloat16 && storage != at::kHalf)
        throw Error(StatusCode::InvalidArgument, "a bundle is stored in float32, bfloat16 or float16");
    // Matrices and convolution kernels take the storage type; vectors (biases, norms, scales) and the
    // text embeddings stay float32, where rounding would change the most for the fewest bytes saved.
    auto stored = [storage](const at::Tensor &t) {
        at::Tensor c = t.detach().to(at::kCPU);
        return c.dim() >= 2 ? c.to(storage).contiguous() : c.to(at::kFloat).contiguous();
    };
    st::TensorMap out;
    for (const auto &e : model::stateDict(*b.flux))
        out["transformer." + e.first] = stored(e.second);
    for (const auto &e : model::stateDict(*b.ae))
        out["ae." + e.first] = stored(e.second);
    for (const auto &e : model::stateDict(*b.text))
        out["text." + e.first] = e.second.detach().to(at::kCPU, at::kFloat).contiguous();
    st::write(path, out, {{"mosaic.bundle", describeBundleJson(b)}, {"format", "mosaic-bundle"}});
}

} // namespace mosaic::pipeline

namespace mosaic {

struct ModelBundle::Impl
{
    std::unique_ptr<pipeline::Bundle> bundle;
    BundleDescription description;
};

ModelBundle::ModelBundle(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

pipeline::Bundle &ModelBundleAccess::bundle(ModelBundle &model)
{
    return *model.m_impl->bundle;
}

ModelBundle::~ModelBundle() = default;

const BundleDescription &ModelBundle::description() const
{
    return m_impl->description;
}

Status ModelBundle::useTextEncoders(std::shared_ptr<TextEncoders> encoders)
{
    return guarded([&] {
        pipeline::Bundle &b = *m_impl->bundle;
        std::lock_guard<std::mutex> runLock(b.runMutex);
        if (encoders && (encoders->t5Width() != b.flux->config.context_in_dim || encoders->clipWidth() != b.flux->config.vec_in_dim))
            throw Error(StatusCode::InvalidArgument,
                        format("{}: its transformer takes text tokens of width {} and a pooled vector of width {}; these "
                               "encoders give T5 width {} and CLIP width {}",
                               b.name, b.flux->config.context_in_dim, b.flux->config.vec_in_dim, encoders->t5Width(),
                               encoders->clipWidth()));
        b.fluxText = std::move(encoders);
        log::info("core.model", "{}: prompts go through {}", b.name, b.fluxText ? "T5 and CLIP" : "its own text encoder");
    });
}

namespace {

BundleDescription describe(const pipeline::Bundle &b, const std::string &path)
{
    BundleDescription d;
    d.path = path;
    d.name = b.name;
    d.configJson = b.text ? pipeline::describeBundleJson(b) : std::string();
    d.defaultSize = b.defaults.size;
    d.defaultSteps = b.defaults.steps;
    d.defaultGuidance = b.defaults.guidance;
    d.defaultCfg = b.defaults.cfg;
    d.defaultRefCfg = b.defaults.refCfg;
    d.defaultCollage = b.defaults.collage;
    d.refSize = b.defaults.refSize;
    d.maxSubjects = b.defaults.maxSubjects;
    d.guidanceDistilled = b.flux->config.guidance_embed;
    d.parameterCount = static_cast<uint64_t>(b.flux->config.parameterCount());
    d.hasLora = b.lora != nullptr;
    if (!b.fluxText) { // a word-level bundle
        for (const auto &w : b.tokenizer.vocabulary())
            if (w != "<pad>" && w != "<unk>")
                d.vocabulary.push_back(w);
        for (const auto &k : data::toyKinds())
            if (std::find(d.vocabulary.begin(), d.vocabulary.end(), k) != d.vocabulary.end())
                d.subjectWords.push_back(k);
    }
    std::error_code ec;
    const auto card = std::filesystem::path(path).parent_path() / "README.md";
    if (!path.empty() && std::filesystem::is_regular_file(card, ec))
        d.modelCard = card.string();
    return d;
}

} // namespace

std::vector<std::string> unknownWords(const BundleDescription &model, const std::string &text)
{
    if (model.vocabulary.empty()) // a model that reads any text
        return {};
    return model::Tokenizer::wordsNotIn(text, model.vocabulary);
}

std::string BundleDescription::summary() const
{
    std::string s = name;
    if (kind != "bundle")
        s += " (" + kind + (precision.empty() ? "" : ", " + precision) + ")";
    for (const auto &l : loras)
        s += " + " + l;
    return s;
}

std::shared_ptr<ModelBundle> ModelBundle::load(const std::string &path, Status *status,
                                               const std::string &loraPath)
{
    if (!pipeline::isBundleFile(path)) {
        std::error_code ec;
        const pipeline::FoundFile f = std::filesystem::is_regular_file(path, ec) ? pipeline::classifyFile(path)
                                                                                 : pipeline::FoundFile{};
        if (!f.error.empty()) {
            // What a person needs first: that this is not a model at all; the details after.
            const Status s{StatusCode::CorruptFile,
                           format("{} is not a model file (a MOSAIC bundle, a FLUX transformer or a model folder was "
                                  "expected): {}",
                                  path, f.error)};
            if (status)
                *status = s;
            return nullptr;
        }
        const bool set = std::filesystem::is_directory(path, ec) || f.role == pipeline::FileRole::Transformer;
        if (set) {
            ModelSetSpec spec;
            spec.model = path;
            if (!loraPath.empty())
                spec.loras.push_back({loraPath, 1.0f});
            return load(spec, status);
        }
    }
    std::shared_ptr<ModelBundle> out;
    const Status s = guarded([&] {
        auto impl = std::make_unique<Impl>();
        impl->bundle = pipeline::loadBundle(path);
        auto &b = *impl->bundle;
        if (!loraPath.empty()) {
            b.lora = std::make_unique<model::LoraSet>(model::LoraSet::fromFile(loraPath, *b.flux));
            impl->description.loras.push_back(std::filesystem::path(loraPath).filename().string());
        }
        auto loras = impl->description.loras;
        impl->description = describe(b, path);
        impl->description.loras = loras;
        out.reset(new ModelBundle(std::move(impl)));
    });
    if (status)
        *status = s;
    return s.ok() ? out : nullptr;
}

std::shared_ptr<ModelBundle> ModelBundle::load(const ModelSetSpec &spec, Status *status)
{
    std::shared_ptr<ModelBundle> out;
    const Status s = guarded([&] {
        auto impl = std::make_unique<Impl>();
        ModelSetReport report;
        impl->bundle = pipeline::loadModelSet(spec, &report);
        impl->description = describe(*impl->bundle, spec.model);
        impl->description.kind = report.kind;
        for (const auto &p : report.parts) {
            if (p.role == "transformer")
                impl->description.precision = p.precision;
            if (p.role == "lora")
                impl->description.loras.push_back(format("{} x{}", std::filesystem::path(p.path).filename().string(),
                                                         p.note.substr(p.note.find(' ') + 1)));
        }
        if (report.kind == "bundle")
            impl->description.kind = "bundle";
        out.reset(new ModelBundle(std::move(impl)));
    });
    if (status)
        *status = s;
    return s.ok() ? out : nullptr;
}

} // namespace mosaic
