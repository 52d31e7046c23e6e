// Training runs from JSON recipes (format: resources/recipes/README.md).
#include <mosaic/image.h>
#include <mosaic/pipeline.h>
#include <mosaic/runtime.h>
#include <mosaic/train.h>

#include "data/toys.h"
#include "image/convert.h"
#include "pipeline/bundle.h"
#include "train/ae_trainer.h"
#include "train/trainer.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/log.h"
#include "util/paths.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
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

// The rows of an existing metrics file before `step` (a resumed run rewrites what follows).
std::string metricsBefore(const std::string &path, int64_t step)
{
    std::ifstream in(path);
    std::string line, kept;
    bool header = true;
    while (std::getline(in, line)) {
        if (header) {
            header = false;
            continue;
        }
        try {
            if (std::stoll(line.substr(0, line.find(','))) < step)
                kept += line + "\n";
        } catch (const std::exception &) {
            // a damaged row (an interrupted write of an older version): dropped
        }
    }
    return kept;
}

at::Tensor toHeight(const at::Tensor &img, int64_t h) // [3, H, W] -> [3, h, W h / H]
{
    if (img.size(1) == h)
        return img;
    const int64_t w = img.size(2) * h / img.size(1);
    return at::upsample_bilinear2d(img.unsqueeze(0), {h, w}, false)[0];
}

// One row per held-out sample: its target, what the model generates from its references and
// prompt, and the references. Written as <out>/samples/step_NNNNNN.png.
void writeSampleGrid(pipeline::Bundle &bundle, const train::TrainOptions &t, int64_t step, const std::string &out)
{
    ToysOptions held = t.data;
    held.split = "test";
    held.seed = 12345;
    const int64_t h = bundle.defaults.size;
    std::vector<at::Tensor> rows;
    for (int i = 0; i < 3; ++i) {
        const data::ToySample s = data::renderToySample(held, i);
        GenerationRequest req;
        req.prompt = s.prompt;
        req.seed = 7;
        std::vector<at::Tensor> row{toHeight(s.target, h)};
        for (const auto &sub : s.subjects) {
            Subject subject;
            subject.image = image::fromTensor(sub.reference * 2.0 - 1.0);
            subject.prepared = true;
            req.subjects.push_back(std::move(subject));
        }
        GenerationResult res;
        BundleDescription d;
        d.name = bundle.name;
        if (Status st = pipeline::generateWithBundle(bundle, d, req, &res); !st.ok())
            throw Error(st.code, st.message);
        row.push_back(toHeight((image::toTensor(res.image)[0] + 1.0) / 2.0, h));
        for (const auto &sub : s.subjects)
            row.push_back(toHeight(sub.reference, h));
        rows.push_back(at::cat(row, 2));
    }
    int64_t width = 0;
    for (const auto &r : rows)
        width = std::max(width, r.size(2));
    for (auto &r : rows)
        r = at::constant_pad_nd(r, {0, width - r.size(2)}, 1.0);
    std::string err;
    makeDirectories((fs::path(out) / "samples").string(), &err);
    const std::string path = (fs::path(out) / "samples" / format("step_{}.png", step)).string();
    if (Status st = savePng(path, image::fromTensor(at::cat(rows, 1) * 2.0 - 1.0)); !st.ok())
        log::warn("core.train", "no sample grid: {}", st.message);
}

} // namespace

Status runTraining(const TrainRunOptions &o, TrainRunReport *report, const std::function<void(const TrainProgress &)> &progress,
                   const std::atomic<bool> *stop)
{
    return guarded([&] {
        const json r = readRecipe(o.recipePath);
        const fs::path recipeDir = fs::path(o.recipePath).parent_path();
        const std::string out = !o.outDir.empty() ? o.outDir : r.value("out", std::string("runs/") + r.value("name", "run"));
        std::string err;
        if (!makeDirectories(out, &err))
            throw Error(StatusCode::IoError, "cannot create the run folder " + err);
        if (r.value("threads", 0) > 0)
            configureThreads(r.value("threads", 0));

        // The model to train: a random bundle of the recipe's size, or an existing bundle.
        std::string bundlePath;
        try {
            const json &init = r.at("init");
            if (init.contains("bundle")) {
                bundlePath = (recipeDir / init.at("bundle").get<std::string>()).string();
            } else {
                const json &m = init.at("random");
                RandomBundleOptions ro;
                ro.hidden = m.value("hidden", ro.hidden);
                ro.heads = m.value("heads", ro.heads);
                ro.doubleBlocks = m.value("double", ro.doubleBlocks);
                ro.singleBlocks = m.value("single", ro.singleBlocks);
                ro.imageSize = m.value("image_size", ro.imageSize);
                ro.refSize = m.value("ref_size", ro.refSize);
                ro.seed = m.value("seed", ro.seed);
                bundlePath = (fs::path(out) / "init.safetensors").string();
                if (Status s = writeRandomBundle(bundlePath, ro); !s.ok())
                    throw Error(s.code, s.message);
            }
        } catch (const json::exception &e) {
            throw Error(StatusCode::InvalidArgument, o.recipePath + ": \"init\" needs {\"bundle\": PATH} or {\"random\": {...}} (" +
                                                         e.what() + ")");
        }
        auto bundle = pipeline::loadBundle(bundlePath);

        train::TrainOptions t;
        try {
            t.seed = r.value("seed", t.seed);
            t.batch = r.value("batch", t.batch);
            t.learningRate = r.value("lr", t.learningRate);
            t.weightDecay = r.value("weight_decay", t.weightDecay);
            t.clipNorm = r.value("clip", t.clipNorm);
            t.emaDecay = r.value("ema", t.emaDecay);
            t.scaWeight = r.value("sca_weight", t.scaWeight);
            t.mdWeight = r.value("md_weight", t.mdWeight);
            t.mdStart = r.value("md_start", t.mdStart);
            t.mdRamp = r.value("md_ramp", t.mdRamp);
            t.warmup = r.value("warmup", t.warmup);
            t.cosine = r.value("schedule", std::string("constant")) == "cosine";
            t.textDropout = r.value("text_dropout", t.textDropout);
            t.imageDropout = r.value("image_dropout", t.imageDropout);
            const json &d = r.at("data");
            if (d.value("source", std::string("toys")) != "toys")
                throw Error(StatusCode::Unsupported, o.recipePath + ": only \"source\": \"toys\" (in-memory MOSAIC-Toys) "
                                                                    "is supported for training so far");
            t.data.size = d.value("size", bundle->defaults.size);
            t.data.refSize = bundle->defaults.refSize;
            t.data.split = d.value("split", std::string("train"));
            t.data.seed = d.value("seed", static_cast<uint64_t>(1));
            const auto subjects = d.value("subjects", std::vector<int>{1, 6});
            t.data.minSubjects = subjects.at(0);
            t.data.maxSubjects = subjects.at(subjects.size() - 1);
        } catch (const json::exception &e) {
            throw Error(StatusCode::InvalidArgument, o.recipePath + ": " + e.what());
        }
        const int64_t total = o.steps > 0 ? o.steps : r.value("steps", int64_t{100});
        t.totalSteps = total;
        const int64_t checkpointEvery = r.value("checkpoint_every", int64_t{100});
        const int64_t sampleEvery = r.value("sample_every", int64_t{0});

        // Two kinds of run share the loop: the transformer (MOSAIC's losses) and the autoencoder.
        const bool aeRun = r.value("component", std::string("transformer")) == "autoencoder";
        std::unique_ptr<train::Trainer> trainer;
        std::unique_ptr<train::AutoEncoderTrainer> aeTrainer;
        if (aeRun) {
            train::AutoEncoderTrainOptions ao;
            ao.seed = t.seed;
            ao.batch = t.batch;
            ao.learningRate = t.learningRate;
            ao.clipNorm = t.clipNorm;
            ao.klWeight = r.value("kl_weight", ao.klWeight);
            ao.data = t.data;
            ao.data.refSize = t.data.size;
            aeTrainer = std::make_unique<train::AutoEncoderTrainer>(*bundle, ao);
        } else {
            trainer = std::make_unique<train::Trainer>(*bundle, t);
        }
        auto stepCount = [&] { return aeRun ? aeTrainer->stepCount() : trainer->stepCount(); };
        TrainRunReport rep;
        rep.checkpoint = (fs::path(out) / "checkpoint.pt").string();
        rep.metrics = (fs::path(out) / "metrics.csv").string();
        rep.model = (fs::path(out) / "model.safetensors").string();
        std::string rows;
        if (o.resume && fs::exists(rep.checkpoint)) {
            aeRun ? aeTrainer->loadCheckpoint(rep.checkpoint) : trainer->loadCheckpoint(rep.checkpoint);
            rows = metricsBefore(rep.metrics, stepCount());
            log::info("core.train", "resuming {} at step {}", out, stepCount());
        }
        const std::string header = aeRun ? "step,total,reconstruction,kl,seconds\n"
                                         : "step,total,flow,sca,md,lr,grad_norm,seconds\n";
        rep.firstStep = stepCount();
        const auto t0 = std::chrono::steady_clock::now();
        auto save = [&] {
            aeRun ? aeTrainer->saveCheckpoint(rep.checkpoint) : trainer->saveCheckpoint(rep.checkpoint);
            writeFileAtomically(rep.metrics, header + rows);
        };
        bool first = true;
        while (stepCount() < total) {
            if (stop && stop->load()) {
                rep.interrupted = true;
                break;
            }
            TrainProgress p;
            if (aeRun) {
                const train::AutoEncoderStep l = aeTrainer->step();
                p.step = l.step + 1;
                p.loss = l.total;
                p.flow = l.reconstruction;
                rows += format("{},{},{},{},", l.step, l.total, l.reconstruction, l.kl);
            } else {
                const train::StepLosses l = trainer->step();
                p.step = l.step + 1;
                p.loss = l.total;
                p.flow = l.flow;
                p.sca = l.sca;
                p.md = l.md;
                p.learningRate = l.learningRate;
                rows += format("{},{},{},{},{},{},{},", l.step, l.total, l.flow, l.sca, l.md, l.learningRate, l.gradNorm);
            }
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            rows += format("{}\n", elapsed);
            if (first)
                rep.firstLoss = p.loss;
            first = false;
            rep.lastLoss = p.loss;
            if (progress) {
                p.total = total;
                p.elapsedSeconds = elapsed;
                const double done = static_cast<double>(p.step - rep.firstStep);
                p.etaSeconds = done > 0 ? elapsed / done * static_cast<double>(total - p.step) : 0;
                progress(p);
            }
            if (stepCount() % checkpointEvery == 0)
                save();
            if (!aeRun && sampleEvery > 0 && stepCount() % sampleEvery == 0)
                writeSampleGrid(*bundle, t, stepCount(), out);
        }
        save();
        if (!rep.interrupted) {
            if (aeRun) {
                const auto [shift, scale] = aeTrainer->calibrate();
                log::info("core.train", "autoencoder latents: shift {}, scale {}", shift, scale);
            } else {
                trainer->applyEma();
            }
            pipeline::saveBundle(*bundle, rep.model);
        }
        rep.lastStep = stepCount();
        rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        writeFileAtomically((fs::path(out) / "recipe.json").string(), r.dump(2) + "\n");
        if (report)
            *report = rep;
    });
}

} // namespace mosaic
