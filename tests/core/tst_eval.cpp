// The evaluation metrics are validated before they are trusted: on ground-truth MOSAIC-Toys targets
// they score near their best, with the subjects' regions rotated (or the scene labels shifted) near
// chance. And `mosaic eval` writes its report.
#include "testsupport.h"

#include "data/toys.h"
#include "eval/metrics.h"
#include "eval/plot.h"

#include <mosaic/eval.h>
#include <mosaic/layout.h>
#include <mosaic/pipeline.h>
#include <mosaic/train.h>

#include <filesystem>
#include <fstream>
#include <set>

using namespace mosaic;

class TstEval : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void identityRetrievalIsValid()
    {
        ToysOptions o;
        o.split = "test";
        o.seed = 31;
        o.size = 128;
        o.refSize = 64;
        o.minSubjects = o.maxSubjects = 3;
        std::vector<at::Tensor> distractors;
        {
            ToysOptions d = o;
            d.seed = 9001;
            d.minSubjects = d.maxSubjects = 1;
            for (int i = 0; i < 8; ++i)
                distractors.push_back(eval::colorHistogram(data::renderToySample(d, i).subjects[0].reference, at::Tensor(), true));
        }
        int right = 0, rotatedRight = 0, total = 0;
        for (int n = 0; n < 12; ++n) {
            const auto s = data::renderToySample(o, n);
            std::vector<at::Tensor> candidates, boxes;
            for (const auto &sub : s.subjects) {
                candidates.push_back(eval::colorHistogram(sub.reference, at::Tensor(), true));
                boxes.push_back(eval::boxMask(sub.box.x, sub.box.y, sub.box.w, sub.box.h, 128, 128));
            }
            candidates.insert(candidates.end(), distractors.begin(), distractors.end());
            for (size_t j = 0; j < 3; ++j) {
                right += eval::retrieve(eval::colorHistogram(s.target, boxes[j], true), candidates) == int(j);
                rotatedRight += eval::retrieve(eval::colorHistogram(s.target, boxes[(j + 1) % 3], true), candidates) == int(j);
                ++total;
            }
        }
        const double acc = double(right) / total, rotated = double(rotatedRight) / total, chance = 1.0 / 11;
        qInfo("identity top-1: ground truth %.3f, regions rotated %.3f, chance %.3f (%d retrievals)", acc, rotated, chance, total);
        QVERIFY(acc >= 0.8);
        QVERIFY(rotated <= 0.25);
    }

    void sceneRecognitionIsValid()
    {
        const eval::SceneClassifier scenes(12, 128);
        ToysOptions o;
        o.split = "test";
        o.seed = 47;
        o.size = 128;
        o.refSize = 64;
        o.minSubjects = 1;
        o.maxSubjects = 4;
        int right = 0, shifted = 0;
        const int n = 40;
        for (int i = 0; i < n; ++i) {
            const auto s = data::renderToySample(o, i);
            at::Tensor m = at::zeros({128, 128}, at::kBool);
            for (const auto &sub : s.subjects)
                m = m.logical_or(eval::boxMask(sub.box.x, sub.box.y, sub.box.w, sub.box.h, 128, 128));
            const int k = scenes.classify(s.target, m);
            right += k == s.background;
            shifted += k == (s.background + 1) % 8;
        }
        qInfo("scene: ground truth %.3f, labels shifted %.3f, chance 0.125", double(right) / n, double(shifted) / n);
        QVERIFY(right >= 0.9 * n);
        QVERIFY(shifted <= 0.2 * n);
    }

    void evalWritesItsReport()
    {
        const std::string dir = testsupport::scratchDir("eval");
        RandomBundleOptions b;
        b.imageSize = 64;
        b.refSize = 64;
        b.steps = 2;
        QVERIFY(writeRandomBundle(dir + "/m.safetensors", b).ok());
        EvalOptions o;
        o.model = dir + "/m.safetensors";
        o.reportDir = dir + "/report";
        o.samples = 1;
        o.subjectCounts = {1, 2};
        o.distractors = 3;
        EvalReport r;
        int calls = 0;
        const Status st = runEvaluation(o, &r, [&](int, int) { ++calls; });
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(calls, 4);
        QCOMPARE(r.rows.size(), size_t{9}); // k=1: 4 rows, k=2: 5 rows
        // The autoencoder's ceiling: the ground truth encoded and decoded, scored as a generated image.
        QCOMPARE(r.rows[2].condition, std::string("autoencoder reconstruction"));
        QCOMPARE(r.rows[2].images, 1);
        QVERIFY(r.rows[2].identityTop1 >= 0 && r.rows[2].identityTop1 <= 1 && r.rows[2].scene >= 0);
        QCOMPARE(r.rows[0].condition, std::string("generated, regions"));
        QVERIFY(r.rows[0].layout >= 0 && r.rows[1].layout < 0);
        // Correspondence accuracy is measured once per subject count (on the regions row) where exact maps exist.
        QVERIFY(r.rows[0].correspondence10 >= 0 && r.rows[0].correspondence10 <= 1);
        QVERIFY(r.rows[0].correspondence5 <= r.rows[0].correspondence10);
        QVERIFY(r.rows[1].correspondence10 < 0);
        QVERIFY(std::abs(r.rows[0].chance - 1.0 / 4) < 1e-9);
        std::ifstream in(r.markdown);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QVERIFY(text.find("| 2 | ground truth, regions rotated |") != std::string::npos);
        QVERIFY(text.find("| 2 | autoencoder reconstruction |") != std::string::npos);
        QVERIFY(text.find("subject scale 0.09-0.17 of the image side") != std::string::npos); // the toys' sizes are stated
        // The diagnostic start from the ground truth (image to image) is run and stated in the report;
        // a strength outside (0, 1] is refused.
        o.subjectCounts = {1};
        o.fromTruth = 0.4;
        o.reportDir = dir + "/report-truth";
        QVERIFY(runEvaluation(o, &r).ok());
        {
            std::ifstream t(r.markdown);
            const std::string md((std::istreambuf_iterator<char>(t)), std::istreambuf_iterator<char>());
            QVERIFY(md.find("started from the ground truth noised to strength 0.4") != std::string::npos);
        }
        for (double bad : {0.0, 1.5, std::nan("")}) {
            o.fromTruth = bad;
            const Status fs = runEvaluation(o, &r);
            QCOMPARE(fs.code, StatusCode::InvalidArgument);
            QVERIFY2(fs.message.find("ground truth") != std::string::npos, fs.message.c_str());
        }
        o.fromTruth = 1.0;
        o.reportDir = dir + "/report";
        // Bad requests are errors, not crashes.
        o.subjectCounts = {9};
        QVERIFY(!runEvaluation(o, &r).ok());
        o.model = dir + "/absent.safetensors";
        o.subjectCounts = {1};
        QVERIFY(!runEvaluation(o, &r).ok());
        // A failed run into a new folder leaves no empty folder behind; into an existing one, the
        // folder and what it holds stay.
        o.model = dir + "/m.safetensors";
        o.subjectCounts = {9};
        o.reportDir = dir + "/new-report";
        QVERIFY(!runEvaluation(o, &r).ok());
        QVERIFY(!std::filesystem::exists(o.reportDir));
        o.reportDir = dir + "/report";
        QVERIFY(!runEvaluation(o, &r).ok());
        QVERIFY(std::filesystem::exists(dir + "/report/report.md"));
        std::filesystem::create_directories(dir + "/empty-report");
        o.reportDir = dir + "/empty-report";
        QVERIFY(!runEvaluation(o, &r).ok());
        QVERIFY(std::filesystem::is_directory(o.reportDir));
    }

    // The report's plots: each point lands where toPixel says, in its series' colour; dashed lines
    // have gaps that solid ones lack; titles and legends are drawn.
    // A model's default collage applies and is stated; a start from the ground truth runs without it
    // unless asked for; --size renders and generates at that size.
    // EvalOptions::autoLayout adds one condition per subject count: boxes planned from the prompt.
    void evalAutoLayout()
    {
        const std::string dir = testsupport::scratchDir("eval-auto");
        RandomBundleOptions b;
        b.imageSize = b.refSize = 64;
        b.steps = 2;
        QVERIFY(writeRandomBundle(dir + "/m.safetensors", b).ok());
        EvalOptions o;
        o.model = dir + "/m.safetensors";
        o.samples = 2;
        o.subjectCounts = {1, 2};
        o.distractors = 2;
        o.reportDir = dir + "/plain";
        EvalReport plain, planned;
        QVERIFY(runEvaluation(o, &plain).ok());
        o.autoLayout = true;
        o.reportDir = dir + "/auto";
        int last = 0, total = 0;
        QVERIFY(runEvaluation(o, &planned, [&](int done, int of) { last = done, total = of; }).ok());
        QCOMPARE(total, 2 * 2 * 3); // two counts, two samples, three conditions
        QCOMPARE(last, total);
        auto find = [](const EvalReport &r, const std::string &condition, int k) -> const EvalRow * {
            for (const auto &row : r.rows)
                if (row.condition == condition && row.subjects == k)
                    return &row;
            return nullptr;
        };
        for (int k : {1, 2}) {
            QVERIFY(!find(plain, "generated, auto layout", k));
            const EvalRow *row = find(planned, "generated, auto layout", k);
            QVERIFY(row);
            QCOMPARE(row->images, 2);
            QVERIFY2(row->layout >= 0 && row->layout <= 1, std::to_string(row->layout).c_str());
            // The other conditions are the same images as without the option.
            QCOMPARE(find(planned, "generated, regions", k)->identityTop1, find(plain, "generated, regions", k)->identityTop1);
            QCOMPARE(find(planned, "generated, no regions", k)->layout, -1.0);
        }
        std::ifstream t(planned.markdown);
        const std::string md((std::istreambuf_iterator<char>(t)), std::istreambuf_iterator<char>());
        QVERIFY(md.find("| generated, auto layout |") != std::string::npos);
        QVERIFY(md.find("Auto layout: no regions given") != std::string::npos);

        // The area the auto-layout condition's scene leaves out: the planned boxes, nothing else.
        GenerationRequest req;
        req.prompt = "a block on the left and a star on the right";
        for (const char *name : {"star", "block"}) {
            Subject sub;
            sub.name = name;
            req.subjects.push_back(sub);
        }
        const at::Tensor area = eval::plannedArea(req, 96);
        QCOMPARE(area.size(0), int64_t{96});
        const std::vector<PlannedBox> boxes = planRequestLayout(req, 96, 96);
        at::Tensor expected = at::zeros({96, 96}, at::kBool);
        for (const PlannedBox &p : boxes)
            expected = expected.logical_or(eval::boxMask(p.box.x, p.box.y, p.box.w, p.box.h, 96, 96));
        QVERIFY(area.equal(expected));
        const int64_t row = static_cast<int64_t>((boxes[1].box.y + boxes[1].box.h / 2) * 96);
        QVERIFY(area[row][10].item<bool>());  // the block, on the left
        QVERIFY(area[row][85].item<bool>());  // the star, on the right
        QVERIFY(!area[row][48].item<bool>()); // nothing in the middle
        QVERIFY(!area[2][2].item<bool>());
        const double share = area.to(at::kFloat).mean().item<double>();
        QVERIFY2(share > 0.05 && share < 0.5, std::to_string(share).c_str());
    }

    void evalCollageAndSize()
    {
        const std::string dir = testsupport::scratchDir("eval-collage");
        RandomBundleOptions b;
        b.imageSize = b.refSize = 64;
        b.steps = 2;
        b.collage = 0.5f;
        QVERIFY(writeRandomBundle(dir + "/m.safetensors", b).ok());
        EvalOptions o;
        o.model = dir + "/m.safetensors";
        o.samples = 1;
        o.subjectCounts = {1};
        o.distractors = 2;
        auto report = [&](const std::string &name) {
            o.reportDir = dir + "/" + name;
            EvalReport r;
            const Status st = runEvaluation(o, &r);
            if (!st.ok())
                return "error: " + st.message;
            std::ifstream t(r.markdown);
            return std::string((std::istreambuf_iterator<char>(t)), std::istreambuf_iterator<char>());
        };
        std::string md = report("default");
        QVERIFY2(md.find("reference collage 0.5 (the model's default)") != std::string::npos, md.c_str());
        QVERIFY(md.find("64 px") != std::string::npos);
        o.fromTruth = 0.4;
        md = report("truth");
        QVERIFY2(md.find("reference collage") == std::string::npos, md.c_str());
        o.collage = 0.3;
        md = report("truth-asked");
        QVERIFY2(md.find("reference collage 0.3 (the references") != std::string::npos, md.c_str());
        o.fromTruth = 1.0;
        o.collage = 0.0;
        md = report("off");
        QVERIFY(md.find("reference collage") == std::string::npos);
        o.size = 32;
        md = report("small");
        QVERIFY2(md.find("32 px") != std::string::npos, md.c_str());
        o.size = 40;
        md = report("bad-size");
        QVERIFY2(md.find("error: the image size 40 must be a multiple of 16") != std::string::npos, md.c_str());
        o.size = 0;
        o.collage = 1.0;
        md = report("bad-collage");
        QVERIFY2(md.find("error: the reference collage must be below 1") != std::string::npos, md.c_str());
    }

    void plotDrawsSeriesAndText()
    {
        eval::LinePlot p;
        p.title = "identity top-1";
        p.xLabel = "subjects";
        p.series.push_back({"solid", 0xffd62728, false, {{1, 0.9}, {2, 0.5}, {4, 0.25}}});
        p.series.push_back({"dashed", 0xff1f77b4, true, {{1, 0.1}, {4, 0.1}}});
        const RgbaImage img = p.render();
        QCOMPARE(img.width, p.width);
        QCOMPARE(img.height, p.height);
        auto rgb = [&](double x, double y) {
            const size_t i = (static_cast<size_t>(std::lround(y)) * img.width + static_cast<size_t>(std::lround(x))) * 4;
            return (uint32_t{img.pixels[i]} << 16) | (uint32_t{img.pixels[i + 1]} << 8) | img.pixels[i + 2];
        };
        double x, y;
        for (const auto &[px, py] : p.series[0].points) {
            p.toPixel(px, py, &x, &y);
            QCOMPARE(rgb(x, y), 0xd62728u);
        }
        // Higher values are higher up; x spreads left to right.
        double x1, y1, x4, y4;
        p.toPixel(1, 0.9, &x1, &y1);
        p.toPixel(4, 0.25, &x4, &y4);
        QVERIFY(x1 < x4 && y1 < y4);
        // Along the dashed line, some samples are background; along the solid one, none.
        int dashedGaps = 0, solidGaps = 0;
        for (int i = 1; i < 60; ++i) {
            const double t = 1 + 3.0 * i / 60;
            p.toPixel(t, 0.1, &x, &y);
            dashedGaps += rgb(x, y) != 0x1f77b4u;
            p.toPixel(1 + 1.0 * i / 60, 0.9 - 0.4 * i / 60, &x, &y);
            solidGaps += rgb(x, y) != 0xd62728u;
        }
        QVERIFY2(dashedGaps > 10 && dashedGaps < 50, std::to_string(dashedGaps).c_str());
        QCOMPARE(solidGaps, 0);
        // The title's ink is in the top band, the legend's colours at the right.
        int ink = 0, legend = 0;
        for (int yy = 0; yy < 30; ++yy)
            for (int xx = 0; xx < img.width; ++xx)
                ink += rgb(xx, yy) == 0x202020u;
        for (int yy = 0; yy < img.height; ++yy)
            for (int xx = img.width - 220; xx < img.width; ++xx)
                legend += rgb(xx, yy) == 0xd62728u;
        QVERIFY(ink > 100);
        QVERIFY(legend > 20);
        QCOMPARE(eval::textWidth("abc", 2), 36);
    }

    // `--data DIR` evaluates a dataset folder's samples (masks as regions), `--variants` several
    // models side by side, and the report carries its plots.
    void evalReadsADatasetAndComparesVariants()
    {
        const std::string dir = testsupport::scratchDir("eval_data");
        ToysOptions to;
        to.count = 3;
        to.size = 64;
        to.refSize = 64;
        to.minSubjects = to.maxSubjects = 2;
        to.split = "test";
        ToysReport tr;
        if (!synthesizeToys(dir + "/data", to, &tr).ok())
            QSKIP("writing a dataset needs OpenCV (LibTorch-only build)");
        RandomBundleOptions b;
        b.imageSize = 64;
        b.refSize = 64;
        b.steps = 2;
        QVERIFY(writeRandomBundle(dir + "/a.safetensors", b).ok());
        b.seed = 77;
        QVERIFY(writeRandomBundle(dir + "/b.safetensors", b).ok());
        EvalOptions o;
        o.variants = {{"first", dir + "/a.safetensors"}, {"second", dir + "/b.safetensors"}};
        o.dataDir = dir + "/data";
        o.reportDir = dir + "/report";
        o.samples = 2;
        o.subjectCounts = {1, 2}; // the dataset has only 2-subject samples: 1 is left out
        o.distractors = 3;
        EvalReport r;
        int calls = 0, lastTotal = 0;
        const Status st = runEvaluation(o, &r, [&](int, int total) { ++calls, lastTotal = total; });
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(calls, 8); // 2 variants x 2 samples x regions on/off
        QCOMPARE(lastTotal, 8);
        int truthRows = 0;
        std::set<std::string> variants;
        for (const auto &row : r.rows) {
            QCOMPARE(row.subjects, 2);
            if (row.condition == "ground truth") {
                ++truthRows;
                QVERIFY2(row.identityTop1 >= 0.75, std::to_string(row.identityTop1).c_str()); // masks find the subjects
                QCOMPARE(row.images, 2);
            } else if (row.condition.rfind("generated", 0) == 0) {
                variants.insert(row.variant);
            }
        }
        QCOMPARE(truthRows, 1);
        for (const auto &row : r.rows)
            QVERIFY(row.correspondence10 < 0); // dataset samples here carry no exact dense maps
        QCOMPARE(variants, (std::set<std::string>{"first", "second"}));
        for (const char *f : {"identity.png", "leakage.png", "samples-first.png", "samples-second.png"}) {
            RgbaImage img;
            QVERIFY2(loadImage(dir + "/report/" + f, &img).ok(), f);
        }
        std::ifstream in(r.markdown);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QVERIFY(text.find("| second | 2 | generated, regions |") != std::string::npos);
        QVERIFY(text.find("![identity against subject count](identity.png)") != std::string::npos);
        // A subject count that the dataset lacks, a missing dataset, and a nameless variant are errors.
        o.subjectCounts = {3};
        Status bad = runEvaluation(o, &r);
        QVERIFY(!bad.ok() && bad.message.find("no sample has") != std::string::npos);
        o.subjectCounts = {2};
        o.dataDir = dir + "/absent";
        QVERIFY(!runEvaluation(o, &r).ok());
        o.dataDir.clear();
        o.variants = {{"", dir + "/a.safetensors"}};
        QVERIFY(!runEvaluation(o, &r).ok());
    }
};

MOSAIC_TEST_MAIN(TstEval, MT_FN(identityRetrievalIsValid) MT_FN(sceneRecognitionIsValid) MT_FN(evalWritesItsReport) MT_FN(evalAutoLayout) MT_FN(evalCollageAndSize)
                              MT_FN(plotDrawsSeriesAndText) MT_FN(evalReadsADatasetAndComparesVariants))
#include "tst_eval.moc"
