// Training recipes read into plain options (recipe.h).
#include "train/recipe.h"

#include "data/toys.h"
#include "util/error.h"

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace mosaic::train {

namespace {

// A path in a recipe: as given when it exists from the current folder, else beside the recipe.
std::string recipePath(const fs::path &recipeDir, const std::string &path)
{
    if (fs::path(path).is_absolute() || fs::exists(path))
        return path;
    return (recipeDir / path).string();
}

// A recipe's value, or its default; a value of the wrong type is an error naming the key.
class Fields
{
public:
    explicit Fields(const std::string &path) : m_path(path) {}
    template <typename T> T operator()(const json &obj, const char *key, T fallback) const
    {
        try {
            return obj.value(key, fallback);
        } catch (const json::exception &e) {
            throw Error(StatusCode::InvalidArgument, m_path + ": \"" + key + "\": " + e.what());
        }
    }
    std::string operator()(const json &obj, const char *key, const char *fallback) const
    {
        return (*this)(obj, key, std::string(fallback));
    }
    [[noreturn]] void fail(const std::string &what) const { throw Error(StatusCode::InvalidArgument, m_path + ": " + what); }

private:
    std::string m_path;
};

json parseRecipe(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        throw Error(StatusCode::NotFound, path + ": cannot open the recipe");
    try {
        return json::parse(in);
    } catch (const json::exception &e) {
        throw Error(StatusCode::CorruptFile, path + ": not valid JSON: " + e.what());
    }
}

void readInit(const json &r, const Fields &field, const fs::path &recipeDir, Recipe *out)
{
    try {
        const json &init = r.at("init");
        if (init.contains("bundle")) {
            out->initBundle = recipePath(recipeDir, init.at("bundle").get<std::string>());
        } else {
            const json &m = init.at("random");
            RandomBundleOptions ro;
            ro.name = field(m, "name", field(r, "name", ro.name));
            ro.hidden = field(m, "hidden", ro.hidden);
            ro.heads = field(m, "heads", ro.heads);
            ro.doubleBlocks = field(m, "double", ro.doubleBlocks);
            ro.singleBlocks = field(m, "single", ro.singleBlocks);
            ro.imageSize = field(m, "image_size", ro.imageSize);
            ro.refSize = field(m, "ref_size", ro.refSize);
            ro.steps = field(m, "sample_steps", ro.steps);
            ro.guidance = field(m, "guidance", ro.guidance);
            ro.aeChannels = field(m, "ae_channels", ro.aeChannels);
            ro.aeMultipliers = field(m, "ae_multipliers", ro.aeMultipliers);
            ro.aeResBlocks = field(m, "ae_res_blocks", ro.aeResBlocks);
            ro.latentChannels = field(m, "latent_channels", ro.latentChannels);
            ro.maxWords = field(m, "max_words", ro.maxWords);
            ro.textLayers = field(m, "text_layers", ro.textLayers);
            ro.textHeads = field(m, "text_heads", ro.textHeads);
            if (field(m, "vocabulary", std::string()) == "toys")
                ro.vocabulary = data::toyVocabulary();
            ro.seed = field(m, "seed", ro.seed);
            out->initRandom = ro;
        }
        if (const auto it = init.find("autoencoder"); it != init.end())
            out->initAutoencoder = recipePath(recipeDir, it->get<std::string>());
    } catch (const json::exception &e) {
        field.fail(std::string("\"init\" needs {\"bundle\": PATH} or {\"random\": {...}} (") + e.what() + ")");
    }
}

void readTrainer(const json &r, const Fields &field, const TrainRunOptions &o, TrainOptions *t)
{
    t->seed = field(r, "seed", t->seed);
    t->batch = o.batch > 0 ? o.batch : field(r, "batch", t->batch);
    t->learningRate = field(r, "lr", t->learningRate);
    t->weightDecay = field(r, "weight_decay", t->weightDecay);
    t->clipNorm = field(r, "clip", t->clipNorm);
    t->emaDecay = field(r, "ema", t->emaDecay);
    t->scaWeight = field(r, "sca_weight", t->scaWeight);
    t->mdWeight = field(r, "md_weight", t->mdWeight);
    t->mdStart = field(r, "md_start", t->mdStart);
    t->mdRamp = field(r, "md_ramp", t->mdRamp);
    t->reverseScaWeight = field(r, "sca_reverse_weight", t->reverseScaWeight);
    t->subjectWeight = field(r, "subject_weight", t->subjectWeight);
    t->shareWeight = field(r, "share_weight", t->shareWeight);
    t->regionStrength = field(r, "region_strength", t->regionStrength);
    t->regionDropout = field(r, "region_dropout", t->regionDropout);
    t->warmup = field(r, "warmup", t->warmup);
    t->cosine = field(r, "schedule", "constant") == "cosine";
    t->textDropout = field(r, "text_dropout", t->textDropout);
    t->imageDropout = field(r, "image_dropout", t->imageDropout);
    t->uniformTimesteps = field(r, "t_uniform", t->uniformTimesteps);
    if (!(t->uniformTimesteps >= 0.0 && t->uniformTimesteps <= 1.0))
        field.fail("\"t_uniform\" is a share in [0, 1]");
    if (const auto l = r.find("lora"); l != r.end()) {
        t->loraRank = l->at("rank").get<int64_t>();
        t->loraAlpha = field(*l, "alpha", static_cast<double>(t->loraRank));
        t->loraTargets = field(*l, "targets", t->loraTargets);
        if (t->loraRank < 1)
            field.fail("\"lora\": the rank must be at least 1");
    }
    t->device = !o.device.empty() ? o.device : field(r, "device", t->device);
    t->autocast = field(r, "autocast", t->autocast);
    t->checkpointBlocks = field(r, "gradient_checkpointing", t->checkpointBlocks);
    if (const auto pf = r.find("prefetch"); pf != r.end()) {
        if (!pf->is_boolean())
            field.fail("\"prefetch\" is true or false (absent: on when training on CUDA)");
        t->prefetch = pf->get<bool>() ? 1 : 0;
    }
    const double bucket = field(r, "bucket_mb", 25.0);
    if (!(bucket > 0) || bucket > 4096)
        field.fail("\"bucket_mb\" is the size of the gradients' all-reduce buckets in MiB (0 to 4096)");
    t->bucketBytes = static_cast<int64_t>(bucket * (1 << 20));
}

void readData(const json &r, const Fields &field, const TrainRunOptions &o, const fs::path &recipeDir, Recipe *out)
{
    TrainOptions &t = out->train;
    const json &d = r.at("data");
    const std::string sourceKind = field(d, "source", "toys");
    if (sourceKind == "folder")
        out->dataFolder = recipePath(recipeDir, d.at("path").get<std::string>());
    else if (sourceKind != "toys")
        field.fail("\"data.source\" is \"toys\" (MOSAIC-Toys rendered in memory) or \"folder\" (a dataset)");
    t.data.size = field(d, "size", 0);
    t.data.split = field(d, "split", "train");
    t.data.seed = field(d, "seed", static_cast<uint64_t>(1));
    const auto subjects = field(d, "subjects", std::vector<int>{1, 6});
    t.data.minSubjects = subjects.at(0);
    t.data.maxSubjects = subjects.at(subjects.size() - 1);
    if (const auto sc = d.find("scale"); sc != d.end()) {
        if (!sc->is_array() || sc->size() != 2 || !(*sc)[0].is_number() || !(*sc)[1].is_number())
            field.fail("\"data.scale\" is [min, max], the toys' size as a fraction of the image side");
        t.data.minScale = (*sc)[0].get<double>();
        t.data.maxScale = (*sc)[1].get<double>();
    }
    t.data.alignedShrink = field(d, "aligned_shrink", 0);
    out->poolSize = o.poolSize > 0 ? o.poolSize : field(d, "pool", int64_t{0});
    out->poolFile = field(d, "pool_file", std::string());
    if (out->poolSize < 0 || (!out->poolFile.empty() && out->poolSize == 0))
        field.fail("\"data.pool\" is the number of toy examples per subject count to render once (0: render per step)");
    // (pool_file, a file that may not exist yet, is relative to the current folder, as "out" is.)
}

void readAutoEncoder(const json &r, const Fields &field, Recipe *out)
{
    const TrainOptions &t = out->train;
    AutoEncoderTrainOptions &ao = out->ae;
    ao.seed = t.seed;
    ao.batch = t.batch;
    ao.learningRate = t.learningRate;
    ao.clipNorm = t.clipNorm;
    ao.klWeight = field(r, "kl_weight", ao.klWeight);
    ao.device = t.device;
    ao.autocast = t.autocast;
    ao.subjectWeight = field(r, "subject_weight", ao.subjectWeight);
    ao.refSize = field(r, "ae_ref_size", ao.refSize);
    ao.decoderOnly = field(r, "decoder_only", ao.decoderOnly);
    ao.latentNoise = field(r, "latent_noise", ao.latentNoise);
}

} // namespace

Recipe readRecipe(const TrainRunOptions &o)
{
    Recipe out;
    out.path = o.recipePath;
    out.json = parseRecipe(o.recipePath);
    const json &r = out.json;
    const Fields field(o.recipePath);
    const fs::path recipeDir = fs::path(o.recipePath).parent_path();
    out.out = !o.outDir.empty() ? o.outDir : field(r, "out", std::string("runs/") + field(r, "name", "run"));
    out.threads = field(r, "threads", 0);
    readInit(r, field, recipeDir, &out);
    try {
        readTrainer(r, field, o, &out.train);
        readData(r, field, o, recipeDir, &out);
    } catch (const json::exception &e) {
        field.fail(e.what());
    }
    out.storage = field(r, "store", "f32");
    if (out.storage != "f32" && out.storage != "bf16" && out.storage != "f16")
        field.fail("\"store\" is f32, bf16 or f16");
    out.steps = o.steps > 0 ? o.steps : field(r, "steps", int64_t{100});
    out.train.totalSteps = out.steps;
    out.checkpointEvery = field(r, "checkpoint_every", int64_t{100});
    out.sampleEvery = field(r, "sample_every", int64_t{0});
    out.probeEvery = field(r, "probe_every", out.sampleEvery);
    if (out.checkpointEvery < 1 || out.sampleEvery < 0 || out.probeEvery < 0)
        field.fail("\"checkpoint_every\" must be at least 1, \"sample_every\" and \"probe_every\" at least 0");
    // Two kinds of run share the loop: the transformer (MOSAIC's losses) and the autoencoder.
    out.autoencoder = field(r, "component", "transformer") == "autoencoder";
    if (out.autoencoder)
        readAutoEncoder(r, field, &out);
    if (out.poolSize > 0 && (!out.dataFolder.empty() || out.autoencoder || out.train.loraRank > 0))
        field.fail("a toy pool feeds the transformer from MOSAIC-Toys only");
    if (o.poolOnly && out.poolSize == 0)
        field.fail("the recipe names no toy pool (\"data\": {\"pool\": N})");
    if (out.autoencoder && !out.dataFolder.empty())
        throw Error(StatusCode::Unsupported, o.recipePath + ": the autoencoder trains on MOSAIC-Toys only");
    return out;
}

} // namespace mosaic::train
