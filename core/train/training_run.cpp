// A training run from a recipe (mosaic/train.h's runTraining): the starting bundle, the trainer, the
// loop with its metrics, checkpoints, sample grids and reference-use probe, and the export.
#include <mosaic/dataset.h>
#include <mosaic/image.h>
#include <mosaic/pipeline.h>
#include <mosaic/runtime.h>
#include <mosaic/train.h>

#include "data/toys.h"
#include "image/convert.h"
#include "io/safetensors.h"
#include "pipeline/bundle.h"
#include "train/device.h"
#include "train/distributed.h"
#include "train/pool.h"
#include "train/recipe.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/log.h"
#include "util/paths.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <random>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using nlohmann::json;

namespace mosaic {

namespace {

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
        std::vector<at::Tensor> row;
        row.push_back(image::toHeight(s.target, h));
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

// The model to train: the recipe's bundle, or one with random weights written into the run's folder;
// with another bundle's autoencoder where the recipe names one (the bundled model trains its
// autoencoder first).
// In a data-parallel job only rank 0 writes into the run's folder: the other ranks write their random
// start (the same: it is seeded) into a temporary file.
std::unique_ptr<pipeline::Bundle> startingBundle(const train::Recipe &recipe, int rank)
{
    std::string path = recipe.initBundle;
    std::string scratch;
    if (recipe.initRandom) {
        path = rank == 0 ? (fs::path(recipe.out) / "init.safetensors").string()
                         : (fs::temp_directory_path() / format("mosaic-init-{}-rank{}.safetensors", ::getpid(), rank)).string();
        if (rank != 0)
            scratch = path;
        if (Status s = writeRandomBundle(path, *recipe.initRandom); !s.ok())
            throw Error(s.code, s.message);
    }
    std::unique_ptr<pipeline::Bundle> bundle;
    try {
        bundle = pipeline::loadBundle(path);
    } catch (...) {
        if (!scratch.empty())
            fs::remove(scratch);
        throw;
    }
    if (!scratch.empty()) {
        std::error_code ec;
        fs::remove(scratch, ec);
    }
    if (!recipe.initAutoencoder.empty()) {
        auto other = pipeline::loadBundle(recipe.initAutoencoder);
        bundle->ae = other->ae;
        log::info("core.train", "autoencoder from {}", recipe.initAutoencoder);
        pipeline::adaptTransformerInput(*bundle, recipe.train.seed);
    }
    return bundle;
}

// The loop and what it writes: one kind of trainer (MOSAIC's transformer or the autoencoder), the
// metrics rows, checkpoints, sample grids and the reference-use probe.
class TrainingRun
{
public:
    TrainingRun(const train::Recipe &recipe, const TrainRunOptions &o, pipeline::Bundle &bundle, const train::TrainOptions &t)
        : m_recipe(recipe), m_options(o), m_bundle(bundle), m_train(t), m_ae(recipe.autoencoder), m_group(t.group),
          m_writer(!t.group || t.group->rank() == 0)
    {
        if (m_ae) {
            train::AutoEncoderTrainOptions ao = recipe.ae;
            ao.data = t.data;
            ao.data.refSize = t.data.size;
            m_aeTrainer = std::make_unique<train::AutoEncoderTrainer>(bundle, ao);
        } else {
            m_trainer = std::make_unique<train::Trainer>(
                bundle, t,
                recipe.dataFolder.empty() ? train::ExampleSource()
                                          : folderExamples(recipe.dataFolder, t.data.split, t.data.size, t.data.refSize, t.data.seed));
        }
        const fs::path out(recipe.out);
        m_report.checkpoint = (out / "checkpoint.pt").string();
        m_report.metrics = (out / "metrics.csv").string();
        m_lora = !m_ae && t.loraRank > 0;
        m_report.model = (out / (m_lora ? "lora.safetensors" : "model.safetensors")).string();
        m_header = m_ae ? "step,total,reconstruction,kl,seconds\n"
                        : "step,total,flow,sca,md,sca_reverse,share,lr,grad_norm,seconds,data_seconds\n";
        if (o.resume && resumeFromCheckpoint()) {
            if (m_writer)
                m_rows = metricsBefore(m_report.metrics, stepCount(), m_header);
            log::info("core.train", "resuming {} at step {}", recipe.out, stepCount());
        }
        if (m_group) {
            m_report.rank = m_group->rank();
            m_report.world = m_group->size();
        }
        // How much the model reads its references (train::ReferenceUse), every probe_every steps and at
        // the end: reference_use.csv.
        m_probePath = (out / "reference_use.csv").string();
        m_probing = !m_ae && recipe.probeEvery > 0;
        if (m_writer && m_probing && o.resume && fs::exists(m_probePath))
            m_probeRows = metricsBefore(m_probePath, stepCount() + 1, kProbeHeader);
        m_report.firstStep = stepCount();
        m_t0 = std::chrono::steady_clock::now();
    }

    int64_t stepCount() const { return m_ae ? m_aeTrainer->stepCount() : m_trainer->stepCount(); }

    void loop(const std::function<void(const TrainProgress &)> &progress, const std::atomic<bool> *stop)
    {
        bool first = true;
        while (stepCount() < m_recipe.steps) {
            bool stopNow = stop && stop->load();
            bool spent = m_options.seconds > 0 && elapsed() >= m_options.seconds;
            if (m_group) { // every rank stops at the same step: a stop on one is a stop for all; rank 0's clock
                at::Tensor agreed = at::tensor({stopNow ? 1.0 : 0.0, m_writer && spent ? 1.0 : 0.0, m_writer ? elapsed() : 0.0},
                                               at::kDouble);
                m_group->sum(agreed);
                stopNow = agreed[0].item<double>() > 0;
                spent = agreed[1].item<double>() > 0;
                m_agreedElapsed = agreed[2].item<double>();
            }
            if (stopNow) {
                m_report.interrupted = true;
                break;
            }
            if (spent) {
                log::info("core.train", "the time budget of {} s is spent at step {}", m_options.seconds, stepCount());
                break;
            }
            TrainProgress p = step();
            if (first)
                m_report.firstLoss = p.loss;
            first = false;
            m_report.lastLoss = p.loss;
            if (progress && m_writer) {
                p.total = m_ae ? m_recipe.steps : std::min(m_recipe.steps, std::max(m_trainer->totalSteps(), stepCount()));
                p.elapsedSeconds = elapsed();
                const double done = static_cast<double>(p.step - m_report.firstStep);
                p.etaSeconds = done > 0 ? p.elapsedSeconds / done * static_cast<double>(p.total - p.step) : 0;
                progress(p);
            }
            afterStep();
        }
    }

    // Saves, probes once more, and exports the model reached so far, also when the run was stopped (the
    // checkpoint, saved first, holds the raw weights that a resumed run continues from).
    TrainRunReport finish()
    {
        if (m_group)
            m_group->finish(); // every rank got here: the job went well up to this step
        if (!m_writer) {
            m_report.lastStep = stepCount();
            m_report.seconds = elapsed();
            return m_report;
        }
        save();
        if (stepCount() > m_report.firstStep && !m_report.interrupted)
            probe(); // (a stopped run goes straight to its export)
        if (m_ae) {
            const auto [shift, scale] = m_aeTrainer->calibrate();
            log::info("core.train", "autoencoder latents: shift {}, scale {}", shift, scale);
        } else {
            m_trainer->applyEma();
        }
        if (m_lora) {
            const json meta = {{"rank", m_train.loraRank}, {"alpha", m_train.loraAlpha}, {"targets", m_train.loraTargets},
                               {"base", m_bundle.name}, {"steps", stepCount()}};
            st::write(m_report.model, m_trainer->lora()->toTensors(), {{"format", "pt"}, {"mosaic.lora", meta.dump()}});
        } else {
            // The transformer now knows the positions of the size it was trained at: that is the size
            // above which generation scales positions (a bundle started from one whose native size was
            // another would otherwise scale them wrongly, or not at all).
            if (!m_ae && m_train.data.size != m_bundle.defaults.native())
                m_bundle.defaults.nativeSize = m_train.data.size;
            const std::string &storage = m_recipe.storage;
            pipeline::saveBundle(m_bundle, m_report.model,
                                 storage == "bf16" ? at::kBFloat16 : storage == "f16" ? at::kHalf : at::kFloat);
        }
        m_report.lastStep = stepCount();
        m_report.seconds = elapsed();
        writeFileAtomically((fs::path(m_recipe.out) / "recipe.json").string(), m_recipe.json.dump(2) + "\n");
        return m_report;
    }

private:
    static constexpr const char *kProbeHeader = "step,own,other,ratio\n";

    double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_t0).count(); }

    // One optimiser step, its metrics row, and a time budget's schedule.
    TrainProgress step()
    {
        TrainProgress p;
        if (m_ae) {
            const train::AutoEncoderStep l = m_aeTrainer->step();
            p.step = l.step + 1;
            p.autoencoder = true;
            p.loss = l.total;
            p.flow = l.reconstruction;
            p.kl = l.kl;
            p.learningRate = m_train.learningRate;
            m_rows += format("{},{},{},{},", l.step, l.total, l.reconstruction, l.kl);
        } else {
            const train::StepLosses l = m_trainer->step();
            m_dataSeconds = l.dataSeconds;
            p.step = l.step + 1;
            p.loss = l.total;
            p.flow = l.flow;
            p.sca = l.sca;
            p.md = l.md;
            p.learningRate = l.learningRate;
            p.reverseSca = l.reverseSca;
            p.share = l.share;
            m_rows += format("{},{},{},{},{},{},{},{},{},", l.step, l.total, l.flow, l.sca, l.md, l.reverseSca, l.share,
                             l.learningRate, l.gradNorm);
        }
        const double now = elapsed();
        m_rows += m_ae ? format("{}\n", now) : format("{},{}\n", now, m_dataSeconds);
        const int64_t done = stepCount() - m_report.firstStep;
        // A time budget: the cosine ends where the pace measured so far reaches the budget (in a job,
        // by rank 0's clock, so that every rank moves the schedule alike).
        const double clock = m_group ? m_agreedElapsed : now;
        if (done == 10)
            m_paceStart = clock;
        if (m_options.seconds > 0 && !m_ae && m_train.cosine && done > 10 && done % 50 == 0)
            m_trainer->setTotalSteps(
                train::budgetedTotalSteps(stepCount(), done - 10, clock, m_paceStart, m_options.seconds, m_recipe.steps));
        return p;
    }

    void afterStep()
    {
        if (!m_writer)
            return;
        if (stepCount() % m_recipe.checkpointEvery == 0)
            save();
        if (!m_ae && m_recipe.sampleEvery > 0 && stepCount() % m_recipe.sampleEvery == 0 && m_train.device == "cpu")
            writeSampleGrid(m_bundle, m_train, stepCount(), m_recipe.out); // (the pipeline samples on the CPU)
        if (m_recipe.probeEvery > 0 && stepCount() % m_recipe.probeEvery == 0)
            probe();
    }

    void save()
    {
        m_ae ? m_aeTrainer->saveCheckpoint(m_report.checkpoint) : m_trainer->saveCheckpoint(m_report.checkpoint);
        writeFileAtomically(m_report.metrics, m_header + m_rows);
    }

    void probe()
    {
        if (!m_probing || m_probeFailed || m_probedAt == stepCount())
            return;
        train::ReferenceUse u;
        try {
            u = m_trainer->referenceUse(2, 16);
        } catch (const std::exception &e) {
            // A measurement: its failure (memory, a source that cannot give 16 examples) ends the
            // probing, not the run.
            m_probeFailed = true;
            log::warn("core.train", "step {}: the reference-use probe failed ({}); the run goes on without it", stepCount(),
                      e.what());
            return;
        }
        m_probedAt = stepCount();
        m_probeRows += format("{},{},{},{}\n", stepCount(), u.own, u.other, u.ratio());
        writeFileAtomically(m_probePath, kProbeHeader + m_probeRows);
        log::info("core.train", "step {}: error on the subjects' tokens {:.4f} with their own references, {:.4f} with "
                                "another sample's (ratio {:.3f})", stepCount(), u.own, u.other, u.ratio());
    }

    // A resume: from <out>/checkpoint.pt, which in a job rank 0 reads and sends to every rank (the
    // machines need not share a disk). False when there is none.
    bool resumeFromCheckpoint()
    {
        const std::string &path = m_report.checkpoint;
        const auto load = [&](const std::string &from) {
            m_ae ? m_aeTrainer->loadCheckpoint(from) : m_trainer->loadCheckpoint(from);
        };
        if (!m_group) {
            if (!fs::exists(path))
                return false;
            load(path);
            return true;
        }
        std::string bytes;
        if (m_writer && fs::exists(path)) {
            std::ifstream in(path, std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
            if (!in.good() && !in.eof())
                throw Error(StatusCode::IoError, "cannot read " + path);
        }
        bytes = m_group->broadcastBytes(bytes);
        if (bytes.empty())
            return false;
        if (m_writer) {
            load(path);
            return true;
        }
        const std::string copy =
            (fs::temp_directory_path() / format("mosaic-resume-{}-rank{}.pt", ::getpid(), m_group->rank())).string();
        {
            std::ofstream out(copy, std::ios::binary | std::ios::trunc);
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            if (!out.good())
                throw Error(StatusCode::IoError, "cannot write " + copy + " (rank 0's checkpoint, to resume from)");
        }
        try {
            load(copy);
        } catch (...) {
            fs::remove(copy);
            throw;
        }
        fs::remove(copy);
        return true;
    }

    const train::Recipe &m_recipe;
    const TrainRunOptions &m_options;
    pipeline::Bundle &m_bundle;
    const train::TrainOptions m_train;
    const bool m_ae;
    bool m_lora = false;
    std::unique_ptr<train::Trainer> m_trainer;
    std::unique_ptr<train::AutoEncoderTrainer> m_aeTrainer;
    TrainRunReport m_report;
    std::string m_header, m_rows, m_probePath, m_probeRows;
    bool m_probing = false, m_probeFailed = false;
    int64_t m_probedAt = -1;
    double m_paceStart = 0, m_dataSeconds = 0, m_agreedElapsed = 0;
    train::ProcessGroup *m_group = nullptr;
    bool m_writer = true;
    std::chrono::steady_clock::time_point m_t0;
};

} // namespace

Status runTraining(const TrainRunOptions &o, TrainRunReport *report, const std::function<void(const TrainProgress &)> &progress,
                   const std::atomic<bool> *stop)
{
    return guarded([&] {
        const train::Recipe recipe = train::readRecipe(o);
        // A data-parallel job: this worker's place, from its launcher's environment.
        const train::WorkerPlace place = train::WorkerPlace::fromEnvironment();
        std::unique_ptr<train::ProcessGroup> group;
        train::TrainOptions t = recipe.train;
        if (place.distributed()) {
            if (recipe.autoencoder)
                throw Error(StatusCode::Unsupported, o.recipePath + ": the autoencoder trains in one process (a "
                                                                    "data-parallel job trains the transformer)");
            if (o.poolOnly)
                throw Error(StatusCode::InvalidArgument, "--pool-only renders the pool once: run it in one process");
            if (!(o.timeoutSeconds > 0) || !std::isfinite(o.timeoutSeconds))
                throw Error(StatusCode::InvalidArgument, "the timeout must be a positive number of seconds");
            if (train::computeDevice(t.device).is_cuda())
                t.device = format("cuda:{}", place.localRank); // one GPU per worker on its machine
            // N workers on one machine share its cores.
            if (recipe.threads <= 0 && o.threads <= 0 && place.localWorld > 1)
                configureThreads(std::max(1, hardwareThreads() / place.localWorld));
            group = std::make_unique<train::ProcessGroup>(
                place, train::computeDevice(t.device),
                std::chrono::milliseconds(static_cast<int64_t>(std::min(o.timeoutSeconds, 1e7) * 1000.0)));
            t.group = group.get();
        }
        const int rank = group ? group->rank() : 0;
        std::string err;
        if (rank == 0 && !makeDirectories(recipe.out, &err))
            throw Error(StatusCode::IoError, "cannot create the run folder " + err);
        if (recipe.threads > 0)
            configureThreads(recipe.threads);
        auto bundle = startingBundle(recipe, rank);
        if (t.data.size <= 0)
            t.data.size = bundle->defaults.native();
        t.data.refSize = bundle->defaults.refSize;
        if (recipe.dataFolder.empty())
            data::checkToysOptions(t.data); // now, not at the first step
        if (recipe.poolSize > 0) { // (in a job rank 0 renders and saves the pool, then the others read it)
            if (group && rank != 0)
                group->barrier();
            t.pool = train::ToyPool::obtain(recipe.poolFile, t.data, recipe.poolSize, o.poolOnly);
            if (group && rank == 0)
                group->barrier();
        }
        if (o.poolOnly)
            return;
        TrainingRun run(recipe, o, *bundle, t);
        run.loop(progress, stop);
        const TrainRunReport rep = run.finish();
        if (report)
            *report = rep;
    });
}

} // namespace mosaic
