// MOSAIC-Toys: exact correspondences (target colour = reference colour at the mapped point), masks
// that agree with them, disjoint train and held-out identities, determinism, prompts that never name
// an identity.
#include "testsupport.h"

#include "data/toys.h"
#include "util/error.h"

#include <c10/core/InferenceMode.h>

#include <chrono>
#include <cstdio>
#include <set>

using namespace mosaic;

class TstToys : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void enoughIdentities()
    {
        QVERIFY(data::ToyIdentity::kCount >= 10000);
        std::set<std::vector<int>> tuples;
        int held = 0;
        for (int64_t id = 0; id < data::ToyIdentity::kCount; id += 7) {
            const auto t = data::ToyIdentity::fromId(id);
            QCOMPARE(t.id, id);
            tuples.insert({t.shape, t.color, t.pattern, t.patternColor, t.ears, t.eyes, t.tail, t.hat});
            held += t.heldOut();
        }
        const int sampled = static_cast<int>((data::ToyIdentity::kCount + 6) / 7);
        QCOMPARE(static_cast<int>(tuples.size()), sampled); // every id is a different identity
        const double share = static_cast<double>(held) / sampled;
        QVERIFY2(share > 0.08 && share < 0.12, std::to_string(share).c_str());
    }

    void splitsNeverOverlap()
    {
        c10::InferenceMode guard;
        ToysOptions o;
        o.size = o.refSize = 64;
        std::set<int64_t> train, test;
        for (int i = 0; i < 25; ++i) {
            o.split = "train";
            for (const auto &s : data::renderToySample(o, i).subjects) {
                QVERIFY(!s.identity.heldOut());
                train.insert(s.identity.id);
            }
            o.split = "test";
            for (const auto &s : data::renderToySample(o, i).subjects) {
                QVERIFY(s.identity.heldOut());
                test.insert(s.identity.id);
            }
        }
        for (int64_t id : test)
            QVERIFY(!train.count(id));
        QVERIFY(train.size() > 30 && test.size() > 30);
    }

    void correspondencesAreExact()
    {
        c10::InferenceMode guard;
        ToysOptions o;
        o.size = 256;
        o.refSize = 256;
        int64_t checked = 0, close = 0;
        double sumErr = 0;
        const auto t0 = std::chrono::steady_clock::now();
        const int samples = 12;
        for (int i = 0; i < samples; ++i) {
            const auto s = data::renderToySample(o, i);
            for (const auto &sub : s.subjects) {
                // Interior pixels: visible, with visible 4-neighbours (edges blend with the background).
                at::Tensor m = sub.mask.clone();
                at::Tensor inner = m.clone();
                inner.narrow(0, 1, 254).logical_and_(m.narrow(0, 0, 254)).logical_and_(m.narrow(0, 2, 254));
                inner.narrow(1, 1, 254).logical_and_(m.narrow(1, 0, 254)).logical_and_(m.narrow(1, 2, 254));
                const at::Tensor idx = inner.nonzero(); // [K, 2] (y, x)
                if (idx.size(0) == 0)
                    continue;
                const at::Tensor rc = sub.refCoords.index({idx.select(1, 0), idx.select(1, 1)}); // [K, 2]
                QVERIFY(rc.min().item<float>() >= 0.0f && rc.max().item<float>() <= 1.0f);
                const at::Tensor rx = (rc.select(1, 0) * o.refSize).floor().clamp(0, o.refSize - 1).to(at::kLong);
                const at::Tensor ry = (rc.select(1, 1) * o.refSize).floor().clamp(0, o.refSize - 1).to(at::kLong);
                const at::Tensor tgt = s.target.index({at::indexing::Slice(), idx.select(1, 0), idx.select(1, 1)});
                const at::Tensor ref = sub.reference.index({at::indexing::Slice(), ry, rx});
                const at::Tensor err = (tgt - ref).abs().amax(0); // [K], worst channel
                checked += err.numel();
                close += (err < 0.1).sum().item<int64_t>();
                sumErr += err.sum().item<double>();
            }
        }
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("MOSAIC-Toys: %lld interior pixels checked, %.2f%% within 0.1, mean error %.4f; "
                    "%.1f samples/s rendered in memory (256 px, with the checks)\n",
                    static_cast<long long>(checked), 100.0 * close / checked, sumErr / checked, samples / secs);
        QVERIFY(checked > 10000);
        // Inner borders (eyes, hats, patterns) are anti-aliased at different scales in the two
        // images, so the pixels along them differ; everywhere else the colours agree.
        QVERIFY2(static_cast<double>(close) / checked > 0.9, std::to_string(100.0 * close / checked).c_str());
        QVERIFY(sumErr / checked < 0.03);
    }

    void masksAgreeWithCorrespondences()
    {
        c10::InferenceMode guard;
        ToysOptions o;
        o.size = o.refSize = 128;
        o.minSubjects = 4;
        o.maxSubjects = 6;
        int occluded = 0;
        for (int i = 0; i < 6; ++i) {
            const auto s = data::renderToySample(o, i);
            QVERIFY(static_cast<int>(s.subjects.size()) >= 4);
            at::Tensor owners = at::zeros({128, 128}, at::kInt);
            for (const auto &sub : s.subjects) {
                const at::Tensor valid = sub.refCoords.select(2, 0) >= 0;
                QVERIFY(at::equal(valid, sub.mask));
                owners += sub.mask.to(at::kInt);
                // Box area vs visible area: occlusion hides parts of some subjects.
                const double boxArea = sub.box.w * sub.box.h * 128 * 128;
                occluded += sub.mask.sum().item<double>() < 0.5 * boxArea;
            }
            QVERIFY(owners.max().item<int>() <= 1); // a pixel belongs to one subject at most
        }
        QVERIFY(occluded > 0);
    }

    void deterministic()
    {
        c10::InferenceMode guard;
        ToysOptions o;
        o.size = o.refSize = 64;
        o.seed = 9;
        const auto a = data::renderToySample(o, 5), b = data::renderToySample(o, 5), c = data::renderToySample(o, 6);
        QVERIFY(at::equal(a.target, b.target));
        QCOMPARE(a.prompt, b.prompt);
        QCOMPARE(a.subjects.size(), b.subjects.size());
        for (size_t i = 0; i < a.subjects.size(); ++i) {
            QVERIFY(at::equal(a.subjects[i].reference, b.subjects[i].reference));
            QVERIFY(at::equal(a.subjects[i].refCoords, b.subjects[i].refCoords));
        }
        QVERIFY(!at::equal(a.target, c.target));
    }

    // The subject scale range sets the toys' sizes (and nothing else about the stream's identities);
    // ranges outside 0.03-0.35 or reversed are refused with a message.
    void subjectScaleSetsSizes()
    {
        c10::InferenceMode guard;
        ToysOptions small;
        small.size = small.refSize = 128;
        small.minSubjects = small.maxSubjects = 1;
        small.minScale = 0.08;
        small.maxScale = 0.12;
        ToysOptions large = small;
        large.minScale = 0.16;
        large.maxScale = 0.24;
        double wSmall = 0, wLarge = 0;
        for (int i = 0; i < 24; ++i) {
            const auto a = data::renderToySample(small, i), b = data::renderToySample(large, i);
            QCOMPARE(a.subjects.at(0).identity.id, b.subjects.at(0).identity.id); // same draws, other sizes
            wSmall += std::max(a.subjects[0].box.w, a.subjects[0].box.h);
            wLarge += std::max(b.subjects[0].box.w, b.subjects[0].box.h);
        }
        const double ratio = wLarge / wSmall;
        QVERIFY2(ratio > 1.85 && ratio < 2.15, std::to_string(ratio).c_str()); // twice the scale, twice the size
        // The defaults are the range the earlier releases drew from: an explicit copy renders the same.
        ToysOptions d, explicitDefault;
        explicitDefault.minScale = 0.09;
        explicitDefault.maxScale = 0.17;
        d.size = d.refSize = explicitDefault.size = explicitDefault.refSize = 64;
        QVERIFY(at::equal(data::renderToySample(d, 3).target, data::renderToySample(explicitDefault, 3).target));
        for (const auto &range : std::vector<std::pair<double, double>>{{0.2, 0.1}, {0.01, 0.1}, {0.1, 0.5}}) {
            ToysOptions bad = small;
            bad.minScale = range.first;
            bad.maxScale = range.second;
            try {
                data::renderToySample(bad, 0);
                QFAIL("an invalid scale range was accepted");
            } catch (const Error &e) {
                QVERIFY2(std::string(e.what()).find("scale") != std::string::npos, e.what());
            }
        }
    }

    // Token-aligned toys (ToysOptions::alignedShrink): each toy is its reference shrunk k times, not
    // mirrored, with the reference's square at a whole 16-px token; the target's pixels are the
    // reference's k x k means there; options that cannot align are refused.
    void alignedToysAreShrunkReferences()
    {
        c10::InferenceMode guard;
        ToysOptions o;
        o.size = 128;
        o.refSize = 64;
        o.minSubjects = 1;
        o.maxSubjects = 4;
        o.alignedShrink = 2;
        int64_t checked = 0, close = 0;
        double sumErr = 0, sumMirrored = 0;
        std::set<int> corners;
        for (int i = 0; i < 12; ++i) {
            const auto s = data::renderToySample(o, i);
            for (const auto &sub : s.subjects) {
                const at::Tensor pooled = at::avg_pool2d(sub.reference.unsqueeze(0), 2).squeeze(0); // [3, 32, 32]
                const at::Tensor idx = sub.mask.nonzero();
                if (idx.size(0) == 0)
                    continue;
                const at::Tensor rc = sub.refCoords.index({idx.select(1, 0), idx.select(1, 1)}) * o.refSize; // ref px
                // Target pixel centre x + 0.5 maps to reference position 2 (x + 0.5 - corner).
                const at::Tensor cx = idx.select(1, 1).to(at::kDouble) + 0.5 - rc.select(1, 0).to(at::kDouble) / 2;
                const at::Tensor cy = idx.select(1, 0).to(at::kDouble) + 0.5 - rc.select(1, 1).to(at::kDouble) / 2;
                QVERIFY2((cx - cx.mean()).abs().max().item<double>() < 1e-3, "one corner per toy (not mirrored, not scaled)");
                QVERIFY((cy - cy.mean()).abs().max().item<double>() < 1e-3);
                const double x0 = cx.mean().item<double>(), y0 = cy.mean().item<double>();
                QVERIFY2(std::abs(x0 / 16 - std::round(x0 / 16)) < 1e-4 && std::abs(y0 / 16 - std::round(y0 / 16)) < 1e-4,
                         (std::to_string(x0) + ", " + std::to_string(y0)).c_str());
                const long ix = std::lround(x0), iy = std::lround(y0);
                QVERIFY2(ix >= 0 && ix + 32 <= o.size && iy >= o.size / 4 && iy + 32 <= o.size,
                         (std::to_string(x0) + ", " + std::to_string(y0)).c_str());
                corners.insert(static_cast<int>(ix * 1000 + iy));
                // Interior pixels of the toy equal the reference's 2 x 2 means.
                const at::Tensor px = idx.select(1, 1) - static_cast<int64_t>(ix);
                const at::Tensor py = idx.select(1, 0) - static_cast<int64_t>(iy);
                const at::Tensor tgt = s.target.index({at::indexing::Slice(), idx.select(1, 0), idx.select(1, 1)});
                const at::Tensor ref = pooled.index({at::indexing::Slice(), py, px});
                const at::Tensor err = (tgt - ref).abs().amax(0);
                // The same against the reference mirrored: a toy drawn flipped would match this instead.
                const at::Tensor mirrored = pooled.flip({2}).index({at::indexing::Slice(), py, px});
                checked += err.numel();
                close += (err < 0.1).sum().item<int64_t>();
                sumErr += err.sum().item<double>();
                sumMirrored += (tgt - mirrored).abs().amax(0).sum().item<double>();
            }
        }
        QVERIFY(checked > 2000);
        // Edges and the patterns' hard borders are sampled differently from a 2 x 2 mean; elsewhere
        // the colours agree.
        const double share = static_cast<double>(close) / checked, mean = sumErr / checked, mirroredMean = sumMirrored / checked;
        std::printf("aligned toys: %lld pixels, %.1f%% within 0.1 of the shrunk reference, mean error %.4f (mirrored: %.4f)\n",
                    static_cast<long long>(checked), 100 * share, mean, mirroredMean);
        QVERIFY2(share > 0.8 && mean < 0.06, std::to_string(mean).c_str());
        QVERIFY(mirroredMean > 2 * mean);
        QVERIFY(corners.size() > 8); // placed all over the grid, not in one spot
        for (const auto &[refSize, k] : std::vector<std::pair<int, int>>{{64, 3}, {64, -1}, {256, 1}, {64, 8}}) {
            ToysOptions bad = o;
            bad.refSize = refSize;
            bad.alignedShrink = k;
            try {
                data::renderToySample(bad, 0);
                QFAIL("an aligned placement that cannot align was accepted");
            } catch (const Error &e) {
                QVERIFY2(std::string(e.what()).find("aligned") != std::string::npos, e.what());
            }
        }
    }

    void promptsNameSceneNotIdentity()
    {
        c10::InferenceMode guard;
        ToysOptions o;
        o.size = o.refSize = 64;
        std::set<int> scenes;
        for (int i = 0; i < 60; ++i) {
            const auto s = data::renderToySample(o, i);
            scenes.insert(s.background);
            const std::string bg = data::kBackgroundNames[s.background];
            const std::string key = bg == "night sky" ? "night sky" : bg == "room floor" ? "floor" : bg == "city street" ? "street" : bg;
            QVERIFY2(s.prompt.find(key) != std::string::npos, s.prompt.c_str());
            for (const char *word : {"red", "blue", "green", "yellow", "striped", "spotted", "checked", "hat", "ear",
                                     "eye", "tail", "pink", "purple", "orange"})
                QVERIFY2(s.prompt.find(word) == std::string::npos, s.prompt.c_str());
            for (const auto &sub : s.subjects)
                QVERIFY2(s.prompt.find(sub.identity.kind()) != std::string::npos, s.prompt.c_str());
        }
        QCOMPARE(static_cast<int>(scenes.size()), 8);
    }
};

MOSAIC_TEST_MAIN(TstToys, MT_FN(enoughIdentities) MT_FN(splitsNeverOverlap) MT_FN(correspondencesAreExact)
                              MT_FN(masksAgreeWithCorrespondences) MT_FN(deterministic) MT_FN(subjectScaleSetsSizes)
                              MT_FN(alignedToysAreShrunkReferences) MT_FN(promptsNameSceneNotIdentity))

#include "tst_toys.moc"
