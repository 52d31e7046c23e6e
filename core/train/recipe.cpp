// Training runs from JSON recipes (format: resources/recipes/README.md).
#include <mosaic/dataset.h>
#include <mosaic/image.h>
#include <mosaic/pipeline.h>
#include <mosaic/runtime.h>
#include <mosaic/train.h>

#include "data/toys.h"
#include "image/convert.h"
#include "io/safetensors.h"
#include "pipeline/bundle.h"
#include "train/ae_trainer.h"
#include "train/trainer.h"
#include "train/pool.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/log.h"
#include "util/paths.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <random>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace mosaic {

namespace {

json readRecipe(const std::string &path)
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

// The rows of an existing metrics file before `step` (a resumed run rewrites what follows), in the
// columns of `header` (the current one): a run resumed by a newer version that writes more columns
// keeps its earlier rows, by column name, with 0 in the columns the old file lacks.
std::string metricsBefore(const std::string &path, int64_t step, const std::string &header)
{
    auto split = [](const std::string &line) {
        std::vector<std::string> cells;
        std::string cell;
        std::istringstream in(line);
        while (std::getline(in, cell, ','))
            cells.push_back(cell);
        return cells;
    };
    std::string headerLine = header;
    while (!headerLine.empty() && (headerLine.back() == '\n' || headerLine.back() == '\r'))
        headerLine.pop_back();
    const std::vector<std::string> columns = split(headerLine);
    std::ifstream in(path);
    std::string line, kept;
    std::vector<int> from; // per current column: its index in the old file, or -1
    bool first = true, same = true;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (first) {
            first = false;
            same = line == headerLine;
            const std::vector<std::string> old = split(line);
            for (const auto &c : columns) {
                const auto it = std::find(old.begin(), old.end(), c);
                from.push_back(it == old.end() ? -1 : static_cast<int>(it - old.begin()));
            }
            continue;
        }
        try {
            if (std::stoll(line.substr(0, line.find(','))) >= step)
                continue;
        } catch (const std::exception &) {
            continue; // a damaged row (an interrupted write of an older version): dropped
        }
        if (same) {
            kept += line + "\n";
            continue;
        }
        const std::vector<std::string> cells = split(line);
        std::string row;
        for (size_t c = 0; c < from.size(); ++c) {
            if (c)
                row += ',';
            row += from[c] >= 0 && static_cast<size_t>(from[c]) < cells.size() ? cells[static_cast<size_t>(from[c])] : "0";
        }
        kept += row + "\n";
    }
    return kept;
}

// One row per held-out sample: its target, what the model generates from its references and
// prompt (and the toys' boxes as regions when the run trains with regions), and the references. Written as <out>/samples/step_NNNNNN.png.
void writeSampleGrid(pipeline::Bundle &bundle, const train::TrainOptions &t, int64_t step, const std::string &out)
{
    ToysOptions held = t.data;
    held.split = "test";
    held.seed = 12345;
    const int64_t h = t.data.size; // the size it trains at, not the bundle's output default
    std::vector<at::Tensor> rows;
    for (int i = 0; i < 3; ++i) {
        const data::ToySample s = data::renderToySample(held, i);
        GenerationRequest req;
        req.prompt = s.prompt;
        req.seed = 7;
        // The model alone, at its training size: a bundle's default collage would paste the references
        // over what the run is learning to draw.
        req.width = req.height = static_cast<int>(h);
        req.collage = 0.0f;
        std::vector<at::Tensor> row{image::toHeight(s.target, h)};
        for (const auto &sub : s.subjects) {
            Subject subject;
            subject.image = image::fromTensor(sub.reference * 2.0 - 1.0);
            subject.prepared = true;
            if (t.regionStrength > 0.0) // a run that trains with regions samples with them
                subject.box = sub.box;
            req.subjects.push_back(std::move(subject));
        }
        GenerationResult res;
        BundleDescription d;
        d.name = bundle.name;
        if (Status st = pipeline::generateWithBundle(bundle, d, req, &res); !st.ok())
            throw Error(st.code, st.message);
        row.push_back(image::toHeight((image::toTensor(res.image)[0] + 1.0) / 2.0, h));
        for (const auto &sub : s.subjects)
            row.push_back(image::toHeight(sub.reference, h));
        rows.push_back(at::cat(row, 2));
    }
    std::string err;
    makeDirectories((fs::path(out) / "samples").string(), &err);
    const std::string path = (fs::path(out) / "samples" / format("step_{}.png", step)).string();
    if (Status st = savePng(path, image::fromTensor(image::stackRows(rows) * 2.0 - 1.0)); !st.ok())
        log::warn("core.train", "no sample grid: {}", st.message);
}

// A dataset folder in the project's format as training examples: the split's samples in a fresh
// order every epoch (seeded), targets resized to size x size, references prepared as MOSAIC prepares
// them, the accepted points. Images are decoded when an example is drawn.
train::ExampleSource folderExamples(const std::string &dir, const std::string &split, int size, int refSize,
                                    uint64_t seed)
{
    std::vector<DatasetSample> all, kept;
    std::vector<DatasetProblem> problems;
    if (Status st = readDataset(dir, &all, &problems); !st.ok())
        throw Error(st.code, st.message);
    for (const auto &p : problems)
        log::warn("core.train", "{}: {}", dir, p.text());
    for (auto &smp : all)
        if ((split.empty() || smp.split == split || smp.split.empty()) && !smp.subjects.empty())
            kept.push_back(std::move(smp));
    if (kept.empty())
        throw Error(StatusCode::InvalidArgument, dir + ": no samples with subjects in the split '" + split + "'");
    log::info("core.train", "{}: {} training samples", dir, kept.size());
    auto samples = std::make_shared<const std::vector<DatasetSample>>(std::move(kept));
    return [samples, dir, size, refSize, seed](int64_t index) {
        const int64_t n = static_cast<int64_t>(samples->size());
        std::vector<int64_t> order(static_cast<size_t>(n));
        std::iota(order.begin(), order.end(), 0);
        std::mt19937_64 rng(seed * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(index / n));
        std::shuffle(order.begin(), order.end(), rng);
        const DatasetSample &smp = (*samples)[static_cast<size_t>(order[static_cast<size_t>(index % n)])];
        auto load = [&](const std::string &rel) {
            RgbaImage img;
            if (Status st = loadImage((fs::path(dir) / rel).string(), &img); !st.ok())
                throw Error(st.code, "sample " + smp.id + ": " + st.message);
            return img;
        };
        train::TrainingExample e;
        at::Tensor t = (image::toTensor(load(smp.target)) + 1.0) / 2.0; // [1, 3, H, W]
        e.target = at::upsample_bilinear2d(t, {size, size}, false)[0].clamp(0.0, 1.0);
        e.prompt = smp.prompt;
        for (const auto &sub : smp.subjects) {
            RgbaImage prepared;
            if (Status st = prepareReference(load(sub.image), refSize, &prepared); !st.ok())
                throw Error(st.code, "sample " + smp.id + ": " + st.message);
            e.references.push_back(((image::toTensor(prepared) + 1.0) / 2.0)[0]);
            DatasetSubject points;
            points.points = sub.points;
            e.subjects.push_back(std::move(points));
        }
        return e;
    };
}

// A path in a recipe: as given when it exists from the current folder, else beside the recipe.
std::string recipePath(const fs::path &recipeDir, const std::string &path)
{
    if (fs::path(path).is_absolute() || fs::exists(path))
        return path;
    return (recipeDir / path).string();
}

} // namespace

Status runTraining(const TrainRunOptions &o, TrainRunReport *report, const std::function<void(const TrainProgress &)> &progress,
                   const std::atomic<bool> *stop)
{
    return guarded([&] {
        const json r = readRecipe(o.recipePath);
        // A recipe's value, or its default; a value of the wrong type is an error naming the key.
        auto field = [&o](const json &obj, const char *key, auto fallback) {
            try {
                return obj.value(key, fallback);
            } catch (const json::exception &e) {
                throw Error(StatusCode::InvalidArgument, o.recipePath + ": \"" + key + "\": " + e.what());
            }
        };
        const fs::path recipeDir = fs::path(o.recipePath).parent_path();
        const std::string out = !o.outDir.empty() ? o.outDir : field(r, "out", std::string("runs/") + field(r, "name", "run"));
        std::string err;
        if (!makeDirectories(out, &err))
            throw Error(StatusCode::IoError, "cannot create the run folder " + err);
        if (field(r, "threads", 0) > 0)
            configureThreads(field(r, "threads", 0));

        // The model to train: a random bundle of the recipe's size, or an existing bundle.
        std::string bundlePath;
        try {
            const json &init = r.at("init");
            if (init.contains("bundle")) {
                bundlePath = recipePath(recipeDir, init.at("bundle").get<std::string>());
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
                bundlePath = (fs::path(out) / "init.safetensors").string();
                if (Status s = writeRandomBundle(bundlePath, ro); !s.ok())
                    throw Error(s.code, s.message);
            }
        } catch (const json::exception &e) {
            throw Error(StatusCode::InvalidArgument, o.recipePath + ": \"init\" needs {\"bundle\": PATH} or {\"random\": {...}} (" +
                                                         e.what() + ")");
        }
        auto bundle = pipeline::loadBundle(bundlePath);
        // A trained autoencoder from another bundle (the bundled model trains its autoencoder first).
        if (const auto it = r.at("init").find("autoencoder"); it != r.at("init").end()) {
            const std::string aePath = recipePath(recipeDir, it->get<std::string>());
            auto other = pipeline::loadBundle(aePath);
            bundle->ae = other->ae;
            log::info("core.train", "autoencoder from {}", aePath);
            pipeline::adaptTransformerInput(*bundle, field(r, "seed", static_cast<uint64_t>(1)));
        }

        train::TrainOptions t;
        std::string dataFolder, poolFile;
        int64_t poolSize = 0;
        try {
            t.seed = field(r, "seed", t.seed);
            t.batch = field(r, "batch", t.batch);
            t.learningRate = field(r, "lr", t.learningRate);
            t.weightDecay = field(r, "weight_decay", t.weightDecay);
            t.clipNorm = field(r, "clip", t.clipNorm);
            t.emaDecay = field(r, "ema", t.emaDecay);
            t.scaWeight = field(r, "sca_weight", t.scaWeight);
            t.mdWeight = field(r, "md_weight", t.mdWeight);
            t.mdStart = field(r, "md_start", t.mdStart);
            t.mdRamp = field(r, "md_ramp", t.mdRamp);
            t.reverseScaWeight = field(r, "sca_reverse_weight", t.reverseScaWeight);
            t.subjectWeight = field(r, "subject_weight", t.subjectWeight);
            t.shareWeight = field(r, "share_weight", t.shareWeight);
            t.regionStrength = field(r, "region_strength", t.regionStrength);
            t.regionDropout = field(r, "region_dropout", t.regionDropout);
            t.warmup = field(r, "warmup", t.warmup);
            t.cosine = field(r, "schedule", std::string("constant")) == "cosine";
            t.textDropout = field(r, "text_dropout", t.textDropout);
            t.imageDropout = field(r, "image_dropout", t.imageDropout);
            t.uniformTimesteps = field(r, "t_uniform", t.uniformTimesteps);
            if (!(t.uniformTimesteps >= 0.0 && t.uniformTimesteps <= 1.0))
                throw Error(StatusCode::InvalidArgument, o.recipePath + ": \"t_uniform\" is a share in [0, 1]");
            if (const auto l = r.find("lora"); l != r.end()) {
                t.loraRank = l->at("rank").get<int64_t>();
                t.loraAlpha = field(*l, "alpha", static_cast<double>(t.loraRank));
                t.loraTargets = field(*l, "targets", t.loraTargets);
                if (t.loraRank < 1)
                    throw Error(StatusCode::InvalidArgument, o.recipePath + ": \"lora\": the rank must be at least 1");
            }
            t.device = !o.device.empty() ? o.device : field(r, "device", t.device);
            t.autocast = field(r, "autocast", t.autocast);
            if (const auto pf = r.find("prefetch"); pf != r.end()) {
                if (!pf->is_boolean())
                    throw Error(StatusCode::InvalidArgument, o.recipePath + ": \"prefetch\" is true or false (absent: on "
                                                                            "when training on CUDA)");
                t.prefetch = pf->get<bool>() ? 1 : 0;
            }
            const json &d = r.at("data");
            const std::string sourceKind = field(d, "source", std::string("toys"));
            if (sourceKind == "folder")
                dataFolder = recipePath(recipeDir, d.at("path").get<std::string>());
            else if (sourceKind != "toys")
                throw Error(StatusCode::InvalidArgument, o.recipePath + ": \"data.source\" is \"toys\" (MOSAIC-Toys "
                                                                        "rendered in memory) or \"folder\" (a dataset)");
            t.data.size = field(d, "size", bundle->defaults.native());
            t.data.refSize = bundle->defaults.refSize;
            t.data.split = field(d, "split", std::string("train"));
            t.data.seed = field(d, "seed", static_cast<uint64_t>(1));
            const auto subjects = field(d, "subjects", std::vector<int>{1, 6});
            t.data.minSubjects = subjects.at(0);
            t.data.maxSubjects = subjects.at(subjects.size() - 1);
            if (const auto sc = d.find("scale"); sc != d.end()) {
                if (!sc->is_array() || sc->size() != 2 || !(*sc)[0].is_number() || !(*sc)[1].is_number())
                    throw Error(StatusCode::InvalidArgument, o.recipePath + ": \"data.scale\" is [min, max], the toys' "
                                                                            "size as a fraction of the image side");
                t.data.minScale = (*sc)[0].get<double>();
                t.data.maxScale = (*sc)[1].get<double>();
            }
            t.data.alignedShrink = field(d, "aligned_shrink", 0);
            if (dataFolder.empty())
                data::checkToysOptions(t.data); // now, not at the first step
            poolSize = o.poolSize > 0 ? o.poolSize : field(d, "pool", int64_t{0});
            poolFile = field(d, "pool_file", std::string());
            if (poolSize < 0 || (!poolFile.empty() && poolSize == 0))
                throw Error(StatusCode::InvalidArgument, o.recipePath + ": \"data.pool\" is the number of toy examples "
                                                                        "per subject count to render once (0: render per step)");
            // (pool_file, a file that may not exist yet, is relative to the current folder, as "out" is.)
        } catch (const json::exception &e) {
            throw Error(StatusCode::InvalidArgument, o.recipePath + ": " + e.what());
        }
        const std::string storage = field(r, "store", std::string("f32"));
        if (storage != "f32" && storage != "bf16" && storage != "f16")
            throw Error(StatusCode::InvalidArgument, o.recipePath + ": \"store\" is f32, bf16 or f16");
        const int64_t total = o.steps > 0 ? o.steps : field(r, "steps", int64_t{100});
        t.totalSteps = total;
        const int64_t checkpointEvery = field(r, "checkpoint_every", int64_t{100});
        const int64_t sampleEvery = field(r, "sample_every", int64_t{0});
        const int64_t probeEvery = field(r, "probe_every", sampleEvery);
        if (checkpointEvery < 1 || sampleEvery < 0 || probeEvery < 0)
            throw Error(StatusCode::InvalidArgument, o.recipePath + ": \"checkpoint_every\" must be at least 1, \"sample_every\" "
                                                                    "and \"probe_every\" at least 0");

        // Two kinds of run share the loop: the transformer (MOSAIC's losses) and the autoencoder.
        const bool aeRun = field(r, "component", std::string("transformer")) == "autoencoder";
        if (poolSize > 0 && (!dataFolder.empty() || aeRun || t.loraRank > 0))
            throw Error(StatusCode::InvalidArgument, o.recipePath + ": a toy pool feeds the transformer from MOSAIC-Toys only");
        if (o.poolOnly && poolSize == 0)
            throw Error(StatusCode::InvalidArgument, o.recipePath + ": the recipe names no toy pool (\"data\": {\"pool\": N})");
        if (poolSize > 0)
            t.pool = train::ToyPool::obtain(poolFile, t.data, poolSize, o.poolOnly);
        if (o.poolOnly)
            return;

        std::unique_ptr<train::Trainer> trainer;
        std::unique_ptr<train::AutoEncoderTrainer> aeTrainer;
        if (aeRun && !dataFolder.empty())
            throw Error(StatusCode::Unsupported, o.recipePath + ": the autoencoder trains on MOSAIC-Toys only");
        if (aeRun) {
            train::AutoEncoderTrainOptions ao;
            ao.seed = t.seed;
            ao.batch = t.batch;
            ao.learningRate = t.learningRate;
            ao.clipNorm = t.clipNorm;
            ao.klWeight = field(r, "kl_weight", ao.klWeight);
            ao.device = t.device;
            ao.autocast = t.autocast;
            ao.data = t.data;
            ao.data.refSize = t.data.size;
            ao.subjectWeight = field(r, "subject_weight", ao.subjectWeight);
            ao.refSize = field(r, "ae_ref_size", ao.refSize);
            ao.decoderOnly = field(r, "decoder_only", ao.decoderOnly);
            ao.latentNoise = field(r, "latent_noise", ao.latentNoise);
            aeTrainer = std::make_unique<train::AutoEncoderTrainer>(*bundle, ao);
        } else {
            trainer = std::make_unique<train::Trainer>(
                *bundle, t,
                dataFolder.empty() ? train::ExampleSource()
                                   : folderExamples(dataFolder, t.data.split, t.data.size, t.data.refSize, t.data.seed));
        }
        auto stepCount = [&] { return aeRun ? aeTrainer->stepCount() : trainer->stepCount(); };
        TrainRunReport rep;
        rep.checkpoint = (fs::path(out) / "checkpoint.pt").string();
        rep.metrics = (fs::path(out) / "metrics.csv").string();
        const bool loraRun = !aeRun && t.loraRank > 0;
        rep.model = (fs::path(out) / (loraRun ? "lora.safetensors" : "model.safetensors")).string();
        std::string rows;
        const std::string header = aeRun ? "step,total,reconstruction,kl,seconds\n"
                                         : "step,total,flow,sca,md,sca_reverse,share,lr,grad_norm,seconds,data_seconds\n";
        if (o.resume && fs::exists(rep.checkpoint)) {
            aeRun ? aeTrainer->loadCheckpoint(rep.checkpoint) : trainer->loadCheckpoint(rep.checkpoint);
            rows = metricsBefore(rep.metrics, stepCount(), header);
            log::info("core.train", "resuming {} at step {}", out, stepCount());
        }
        // How much the model reads its references (train::ReferenceUse), every probe_every steps and at
        // the end: reference_use.csv.
        const std::string probePath = (fs::path(out) / "reference_use.csv").string();
        const std::string probeHeader = "step,own,other,ratio\n";
        const bool probing = !aeRun && probeEvery > 0;
        std::string probeRows = probing && o.resume && fs::exists(probePath) ? metricsBefore(probePath, stepCount() + 1, probeHeader)
                                                                               : std::string();
        int64_t probedAt = -1;
        bool probeFailed = false;
        auto probe = [&] {
            if (!probing || probeFailed || probedAt == stepCount())
                return;
            train::ReferenceUse u;
            try {
                u = trainer->referenceUse(2, 16);
            } catch (const std::exception &e) {
                // A measurement: its failure (memory, a source that cannot give 16 examples) ends the
                // probing, not the run.
                probeFailed = true;
                log::warn("core.train", "step {}: the reference-use probe failed ({}); the run goes on without it", stepCount(),
                          e.what());
                return;
            }
            probedAt = stepCount();
            probeRows += format("{},{},{},{}\n", stepCount(), u.own, u.other, u.ratio());
            writeFileAtomically(probePath, probeHeader + probeRows);
            log::info("core.train", "step {}: error on the subjects' tokens {:.4f} with their own references, {:.4f} with "
                                    "another sample's (ratio {:.3f})", stepCount(), u.own, u.other, u.ratio());
        };
        rep.firstStep = stepCount();
        const auto t0 = std::chrono::steady_clock::now();
        auto save = [&] {
            aeRun ? aeTrainer->saveCheckpoint(rep.checkpoint) : trainer->saveCheckpoint(rep.checkpoint);
            writeFileAtomically(rep.metrics, header + rows);
        };
        bool first = true;
        double paceStart = 0, dataSeconds = 0;
        while (stepCount() < total) {
            if (stop && stop->load()) {
                rep.interrupted = true;
                break;
            }
            if (o.seconds > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() >= o.seconds) {
                log::info("core.train", "the time budget of {} s is spent at step {}", o.seconds, stepCount());
                break;
            }
            TrainProgress p;
            if (aeRun) {
                const train::AutoEncoderStep l = aeTrainer->step();
                p.step = l.step + 1;
                p.autoencoder = true;
                p.loss = l.total;
                p.flow = l.reconstruction;
                p.kl = l.kl;
                p.learningRate = t.learningRate;
                rows += format("{},{},{},{},", l.step, l.total, l.reconstruction, l.kl);
            } else {
                const train::StepLosses l = trainer->step();
                dataSeconds = l.dataSeconds;
                p.step = l.step + 1;
                p.loss = l.total;
                p.flow = l.flow;
                p.sca = l.sca;
                p.md = l.md;
                p.learningRate = l.learningRate;
                p.reverseSca = l.reverseSca;
                p.share = l.share;
                rows += format("{},{},{},{},{},{},{},{},{},", l.step, l.total, l.flow, l.sca, l.md, l.reverseSca, l.share, l.learningRate,
                               l.gradNorm);
            }
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            rows += aeRun ? format("{}\n", elapsed) : format("{},{}\n", elapsed, dataSeconds);
            const int64_t done = stepCount() - rep.firstStep;
            if (done == 10)
                paceStart = elapsed;
            // A time budget: the cosine ends where the pace measured so far reaches the budget.
            if (o.seconds > 0 && !aeRun && t.cosine && done > 10 && done % 50 == 0)
                trainer->setTotalSteps(train::budgetedTotalSteps(stepCount(), done - 10, elapsed, paceStart, o.seconds, total));
            if (first)
                rep.firstLoss = p.loss;
            first = false;
            rep.lastLoss = p.loss;
            if (progress) {
                p.total = aeRun ? total : std::min(total, std::max(trainer->totalSteps(), stepCount()));
                p.elapsedSeconds = elapsed;
                const double done = static_cast<double>(p.step - rep.firstStep);
                p.etaSeconds = done > 0 ? elapsed / done * static_cast<double>(p.total - p.step) : 0;
                progress(p);
            }
            if (stepCount() % checkpointEvery == 0)
                save();
            if (!aeRun && sampleEvery > 0 && stepCount() % sampleEvery == 0 && t.device == "cpu")
                writeSampleGrid(*bundle, t, stepCount(), out); // (the pipeline samples on the CPU)
            if (probeEvery > 0 && stepCount() % probeEvery == 0)
                probe();
        }
        save();
        if (stepCount() > rep.firstStep && !rep.interrupted)
            probe(); // (a stopped run goes straight to its export)
        // The model reached so far is exported also when the run is stopped (the checkpoint, saved
        // first, holds the raw weights that a resumed run continues from).
        if (aeRun) {
            const auto [shift, scale] = aeTrainer->calibrate();
            log::info("core.train", "autoencoder latents: shift {}, scale {}", shift, scale);
        } else {
            trainer->applyEma();
        }
        if (loraRun) {
            const json meta = {{"rank", t.loraRank}, {"alpha", t.loraAlpha}, {"targets", t.loraTargets},
                               {"base", bundle->name}, {"steps", stepCount()}};
            st::write(rep.model, trainer->lora()->toTensors(), {{"format", "pt"}, {"mosaic.lora", meta.dump()}});
        } else {
            // The transformer now knows the positions of the size it was trained at: that is the size
            // above which generation scales positions (a bundle started from one whose native size was
            // another would otherwise scale them wrongly, or not at all).
            if (!aeRun && t.data.size != bundle->defaults.native())
                bundle->defaults.nativeSize = t.data.size;
            pipeline::saveBundle(*bundle, rep.model,
                                 storage == "bf16" ? at::kBFloat16 : storage == "f16" ? at::kHalf : at::kFloat);
        }
        rep.lastStep = stepCount();
        rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        writeFileAtomically((fs::path(out) / "recipe.json").string(), r.dump(2) + "\n");
        if (report)
            *report = rep;
    });
}

} // namespace mosaic
