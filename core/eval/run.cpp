// mosaic eval: generation on held-out MOSAIC-Toys samples, scored with the analytic metrics.
#include <mosaic/eval.h>
#include <mosaic/image.h>
#include <mosaic/pipeline.h>

#include "data/toys.h"
#include "eval/metrics.h"
#include "image/convert.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/log.h"
#include "util/paths.h"
#include "util/strings.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <random>

namespace fs = std::filesystem;

namespace mosaic {

namespace {

struct Scores
{
    double correct = 0, retrievals = 0, leakage = 0, leakageCount = 0, scene = 0, images = 0, layout = 0, layoutCount = 0,
           chance = 0, seconds = 0;
    EvalRow row(const std::string &condition, int subjects) const
    {
        EvalRow r;
        r.condition = condition;
        r.subjects = subjects;
        r.images = static_cast<int>(images);
        r.identityTop1 = retrievals > 0 ? correct / retrievals : 0;
        r.chance = chance;
        r.leakage = leakageCount > 0 ? leakage / leakageCount : 0;
        r.scene = images > 0 ? scene / images : 0;
        r.layout = layoutCount > 0 ? layout / layoutCount : -1;
        r.secondsPerImage = images > 0 ? seconds / images : 0;
        return r;
    }
};

// Scores one image against its sample: `regionOf[j]` is where subject j is looked for.
void score(const at::Tensor &image, const data::ToySample &s, const std::vector<at::Tensor> &regionOf,
           const std::vector<at::Tensor> &refHist, const std::vector<at::Tensor> &distractors,
           const std::vector<at::Tensor> &truthHist, const eval::SceneClassifier &scenes, Scores *out)
{
    const size_t k = s.subjects.size();
    std::vector<at::Tensor> candidates = refHist;
    candidates.insert(candidates.end(), distractors.begin(), distractors.end());
    std::vector<at::Tensor> genHist;
    at::Tensor all = at::zeros({image.size(1), image.size(2)}, at::kBool);
    for (size_t j = 0; j < k; ++j) {
        genHist.push_back(eval::colorHistogram(image, regionOf[j], true));
        all = all.logical_or(regionOf[j]);
        out->correct += eval::retrieve(genHist[j], candidates) == static_cast<int>(j);
        out->retrievals += 1;
    }
    for (size_t i = 0; i < k; ++i)
        for (size_t j = 0; j < k; ++j)
            if (i != j) {
                out->leakage += std::max(0.0, eval::intersection(refHist[i], genHist[j]) - eval::intersection(refHist[i], truthHist[j]));
                out->leakageCount += 1;
            }
    out->scene += scenes.classify(image, all) == s.background;
    out->images += 1;
    out->chance = 1.0 / static_cast<double>(candidates.size());
}

std::string fixed(double v, int digits)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

} // namespace

Status runEvaluation(const EvalOptions &o, EvalReport *report, const std::function<void(int, int)> &progress)
{
    return guarded([&] {
        if (o.samples < 1 || o.subjectCounts.empty() || o.distractors < 0)
            throw Error(StatusCode::InvalidArgument, "eval: at least one sample and one subject count");
        Status st;
        auto bundle = ModelBundle::load(o.model, &st);
        if (!bundle)
            throw Error(st.code, st.message);
        const auto &d = bundle->description();
        std::string err;
        if (!makeDirectories(o.reportDir, &err))
            throw Error(StatusCode::IoError, "cannot create the report folder " + err);
        const int size = d.defaultSize, refSize = d.refSize;
        const eval::SceneClassifier scenes(12, size);
        // Distractors: held-out identities that no evaluated sample uses (another seed of the test split).
        std::vector<at::Tensor> distractors;
        {
            ToysOptions dopt;
            dopt.split = "test";
            dopt.seed = o.seed + 99991;
            dopt.size = size;
            dopt.refSize = refSize;
            dopt.minSubjects = dopt.maxSubjects = 1;
            for (int i = 0; static_cast<int>(distractors.size()) < o.distractors; ++i) {
                const auto s = data::renderToySample(dopt, i);
                distractors.push_back(eval::colorHistogram(s.subjects[0].reference, at::Tensor(), true));
            }
        }
        const int total = static_cast<int>(o.subjectCounts.size()) * o.samples * 2;
        int done = 0;
        std::vector<EvalRow> rows;
        std::vector<at::Tensor> gridRows;
        for (int k : o.subjectCounts) {
            if (k < 1 || k > d.maxSubjects)
                throw Error(StatusCode::InvalidArgument, format("eval: {} subjects is outside 1..{}", k, d.maxSubjects));
            ToysOptions to;
            to.split = "test";
            to.seed = o.seed + static_cast<uint64_t>(k);
            to.size = size;
            to.refSize = refSize;
            to.minSubjects = to.maxSubjects = k;
            Scores withRegions, without, truth, shuffled;
            for (int n = 0; n < o.samples; ++n) {
                const data::ToySample s = data::renderToySample(to, n);
                std::vector<at::Tensor> boxes, refHist, truthHist;
                for (const auto &sub : s.subjects) {
                    boxes.push_back(eval::boxMask(sub.box.x, sub.box.y, sub.box.w, sub.box.h, size, size));
                    refHist.push_back(eval::colorHistogram(sub.reference, at::Tensor(), true));
                }
                for (const auto &b : boxes)
                    truthHist.push_back(eval::colorHistogram(s.target, b, true));
                // Validation rows: the ground truth, and the ground truth with regions rotated.
                score(s.target, s, boxes, refHist, distractors, truthHist, scenes, &truth);
                if (k > 1) {
                    std::vector<at::Tensor> rotated(boxes.begin() + 1, boxes.end());
                    rotated.push_back(boxes.front());
                    score(s.target, s, rotated, refHist, distractors, truthHist, scenes, &shuffled);
                }
                at::Tensor firstImage;
                for (int withBoxes = 1; withBoxes >= 0; --withBoxes) {
                    GenerationRequest req;
                    req.prompt = s.prompt;
                    req.seed = o.seed * 1000 + static_cast<uint64_t>(n);
                    req.steps = o.steps;
                    req.capture.enabled = true;
                    for (const auto &sub : s.subjects) {
                        Subject subject;
                        subject.image = image::fromTensor(sub.reference * 2.0 - 1.0);
                        subject.prepared = true;
                        if (withBoxes)
                            subject.box = sub.box;
                        req.subjects.push_back(std::move(subject));
                    }
                    GenerationResult res;
                    if (Status g = generate(*bundle, req, &res); !g.ok())
                        throw Error(g.code, g.message);
                    const at::Tensor img = (image::toTensor(res.image)[0] + 1.0) / 2.0;
                    Scores &sc = withBoxes ? withRegions : without;
                    score(img, s, boxes, refHist, distractors, truthHist, scenes, &sc);
                    sc.seconds += res.prepareSeconds + res.denoiseSeconds + res.decodeSeconds;
                    if (withBoxes)
                        for (const auto &m : res.subjects)
                            if (m.massInRegion >= 0) {
                                sc.layout += m.massInRegion;
                                sc.layoutCount += 1;
                            }
                    if (withBoxes)
                        firstImage = img;
                    else if (n == 0) {
                        std::vector<at::Tensor> row{s.target, firstImage, img};
                        for (const auto &sub : s.subjects)
                            row.push_back(image::toHeight(sub.reference, size));
                        gridRows.push_back(at::cat(row, 2));
                    }
                    if (progress)
                        progress(++done, total);
                }
            }
            rows.push_back(withRegions.row("generated, regions", k));
            rows.push_back(without.row("generated, no regions", k));
            rows.push_back(truth.row("ground truth", k));
            if (k > 1)
                rows.push_back(shuffled.row("ground truth, regions rotated", k));
        }

        // The report.
        std::string md = format("# MOSAIC-Toys evaluation of `{}`\n\nModel: {} ({} transformer parameters), {} px, "
                                "{} steps. {} held-out samples per subject count, seed {}; {} distractor identities.\n\n",
                                fileNameOf(o.model), d.name, d.parameterCount, size, o.steps > 0 ? o.steps : d.defaultSteps,
                                o.samples, o.seed, o.distractors);
        md += "| subjects | condition | images | identity top-1 | chance | leakage | scene | layout | s/image |\n"
              "|---:|---|---:|---:|---:|---:|---:|---:|---:|\n";
        for (const auto &r : rows)
            md += format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", r.subjects, r.condition, r.images,
                         fixed(r.identityTop1, 3), fixed(r.chance, 3), fixed(r.leakage, 3), fixed(r.scene, 3),
                         r.layout < 0 ? std::string("–") : fixed(r.layout, 3),
                         r.secondsPerImage > 0 ? fixed(r.secondsPerImage, 2) : std::string("–"));
        md += "\nIdentity: top-1 retrieval of each subject's reference (among the sample's references and the "
              "distractors) from the colour histogram of the image inside the subject's ground-truth box. "
              "Leakage: how much more of a subject's colours appear in the other subjects' boxes than in the "
              "ground truth. Scene: the background kind recognised from the pixels outside all boxes. Layout: "
              "the share of each subject's attention mass inside its region (region guidance on). The ground-truth "
              "rows validate the metrics (near their best), the rotated rows their sensitivity (near chance).\n";
        if (!gridRows.empty()) {
            const std::string grid = (fs::path(o.reportDir) / "samples.png").string();
            if (savePng(grid, image::fromTensor(image::stackRows(gridRows) * 2.0 - 1.0)).ok())
                md += "\n![samples](samples.png)\n\nRows: one sample per subject count. Columns: ground truth, "
                      "generated with regions, generated without, the references.\n";
        }
        const std::string path = (fs::path(o.reportDir) / "report.md").string();
        writeFileAtomically(path, md);
        if (report) {
            report->rows = rows;
            report->markdown = path;
        }
    });
}

} // namespace mosaic
