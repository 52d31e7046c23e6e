// The evaluation metrics are validated before they are trusted: on ground-truth MOSAIC-Toys targets
// they score near their best, with the subjects' regions rotated (or the scene labels shifted) near
// chance. And `mosaic eval` writes its report.
#include "testsupport.h"

#include "data/toys.h"
#include "eval/metrics.h"

#include <mosaic/eval.h>
#include <mosaic/pipeline.h>

#include <filesystem>
#include <fstream>

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
        QCOMPARE(r.rows.size(), size_t{7}); // k=1: 3 rows, k=2: 4 rows
        QCOMPARE(r.rows[0].condition, std::string("generated, regions"));
        QVERIFY(r.rows[0].layout >= 0 && r.rows[1].layout < 0);
        QVERIFY(std::abs(r.rows[0].chance - 1.0 / 4) < 1e-9);
        std::ifstream in(r.markdown);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QVERIFY(text.find("| 2 | ground truth, regions rotated |") != std::string::npos);
        // Bad requests are errors, not crashes.
        o.subjectCounts = {9};
        QVERIFY(!runEvaluation(o, &r).ok());
        o.model = dir + "/absent.safetensors";
        o.subjectCounts = {1};
        QVERIFY(!runEvaluation(o, &r).ok());
    }
};

MOSAIC_TEST_MAIN(TstEval, MT_FN(identityRetrievalIsValid) MT_FN(sceneRecognitionIsValid) MT_FN(evalWritesItsReport))
#include "tst_eval.moc"
