// mosaic eval: generation on held-out MOSAIC-Toys samples (or a dataset folder), scored with the
// analytic metrics, for one model or several variants side by side.
#include <mosaic/annotate.h>
#include <mosaic/eval.h>
#include <mosaic/image.h>
#include <mosaic/pipeline.h>

#include "data/toys.h"
#include "eval/metrics.h"
#include "eval/report.h"
#include "image/convert.h"
#include "pipeline/bundle.h"
#include "pipeline/sampling.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/log.h"
#include "util/paths.h"
#include "util/strings.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <random>

namespace fs = std::filesystem;

namespace mosaic {

namespace {

struct Scores
{
    double correct = 0, retrievals = 0, leakage = 0, leakageCount = 0, scene = 0, sceneCount = 0, images = 0, layout = 0,
           layoutCount = 0, chance = 0, seconds = 0;
    EvalRow row(const std::string &variant, const std::string &condition, int subjects) const
    {
        EvalRow r;
        r.variant = variant;
        r.condition = condition;
        r.subjects = subjects;
        r.images = static_cast<int>(images);
        r.identityTop1 = retrievals > 0 ? correct / retrievals : 0;
        r.chance = chance;
        r.leakage = leakageCount > 0 ? leakage / leakageCount : 0;
        r.scene = sceneCount > 0 ? scene / sceneCount : -1;
        r.layout = layoutCount > 0 ? layout / layoutCount : -1;
        r.secondsPerImage = images > 0 ? seconds / images : 0;
        return r;
    }
};

// One evaluation sample, from MOSAIC-Toys or from a dataset folder.
struct EvalSubject
{
    at::Tensor reference;  // [3, R, R] in [0, 1], prepared
    NormalizedBox box;     // region guidance, and where the subject is looked for without a mask
    at::Tensor mask;       // [h, w] bool at any size, or undefined
    at::Tensor refCoords;  // [S, S, 2]: the exact reference point each target pixel shows (toys), or undefined
    std::string name;      // what the prompt calls it (the toy's kind; a dataset subject's name and category)
};

// Correspondence accuracy: MOSAIC's reference -> target attention on the ground-truth target
// (noised to t = 0.5, the model suggester), scored against the exact map. A pair counts where its
// reference point is visible in the target; correct within `radius` of the image size.
struct CorrespondenceScore
{
    double within5 = 0, within10 = 0, counted = 0;
};

void scoreCorrespondence(const std::vector<Correspondence> &pairs, const at::Tensor &coords, CorrespondenceScore *out)
{
    for (const auto &p : pairs) {
        double tx, ty;
        if (!eval::targetOfReferencePoint(coords, p.refX, p.refY, &tx, &ty))
            continue;
        const double e = std::hypot(p.tgtX - tx, p.tgtY - ty);
        out->counted += 1;
        out->within5 += e <= 0.05;
        out->within10 += e <= 0.10;
    }
}

struct EvalSample
{
    std::string id;
    at::Tensor target;     // [3, S, S] in [0, 1]
    std::string prompt;
    int background = -1;   // the MOSAIC-Toys background kind the prompt names (-1: none)
    std::vector<EvalSubject> subjects;
};

// Where subject j is looked for in an H x W image: its mask when it has one, else its box.
at::Tensor regionOf(const EvalSubject &s, int64_t H, int64_t W)
{
    if (s.mask.defined()) {
        at::Tensor m = s.mask.to(at::kFloat).unsqueeze(0).unsqueeze(0);
        return at::upsample_nearest2d(m, {H, W})[0][0] > 0.5;
    }
    return eval::boxMask(s.box.x, s.box.y, s.box.w, s.box.h, H, W);
}

int backgroundNamed(const std::string &prompt)
{
    for (int i = 0; i < 8; ++i)
        if (prompt.find(data::kBackgroundNames[i]) != std::string::npos)
            return i;
    return -1;
}

// Scores one image against its sample: `regions[j]` is where subject j is looked for. The scene is
// recognised outside every region and outside `alsoSubjects` (where else subjects were put), if given.
void score(const at::Tensor &image, const EvalSample &s, const std::vector<at::Tensor> &regions,
           const std::vector<at::Tensor> &refHist, const std::vector<at::Tensor> &distractors,
           const std::vector<at::Tensor> &truthHist, const eval::SceneClassifier &scenes, Scores *out,
           const at::Tensor &alsoSubjects = at::Tensor())
{
    const size_t k = s.subjects.size();
    std::vector<at::Tensor> candidates = refHist;
    candidates.insert(candidates.end(), distractors.begin(), distractors.end());
    std::vector<at::Tensor> genHist;
    at::Tensor all = at::zeros({image.size(1), image.size(2)}, at::kBool);
    for (size_t j = 0; j < k; ++j) {
        genHist.push_back(eval::colorHistogram(image, regions[j], true));
        all = all.logical_or(regions[j]);
        out->correct += eval::retrieve(genHist[j], candidates) == static_cast<int>(j);
        out->retrievals += 1;
    }
    for (size_t i = 0; i < k; ++i)
        for (size_t j = 0; j < k; ++j)
            if (i != j) {
                out->leakage += std::max(0.0, eval::intersection(refHist[i], genHist[j]) - eval::intersection(refHist[i], truthHist[j]));
                out->leakageCount += 1;
            }
    if (alsoSubjects.defined())
        all = all.logical_or(alsoSubjects);
    if (s.background >= 0) {
        out->scene += scenes.classify(image, all) == s.background;
        out->sceneCount += 1;
    }
    out->images += 1;
    out->chance = 1.0 / static_cast<double>(candidates.size());
}

// The samples to evaluate with k subjects: rendered MOSAIC-Toys (held-out identities), or the
// dataset's samples with k subjects.
class SampleSource
{
public:
    SampleSource(const EvalOptions &o) : m_o(o)
    {
        if (o.dataDir.empty())
            return;
        std::vector<DatasetProblem> problems;
        if (Status st = readDataset(o.dataDir, &m_dataset, &problems); !st.ok())
            throw Error(st.code, st.message);
        for (const auto &p : problems)
            log::warn("core.eval", "{}: {}", o.dataDir, p.text());
        if (m_dataset.empty())
            throw Error(StatusCode::InvalidArgument, o.dataDir + ": the dataset has no samples");
    }

    bool fromDataset() const { return !m_o.dataDir.empty(); }

    // The subject counts to evaluate: the requested ones (toys), or those the dataset has.
    std::vector<int> subjectCounts(int maxSubjects) const
    {
        std::vector<int> counts;
        for (int k : m_o.subjectCounts) {
            if (k < 1 || k > maxSubjects)
                throw Error(StatusCode::InvalidArgument, format("a subject count of {} is outside 1..{}", k, maxSubjects));
            if (!fromDataset() || indices(k).size() > 0)
                counts.push_back(k);
        }
        if (counts.empty())
            throw Error(StatusCode::InvalidArgument, m_o.dataDir + ": no sample has one of the requested subject counts");
        return counts;
    }

    int count(int k) const { return fromDataset() ? std::min<int>(m_o.samples, static_cast<int>(indices(k).size())) : m_o.samples; }

    EvalSample sample(int k, int n, int size, int refSize) const
    {
        EvalSample e;
        if (!fromDataset()) {
            ToysOptions to;
            to.split = "test";
            to.seed = m_o.seed + static_cast<uint64_t>(k);
            to.size = size;
            to.refSize = refSize;
            to.minSubjects = to.maxSubjects = k;
            to.minScale = m_o.minScale;
            to.maxScale = m_o.maxScale;
            to.alignedShrink = m_o.alignedShrink;
            const data::ToySample s = data::renderToySample(to, n);
            e.id = format("toys-{}-{}", k, n);
            e.target = s.target;
            e.prompt = s.prompt;
            e.background = s.background;
            for (const auto &sub : s.subjects)
                e.subjects.push_back({sub.reference, sub.box, at::Tensor(), sub.refCoords, sub.identity.kind()});
            return e;
        }
        const DatasetSample &smp = m_dataset[indices(k)[static_cast<size_t>(n)]];
        auto load = [&](const std::string &rel) {
            RgbaImage img;
            if (Status st = loadImage((fs::path(m_o.dataDir) / rel).string(), &img); !st.ok())
                throw Error(st.code, "sample " + smp.id + ": " + st.message);
            return img;
        };
        e.id = smp.id;
        e.prompt = smp.prompt;
        e.background = backgroundNamed(smp.prompt);
        const at::Tensor t = (image::toTensor(load(smp.target)) + 1.0) / 2.0;
        e.target = at::upsample_bilinear2d(t, {size, size}, false)[0].clamp(0.0, 1.0);
        for (const auto &sub : smp.subjects) {
            EvalSubject es;
            es.name = sub.name + " " + sub.category;
            RgbaImage prepared;
            if (Status st = prepareReference(load(sub.image), refSize, &prepared); !st.ok())
                throw Error(st.code, "sample " + smp.id + ": " + st.message);
            es.reference = ((image::toTensor(prepared) + 1.0) / 2.0)[0];
            if (!sub.mask.empty()) {
                const at::Tensor m = image::toTensor(load(sub.mask))[0];
                es.mask = m.slice(0, 0, 3).mean(0) > 0.0; // > 50 % grey
                const at::Tensor nz = es.mask.nonzero();
                if (nz.size(0) == 0)
                    throw Error(StatusCode::CorruptFile, "sample " + smp.id + ": the mask of " + sub.name + " is empty");
                const auto ys = nz.select(1, 0), xs = nz.select(1, 1);
                const float h = static_cast<float>(es.mask.size(0)), w = static_cast<float>(es.mask.size(1));
                const float x0 = xs.min().item<float>(), x1 = xs.max().item<float>() + 1;
                const float y0 = ys.min().item<float>(), y1 = ys.max().item<float>() + 1;
                es.box = {x0 / w, y0 / h, (x1 - x0) / w, (y1 - y0) / h};
            }
            if (sub.box)
                es.box = *sub.box;
            e.subjects.push_back(std::move(es));
        }
        return e;
    }

private:
    std::vector<size_t> indices(int k) const
    {
        std::vector<size_t> out;
        for (size_t i = 0; i < m_dataset.size(); ++i) {
            const auto &subs = m_dataset[i].subjects;
            const bool located = std::all_of(subs.begin(), subs.end(), [](const DatasetSubject &d) { return d.box || !d.mask.empty(); });
            if (static_cast<int>(subs.size()) == k && located && (m_dataset[i].split == "test" || m_dataset[i].split.empty()))
                out.push_back(i);
        }
        return out;
    }

    const EvalOptions &m_o;
    std::vector<DatasetSample> m_dataset;
};

void checkOptions(const EvalOptions &o)
{
    if (o.samples < 1 || o.subjectCounts.empty() || o.distractors < 0)
        throw Error(StatusCode::InvalidArgument, "an evaluation needs at least one sample and one subject count");
    if (!((o.cfgScale < 0.0 || o.cfgScale >= 1.0) && (o.refCfgScale < 0.0 || o.refCfgScale >= 1.0)) ||
        !std::isfinite(o.cfgScale) || !std::isfinite(o.refCfgScale))
        throw Error(StatusCode::InvalidArgument,
                    "the CFG scales must be finite and at least 1 (or negative for each model's default)");
    if (o.size != 0 && (o.size < 16 || o.size > 1024 || o.size % 16 != 0))
        throw Error(StatusCode::InvalidArgument,
                    format("the image size {} must be a multiple of 16 from 16 to 1024 (0: each model's default)", o.size));
    if (!std::isfinite(o.collage) || o.collage >= 1.0)
        throw Error(StatusCode::InvalidArgument, "the reference collage must be below 1 (0: off; negative: each "
                                                 "model's default)");
    if (!(o.fromTruth > 0.0 && o.fromTruth <= 1.0))
        throw Error(StatusCode::InvalidArgument, "the strength of a start from the ground truth must be above 0 and at most 1");
}

// One line of the report per variant: the model and the settings it ran with.
std::string describeVariant(const EvalOptions &o, const std::string &label, const std::string &modelPath,
                            const BundleDescription &d)
{
    const double cfg = o.cfgScale < 0.0 ? d.defaultCfg : o.cfgScale,
                 refCfg = o.refCfgScale < 0.0 ? d.defaultRefCfg : o.refCfgScale,
                 collage = o.collage < 0.0 ? (o.fromTruth < 1.0 ? 0.0 : d.defaultCollage) : o.collage;
    return format("`{}`: {} ({}, {} transformer parameters), {} px, {} steps{}", label, fileNameOf(modelPath), d.name,
                  d.parameterCount, o.size > 0 ? o.size : d.defaultSize, o.steps > 0 ? o.steps : d.defaultSteps,
                  cfg > 1.0 || refCfg > 1.0
                      ? format(", CFG {} (prompt), {} (references){}", cfg, refCfg,
                               o.cfgScale < 0.0 && o.refCfgScale < 0.0 ? " (the model's defaults)" : "")
                      : std::string()) +
           (collage > 0.0 ? format(", reference collage {}{} (the references pasted into their places, then redrawn)",
                                   collage, o.collage < 0.0 ? " (the model's default)" : "")
                          : std::string()) +
           (o.fromTruth < 1.0 ? format(", started from the ground truth noised to strength {}"
                                       " (a diagnostic: not generation from noise)", o.fromTruth)
                              : std::string());
}

// Distractors: held-out identities that no evaluated sample uses (another seed of the test split).
std::vector<at::Tensor> distractorHistograms(const EvalOptions &o, int size, int refSize)
{
    std::vector<at::Tensor> distractors;
    ToysOptions dopt;
    dopt.split = "test";
    dopt.seed = o.seed + 99991;
    dopt.size = size;
    dopt.refSize = refSize;
    dopt.minSubjects = dopt.maxSubjects = 1;
    dopt.minScale = o.minScale;
    dopt.maxScale = o.maxScale;
    dopt.alignedShrink = o.alignedShrink;
    for (int i = 0; static_cast<int>(distractors.size()) < o.distractors; ++i) {
        const auto s = data::renderToySample(dopt, i);
        distractors.push_back(eval::colorHistogram(s.subjects[0].reference, at::Tensor(), true));
    }
    return distractors;
}

// What every image of one sample is scored against.
struct SampleContext
{
    const EvalSample &sample;
    std::vector<at::Tensor> regions, refHist, truthHist;
    const std::vector<at::Tensor> &distractors;
    const eval::SceneClassifier &scenes;

    SampleContext(const EvalSample &s, int size, const std::vector<at::Tensor> &d, const eval::SceneClassifier &sc)
        : sample(s), distractors(d), scenes(sc)
    {
        for (const auto &sub : s.subjects) {
            regions.push_back(regionOf(sub, size, size));
            refHist.push_back(eval::colorHistogram(sub.reference, at::Tensor(), true));
        }
        for (const auto &r : regions)
            truthHist.push_back(eval::colorHistogram(s.target, r, true));
    }
    void score(const at::Tensor &image, const std::vector<at::Tensor> &where, Scores *out,
               const at::Tensor &alsoSubjects = at::Tensor()) const
    {
        mosaic::score(image, sample, where, refHist, distractors, truthHist, scenes, out, alsoSubjects);
    }
};

// One subject count's scores, per condition.
struct CountScores
{
    Scores withRegions, without, planned, truth, shuffled, reconstructed;
    CorrespondenceScore corr;
};

// Validation rows: the ground truth, the ground truth with regions rotated, and the ceiling any
// transformer over this autoencoder has (the ground truth encoded and decoded, posterior mean).
void scoreValidation(ModelBundle &bundle, const SampleContext &c, CountScores *out)
{
    const EvalSample &s = c.sample;
    c.score(s.target, c.regions, &out->truth);
    {
        c10::InferenceMode inference;
        auto &ae = *pipeline::bundleOf(bundle).ae;
        const at::Tensor rec = ae.decode(ae.encode(s.target.unsqueeze(0) * 2.0 - 1.0)).to(at::kFloat);
        c.score(((rec[0] + 1.0) / 2.0).clamp(0.0, 1.0), c.regions, &out->reconstructed);
    }
    if (s.subjects.size() > 1) {
        std::vector<at::Tensor> rotated(c.regions.begin() + 1, c.regions.end());
        rotated.push_back(c.regions.front());
        c.score(s.target, rotated, &out->shuffled);
    }
}

// Correspondence accuracy of the model's own attention on the ground truth, where exact maps exist.
void scoreModelCorrespondence(ModelBundle &bundle, const EvalOptions &o, const EvalSample &s, int n, CorrespondenceScore *corr)
{
    if (!std::all_of(s.subjects.begin(), s.subjects.end(), [](const EvalSubject &e) { return e.refCoords.defined(); }))
        return;
    std::vector<SuggestSubject> subs;
    for (const auto &sub : s.subjects) {
        SuggestSubject ss;
        ss.reference = image::fromTensor(sub.reference * 2.0 - 1.0);
        ss.box = sub.box;
        subs.push_back(std::move(ss));
    }
    SuggestOptions so;
    so.method = SuggestMethod::Model;
    so.noise = 0.5f;
    so.seed = o.seed + static_cast<uint64_t>(n);
    std::vector<std::vector<Correspondence>> found;
    if (Status cs = suggestWithModel(bundle, image::fromTensor(s.target * 2.0 - 1.0), s.prompt, subs, so, &found); !cs.ok())
        throw Error(cs.code, s.id + ": " + cs.message);
    for (size_t j = 0; j < found.size(); ++j)
        scoreCorrespondence(found[j], s.subjects[j].refCoords, corr);
}

// The conditions a sample is generated in: 1 the true regions given; 0 none; 2 boxes planned from the
// prompt (auto layout).
enum Condition { kNoRegions = 0, kRegions = 1, kAutoLayout = 2 };

GenerationRequest evalRequest(const EvalOptions &o, const EvalSample &s, int n, int size, Condition mode)
{
    GenerationRequest req;
    req.prompt = s.prompt;
    req.seed = o.seed * 1000 + static_cast<uint64_t>(n);
    req.steps = o.steps;
    req.width = req.height = size;
    req.cfgScale = static_cast<float>(o.cfgScale);
    req.refCfgScale = static_cast<float>(o.refCfgScale);
    // A start from the ground truth is a diagnostic of the model: no paste on top of it unless asked for.
    req.collage = static_cast<float>(o.fromTruth < 1.0 && o.collage < 0.0 ? 0.0 : o.collage);
    if (o.fromTruth < 1.0) {
        req.initImage = image::fromTensor(s.target * 2.0 - 1.0);
        req.strength = static_cast<float>(o.fromTruth);
    }
    req.capture.enabled = true;
    for (const auto &sub : s.subjects) {
        Subject subject;
        subject.image = image::fromTensor(sub.reference * 2.0 - 1.0);
        subject.prepared = true;
        if (mode == kRegions)
            subject.box = sub.box;
        subject.name = sub.name;
        req.subjects.push_back(std::move(subject));
    }
    req.autoLayout = mode == kAutoLayout;
    return req;
}

// Generates the sample in one condition and scores it; returns the image ([3, H, W] in [0, 1]).
at::Tensor generateAndScore(ModelBundle &bundle, const EvalOptions &o, const SampleContext &c, int n, int size,
                            Condition mode, Scores *sc)
{
    const EvalSample &s = c.sample;
    const GenerationRequest req = evalRequest(o, s, n, size, mode);
    GenerationResult res;
    if (Status g = generate(bundle, req, &res); !g.ok())
        throw Error(g.code, s.id + ": " + g.message);
    const at::Tensor img = (image::toTensor(res.image)[0] + 1.0) / 2.0;
    // With a planned layout the subjects stand in the planned boxes as well as (where they overlap) in the
    // true regions: the background is what lies outside both.
    c.score(img, c.regions, sc, mode == kAutoLayout ? eval::plannedArea(req, size) : at::Tensor());
    sc->seconds += res.prepareSeconds + res.denoiseSeconds + res.decodeSeconds;
    if (mode == kRegions)
        for (const auto &m : res.subjects)
            if (m.massInRegion >= 0) {
                sc->layout += m.massInRegion;
                sc->layoutCount += 1;
            }
    if (mode == kAutoLayout)
        // The planned boxes are not the true regions: the share of each subject's attention inside its
        // true region.
        for (size_t j = 0; j < res.subjects.size() && j < c.regions.size(); ++j) {
            const FloatMap &m = res.subjects[j].share;
            if (m.width != size || m.height != size)
                continue;
            const at::Tensor share = at::from_blob(const_cast<float *>(m.values.data()), {size, size}, at::kFloat);
            const double total = share.sum().item<double>();
            sc->layout += total > 0 ? (share * c.regions[j].to(at::kFloat)).sum().item<double>() / total : 0.0;
            sc->layoutCount += 1;
        }
    return img;
}

void appendRows(const std::string &label, int k, bool firstVariant, bool autoLayout, const CountScores &c,
                std::vector<EvalRow> *rows)
{
    rows->push_back(c.withRegions.row(label, "generated, regions", k));
    if (c.corr.counted > 0) {
        rows->back().correspondence5 = c.corr.within5 / c.corr.counted;
        rows->back().correspondence10 = c.corr.within10 / c.corr.counted;
    }
    rows->push_back(c.without.row(label, "generated, no regions", k));
    if (autoLayout)
        rows->push_back(c.planned.row(label, "generated, auto layout", k));
    rows->push_back(c.reconstructed.row(label, "autoencoder reconstruction", k));
    if (firstVariant) {
        rows->push_back(c.truth.row("", "ground truth", k));
        if (k > 1)
            rows->push_back(c.shuffled.row("", "ground truth, regions rotated", k));
    }
}

} // namespace

Status runEvaluation(const EvalOptions &o, EvalReport *report, const std::function<void(int, int)> &progress)
{
    return guarded([&] {
        checkOptions(o);
        std::vector<std::pair<std::string, std::string>> variants = o.variants;
        if (variants.empty())
            variants.emplace_back(fs::path(o.model).stem().string(), o.model);
        for (const auto &[label, path] : variants)
            if (label.empty() || path.empty())
                throw Error(StatusCode::InvalidArgument, "every variant needs a name and a model");
        std::string err;
        std::error_code ec;
        const bool existed = fs::exists(o.reportDir, ec);
        if (!makeDirectories(o.reportDir, &err))
            throw Error(StatusCode::IoError, "cannot create the report folder " + err);
        // A run that fails before it writes anything (a subject count the model cannot take, a model
        // that does not load) leaves no empty report folder behind.
        struct RemoveIfEmpty
        {
            std::string dir;
            bool armed;
            ~RemoveIfEmpty()
            {
                std::error_code e;
                if (armed && fs::is_directory(dir, e) && fs::is_empty(dir, e))
                    fs::remove(dir, e);
            }
        } cleanup{o.reportDir, !existed};
        const SampleSource source(o);

        std::vector<EvalRow> rows;
        std::vector<std::string> descriptions, grids;
        int done = 0, total = 0;
        for (size_t v = 0; v < variants.size(); ++v) {
            const auto &[label, modelPath] = variants[v];
            Status st;
            auto bundle = ModelBundle::load(modelPath, &st);
            if (!bundle)
                throw Error(st.code, modelPath + ": " + st.message);
            const auto &d = bundle->description();
            descriptions.push_back(describeVariant(o, label, modelPath, d));
            const int size = o.size > 0 ? o.size : d.defaultSize, refSize = d.refSize;
            const auto counts = source.subjectCounts(d.maxSubjects);
            if (v == 0)
                for (int k : counts)
                    total += source.count(k) * (o.autoLayout ? 3 : 2) * static_cast<int>(variants.size());
            const eval::SceneClassifier scenes(12, size);
            const std::vector<at::Tensor> distractors = distractorHistograms(o, size, refSize);
            std::vector<at::Tensor> gridRows;
            for (int k : counts) {
                CountScores scores;
                for (int n = 0; n < source.count(k); ++n) {
                    const EvalSample s = source.sample(k, n, size, refSize);
                    const SampleContext c(s, size, distractors, scenes);
                    scoreValidation(*bundle, c, &scores);
                    scoreModelCorrespondence(*bundle, o, s, n, &scores.corr);
                    const at::Tensor withRegions = generateAndScore(*bundle, o, c, n, size, kRegions, &scores.withRegions);
                    if (progress)
                        progress(++done, total);
                    const at::Tensor without = generateAndScore(*bundle, o, c, n, size, kNoRegions, &scores.without);
                    if (n == 0) {
                        std::vector<at::Tensor> row{s.target, withRegions, without};
                        for (const auto &sub : s.subjects)
                            row.push_back(image::toHeight(sub.reference, size));
                        gridRows.push_back(at::cat(row, 2));
                    }
                    if (progress)
                        progress(++done, total);
                    if (o.autoLayout) {
                        generateAndScore(*bundle, o, c, n, size, kAutoLayout, &scores.planned);
                        if (progress)
                            progress(++done, total);
                    }
                }
                appendRows(label, k, v == 0, o.autoLayout, scores, &rows);
            }
            const std::string gridName = variants.size() > 1 ? "samples-" + label + ".png" : "samples.png";
            if (!gridRows.empty() &&
                savePng((fs::path(o.reportDir) / gridName).string(), image::fromTensor(image::stackRows(gridRows) * 2.0 - 1.0)).ok())
                grids.push_back(format("![samples of {}]({})", label, gridName));
        }
        eval::writeReport(o, source.fromDataset(), variants, descriptions, grids, rows, report);
    });
}

} // namespace mosaic
